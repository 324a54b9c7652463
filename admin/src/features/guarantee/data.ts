// The payment guarantee's calls, added to the data provider (dataProvider.ts
// spreads them in): the bookings with payment due, extending a deadline,
// waiving a guarantee, charging the card on file. Mutations take only an
// IdempotencyKey (idempotency.ts): one per user action.
import type { Timestamp, Uuid } from "../../platform/documents.ts";
import {
  chargeCardOnFile, extendPaymentDeadline, paymentDueReservations, waivePaymentGuarantee,
  type ChargeResult, type GuaranteeResult, type PaymentDueNode,
} from "./documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { missing, present, type RequestOptions } from "../../platform/results.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";

export type PaymentDue = PaymentDueNode & { id: Uuid };

export interface GuaranteeMethods {
  paymentDueReservations(params: { propertyId: Uuid }, options?: RequestOptions): Promise<PaymentDue[]>;
  extendPaymentDeadline(params: { reservationId: Uuid; until: Timestamp; reason: string; idempotencyKey: IdempotencyKey }): Promise<GuaranteeResult>;
  waivePaymentGuarantee(params: { reservationId: Uuid; reason: string; idempotencyKey: IdempotencyKey }): Promise<GuaranteeResult>;
  chargeCardOnFile(params: { reservationId: Uuid; amount: string; idempotencyKey: IdempotencyKey }): Promise<ChargeResult>;
}


export function createGuaranteeMethods(client: GraphQLClient): GuaranteeMethods {
  return {
    async paymentDueReservations({ propertyId }, options = {}) {
      const data = await client.request(paymentDueReservations, { propertyId }, options);
      return present(data.paymentDueReservations?.nodes).map((n) => ({ ...n, id: n.rowId }));
    },
    async extendPaymentDeadline(params) {
      const result = (await client.request(extendPaymentDeadline, params)).extendPaymentDeadline?.result;
      if (!result) throw missing("the reservation");
      return result;
    },
    async waivePaymentGuarantee(params) {
      const result = (await client.request(waivePaymentGuarantee, params)).waivePaymentGuarantee?.result;
      if (!result) throw missing("the reservation");
      return result;
    },
    async chargeCardOnFile(params) {
      const result = (await client.request(chargeCardOnFile, params)).chargeCardOnFile?.result;
      if (!result) throw missing("the payment");
      return result;
    },
  };
}
