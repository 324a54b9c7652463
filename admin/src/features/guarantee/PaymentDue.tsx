// The payment guarantee in the console (issue 18): a booking whose due
// payment failed is "Payment due" until a deadline, after which Keepr
// cancels it under its rate plan's terms and releases its nights. Here: the
// chip lists and boards show, the banner of the reservation page, and the
// desk's Extend (front office) and Waive (managers) actions, each a dialog
// with a required reason and one idempotency key per user action. The
// database decides (extend_payment_deadline, waive_payment_guarantee); the
// buttons only follow the same roles (platform/access.ts).
import { useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import Dialog from "@mui/material/Dialog";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import MoreTimeIcon from "@mui/icons-material/MoreTime";
import VerifiedUserIcon from "@mui/icons-material/VerifiedUser";
import { useState, type FormEvent } from "react";
import { useCanAccess, useDataProvider, useNotify, useRefresh } from "react-admin";
import { formatMoney, formatTimestamp } from "../../ui/format.ts";
import { useMembershipAt } from "../../platform/useCurrentProperty.ts";
import type { KeeprDataProvider, Reservation, ReservationDetail } from "../../platform/dataProvider.ts";
import { ErrorAlert } from "../../ui/ApiErrorAlert.tsx";
import { ConfirmButtons, useKeyedAction } from "../../ui/keyedAction.tsx";

/** Whether a reservation is "payment due" now (a confirmed booking with a deadline). */
export const isPaymentDue = (r: Pick<Reservation, "status" | "paymentDueBy">) => r.status === "confirmed" && Boolean(r.paymentDueBy);

/** The chip beside the status: "Payment due · 6 Dec, 14:30" (in the property's time); compact: "Payment due" (the deadline in its title). */
export function PaymentDueChip({ record, compact = false }: { record: Reservation; compact?: boolean }) {
  const membership = useMembershipAt(record.propertyId);
  if (!isPaymentDue(record)) return null;
  const deadline = formatTimestamp(record.paymentDueBy, membership?.timeZone);
  return (
    <Chip
      size="small"
      color="error"
      variant="outlined"
      label={compact ? "Payment due" : `Payment due · ${deadline}`}
      title={`Payment due by ${deadline}`}
      data-testid="payment-due-chip"
      sx={{ fontWeight: 600 }}
    />
  );
}

/** The reservation page's banner: how much, until when, and what happens then; with Extend and Waive. Or that the guarantee was waived. */
export function PaymentDueBanner({ record }: { record: Reservation }) {
  const membership = useMembershipAt(record.propertyId);
  const waived = "paymentGuaranteeWaivedAt" in record ? (record as ReservationDetail) : null;
  if (waived?.paymentGuaranteeWaivedAt && (record.status === "confirmed" || record.status === "checked_in")) {
    return (
      <Alert severity="info" sx={{ mx: 2, mt: 2 }} data-testid="payment-guarantee-waived">
        Payment guarantee waived on {formatTimestamp(waived.paymentGuaranteeWaivedAt, membership?.timeZone)}
        {waived.paymentGuaranteeNote ? `: “${waived.paymentGuaranteeNote}”` : ""}. Keepr keeps the booking whatever it has paid; what is due stays on the folio.
      </Alert>
    );
  }
  if (!isPaymentDue(record)) return null;
  const unpaid = record.unpaidPrepayment && record.unpaidPrepayment !== "0" ? formatMoney(record.unpaidPrepayment, record.currency) : null;
  return (
    <Alert
      severity="warning"
      sx={{ mx: 2, mt: 2 }}
      data-testid="payment-due-banner"
      action={<GuaranteeActions record={record} />}
    >
      <AlertTitle>Payment due</AlertTitle>
      {unpaid ? <><strong>{unpaid}</strong> is unpaid: a payment that was due failed. </> : "A payment that was due failed. "}
      Unless it is paid by <strong>{formatTimestamp(record.paymentDueBy, membership?.timeZone)}</strong> ({membership?.timeZone ?? "property time"}),
      Keepr cancels the booking under its rate plan's terms and releases its nights. The guest was sent a link to pay.
      {record.cardOnFile ? ` Card on file: ${record.cardOnFile}.` : ""}
    </Alert>
  );
}

/** Extend (front office) and Waive (managers), as the caller's role allows. */
export function GuaranteeActions({ record, size = "small" }: { record: Reservation; size?: "small" | "medium" }) {
  const extend = useCanAccess({ resource: "reservations", action: "extend_deadline", record });
  const waive = useCanAccess({ resource: "reservations", action: "waive_guarantee", record });
  const [open, setOpen] = useState<null | "extend" | "waive">(null);
  if (!isPaymentDue(record)) return null;
  return (
    <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap" }} useFlexGap onClick={(e) => e.stopPropagation()}>
      {extend.canAccess && (
        <Button size={size} variant="outlined" color="inherit" startIcon={<MoreTimeIcon />} onClick={() => setOpen("extend")} data-action="extend_deadline">
          Extend
        </Button>
      )}
      {waive.canAccess && (
        <Button size={size} variant="outlined" color="inherit" startIcon={<VerifiedUserIcon />} onClick={() => setOpen("waive")} data-action="waive_guarantee">
          Waive
        </Button>
      )}
      {open && <GuaranteeDialog kind={open} record={record} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

const extensions = [12, 24, 48, 72, 168] as const;

function GuaranteeDialog({ kind, record, onClose }: { kind: "extend" | "waive"; record: Reservation; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const queryClient = useQueryClient();
  const membership = useMembershipAt(record.propertyId);
  const { pending, error, running, run } = useKeyedAction();
  const [hours, setHours] = useState<number>(24);
  const [reason, setReason] = useState("");
  const [reasonMissing, setReasonMissing] = useState(false);
  const current = record.paymentDueBy ? new Date(record.paymentDueBy) : new Date();
  // From the current deadline, or from now when it has passed already.
  const base = Math.max(current.getTime(), Date.now());
  const until = new Date(base + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const code = record.confirmationCode ?? "";
  const title = kind === "extend" ? `Extend the payment deadline · ${code}` : `Waive the payment guarantee · ${code}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (running()) return;
    const text = reason.trim();
    if (!text) {
      setReasonMissing(true);
      return;
    }
    await run(async (keyFor) => {
      const reservationId = record.id;
      if (kind === "extend") {
        const idempotencyKey = keyFor({ kind, reservationId, until, reason: text });
        await dataProvider.extendPaymentDeadline({ reservationId, until, reason: text, idempotencyKey });
        notify(`Payment deadline of ${code} moved to ${formatTimestamp(until, membership?.timeZone)}.`, { type: "success" });
      } else {
        const idempotencyKey = keyFor({ kind, reservationId, reason: text });
        await dataProvider.waivePaymentGuarantee({ reservationId, reason: text, idempotencyKey });
        notify(`Payment guarantee of ${code} waived: the booking is kept.`, { type: "success" });
      }
      onClose();
      refresh();
      void queryClient.invalidateQueries({ queryKey: ["paymentDue"] });
      void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      void queryClient.invalidateQueries({ queryKey: ["reservationHistory", record.id] });
    });
  }

  return (
    <Dialog open onClose={pending ? undefined : onClose} maxWidth="sm" fullWidth onClick={(e) => e.stopPropagation()}>
      <form onSubmit={submit} noValidate>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Typography>
              {record.guest?.fullName ?? "The guest"} · deadline now {formatTimestamp(record.paymentDueBy, membership?.timeZone)}
              {record.unpaidPrepayment && record.unpaidPrepayment !== "0" ? ` · ${formatMoney(record.unpaidPrepayment, record.currency)} unpaid` : ""}
            </Typography>
            {kind === "extend" ? (
              <TextField
                select
                label="More time"
                value={hours}
                onChange={(e) => setHours(Number(e.target.value))}
                helperText={`New deadline: ${formatTimestamp(until, membership?.timeZone)} (${membership?.timeZone ?? "property time"})`}
                fullWidth
              >
                {extensions.map((h) => (
                  <MenuItem key={h} value={h}>
                    {h < 48 ? `${h} hours` : `${h / 24} days`}
                  </MenuItem>
                ))}
              </TextField>
            ) : (
              <Alert severity="info">
                The booking is kept whatever it has paid: no deadline now or after a later failed payment. What is due stays on the folio.
              </Alert>
            )}
            <TextField
              label="Reason"
              required
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setReasonMissing(false);
              }}
              error={reasonMissing}
              helperText={reasonMissing ? "Say why (it is kept with the booking's history)." : "Kept with the booking's history."}
              slotProps={{ htmlInput: { maxLength: 500 } }}
              fullWidth
            />
            {error && <ErrorAlert title={kind === "extend" ? "The deadline was not moved" : "The guarantee was not waived"} error={error} />}
          </Stack>
        </DialogContent>
        <ConfirmButtons
          onClose={onClose}
          pending={pending}
          label={kind === "extend" ? "Extend" : "Waive guarantee"}
          icon={kind === "extend" ? <MoreTimeIcon /> : <VerifiedUserIcon />}
          confirm={{ "data-confirm": kind === "extend" ? "extend_deadline" : "waive_guarantee" }}
        />
      </form>
    </Dialog>
  );
}
