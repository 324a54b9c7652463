// Folios of the property, newest first: all, open or closed, and only those
// with a balance (the work queue of whoever collects and refunds). A row
// opens the folio.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Chip from "@mui/material/Chip";
import FormControl from "@mui/material/FormControl";
import FormControlLabel from "@mui/material/FormControlLabel";
import InputLabel from "@mui/material/InputLabel";
import MenuItem from "@mui/material/MenuItem";
import Select from "@mui/material/Select";
import Switch from "@mui/material/Switch";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useDataProvider } from "react-admin";
import { Link, useNavigate } from "react-router-dom";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { formatDate, humanize } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { FolioListNode, FolioStatus } from "./documents.ts";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { folioPath } from "./paths.ts";

export function folioBalance(folio: Pick<FolioListNode, "balances" | "reservation">, currency: string): { amount: string; currency: string } {
  const balance = folio.balances.nodes.find((b) => b !== null && b.balance !== "0") ?? folio.balances.nodes.find((b) => b !== null);
  return balance ? { amount: balance.balance, currency: balance.currency } : { amount: "0", currency: folio.reservation?.currency ?? currency };
}

export function FoliosTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const navigate = useNavigate();
  const [status, setStatus] = useState<FolioStatus | "all">("all");
  const [unsettled, setUnsettled] = useState(true);
  const [page, setPage] = usePage();
  const propertyId = membership.propertyId;
  const query = useQuery({
    queryKey: ["backoffice", "folios", propertyId, status, unsettled, page],
    queryFn: ({ signal }) => dataProvider.folios({ propertyId, status: status === "all" ? null : status, unsettled, ...page }, { signal }),
    placeholderData: keepPreviousData,
  });
  useLiveRefresh(["folios", "folio_balances"], [["backoffice", "folios"]]);
  return (
    <>
      <SectionHeading
        title="Folios"
        subtitle="Each reservation's bill: charges less payments. Unsettled folios have a balance the guest owes (or is owed)."
        actions={
          <>
            <FormControl size="small" fullWidth={false} sx={{ width: 150 }}>
              <InputLabel id="folio-status-label">Status</InputLabel>
              <Select
                labelId="folio-status-label"
                label="Status"
                value={status}
                onChange={(e) => {
                  setStatus(e.target.value as FolioStatus | "all");
                  setPage({ ...page, page: 1 });
                }}
              >
                <MenuItem value="all">All</MenuItem>
                <MenuItem value="open">Open</MenuItem>
                <MenuItem value="closed">Closed</MenuItem>
              </Select>
            </FormControl>
            <FormControlLabel
              control={
                <Switch
                  checked={unsettled}
                  onChange={(e) => {
                    setUnsettled(e.target.checked);
                    setPage({ ...page, page: 1 });
                  }}
                />
              }
              label="Unsettled only"
            />
          </>
        }
      />
      {query.isError && <QueryError error={query.error} title="Could not load the folios" />}
      <Table size="small" aria-label="Folios" data-testid="folios">
        <TableHead>
          <TableRow>
            <TableCell>Reservation</TableCell>
            <TableCell>Guest</TableCell>
            <TableCell>Stay</TableCell>
            <TableCell>Reservation status</TableCell>
            <TableCell>Folio</TableCell>
            <TableCell align="right">Balance</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {query.data?.data.length === 0 && (
            <TableRow>
              <TableCell colSpan={6}>{unsettled ? "Every folio is settled." : "No folios yet."}</TableCell>
            </TableRow>
          )}
          {query.isPending && (
            <TableRow>
              <TableCell colSpan={6}>Loading…</TableCell>
            </TableRow>
          )}
          {query.data?.data.map((f) => {
            const balance = folioBalance(f, membership.currency);
            return (
              <TableRow
                key={f.rowId}
                hover
                sx={{ cursor: "pointer" }}
                onClick={() => navigate(folioPath(f.rowId))}
                data-folio={f.rowId}
                data-code={f.reservation?.confirmationCode ?? ""}
              >
                <TableCell>
                  <Link to={folioPath(f.rowId)} onClick={(e) => e.stopPropagation()}>
                    {f.kind === "company" ? "City ledger" : (f.reservation?.confirmationCode ?? "—")}
                  </Link>
                </TableCell>
                <TableCell>{f.kind === "company" ? (f.company?.name ?? "—") : (f.reservation?.guest?.fullName ?? "—")}</TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }}>
                  {f.reservation ? `${formatDate(f.reservation.arrival)} → ${formatDate(f.reservation.departure)}` : "—"}
                </TableCell>
                <TableCell>{f.reservation ? <ReservationStatusChip status={f.reservation.status} /> : "—"}</TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }}>
                  {f.label} <Chip size="small" variant="outlined" label={humanize(f.status)} color={f.status === "open" ? "primary" : "default"} />
                  {f.kind === "guest" && f.company && (
                    <Typography variant="caption" component="div" color="text.secondary">
                      billed to {f.company.name}
                    </Typography>
                  )}
                </TableCell>
                <MoneyCell amount={balance.amount} currency={balance.currency} strong={balance.amount !== "0"} />
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <Pager total={query.data?.total ?? 0} page={page} onChange={setPage} label="Folios" />
    </>
  );
}
