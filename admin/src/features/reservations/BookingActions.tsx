// Check in, check out, cancel and no-show: a button per action, each behind
// a confirm dialog that shows the API's answer. Check-in records the
// registration card first (the guest's identity document, front office
// only; recorded already: shown, corrected on request). Check-in shows unpaid
// prepayments and asks to confirm (acknowledgeUnpaid, else PAYMENT_DUE); a
// no-show is offered from the property's no-show time (noShowFrom). One dialog is one user
// action with one idempotency key (ActionKey): a double click, a second
// Enter or a retry after a lost connection sends the same key, so the API
// does the thing once.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import Dialog from "@mui/material/Dialog";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import FormControlLabel from "@mui/material/FormControlLabel";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import LoginIcon from "@mui/icons-material/Login";
import LogoutIcon from "@mui/icons-material/Logout";
import EventBusyIcon from "@mui/icons-material/EventBusy";
import PersonOffIcon from "@mui/icons-material/PersonOff";
import { useCallback, useState, type FormEvent, type ReactNode } from "react";
import { useCanAccess, useDataProvider, useNotify, useRefresh } from "react-admin";
import { formatDate, formatMoney, formatTimestamp, todayIn } from "../../ui/format.ts";
import { useMembershipAt } from "../../platform/useCurrentProperty.ts";
import { isReservationDetail, type KeeprDataProvider, type Reservation } from "../../platform/dataProvider.ts";
import type { BookingResult } from "../../platform/documents.ts";
import { ErrorAlert } from "../../ui/ApiErrorAlert.tsx";
import { ConfirmButtons, useKeyedAction, type KeyFor } from "../../ui/keyedAction.tsx";
import { CheckOutSettlement } from "../folio/CheckOutSettlement.tsx";
import { RegistrationCardFields, cardFormOf, checkCard, documentTypeLabels, emptyCard, fieldOfRefusal, type CardForm } from "../frontdesk/RegistrationCard.tsx";

export type BookingAction = "check_in" | "check_out" | "cancel" | "no_show";

const labels: Record<BookingAction, { button: string; title: string; confirm: string; done: string }> = {
  check_in: { button: "Check in", title: "Check in", confirm: "Check in", done: "Checked in" },
  check_out: { button: "Check out", title: "Check out", confirm: "Check out", done: "Checked out" },
  cancel: { button: "Cancel", title: "Cancel reservation", confirm: "Cancel reservation", done: "Cancelled" },
  no_show: { button: "No-show", title: "Record a no-show", confirm: "Record no-show", done: "Recorded as a no-show" },
};

const icons: Record<BookingAction, ReactNode> = {
  check_in: <LoginIcon />,
  check_out: <LogoutIcon />,
  cancel: <EventBusyIcon />,
  no_show: <PersonOffIcon />,
};

/** Whether the action applies to the reservation now; `blocked` explains why a shown button is disabled. */
export function availability(action: BookingAction, record: Reservation, today: string, timeZone?: string): { shown: boolean; blocked?: string } {
  switch (action) {
    case "check_in":
      if (record.status !== "confirmed") return { shown: false };
      if (today < record.arrival) return { shown: true, blocked: `Check-in opens on the arrival date, ${formatDate(record.arrival)}.` };
      if (today >= record.departure) return { shown: true, blocked: "This stay has already ended; record a no-show or cancel it." };
      return { shown: true };
    case "check_out":
      return { shown: record.status === "checked_in" };
    case "cancel":
      return { shown: record.status === "held" || record.status === "confirmed" };
    case "no_show":
      if (record.status !== "confirmed") return { shown: false };
      // From the property's no-show time after arrival (markNoShow refuses NO_SHOW_TOO_EARLY before it).
      if (record.noShowFrom && Date.now() < new Date(record.noShowFrom).getTime()) {
        return { shown: true, blocked: `A no-show can be recorded from ${formatTimestamp(record.noShowFrom, timeZone)}, the property's no-show time.` };
      }
      return today < record.arrival ? { shown: true, blocked: `A no-show can be recorded from the arrival date, ${formatDate(record.arrival)}.` } : { shown: true };
  }
}

interface DialogInput {
  force: boolean;
  /** Check-in: the desk saw the unpaid prepayments and checks in all the same. */
  acknowledgeUnpaid: boolean;
  reason: string;
}

export function BookingActionButton({ action, record, size = "small", variant = "outlined", initiallyOpen = false }: {
  action: BookingAction;
  record: Reservation;
  size?: "small" | "medium";
  variant?: "outlined" | "contained" | "text";
  /** Open the dialog at once (a walk-in just confirmed with "Confirm and check in"). */
  initiallyOpen?: boolean;
}) {
  const membership = useMembershipAt(record.propertyId);
  const { canAccess } = useCanAccess({ resource: "reservations", action, record });
  const [open, setOpen] = useState(initiallyOpen);
  if (!canAccess || !membership) return null;
  const today = todayIn(membership.timeZone);
  const { shown, blocked } = availability(action, record, today, membership.timeZone);
  if (!shown) return null;
  const button = (
    <Button
      size={size}
      variant={variant}
      color={action === "cancel" || action === "no_show" ? "warning" : "primary"}
      startIcon={icons[action]}
      disabled={Boolean(blocked)}
      onClick={(event) => {
        event.stopPropagation(); // inside a clickable row
        setOpen(true);
      }}
      data-action={action}
    >
      {labels[action].button}
    </Button>
  );
  return (
    <>
      {blocked ? (
        <Tooltip title={blocked}>
          <span>{button}</span>
        </Tooltip>
      ) : (
        button
      )}
      {open && <BookingActionDialog action={action} record={record} today={today} onClose={() => setOpen(false)} />}
    </>
  );
}

function BookingActionDialog({ action, record, today, onClose }: { action: BookingAction; record: Reservation; today: string; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  // Check-in: the registration card (the guest's identity document), recorded first, then the check-in.
  const canRecordCard = useCanAccess({ resource: "reservations", action: "registration_card", record }).canAccess === true;
  const existingCard = useQuery({
    queryKey: ["registrationCard", record.id],
    queryFn: ({ signal }) => dataProvider.registrationCard({ reservationId: record.id }, { signal }),
    enabled: action === "check_in" && canRecordCard,
  });
  const cardRequired = useQuery({
    queryKey: ["registrationCardRequired", record.propertyId],
    queryFn: ({ signal }) => dataProvider.registrationCardRequired({ propertyId: record.propertyId }, { signal }),
    enabled: action === "check_in" && canRecordCard,
    staleTime: 60_000,
  });
  const [card, setCard] = useState<CardForm>(() => emptyCard(record.guest?.fullName ?? ""));
  const [cardErrors, setCardErrors] = useState<Partial<Record<keyof CardForm, string>>>({});
  // Offered always; ticked (and kept so) where the property requires it and none is recorded yet.
  const [recordCard, setRecordCard] = useState(false);
  const [cardSettled, setCardSettled] = useState(false);
  if (!cardSettled && existingCard.isSuccess && cardRequired.isSuccess) {
    setCardSettled(true);
    if (existingCard.data) setCard(cardFormOf(existingCard.data)); // recorded already: corrected only if asked
    else if (cardRequired.data) setRecordCard(true);
  }
  const mustRecordCard = cardRequired.data === true && !existingCard.data;
  const withCard = action === "check_in" && canRecordCard && recordCard;
  const notify = useNotify();
  const refresh = useRefresh();
  const queryClient = useQueryClient();
  // One key for this dialog: this user action.
  const { pending, error, setError, run: runKeyed } = useKeyedAction();
  const [input, setInput] = useState<DialogInput>({ force: false, acknowledgeUnpaid: false, reason: "" });
  const unpaid = record.unpaidPrepayment && record.unpaidPrepayment !== "0" ? record.unpaidPrepayment : null;
  const guest = record.guest?.fullName ?? "the guest";
  const code = record.confirmationCode ?? "";

  async function run(keyFor: KeyFor): Promise<BookingResult> {
    const reservationId = record.id;
    switch (action) {
      case "check_in": {
        if (withCard) {
          const checked = checkCard(card, reservationId, today);
          if ("input" in checked) {
            try {
              await dataProvider.recordRegistrationCard(checked.input);
            } catch (caught) {
              const field = fieldOfRefusal(caught);
              if (field) setCardErrors({ [field]: (caught as Error).message });
              throw caught;
            }
            void queryClient.invalidateQueries({ queryKey: ["registrationCard", reservationId] });
          }
        }
        const acknowledgeUnpaid = input.acknowledgeUnpaid;
        const idempotencyKey = keyFor({ action, reservationId, force: input.force, acknowledgeUnpaid });
        return dataProvider.checkIn({ reservationId, force: input.force, acknowledgeUnpaid, idempotencyKey });
      }
      case "check_out":
        return dataProvider.checkOut({ reservationId, idempotencyKey: keyFor({ action, reservationId }) });
      case "cancel": {
        const reason = input.reason.trim() || null;
        return dataProvider.cancelReservation({ reservationId, reason, idempotencyKey: keyFor({ action, reservationId, reason }) });
      }
      case "no_show":
        return dataProvider.markNoShow({ reservationId, idempotencyKey: keyFor({ action, reservationId }) });
    }
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (withCard) {
      const checked = checkCard(card, record.id, today);
      setCardErrors("errors" in checked ? checked.errors : {});
      if ("errors" in checked) return;
    }
    // a second click or Enter while the first runs is ignored
    await runKeyed(async (keyFor) => {
      const result = await run(keyFor);
      const extra = result.penaltyAmount && result.penaltyAmount !== "0" ? ` Penalty ${formatMoney(result.penaltyAmount, result.currency)}.` : "";
      notify(`${labels[action].done}: ${result.confirmationCode ?? code}.${extra}`, { type: "success" });
      onClose();
      refresh();
      void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      void queryClient.invalidateQueries({ queryKey: ["reservationHistory", record.id] });
    });
  }

  // Check-out: once the folio is settled in the dialog, an earlier FOLIO_UNSETTLED refusal no longer applies.
  const clearUnsettled = useCallback(() => setError((shown) => (shown?.code === "FOLIO_UNSETTLED" ? null : shown)), []);
  const unit = record.unit;
  const detail = isReservationDetail(record) ? record : null;
  return (
    <Dialog open onClose={pending ? undefined : onClose} maxWidth={action === "check_in" && canRecordCard ? "md" : "sm"} fullWidth onClick={(e) => e.stopPropagation()}>
      <form onSubmit={submit} noValidate>
        <DialogTitle>
          {labels[action].title} · {code}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2}>
            <Typography>
              {action === "check_in" && <>Check in <strong>{guest}</strong>{unit ? <> to unit <strong>{unit.name}</strong></> : null}{record.roomType ? ` (${record.roomType.name})` : ""}, {record.nights} night{record.nights === 1 ? "" : "s"} until {formatDate(record.departure)}.</>}
              {action === "check_out" && <>Check out <strong>{guest}</strong>{unit ? <> from unit <strong>{unit.name}</strong></> : null}. The unit becomes dirty for housekeeping.</>}
              {action === "cancel" && <>Cancel the stay of <strong>{guest}</strong>, {formatDate(record.arrival)} to {formatDate(record.departure)}. The cancellation terms locked at booking apply and the unit is released.</>}
              {action === "no_show" && <>Record that <strong>{guest}</strong> did not arrive on {formatDate(record.arrival)}. The late-cancellation terms apply and the unit is released.</>}
            </Typography>
            {action === "check_in" && unit?.housekeepingStatus === "dirty" && (
              <Alert severity="warning">
                Unit {unit.name} is not clean yet.
                <FormControlLabel
                  sx={{ display: "block" }}
                  control={<Checkbox checked={input.force} onChange={(e) => setInput({ ...input, force: e.target.checked })} />}
                  label="Check in anyway"
                />
              </Alert>
            )}
            {action === "check_in" && (unpaid || error?.code === "PAYMENT_DUE") && (
              <Alert severity="warning" data-testid="check-in-unpaid">
                <AlertTitle>Prepayment unpaid</AlertTitle>
                {unpaid ? <><strong>{formatMoney(unpaid, record.currency)}</strong> that was due before arrival is unpaid</> : "A prepayment that was due is unpaid"}
                {record.paymentDueBy ? <> (payment due: a payment failed)</> : null}. Take the payment first, or check in knowing the folio still owes it.
                {record.cardOnFile ? ` Card on file: ${record.cardOnFile}.` : ""}
                <FormControlLabel
                  sx={{ display: "block" }}
                  control={<Checkbox checked={input.acknowledgeUnpaid} onChange={(e) => setInput({ ...input, acknowledgeUnpaid: e.target.checked })} />}
                  label="Check in unpaid"
                />
              </Alert>
            )}
            {action === "check_in" && canRecordCard && (
              <Box component="section" aria-label="Registration card" sx={{ border: 1, borderColor: "divider", borderRadius: 1, p: 1.5 }}>
                <FormControlLabel
                  control={<Checkbox checked={recordCard} disabled={mustRecordCard} onChange={(e) => setRecordCard(e.target.checked)} data-testid="record-card" />}
                  label={
                    existingCard.data
                      ? "Correct the registration card"
                      : `Record the registration card (the guest's identity document)${mustRecordCard ? ": required at this property" : ""}`
                  }
                />
                {existingCard.data && !recordCard && (
                  <Typography variant="body2" color="text.secondary">
                    Recorded: {documentTypeLabels[existingCard.data.documentType]} {existingCard.data.documentNumber}.
                  </Typography>
                )}
                {recordCard && (
                  <Box sx={{ mt: 1.5 }}>
                    <RegistrationCardFields
                      form={card}
                      onChange={(next) => {
                        setCard(next);
                        setCardErrors({}); // checked again on Check in
                      }}
                      errors={cardErrors}
                      disabled={pending}
                    />
                  </Box>
                )}
              </Box>
            )}
            {action === "check_in" && unit?.housekeepingStatus === "out_of_order" && (
              <Alert severity="error">Unit {unit.name} is out of order: move the guest to another unit first.</Alert>
            )}
            {action === "check_out" && <CheckOutSettlement record={record} onSettled={clearUnsettled} />}
            {action === "check_out" && today < record.departure && (
              <Alert severity="info">Departure is {formatDate(record.departure)}: checking out early gives the remaining nights back.</Alert>
            )}
            {action === "cancel" && detail?.cancellationPolicy.terms && <Alert severity="info">{detail.cancellationPolicy.terms}</Alert>}
            {action === "cancel" && (
              <TextField
                label="Reason (optional)"
                value={input.reason}
                onChange={(e) => setInput({ ...input, reason: e.target.value })}
                slotProps={{ htmlInput: { maxLength: 500 } }}
                fullWidth
              />
            )}
            {error && <ErrorAlert title={error.code === "FOLIO_UNSETTLED" ? "Settle the folio first" : `${labels[action].title} failed`} error={error} />}
          </Stack>
        </DialogContent>
        <ConfirmButtons
          onClose={onClose}
          pending={pending}
          // Unpaid prepayments: the desk confirms it saw them first.
          disabled={pending || (action === "check_in" && unpaid !== null && !input.acknowledgeUnpaid)}
          label={labels[action].confirm}
          icon={icons[action]}
          color={action === "cancel" || action === "no_show" ? "warning" : "primary"}
          confirm={{ "data-confirm": action }}
        />
      </form>
    </Dialog>
  );
}

/** The actions that apply to a reservation, as a row of buttons. */
export function BookingActions({ record, size, variant, openCheckIn = false }: {
  record: Reservation;
  size?: "small" | "medium";
  variant?: "outlined" | "contained" | "text";
  openCheckIn?: boolean;
}) {
  return (
    <Stack sx={{ flexWrap: "wrap" }} direction="row" spacing={1} useFlexGap>
      {(["check_in", "check_out", "no_show", "cancel"] as const).map((action) => (
        <BookingActionButton key={action} action={action} record={record} size={size} variant={variant} initiallyOpen={openCheckIn && action === "check_in"} />
      ))}
    </Stack>
  );
}
