// Coloured chips for reservation, housekeeping and payment states.
import Chip, { type ChipProps } from "@mui/material/Chip";
import type { HoldState, HousekeepingStatus, NotificationStatus, PaymentStatus, ReservationStatus } from "../platform/documents.ts";
import { humanize } from "./format.ts";

type Colour = ChipProps["color"];

const reservationColours: Record<ReservationStatus, Colour> = {
  held: "default",
  confirmed: "primary",
  checked_in: "success",
  checked_out: "default",
  cancelled: "error",
  no_show: "warning",
};

/** How a reservation that never became a booking reads (Reservation.holdState). */
const holdLabels: Record<HoldState, string> = {
  active: "Held",
  expired: "Hold expired",
  released: "Hold released",
};

/**
 * A reservation's state; a hold that expired (an abandoned checkout, still
 * `held` in the database) or was released (`cancelled` without ever being a
 * booking) says so rather than "Held" or "Cancelled".
 */
export function ReservationStatusChip({ status, holdState }: { status: ReservationStatus; holdState?: HoldState | null }) {
  if (holdState === "expired" || holdState === "released") {
    return <Chip size="small" label={holdLabels[holdState]} variant="outlined" data-status={status} data-hold-state={holdState} />;
  }
  return <Chip size="small" label={humanize(status)} color={reservationColours[status]} variant={status === "checked_out" ? "outlined" : "filled"} data-status={status} />;
}

const housekeepingColours: Record<HousekeepingStatus, Colour> = {
  clean: "success",
  inspected: "success",
  dirty: "warning",
  out_of_order: "error",
};

export function HousekeepingChip({ status }: { status: HousekeepingStatus }) {
  return <Chip size="small" variant="outlined" label={humanize(status)} color={housekeepingColours[status]} />;
}

const paymentColours: Record<PaymentStatus | NotificationStatus, Colour> = {
  requires_payment: "warning",
  processing: "info",
  authorized: "info",
  captured: "success",
  partially_refunded: "default",
  refunded: "default",
  failed: "error",
  cancelled: "default",
  pending: "info",
  sent: "success",
  skipped: "default",
};

export function StateChip({ status }: { status: string }) {
  const colour = Object.hasOwn(paymentColours, status) ? paymentColours[status as PaymentStatus] : "default";
  return <Chip size="small" variant="outlined" label={humanize(status)} color={colour} />;
}
