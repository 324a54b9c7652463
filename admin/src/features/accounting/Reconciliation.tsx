// Settlement reconciliation: every difference between the provider's daily
// settlement report and the ledger (missing from the report, extra in it,
// amounts that disagree), and resolving one with a note.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import { formatTimestamp } from "../../ui/format.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { DifferenceNode, ReconciliationDifferenceKind } from "./documents.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { ListTable } from "../../ui/ListTable.tsx";

const kindLabels: Record<ReconciliationDifferenceKind, { label: string; help: string }> = {
  missing: { label: "Missing from the report", help: "Keepr recorded it; the provider's report does not have it." },
  extra: { label: "Extra in the report", help: "The provider reported it; Keepr has no record of it." },
  amount_mismatch: { label: "Amounts differ", help: "Both have it, with different amounts." },
};

export function ReconciliationTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership.propertyId;
  const canResolve = useCanAccess({ resource: "accounting", action: "resolve" }).canAccess;
  const [page, setPage] = usePage();
  const [resolving, setResolving] = useState<DifferenceNode | null>(null);
  const query = useQuery({
    queryKey: ["backoffice", "differences", propertyId, page],
    queryFn: ({ signal }) => dataProvider.differences({ propertyId, ...page }, { signal }),
    placeholderData: keepPreviousData,
  });
  const open = query.data?.data.filter((d) => !d.resolvedAt).length ?? 0;
  return (
    <>
      <SectionHeading
        title="Reconciliation differences"
        subtitle="Each night the provider's settlement report of the day is matched against the captures and refunds in the ledger; every difference is listed here."
        actions={query.isSuccess && <Chip color={open === 0 ? "success" : "warning"} label={open === 0 ? "Nothing to resolve on this page" : `${open} to resolve on this page`} />}
      />
      {query.isError && <QueryError error={query.error} title="Could not load the differences" />}
      <ListTable
        label="Reconciliation differences"
        testId="differences"
        columns={[{ label: "Found" }, { label: "Difference" }, { label: "Reference" }, { label: "Ledger", align: "right" }, { label: "Report", align: "right" }, { label: "Resolution" }]}
        rows={query.data?.data}
        empty="No differences: every settlement matched the ledger."
      >
        {(d) => (
          <TableRow key={d.rowId}>
            <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(d.createdAt, membership.timeZone)}</TableCell>
            <TableCell>
              {kindLabels[d.kind].label}
              <Typography variant="caption" component="div" color="text.secondary">
                {kindLabels[d.kind].help}
              </Typography>
            </TableCell>
            <TableCell>
              <Typography variant="body2" sx={{ fontFamily: "monospace" }}>
                {d.reference ?? "—"}
              </Typography>
              <Typography variant="caption" color="text.secondary" sx={{ fontFamily: "monospace" }}>
                {d.providerObjectId ?? ""}
              </Typography>
            </TableCell>
            <MoneyCell amount={d.ledgerAmount} currency={d.currency ?? membership.currency} />
            <MoneyCell amount={d.reportAmount} currency={d.currency ?? membership.currency} />
            <TableCell>
              {d.resolvedAt ? (
                <>
                  <Chip size="small" color="success" variant="outlined" label="Resolved" /> {d.resolutionNote}
                  <Typography variant="caption" component="div" color="text.secondary">
                    {formatTimestamp(d.resolvedAt, membership.timeZone)}
                  </Typography>
                </>
              ) : canResolve ? (
                <Button size="small" onClick={() => setResolving(d)}>
                  Resolve
                </Button>
              ) : (
                "Open"
              )}
            </TableCell>
          </TableRow>
        )}
      </ListTable>
      <Pager total={query.data?.total ?? 0} page={page} onChange={setPage} label="Differences" />
      {resolving && <ResolveDialog difference={resolving} onClose={() => setResolving(null)} />}
    </>
  );
}

function ResolveDialog({ difference, onClose }: { difference: DifferenceNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [note, setNote] = useState("");
  return (
    <ActionDialog
      title="Resolve the difference"
      confirmLabel="Resolve"
      input={{ id: difference.rowId, note: note.trim() }}
      invalid={note.trim() ? null : "Say how it was resolved."}
      testId="resolve-difference"
      onSubmit={async (input) => {
        await dataProvider.resolveDifference({ id: input.id, resolutionNote: input.note });
        notify("Difference resolved.", { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "differences"] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        {kindLabels[difference.kind].label}: {difference.reference ?? difference.providerObjectId ?? ""}. The difference stays on record with your note.
      </Typography>
      <TextField label="Resolution" value={note} onChange={(e) => setNote(e.target.value)} size="small" multiline minRows={2} autoFocus required />
    </ActionDialog>
  );
}
