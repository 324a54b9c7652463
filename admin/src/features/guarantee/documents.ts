// The payment guarantee and the card on file (issue 18): the bookings of a
// property whose payment is due, extending a deadline, waiving a guarantee,
// charging the card on file at the desk. Written by hand against
// server/schema.graphql, checked by tests/api/admin_guarantee_documents.test.ts.
import { operation, type Timestamp, type Uuid } from "../../platform/documents.ts";
import type { ReservationNode } from "../../platform/documents.ts";

const dueFields = `
  rowId propertyId confirmationCode status arrival departure nights adults children
  currency totalAmount channel createdAt unitPinned
  paymentDueBy unpaidPrepayment cardOnFile noShowFrom paymentGuaranteeNote
  guest { rowId fullName email phone }
  unit { rowId name housekeepingStatus }
  roomType { rowId name }`;

export type PaymentDueNode = ReservationNode & { paymentGuaranteeNote: string | null };

/** The confirmed bookings of a property whose payment is due, soonest deadline first. */
export const paymentDueReservations = operation<
  { paymentDueReservations: { nodes: Array<PaymentDueNode | null> } | null },
  { propertyId: Uuid }
>(
  "PaymentDueReservations",
  `query PaymentDueReservations($propertyId: UUID!) {
    paymentDueReservations(propertyId: $propertyId, first: 50) { nodes { ${dueFields} } }
  }`,
);

export interface GuaranteeResult {
  reservationId: Uuid;
  status: string;
  paymentDueBy: Timestamp | null;
}

export const extendPaymentDeadline = operation<
  { extendPaymentDeadline: { result: GuaranteeResult | null } | null },
  { reservationId: Uuid; until: Timestamp; reason: string; idempotencyKey: string }
>(
  "ExtendPaymentDeadline",
  `mutation ExtendPaymentDeadline($reservationId: UUID!, $until: Datetime!, $reason: String!, $idempotencyKey: String!) {
    extendPaymentDeadline(input: {reservationId: $reservationId, until: $until, reason: $reason, idempotencyKey: $idempotencyKey}) {
      result { reservationId status paymentDueBy }
    }
  }`,
);

export const waivePaymentGuarantee = operation<
  { waivePaymentGuarantee: { result: GuaranteeResult | null } | null },
  { reservationId: Uuid; reason: string; idempotencyKey: string }
>(
  "WaivePaymentGuarantee",
  `mutation WaivePaymentGuarantee($reservationId: UUID!, $reason: String!, $idempotencyKey: String!) {
    waivePaymentGuarantee(input: {reservationId: $reservationId, reason: $reason, idempotencyKey: $idempotencyKey}) {
      result { reservationId status paymentDueBy }
    }
  }`,
);

export interface ChargeResult {
  rowId: Uuid;
  status: string;
  amount: string;
  currency: string;
}

export const chargeCardOnFile = operation<
  { chargeCardOnFile: { result: ChargeResult | null } | null },
  { reservationId: Uuid; amount: string; idempotencyKey: string }
>(
  "ChargeCardOnFile",
  `mutation ChargeCardOnFile($reservationId: UUID!, $amount: BigInt!, $idempotencyKey: String!) {
    chargeCardOnFile(input: {reservationId: $reservationId, amount: $amount, idempotencyKey: $idempotencyKey}) {
      result { rowId status amount currency }
    }
  }`,
);

export const guaranteeDocuments = [paymentDueReservations, extendPaymentDeadline, waivePaymentGuarantee, chargeCardOnFile] as const;
