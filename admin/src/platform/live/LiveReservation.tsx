// Keeps a reservation's page current: its own row, guest, unit, folio and
// balance, payments, refunds, invoices and messages, at its property. A
// change elsewhere at the property does not refetch the page: only rows
// that hold one of this reservation's ids (touchesAny).
import type { ReservationDetail } from "../dataProvider.ts";
import { touchesAny, useLiveRefresh } from "./useLiveRefresh.ts";

export function LiveReservation({ record }: { record: ReservationDetail }) {
  const intents = record.paymentIntents.nodes.flatMap((intent) => (intent ? [intent.rowId] : []));
  const ids = [record.id, record.folio?.rowId, record.guest?.rowId, record.unit?.rowId, ...intents];
  useLiveRefresh(
    ["reservations", "guests", "units", "folios", "folio_balances", "payment_intents", "payment_attempts", "refunds", "invoices", "notifications"],
    [["reservations"], ["reservationHistory", record.id]],
    { propertyId: record.propertyId, relevant: touchesAny(ids) },
  );
  return null;
}
