// Asks the provider to pay one refund out, with an idempotency key derived
// from the refund, so no retry or crash refunds twice. A refusal is
// recorded (the folio gets the money back as owed); transient errors are
// retried with backoff and, on the last try, recorded as a failure.
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { PaymentProvider } from "../../payments/provider.ts";
import { asWorker } from "../database.ts";
import { callProvider, countedCall, recordAsWorker } from "./provider_call.ts";

const payload = z.object({ refund_id: z.uuid() });

interface Refund {
  id: string;
  status: "pending" | "succeeded" | "failed";
  amount: string;
  provider_charge_id: string;
}

export function makeProcessRefund(deps: { provider: PaymentProvider }): Task {
  return async (raw, helpers) => {
    const { refund_id: refundId } = payload.parse(raw);
    const refund = await helpers.withPgClient((client) =>
      asWorker(client, async (c) =>
        (await c.query<Refund>(
          `select f.id, f.status, f.amount, a.provider_charge_id
             from app_public.refunds f join app_public.payment_attempts a on a.id = f.attempt_id
            where f.id = $1`,
          [refundId],
        )).rows[0],
      ),
    );
    if (!refund || refund.status !== "pending") return;
    await callProvider(
      helpers,
      async () => {
        const paid = await countedCall("refund", () => deps.provider.refund({
          chargeId: refund.provider_charge_id,
          amount: Number(refund.amount),
          idempotencyKey: `${refund.id}:refund`,
          reference: refund.id,
        }));
        await recordAsWorker(helpers, "select app_private.record_refund($1, $2, $3)", [refund.id, paid.refundId, paid.createdAt]);
      },
      (code, message) => recordAsWorker(helpers, "select app_private.record_refund_failure($1, $2, $3)", [refund.id, code, message]).then(() => {}),
    );
  };
}
