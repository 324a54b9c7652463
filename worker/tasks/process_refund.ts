// Asks the provider to pay one refund out, with an idempotency key derived
// from the refund, so no retry or crash refunds twice. A refusal is
// recorded (the folio gets the money back as owed); transient errors are
// retried with backoff and, on the last try, recorded as a failure.
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { PaymentDeclined, PaymentRequestError, PaymentTransientError, type PaymentProvider } from "../../payments/provider.ts";
import { asWorker } from "../database.ts";

const payload = z.object({ refund_id: z.uuid() });

interface Refund {
  id: string;
  status: "pending" | "succeeded" | "failed";
  amount: string;
  provider_charge_id: string;
}

const record = (helpers: JobHelpers, sql: string, params: unknown[]) =>
  helpers.withPgClient((client) => asWorker(client, (c) => c.query(sql, params)));

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
    try {
      const paid = await deps.provider.refund({
        chargeId: refund.provider_charge_id,
        amount: Number(refund.amount),
        idempotencyKey: `${refund.id}:refund`,
        reference: refund.id,
      });
      await record(helpers, "select app_private.record_refund($1, $2, $3)", [refund.id, paid.refundId, paid.createdAt]);
    } catch (error) {
      if (error instanceof PaymentDeclined || error instanceof PaymentRequestError) {
        await record(helpers, "select app_private.record_refund_failure($1, $2, $3)", [refund.id, error.code, error.message]);
        return;
      }
      if (error instanceof PaymentTransientError && helpers.job.attempts >= helpers.job.max_attempts) {
        await record(helpers, "select app_private.record_refund_failure($1, 'provider_unavailable', $2)", [
          refund.id,
          `The payment provider did not answer after ${helpers.job.attempts} tries: ${error.message}`,
        ]);
        return;
      }
      throw error;
    }
  };
}
