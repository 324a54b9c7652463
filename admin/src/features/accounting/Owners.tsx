// Owners of the units: their statement over a period (per stay: rental
// revenue, fees, commission, owner share, what payouts included so far),
// payout runs and marking a payout paid.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import FormControl from "@mui/material/FormControl";
import InputLabel from "@mui/material/InputLabel";
import MenuItem from "@mui/material/MenuItem";
import Select from "@mui/material/Select";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableFooter from "@mui/material/TableFooter";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import PaymentsIcon from "@mui/icons-material/Payments";
import { useState } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimestamp, todayIn } from "../../ui/format.ts";
import { addDays, isIsoDate } from "../../ui/dates.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { OwnerStatementLine, PayoutNode } from "./documents.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { DateRangePicker, type DateRange } from "../../ui/DateRangePicker.tsx";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { ListTable } from "../../ui/ListTable.tsx";

const sum = (lines: OwnerStatementLine[], field: keyof Pick<OwnerStatementLine, "rentalRevenue" | "fees" | "commission" | "ownerShare" | "paidOut">) =>
  lines.reduce((total, line) => total + BigInt(line[field]), 0n).toString();

/** The calendar month of a date: its first and last day. */
export function monthOf(date: string): DateRange {
  const first = `${date.slice(0, 8)}01`;
  return { from: first, to: addDays(`${addDays(first, 32).slice(0, 8)}01`, -1) };
}

export function OwnersTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership.propertyId;
  const canPayout = useCanAccess({ resource: "accounting", action: "payouts" }).canAccess;
  const [page, setPage] = usePage(10);
  const [running, setRunning] = useState(false);
  const [paying, setPaying] = useState<PayoutNode | null>(null);
  const query = useQuery({
    queryKey: ["backoffice", "owners", propertyId, page],
    queryFn: ({ signal }) => dataProvider.ownersAndPayouts({ propertyId, ...page }, { signal }),
    placeholderData: keepPreviousData,
  });
  const owners = query.data?.owners ?? [];
  return (
    <>
      <SectionHeading
        title="Owner statements"
        subtitle="Per stay of the owner's units: rental revenue from the ledger, commission, the owner's share, and what payouts already included."
      />
      {query.isError && <QueryError error={query.error} title="Could not load the owners" />}
      {query.isSuccess && owners.length === 0 && <Alert severity="info">This property has no owners: its units' revenue stays with the property.</Alert>}
      {owners.length > 0 && <Statement membership={membership} owners={owners} />}
      <Box sx={{ mt: 3 }}>
        <SectionHeading
          title="Payouts"
          subtitle="A payout run pays each owner what their stays earned up to the period's end, less what earlier payouts included."
          actions={
            canPayout && (
              <Button variant="outlined" size="small" startIcon={<PaymentsIcon />} onClick={() => setRunning(true)} disabled={owners.length === 0}>
                Run payouts
              </Button>
            )
          }
        />
        <ListTable
          label="Payouts"
          testId="payouts"
          columns={[{ label: "Owner" }, { label: "Period end" }, { label: "Room revenue", align: "right" }, { label: "Cancellations", align: "right" }, { label: "Commission", align: "right" }, { label: "Owner share", align: "right" }, { label: "Paid" }]}
          rows={query.data?.payouts.data}
          empty="No payouts yet."
        >
          {(p) => (
            <TableRow key={p.rowId}>
              <TableCell>{p.owner?.name ?? "—"}</TableCell>
              <TableCell>{formatDate(p.periodEnd)}</TableCell>
              <MoneyCell amount={p.roomRevenue} currency={p.currency} />
              <MoneyCell amount={p.cancellationRevenue} currency={p.currency} />
              <MoneyCell amount={p.commission} currency={p.currency} />
              <MoneyCell amount={p.ownerShare} currency={p.currency} strong />
              <TableCell sx={{ whiteSpace: "nowrap" }}>
                {p.paidAt ? (
                  formatTimestamp(p.paidAt, membership.timeZone)
                ) : canPayout ? (
                  <Button size="small" onClick={() => setPaying(p)}>
                    Mark paid
                  </Button>
                ) : (
                  "Not yet"
                )}
              </TableCell>
            </TableRow>
          )}
        </ListTable>
        <Pager total={query.data?.payouts.total ?? 0} page={page} onChange={setPage} label="Payouts" />
      </Box>
      {running && <RunPayoutsDialog membership={membership} onClose={() => setRunning(false)} />}
      {paying && <MarkPaidDialog payout={paying} onClose={() => setPaying(null)} />}
    </>
  );
}

function Statement({ membership, owners }: { membership: Membership; owners: Array<{ rowId: string; name: string; commissionPercent: string }> }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const today = todayIn(membership.timeZone);
  const [ownerId, setOwnerId] = useState(owners[0]!.rowId);
  const [range, setRange] = useState<DateRange>(() => monthOf(today));
  const effectiveOwner = owners.some((o) => o.rowId === ownerId) ? ownerId : owners[0]!.rowId;
  const statement = useQuery({
    queryKey: ["backoffice", "ownerStatement", effectiveOwner, range],
    queryFn: ({ signal }) => dataProvider.ownerStatement({ ownerId: effectiveOwner, periodStart: range.from, periodEnd: range.to }, { signal }),
  });
  const lines = statement.data ?? [];
  const currency = lines[0]?.currency ?? membership.currency;
  const owner = owners.find((o) => o.rowId === effectiveOwner);
  return (
    <>
      <Box sx={{ display: "flex", gap: 2, flexWrap: "wrap", alignItems: "center", mb: 1 }}>
        <FormControl size="small" fullWidth={false} sx={{ width: 280 }}>
          <InputLabel id="owner-label">Owner</InputLabel>
          <Select labelId="owner-label" label="Owner" value={effectiveOwner} onChange={(e) => setOwnerId(e.target.value)}>
            {owners.map((o) => (
              <MenuItem key={o.rowId} value={o.rowId}>
                {o.name} ({o.commissionPercent}% commission)
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <DateRangePicker idPrefix="statement" value={range} onChange={setRange} />
      </Box>
      {statement.isError && <QueryError error={statement.error} title="Could not load the statement" />}
      <Table size="small" aria-label={`Statement of ${owner?.name ?? "the owner"}`} data-testid="owner-statement">
        <TableHead>
          <TableRow>
            <TableCell>Booking</TableCell>
            <TableCell>Unit</TableCell>
            <TableCell>Stay</TableCell>
            <TableCell align="right">Rental revenue</TableCell>
            <TableCell align="right">Fees</TableCell>
            <TableCell align="right">Commission</TableCell>
            <TableCell align="right">Owner share</TableCell>
            <TableCell align="right">Paid out</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {statement.isSuccess && lines.length === 0 && (
            <TableRow>
              <TableCell colSpan={8}>No stays of this owner's units in the period.</TableCell>
            </TableRow>
          )}
          {lines.map((line) => (
            <TableRow key={line.reservationId}>
              <TableCell>
                {line.confirmationCode ?? "—"} <ReservationStatusChip status={line.status} />
              </TableCell>
              <TableCell>{line.unitName ?? "—"}</TableCell>
              <TableCell sx={{ whiteSpace: "nowrap" }}>
                {formatDate(line.arrival)} → {formatDate(line.departure)}
              </TableCell>
              <MoneyCell amount={line.rentalRevenue} currency={line.currency} />
              <MoneyCell amount={line.fees} currency={line.currency} muted />
              <MoneyCell amount={line.commission} currency={line.currency} />
              <MoneyCell amount={line.ownerShare} currency={line.currency} strong />
              <MoneyCell amount={line.paidOut} currency={line.currency} />
            </TableRow>
          ))}
        </TableBody>
        {lines.length > 0 && (
          <TableFooter>
            <TableRow>
              <TableCell colSpan={3}>
                <strong>Total</strong>
              </TableCell>
              <MoneyCell amount={sum(lines, "rentalRevenue")} currency={currency} strong />
              <MoneyCell amount={sum(lines, "fees")} currency={currency} />
              <MoneyCell amount={sum(lines, "commission")} currency={currency} strong />
              <MoneyCell amount={sum(lines, "ownerShare")} currency={currency} strong />
              <MoneyCell amount={sum(lines, "paidOut")} currency={currency} strong />
            </TableRow>
          </TableFooter>
        )}
      </Table>
      <Typography variant="caption" color="text.secondary">
        Fees stay with the property. Still to pay: {formatMoney((BigInt(sum(lines, "ownerShare")) - BigInt(sum(lines, "paidOut"))).toString(), currency)}.
      </Typography>
    </>
  );
}

function RunPayoutsDialog({ membership, onClose }: { membership: Membership; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const today = todayIn(membership.timeZone);
  const [periodEnd, setPeriodEnd] = useState(addDays(today, -1));
  const invalid = !isIsoDate(periodEnd) ? "Choose the period's last day." : periodEnd > today ? "A payout period cannot end after today." : null;
  return (
    <ActionDialog
      title="Run owner payouts"
      confirmLabel="Run payouts"
      input={{ propertyId: membership.propertyId, periodEnd }}
      invalid={invalid}
      testId="run-payouts"
      onSubmit={async (input, idempotencyKey) => {
        const payouts = await dataProvider.runPayouts({ ...input, idempotencyKey });
        notify(payouts.length === 0 ? "Nothing to pay: every owner is paid up to that day." : `${payouts.length} payout${payouts.length === 1 ? "" : "s"} created.`, {
          type: "success",
        });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "owners"] });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "ownerStatement"] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Each owner is paid their share of the room and cancellation revenue of stays up to this day, less commission and what earlier payouts already included.
        Running it again for the same day pays nothing twice.
      </Typography>
      <TextField
        label="Period ends on"
        type="date"
        size="small"
        value={periodEnd}
        onChange={(e) => setPeriodEnd(e.target.value)}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { max: today } }}
      />
    </ActionDialog>
  );
}

function MarkPaidDialog({ payout, onClose }: { payout: PayoutNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  return (
    <ActionDialog
      title="Mark the payout paid"
      confirmLabel="Mark paid"
      input={{ payoutId: payout.rowId }}
      testId="mark-payout-paid"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.markPayoutPaid({ ...input, idempotencyKey });
        notify("Payout recorded as paid.", { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "owners"] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Records that {formatMoney(payout.ownerShare, payout.currency)} was transferred to {payout.owner?.name ?? "the owner"} (period ending{" "}
        {formatDate(payout.periodEnd)}): owner payable is debited, payouts credited.
      </Typography>
    </ActionDialog>
  );
}
