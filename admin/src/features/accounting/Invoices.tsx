// Invoices and credit notes of the property, newest first: number, guest,
// booking, amounts; open the printable document, credit an invoice, go to
// its folio.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Button from "@mui/material/Button";
import FormControl from "@mui/material/FormControl";
import InputLabel from "@mui/material/InputLabel";
import MenuItem from "@mui/material/MenuItem";
import Select from "@mui/material/Select";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useCanAccess, useDataProvider } from "react-admin";
import { Link } from "react-router-dom";
import { formatTimestamp } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { InvoiceKind, InvoiceListNode } from "./documents.ts";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { CreditNoteDialog } from "./FolioPage.tsx";
import { InvoiceViewer } from "../invoicing/InvoiceViewer.tsx";
import { folioPath } from "./paths.ts";
import { ListTable } from "../../ui/ListTable.tsx";

export function InvoicesTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership.propertyId;
  const [kind, setKind] = useState<InvoiceKind | "all">("all");
  const [page, setPage] = usePage();
  const [viewing, setViewing] = useState<InvoiceListNode | null>(null);
  const [crediting, setCrediting] = useState<InvoiceListNode | null>(null);
  const canCredit = useCanAccess({ resource: "accounting", action: "credit_note" }).canAccess;
  const query = useQuery({
    queryKey: ["backoffice", "invoices", propertyId, kind, page],
    queryFn: ({ signal }) => dataProvider.invoices({ propertyId, kind: kind === "all" ? null : kind, ...page }, { signal }),
    placeholderData: keepPreviousData,
  });
  useLiveRefresh(["invoices"], [["backoffice", "invoices"]]);
  return (
    <>
      <SectionHeading
        title="Invoices and credit notes"
        subtitle="Numbered without gaps per property and kind; issued documents never change (a credit note cancels an invoice)."
        actions={
          <FormControl size="small" fullWidth={false} sx={{ width: 180 }}>
            <InputLabel id="invoice-kind-label">Documents</InputLabel>
            <Select labelId="invoice-kind-label" label="Documents" value={kind} onChange={(e) => {
              setKind(e.target.value as InvoiceKind | "all");
              setPage({ ...page, page: 1 });
            }}>
              <MenuItem value="all">All</MenuItem>
              <MenuItem value="invoice">Invoices</MenuItem>
              <MenuItem value="credit_note">Credit notes</MenuItem>
            </Select>
          </FormControl>
        }
      />
      {query.isError && <QueryError error={query.error} title="Could not load the invoices" />}
      <ListTable
        label="Invoices"
        testId="invoices"
        columns={[{ label: "Number" }, { label: "Issued" }, { label: "Bill to" }, { label: "Booking" }, { label: "Net", align: "right" }, { label: "Tax", align: "right" }, { label: "Total", align: "right" }, {}]}
        rows={query.data?.data}
        empty="Nothing invoiced yet."
      >
        {(d) => (
          <TableRow key={d.rowId} data-document={d.documentNumber}>
            <TableCell sx={{ whiteSpace: "nowrap" }}>
              <strong>{d.documentNumber}</strong>
              <Typography variant="caption" component="div" color="text.secondary">
                {d.kind === "credit_note" ? `Credits ${d.creditedInvoice?.documentNumber ?? ""}` : d.creditNote ? `Credited by ${d.creditNote.documentNumber}` : ""}
              </Typography>
            </TableCell>
            <TableCell sx={{ whiteSpace: "nowrap" }}>
              {formatTimestamp(d.issuedAt, membership.timeZone)}
              {d.userByIssuedBy && (
                <Typography variant="caption" component="div" color="text.secondary">
                  by {d.userByIssuedBy.displayName}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {d.billTo.name ?? "—"}
              <Typography variant="caption" component="div" color="text.secondary">
                {[d.billTo.tax_id ? `Tax id ${d.billTo.tax_id}` : null, d.billTo.email].filter(Boolean).join(" · ")}
              </Typography>
            </TableCell>
            <TableCell>
              <Link to={folioPath(d.folioId)}>{d.billTo.confirmation_code ?? "Folio"}</Link>
            </TableCell>
            <MoneyCell amount={d.netAmount} currency={d.currency} />
            <MoneyCell amount={d.taxAmount} currency={d.currency} />
            <MoneyCell amount={d.totalAmount} currency={d.currency} strong />
            <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
              <Button size="small" onClick={() => setViewing(d)} data-action="view-invoice">
                View
              </Button>
              {canCredit && d.kind === "invoice" && !d.creditNote && (
                <Button size="small" color="warning" onClick={() => setCrediting(d)}>
                  Credit
                </Button>
              )}
            </TableCell>
          </TableRow>
        )}
      </ListTable>
      <Pager total={query.data?.total ?? 0} page={page} onChange={setPage} label="Documents" />
      {viewing && (
        <InvoiceViewer
          invoiceId={viewing.rowId}
          documentNumber={viewing.documentNumber}
          propertyId={propertyId}
          timeZone={membership.timeZone}
          onClose={() => setViewing(null)}
        />
      )}
      {crediting && <CreditNoteDialog folioId={crediting.folioId} invoice={crediting} onClose={() => setCrediting(null)} />}
    </>
  );
}
