// The tape chart's two small forms beside the drag gestures (issue 21):
//
// - StretchPanel: a stay stretched or shortened (a bar's end dragged to
//   other nights, or "Stretch or shorten the stay…" from its menu). It asks
//   the API for the new price first (quoteChange, as the move dialog does),
//   says it, or the API's typed refusal (a night not free: SOLD_OUT, a
//   restriction: RESTRICTED, …), on the bar and in the panel, and applies the
//   change only on Apply (modifyReservation, one idempotency key per user
//   action). Its buttons move either end a night at a time: the keyboard's
//   way to stretch.
// - BookUnitDialog: the keyboard's way to "click a free night": the unit's
//   name is a button that opens it with the first free night of the window;
//   it goes on to New booking with that unit and those nights.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import ButtonGroup from "@mui/material/ButtonGroup";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useDataProvider, useNotify, useRefresh } from "react-admin";
import { formatMoney } from "../../ui/format.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { RoomTypeNode, UnitNode } from "./documents.ts";
import { ApiErrorAlert, shownError } from "../../ui/ApiErrorAlert.tsx";
import { ConfirmButtons, useKeyedAction } from "../../ui/keyedAction.tsx";
import { addDays, daysBetween, formatShortDate, isIsoDate, plural } from "../../ui/dates.ts";
import { PriceChange, planChange, type StayToMove } from "./MoveStayDialog.tsx";

export interface StretchNote {
  text: string;
  tone: "pending" | "ok" | "error";
}

export function StretchPanel({ stay, units, roomTypes, arrival, departure, canMoveArrival, onChange, onNote, onClose }: {
  stay: StayToMove;
  units: UnitNode[];
  roomTypes: RoomTypeNode[];
  arrival: string;
  departure: string;
  /** A guest in house keeps the arrival: only the departure moves. */
  canMoveArrival: boolean;
  onChange(next: { arrival: string; departure: string }): void;
  /** What the bar says meanwhile: the price or the refusal. */
  onNote(note: StretchNote | null): void;
  onClose(): void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const refresh = useRefresh();
  const { pending, error, running, run, setError } = useKeyedAction();
  const panel = useRef<HTMLDivElement>(null);
  const proposal = { unitId: stay.unitId, arrival, departure };
  const plan = planChange(stay, proposal, units);
  const changed = arrival !== stay.arrival || departure !== stay.departure;
  const price = useQuery({
    queryKey: ["quoteChange", stay.reservationId, arrival, departure],
    queryFn: ({ signal }) => dataProvider.quoteChange({ reservationId: stay.reservationId, arrival, departure }, { signal }),
    enabled: plan.kind === "modify" && stay.status === "confirmed",
    retry: false,
  });
  const unitName = units.find((u) => u.rowId === stay.unitId)?.name ?? "—";
  const typeName = roomTypes.find((t) => t.rowId === stay.roomTypeId)?.name ?? "";

  // Focus comes here when the panel opens (from a drop or from the bar's menu); Escape closes it.
  useEffect(() => {
    panel.current?.focus();
  }, []);

  // The bar shows what the panel knows: the refusal of the last Apply, else the price check.
  const refusal = error ?? (price.isError ? shownError(price.error) : null);
  const priceStatus = price.isPending && price.fetchStatus !== "idle" ? "pending" : price.isError ? "error" : price.data ? "done" : "none";
  const difference = price.data ? BigInt(price.data.totalAmount) - BigInt(stay.totalAmount) : null;
  const noteText = !changed
    ? null
    : plan.kind === "invalid"
      ? plan.reason
      : refusal
        ? `${refusal.code}: ${refusal.message}`
        : priceStatus === "pending"
          ? "Checking the price…"
          : priceStatus === "done" && difference !== null
            ? `${formatMoney(price.data!.totalAmount, stay.currency)} (${difference === 0n ? "no change" : `${difference > 0n ? "+" : "−"}${formatMoney((difference < 0n ? -difference : difference).toString(), stay.currency)}`})`
            : `${formatShortDate(arrival)} → ${formatShortDate(departure)}: re-priced on Apply`;
  const noteTone: StretchNote["tone"] = plan.kind === "invalid" || refusal ? "error" : priceStatus === "pending" ? "pending" : "ok";
  useEffect(() => {
    onNote(noteText === null ? null : { text: noteText, tone: noteTone });
  }, [noteText, noteTone]);

  const nudge = (edge: "arrival" | "departure", days: number) => {
    setError(() => null);
    const next = { arrival, departure, [edge]: addDays(edge === "arrival" ? arrival : departure, days) };
    if (next.departure <= next.arrival) return;
    onChange(next);
  };

  async function apply(event?: FormEvent) {
    event?.preventDefault();
    if (running() || plan.kind !== "modify") return;
    const change = { reservationId: stay.reservationId, arrival, departure, unitId: plan.unitId };
    await run(async (keyFor) => {
      const result = await dataProvider.modifyReservation({ ...change, idempotencyKey: keyFor({ op: "modifyReservation", ...change }) });
      notify(
        `Changed ${stay.confirmationCode ?? "the stay"}: ${formatShortDate(result.arrival)} → ${formatShortDate(result.departure)}, total ${formatMoney(result.totalAmount, result.currency)}.`,
        { type: "success" },
      );
      void queryClient.invalidateQueries({ queryKey: ["tapeChart"] });
      void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      void queryClient.invalidateQueries({ queryKey: ["reservationHistory", stay.reservationId] });
      refresh();
      onClose();
    });
  }

  const nights = isIsoDate(arrival) && isIsoDate(departure) ? daysBetween(arrival, departure) : 0;
  return (
    <Paper
      ref={panel}
      elevation={8}
      role="dialog"
      aria-modal={false}
      aria-labelledby="stretch-title"
      tabIndex={-1}
      data-testid="stretch-panel"
      onKeyDown={(event) => {
        if (event.key === "Escape" && !pending) {
          event.stopPropagation();
          onClose();
        }
      }}
      sx={{ position: "fixed", right: { xs: 8, sm: 24 }, bottom: { xs: 8, sm: 24 }, width: { xs: "calc(100vw - 16px)", sm: 460 }, maxHeight: "70vh", overflow: "auto", p: 2, zIndex: 1300, outline: "none" }}
    >
      <form onSubmit={(e) => void apply(e)} noValidate>
      <Typography id="stretch-title" variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
        Change nights · {stay.confirmationCode ?? stay.guestName}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
        {stay.guestName}: unit {unitName} ({typeName}), now {formatShortDate(stay.arrival)} → {formatShortDate(stay.departure)} ({plural(daysBetween(stay.arrival, stay.departure), "night")}).
      </Typography>
      <Stack direction="row" spacing={1} sx={{ mb: 1.5, flexWrap: "wrap", rowGap: 1 }} useFlexGap>
        {canMoveArrival && (
          <ButtonGroup size="small" aria-label="Arrival">
            <Button onClick={() => nudge("arrival", -1)} disabled={pending}>Arrive a night earlier</Button>
            <Button onClick={() => nudge("arrival", 1)} disabled={pending || nights <= 1}>later</Button>
          </ButtonGroup>
        )}
        <ButtonGroup size="small" aria-label="Departure">
          <Button onClick={() => nudge("departure", 1)} disabled={pending}>Leave a night later</Button>
          <Button onClick={() => nudge("departure", -1)} disabled={pending || nights <= 1}>earlier</Button>
        </ButtonGroup>
      </Stack>
      <Box data-testid="stretch-summary" sx={{ mb: 1 }}>
        {!changed && <Typography color="text.secondary">Move an end of the stay to see its new price.</Typography>}
        {changed && plan.kind === "invalid" && <Alert severity="warning">{plan.reason}</Alert>}
        {changed && plan.kind === "modify" && (
          <PriceChange
            stay={stay}
            status={priceStatus}
            newTotal={price.data?.totalAmount}
            error={price.isError ? shownError(price.error) : null}
            unitText={plan.unitId ? `unit ${unitName}` : `any free ${typeName}`}
            proposal={proposal}
          />
        )}
        {changed && plan.kind === "modify" && plan.note && (
          <Alert severity="warning" sx={{ mt: 1 }}>
            {plan.note}
          </Alert>
        )}
      </Box>
      {error && <ApiErrorAlert title="Change failed" error={error} />}
      <ConfirmButtons
        onClose={onClose}
        pending={pending}
        disabled={pending || !changed || plan.kind !== "modify" || price.isError}
        label="Apply"
        confirm={{ "data-testid": "apply-stretch" }}
      />
      </form>
    </Paper>
  );
}

export function BookUnitDialog({ unit, today, initialArrival, takenBy, onClose, onBook }: {
  unit: UnitNode;
  today: string;
  initialArrival: string;
  /** Who holds the unit for some of those nights, as far as the chart knows. */
  takenBy(arrival: string, departure: string): string | null;
  onClose(): void;
  onBook(arrival: string, departure: string): void;
}) {
  const [arrival, setArrival] = useState(initialArrival);
  const [departure, setDeparture] = useState(addDays(initialArrival, 1));
  const invalid =
    !isIsoDate(arrival) || !isIsoDate(departure) ? "Pick both dates."
    : arrival < today ? "Arrival cannot be in the past."
    : departure <= arrival ? "Departure must be after arrival."
    : null;
  const taken = invalid ? null : takenBy(arrival, departure);
  return (
    <Dialog open onClose={onClose} maxWidth="xs" fullWidth aria-labelledby="book-unit-title" data-testid="book-unit-dialog">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!invalid && !taken) onBook(arrival, departure);
        }}
      >
        <DialogTitle id="book-unit-title">Book unit {unit.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Stack direction="row" spacing={2}>
              <TextField
                label="Arrival"
                type="date"
                value={arrival}
                onChange={(e) => {
                  const next = e.target.value;
                  const nights = isIsoDate(arrival) && isIsoDate(departure) ? daysBetween(arrival, departure) : 1;
                  setArrival(next);
                  if (isIsoDate(next)) setDeparture(addDays(next, Math.max(1, nights)));
                }}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: today } }}
                fullWidth
              />
              <TextField
                label="Departure"
                type="date"
                value={departure}
                onChange={(e) => setDeparture(e.target.value)}
                slotProps={{ inputLabel: { shrink: true } }}
                helperText={!invalid ? plural(daysBetween(arrival, departure), "night") : " "}
                fullWidth
              />
            </Stack>
            {invalid && <Alert severity="warning">{invalid}</Alert>}
            {taken && <Alert severity="warning" data-testid="taken-hint">Unit {unit.name} is taken for some of these nights ({taken}).</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Close</Button>
          <Button type="submit" variant="contained" disabled={invalid !== null || taken !== null}>
            Continue to New booking
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
