// A room move or a change of dates, behind one confirm dialog: what the
// stay is, what it becomes, and what it costs. A room move alone is the
// API's moveUnit (the price is kept: an upgrade is free); new dates, with or
// without another unit of the same room type, are modifyReservation,
// re-priced at today's rates, whose new price quoteChange shows first. The
// tape chart opens it from a drag or from a bar's menu, the reservation page
// from its actions. One dialog is one user action with one idempotency key.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Dialog from "@mui/material/Dialog";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import ListSubheader from "@mui/material/ListSubheader";
import MenuItem from "@mui/material/MenuItem";
import Skeleton from "@mui/material/Skeleton";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useMemo, useState, type FormEvent } from "react";
import { useDataProvider, useNotify, useRefresh } from "react-admin";
import { formatMoney } from "../../ui/format.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { ReservationStatus } from "../../platform/documents.ts";
import type { RoomTypeNode, UnitNode } from "./documents.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { ConfirmButtons, useKeyedAction } from "../../ui/keyedAction.tsx";
import { daysBetween, formatShortDate, isIsoDate, plural } from "../../ui/dates.ts";

/** The stay as it is. */
export interface StayToMove {
  reservationId: string;
  confirmationCode: string | null;
  status: ReservationStatus;
  guestName: string;
  arrival: string;
  departure: string;
  unitId: string | null;
  roomTypeId: string;
  totalAmount: string;
  currency: string;
}

/** What the stay should become; unitId null: any free unit of its room type. */
export interface StayProposal {
  unitId: string | null;
  arrival: string;
  departure: string;
}

export interface MoveStayDialogProps {
  stay: StayToMove;
  initial: StayProposal;
  units: UnitNode[];
  roomTypes: RoomTypeNode[];
  /** What the property's data on screen says holds a unit for some of these nights (a hint; the API decides). */
  takenBy?: (unitId: string, arrival: string, departure: string) => string | null;
  onClose(): void;
  onDone?(): void;
}

type Plan =
  | { kind: "none"; reason: string }
  | { kind: "invalid"; reason: string }
  | { kind: "move"; unitId: string }
  | { kind: "modify"; unitId: string | null; note?: string };

/** Which API call the proposal is, or why it cannot be one. */
export function planChange(stay: StayToMove, proposal: StayProposal, units: UnitNode[]): Plan {
  const { arrival, departure } = proposal;
  if (!isIsoDate(arrival) || !isIsoDate(departure)) return { kind: "invalid", reason: "Pick both dates." };
  if (departure <= arrival) return { kind: "invalid", reason: "Departure must be after arrival." };
  const unitChanged = proposal.unitId !== null && proposal.unitId !== stay.unitId;
  const datesChanged = arrival !== stay.arrival || departure !== stay.departure;
  if (!unitChanged && !datesChanged) return { kind: "none", reason: "Pick another unit or other dates." };
  const target = units.find((u) => u.rowId === proposal.unitId);
  if (stay.status === "checked_in") {
    if (arrival !== stay.arrival) return { kind: "invalid", reason: "The guest is in house: only the departure can change." };
    if (unitChanged && datesChanged) return { kind: "invalid", reason: "The guest is in house: change the departure and the room in two steps." };
  }
  if (target && !target.isActive) return { kind: "invalid", reason: `Unit ${target.name} is not in service.` };
  if (!datesChanged) return { kind: "move", unitId: proposal.unitId! };
  if (unitChanged && target && target.roomTypeId !== stay.roomTypeId) {
    return { kind: "invalid", reason: "New dates and a unit of another room type: change the dates first, then move the stay." };
  }
  // A checked-in stay keeps its unit (only its claim's end moves).
  if (stay.status === "checked_in") return { kind: "modify", unitId: null };
  // A stay upgraded to another room type is re-claimed in its own room type
  // (modifyReservation keeps a unit only of the rate plan's room type).
  const current = units.find((u) => u.rowId === (proposal.unitId ?? stay.unitId));
  if (current && current.roomTypeId !== stay.roomTypeId) {
    return { kind: "modify", unitId: null, note: `The stay is upgraded to unit ${current.name}: with new dates it goes back to a unit of its booked room type. Move it again afterwards to keep the upgrade.` };
  }
  return { kind: "modify", unitId: proposal.unitId };
}

export function MoveStayDialog({ stay, initial, units, roomTypes, takenBy, onClose, onDone }: MoveStayDialogProps) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const refresh = useRefresh();
  const [proposal, setProposal] = useState<StayProposal>(initial);
  const { pending, error, running, run } = useKeyedAction();
  const plan = planChange(stay, proposal, units);
  const unitName = (id: string | null) => units.find((u) => u.rowId === id)?.name ?? "—";
  const typeName = (id: string | undefined) => roomTypes.find((t) => t.rowId === id)?.name ?? "";
  const nights = isIsoDate(proposal.arrival) && isIsoDate(proposal.departure) ? daysBetween(proposal.arrival, proposal.departure) : 0;
  const datesChanged = proposal.arrival !== stay.arrival || proposal.departure !== stay.departure;

  // The new price of new dates (confirmed stays; a guest in house is re-priced when it is made).
  const price = useQuery({
    queryKey: ["quoteChange", stay.reservationId, proposal.arrival, proposal.departure],
    queryFn: ({ signal }) => dataProvider.quoteChange({ reservationId: stay.reservationId, arrival: proposal.arrival, departure: proposal.departure }, { signal }),
    enabled: plan.kind === "modify" && stay.status === "confirmed",
    retry: false,
  });

  const grouped = useMemo(
    () => roomTypes.map((t) => ({ type: t, units: units.filter((u) => u.roomTypeId === t.rowId) })).filter((g) => g.units.length > 0),
    [roomTypes, units],
  );
  const taken = plan.kind === "move" || plan.kind === "modify"
    ? (proposal.unitId ?? stay.unitId) && takenBy?.((proposal.unitId ?? stay.unitId)!, proposal.arrival, proposal.departure)
    : null;

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (running() || (plan.kind !== "move" && plan.kind !== "modify")) return;
    const { kind, unitId } = plan;
    await run(async (keyFor) => {
      const reservationId = stay.reservationId;
      if (kind === "move") {
        const idempotencyKey = keyFor({ op: "moveUnit", reservationId, unitId });
        await dataProvider.moveUnit({ reservationId, unitId, idempotencyKey });
        notify(`Moved ${stay.guestName} to unit ${unitName(unitId)}.`, { type: "success" });
      } else {
        const change = { reservationId, arrival: proposal.arrival, departure: proposal.departure, unitId };
        const idempotencyKey = keyFor({ op: "modifyReservation", ...change });
        const result = await dataProvider.modifyReservation({ ...change, idempotencyKey });
        notify(
          `Changed ${stay.confirmationCode ?? "the stay"}: ${formatShortDate(result.arrival)} → ${formatShortDate(result.departure)}, total ${formatMoney(result.totalAmount, result.currency)}.`,
          { type: "success" },
        );
      }
      void queryClient.invalidateQueries({ queryKey: ["tapeChart"] });
      void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      void queryClient.invalidateQueries({ queryKey: ["reservationHistory", stay.reservationId] });
      refresh();
      onDone?.();
      onClose();
    });
  }

  const unitChanged = proposal.unitId !== null && proposal.unitId !== stay.unitId;
  const title = plan.kind === "move" ? "Room move" : datesChanged && unitChanged ? "Change dates and unit" : datesChanged ? "Change dates" : "Move stay";
  return (
    <Dialog open onClose={pending ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="move-stay-title" data-testid="move-stay-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <DialogTitle id="move-stay-title">
          {title} · {stay.confirmationCode ?? stay.guestName}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2}>
            <Typography>
              <strong>{stay.guestName}</strong>: unit {unitName(stay.unitId)} ({typeName(stay.roomTypeId)}), {formatShortDate(stay.arrival)} →{" "}
              {formatShortDate(stay.departure)} ({plural(daysBetween(stay.arrival, stay.departure), "night")}), total {formatMoney(stay.totalAmount, stay.currency)}.
            </Typography>
            <Stack direction={{ xs: "column", sm: "row" }} spacing={2} sx={{ pt: 1 }}>
              <TextField
                select
                label="Unit"
                value={proposal.unitId ?? "any"}
                onChange={(e) => setProposal({ ...proposal, unitId: e.target.value === "any" ? null : e.target.value })}
                sx={{ minWidth: 200 }}
              >
                <MenuItem value="any" disabled={stay.status === "checked_in"}>
                  Any free {typeName(stay.roomTypeId)}
                </MenuItem>
                {grouped.flatMap((g) => [
                  <ListSubheader key={`h-${g.type.rowId}`}>{g.type.name}</ListSubheader>,
                  ...g.units.map((u) => {
                    const busy = u.rowId !== stay.unitId ? takenBy?.(u.rowId, proposal.arrival, proposal.departure) : null;
                    return (
                      <MenuItem key={u.rowId} value={u.rowId} disabled={!u.isActive}>
                        {u.name}
                        {u.rowId === stay.unitId ? " (now)" : ""}
                        {!u.isActive ? " · not in service" : busy ? " · taken" : ""}
                        {u.housekeepingStatus === "out_of_order" ? " · out of order" : ""}
                      </MenuItem>
                    );
                  }),
                ])}
              </TextField>
              <TextField
                label="Arrival"
                type="date"
                value={proposal.arrival}
                onChange={(e) => setProposal({ ...proposal, arrival: e.target.value })}
                disabled={stay.status === "checked_in"}
                slotProps={{ inputLabel: { shrink: true } }}
              />
              <TextField
                label="Departure"
                type="date"
                value={proposal.departure}
                onChange={(e) => setProposal({ ...proposal, departure: e.target.value })}
                helperText={nights > 0 ? plural(nights, "night") : " "}
                slotProps={{ inputLabel: { shrink: true } }}
              />
            </Stack>
            <Box data-testid="move-summary">
              {plan.kind === "invalid" && <Alert severity="warning">{plan.reason}</Alert>}
              {plan.kind === "none" && <Typography color="text.secondary">{plan.reason}</Typography>}
              {plan.kind === "move" && (
                <Alert severity="info" icon={false}>
                  Move to unit <strong>{unitName(plan.unitId)}</strong>
                  {units.find((u) => u.rowId === plan.unitId)?.roomTypeId !== stay.roomTypeId ? ` (${typeName(units.find((u) => u.rowId === plan.unitId)?.roomTypeId)})` : ""}
                  {stay.status === "checked_in" ? " from today; the nights so far stay on the old unit" : " for the whole stay"}.{" "}
                  <strong data-testid="price-difference">Price unchanged</strong>: a room move keeps the price. The stay is then pinned to
                  that unit: Keepr will not move it to make room for other bookings.
                </Alert>
              )}
              {plan.kind === "modify" && (
                <PriceChange
                  stay={stay}
                  status={price.isPending && price.fetchStatus !== "idle" ? "pending" : price.isError ? "error" : price.data ? "done" : "none"}
                  newTotal={price.data?.totalAmount}
                  error={price.isError ? shownError(price.error) : null}
                  unitText={plan.unitId ? `unit ${unitName(plan.unitId)}` : stay.status === "checked_in" ? `unit ${unitName(stay.unitId)}` : `any free ${typeName(stay.roomTypeId)}`}
                  proposal={proposal}
                />
              )}
              {plan.kind === "modify" && plan.note && (
                <Alert severity="warning" sx={{ mt: 1 }}>
                  {plan.note}
                </Alert>
              )}
            </Box>
            {taken && !error && (
              <Alert severity="warning" data-testid="taken-hint">
                On the chart, unit {unitName(proposal.unitId ?? stay.unitId)} is taken for some of these nights ({taken}). The API will refuse an overlap.
              </Alert>
            )}
            {error && <ApiErrorAlert title={`${title} failed`} error={error} />}
          </Stack>
        </DialogContent>
        <ConfirmButtons
          onClose={onClose}
          pending={pending}
          disabled={pending || (plan.kind !== "move" && plan.kind !== "modify")}
          label={plan.kind === "move" ? "Move guest" : "Change stay"}
          confirm={{ "data-testid": "confirm-move" }}
        />
      </form>
    </Dialog>
  );
}

export function PriceChange({ stay, status, newTotal, error, unitText, proposal }: {
  stay: StayToMove;
  status: "pending" | "error" | "done" | "none";
  newTotal: string | undefined;
  error: ShownError | null;
  unitText: string;
  proposal: StayProposal;
}) {
  const nights = daysBetween(proposal.arrival, proposal.departure);
  const head = (
    <>
      New stay: {formatShortDate(proposal.arrival)} → {formatShortDate(proposal.departure)} ({plural(nights, "night")}), {unitText}.{" "}
    </>
  );
  if (status === "pending") return <Skeleton variant="rounded" height={56} />;
  if (status === "error" && error) {
    return (
      <Stack spacing={1}>
        <Typography>{head}</Typography>
        <ApiErrorAlert title="No price for these dates" error={error} />
      </Stack>
    );
  }
  if (status === "done" && newTotal !== undefined) {
    const difference = BigInt(newTotal) - BigInt(stay.totalAmount);
    const sign = difference > 0n ? "+" : "−";
    const abs = difference < 0n ? -difference : difference;
    return (
      <Alert severity="info" icon={false}>
        {head}
        New total <strong>{formatMoney(newTotal, stay.currency)}</strong> (was {formatMoney(stay.totalAmount, stay.currency)}):{" "}
        <strong data-testid="price-difference">{difference === 0n ? "no change in price" : `${sign}${formatMoney(abs.toString(), stay.currency)}`}</strong>
        {difference === 0n ? "." : difference > 0n ? ", charged to the folio (today's rates)." : ", credited to the folio (today's rates)."}
      </Alert>
    );
  }
  return (
    <Alert severity="info" icon={false}>
      {head}
      <span data-testid="price-difference">Re-priced at today's rates</span> when you confirm; the folio is charged or credited the difference.
    </Alert>
  );
}
