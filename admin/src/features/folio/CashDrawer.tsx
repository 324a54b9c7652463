// The cash drawer: each cashier opens a shift with a float, takes and pays
// out cash against folios during it (take payment / refund in cash), and
// closes it by counting: Keepr computes what should be there (float + cash
// in − cash out), posts the difference to cash over/short and keeps the
// count. Below, the property's shifts with their counts and differences.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TableContainer from "@mui/material/TableContainer";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import LockIcon from "@mui/icons-material/Lock";
import PointOfSaleIcon from "@mui/icons-material/PointOfSale";
import { useState } from "react";
import { Title, useCanAccess, useDataProvider, useNotify, usePermissions, useRefresh } from "react-admin";
import { Link } from "react-router-dom";
import { folioPath } from "../accounting/paths.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell, MoneyField } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import { parseMoney } from "../../ui/money.ts";
import { formatMoney, formatTimestamp } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership, StaffPermissions } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { CashShiftNode } from "./documents.ts";
import { present } from "../../platform/results.ts";

export { cashDrawerPath } from "./paths.ts";

export function CashDrawerPage() {
  const { canAccess, isPending } = useCanAccess({ resource: "cash_drawer", action: "show" });
  return (
    <Box sx={{ mt: 1 }}>
      <Title title="Cash drawer" />
      {isPending ? null : !canAccess ? (
        <Alert severity="warning">The cash drawer is for the front desk, managers, owners and accountants of the property.</Alert>
      ) : (
        <WithProperty>{(membership) => <CashDrawer key={membership.propertyId} membership={membership} />}</WithProperty>
      )}
    </Box>
  );
}

function CashDrawer({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const { permissions } = usePermissions<StaffPermissions>();
  const shifts = useQuery({
    queryKey: ["desk", "cashShifts", membership.propertyId],
    queryFn: ({ signal }) => dataProvider.cashShifts({ propertyId: membership.propertyId }, { signal }),
  });
  // Cash shifts are not in the realtime publication; a cash payment at another desk changes a folio's balance.
  useLiveRefresh(["folio_balances"], [["desk", "cashShifts"]], { propertyId: membership.propertyId, enabled: shifts.isSuccess });
  if (shifts.isPending) return <LinearProgress />;
  if (shifts.isError) return <QueryError error={shifts.error} title="Could not load the cash shifts" />;
  const mine = shifts.data.find((s) => s.closedAt === null && s.openedBy === permissions?.userId) ?? null;
  return (
    <Stack spacing={2}>
      <Card>
        <CardContent>{mine ? <OpenShift shift={mine} membership={membership} /> : <NoShift membership={membership} />}</CardContent>
      </Card>
      <Card>
        <CardContent>
          <ShiftList shifts={shifts.data} membership={membership} />
        </CardContent>
      </Card>
    </Stack>
  );
}

function NoShift({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const canOpen = useCanAccess({ resource: "cash_drawer", action: "open", record: { propertyId: membership.propertyId } }).canAccess === true;
  const [opening, setOpening] = useState(false);
  const [float, setFloat] = useState("");
  const minor = parseMoney(float, membership.currency);
  return (
    <>
      <SectionHeading
        title="Your cash shift"
        subtitle="No shift open: open one with the float in the drawer before taking or paying out cash."
        actions={
          canOpen && (
            <Button variant="contained" startIcon={<PointOfSaleIcon />} onClick={() => setOpening(true)} data-action="open-shift">
              Open shift
            </Button>
          )
        }
      />
      {opening && (
        <ActionDialog
          title="Open a cash shift"
          confirmLabel="Open shift"
          input={{ propertyId: membership.propertyId, openingFloat: minor }}
          invalid={minor === null ? "Count the float in the drawer (0 if empty)." : null}
          testId="open-shift"
          onSubmit={async (input, idempotencyKey) => {
            await dataProvider.openCashShift({ propertyId: input.propertyId, openingFloat: input.openingFloat!, idempotencyKey });
            notify(`Shift opened with a float of ${formatMoney(input.openingFloat, membership.currency)}.`, { type: "success" });
            refresh();
          }}
          onClose={() => setOpening(false)}
        >
          <Typography variant="body2">Count the cash in the drawer now: it is what the drawer should hold before any payment.</Typography>
          <MoneyField label="Opening float" value={float} onChange={setFloat} currency={membership.currency} required autoFocus />
        </ActionDialog>
      )}
    </>
  );
}

/** A shift's cash movements (oldest first), cash in and out, and what the drawer should hold. */
function shiftFigures(shift: CashShiftNode) {
  const rows = present(shift.movements.nodes).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const cashIn = rows.filter((m) => BigInt(m.amount) > 0n).reduce((sum, m) => sum + BigInt(m.amount), 0n);
  const cashOut = rows.filter((m) => BigInt(m.amount) < 0n).reduce((sum, m) => sum - BigInt(m.amount), 0n);
  return { rows, cashIn, cashOut, expected: BigInt(shift.openingFloat) + cashIn - cashOut };
}

/** Closing a shift by counting: the difference shows as it is typed; a note is required when there is one. */
function CloseShiftDialog({ shift, membership, onClose }: { shift: CashShiftNode; membership: Membership; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [counted, setCounted] = useState("");
  const [note, setNote] = useState("");
  const currency = shift.currency;
  const { cashIn, cashOut, expected } = shiftFigures(shift);
  const countedMinor = parseMoney(counted, currency);
  const difference = countedMinor === null ? null : BigInt(countedMinor) - expected;
  const { permissions } = usePermissions<StaffPermissions>();
  const whose = shift.openedBy === permissions?.userId ? "" : ` of ${shift.opener?.displayName ?? "a colleague"}`;
  return (
        <ActionDialog
          title={`Close the cash shift${whose}`}
          confirmLabel="Close shift"
          input={{ shiftId: shift.rowId, countedAmount: countedMinor, note: note.trim() || null }}
          invalid={countedMinor === null ? "Count the cash in the drawer." : difference !== 0n && !note.trim() ? "Say why the count differs (a note)." : null}
          testId="close-shift"
          onSubmit={async (input, idempotencyKey) => {
            const result = await dataProvider.closeCashShift({ shiftId: input.shiftId, countedAmount: input.countedAmount!, note: input.note, idempotencyKey });
            const diff = result.difference ?? "0";
            notify(
              diff === "0"
                ? `Shift closed: the drawer holds what it should, ${formatMoney(input.countedAmount, currency)}.`
                : `Shift closed with a difference of ${formatMoney(diff, currency)}, posted to cash over/short.`,
              { type: diff === "0" ? "success" : "warning" },
            );
            refresh();
          }}
          onClose={onClose}
        >
          <Typography variant="body2">
            Count the cash in the drawer. Expected: <strong>{formatMoney(expected.toString(), currency)}</strong> (float {formatMoney(shift.openingFloat, currency)}, in{" "}
            {formatMoney(cashIn.toString(), currency)}, out {formatMoney(cashOut.toString(), currency)}).
          </Typography>
          <MoneyField label="Counted" value={counted} onChange={setCounted} currency={currency} required autoFocus />
          {difference !== null && (
            <Alert severity={difference === 0n ? "success" : "warning"} data-testid="close-difference" data-difference={difference.toString()}>
              {difference === 0n
                ? "The count matches."
                : `${difference > 0n ? "Over" : "Short"} by ${formatMoney((difference > 0n ? difference : -difference).toString(), currency)}: posted to cash over/short when you close.`}
            </Alert>
          )}
          <TextField label="Note" value={note} onChange={(e) => setNote(e.target.value)} size="small" required={difference !== null && difference !== 0n} slotProps={{ htmlInput: { maxLength: 500 } }} />
        </ActionDialog>
  );
}

function OpenShift({ shift, membership }: { shift: CashShiftNode; membership: Membership }) {
  const canClose = useCanAccess({ resource: "cash_drawer", action: "close", record: { propertyId: membership.propertyId } }).canAccess === true;
  const [closing, setClosing] = useState(false);
  const currency = shift.currency;
  const { rows, cashIn, cashOut, expected } = shiftFigures(shift);
  return (
    <>
      <SectionHeading
        title="Your cash shift"
        subtitle={`Opened ${formatTimestamp(shift.openedAt, membership.timeZone)}`}
        actions={
          canClose && (
            <Button variant="contained" color="secondary" startIcon={<LockIcon />} onClick={() => setClosing(true)} data-action="close-shift">
              Close shift
            </Button>
          )
        }
      />
      <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: "wrap", mb: 2 }} data-testid="shift-totals" data-expected={expected.toString()}>
        <Figure label="Opening float" amount={shift.openingFloat} currency={currency} />
        <Figure label="Cash in" amount={cashIn.toString()} currency={currency} />
        <Figure label="Cash out" amount={cashOut.toString()} currency={currency} />
        <Figure label="Expected in the drawer" amount={expected.toString()} currency={currency} strong />
      </Stack>
      {rows.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No cash taken or paid out yet in this shift.
        </Typography>
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Cash movements of the shift" data-testid="cash-movements">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>What</TableCell>
                <TableCell align="right">In (+) / out (−)</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((m) => (
                <TableRow key={m.rowId} data-amount={m.amount}>
                  <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(m.createdAt, membership.timeZone)}</TableCell>
                  <TableCell>
                    <Link to={folioPath(m.folioId)}>{m.entry?.description ?? (m.kind === "refund" ? "Cash refund" : "Cash payment")}</Link>
                  </TableCell>
                  <MoneyCell amount={m.amount} currency={currency} />
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {closing && <CloseShiftDialog shift={shift} membership={membership} onClose={() => setClosing(false)} />}
    </>
  );
}

function Figure({ label, amount, currency, strong = false }: { label: string; amount: string; currency: string; strong?: boolean }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant={strong ? "h6" : "body1"} component="div">
        {formatMoney(amount, currency)}
      </Typography>
    </Box>
  );
}

function ShiftList({ shifts, membership }: { shifts: CashShiftNode[]; membership: Membership }) {
  // The back office closes a colleague's shift (left open at the end of a day).
  const canCloseAny = useCanAccess({ resource: "cash_drawer", action: "close_any", record: { propertyId: membership.propertyId } }).canAccess === true;
  const [closing, setClosing] = useState<CashShiftNode | null>(null);
  const { permissions } = usePermissions<StaffPermissions>();
  return (
    <>
      <SectionHeading title="Shifts" subtitle="Open and closed shifts at the property, newest first, with their counts." />
      {shifts.length === 0 ? (
        <Typography variant="body2">No cash shifts yet.</Typography>
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Cash shifts" data-testid="cash-shifts">
            <TableHead>
              <TableRow>
                <TableCell>Cashier</TableCell>
                <TableCell>Opened</TableCell>
                <TableCell>Closed</TableCell>
                <TableCell align="right">Float</TableCell>
                <TableCell align="right">Expected</TableCell>
                <TableCell align="right">Counted</TableCell>
                <TableCell align="right">Difference</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {shifts.map((s) => (
                <TableRow key={s.rowId} data-shift={s.rowId} data-closed={String(s.closedAt !== null)} data-difference={s.difference ?? ""}>
                  <TableCell>{s.opener?.displayName ?? "—"}</TableCell>
                  <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(s.openedAt, membership.timeZone)}</TableCell>
                  <TableCell sx={{ whiteSpace: "nowrap" }}>
                    {s.closedAt ? (
                      formatTimestamp(s.closedAt, membership.timeZone)
                    ) : (
                      <>
                        <Chip size="small" color="primary" label="Open" />
                        {canCloseAny && s.openedBy !== permissions?.userId && (
                          <Button size="small" onClick={() => setClosing(s)} data-action="close-colleague-shift" sx={{ ml: 1 }}>
                            Close
                          </Button>
                        )}
                      </>
                    )}
                  </TableCell>
                  <MoneyCell amount={s.openingFloat} currency={s.currency} />
                  <MoneyCell amount={s.expectedAmount} currency={s.currency} />
                  <MoneyCell amount={s.countedAmount} currency={s.currency} />
                  <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                    {s.difference === null ? "" : s.difference === "0" ? formatMoney("0", s.currency) : <Chip size="small" color="warning" label={formatMoney(s.difference, s.currency)} />}
                    {s.note && (
                      <Typography variant="caption" component="div" color="text.secondary">
                        {s.note}
                      </Typography>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {closing && <CloseShiftDialog shift={closing} membership={membership} onClose={() => setClosing(null)} />}
    </>
  );
}
