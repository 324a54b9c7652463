// The one way a job reacts to the payment provider's answer: a decline or a
// rejected request is final (recorded as the failure, not retried); a
// transient error is thrown so graphile-worker retries with backoff, except
// on the job's last try, when it is recorded as a failure with the reason.
import type { JobHelpers } from "graphile-worker";
import { PaymentDeclined, PaymentRequestError, PaymentTransientError } from "../../payments/provider.ts";
import { asWorker } from "../database.ts";
import { paymentAttempts } from "../../core/metrics.ts";

export async function callProvider(
  helpers: JobHelpers,
  call: () => Promise<void>,
  recordFailure: (code: string, message: string) => Promise<void>,
): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (error instanceof PaymentDeclined || error instanceof PaymentRequestError) {
      await recordFailure(error.code, error.message);
      return;
    }
    if (error instanceof PaymentTransientError && helpers.job.attempts >= helpers.job.max_attempts) {
      await recordFailure("provider_unavailable", `The payment provider did not answer after ${helpers.job.attempts} tries: ${error.message}`);
      return;
    }
    throw error;
  }
}

/** Runs one SQL statement as keepr_worker in its own transaction. */
export const recordAsWorker = (helpers: JobHelpers, sql: string, params: unknown[]) =>
  helpers.withPgClient((client) => asWorker(client, (c) => c.query(sql, params)));

/**
 * One call to the payment provider, counted in keepr_payment_attempts_total
 * by kind and outcome: succeeded, declined (the card or bank said no), or
 * failed (refused request, timeout, provider down; a transient failure is
 * counted each time, then retried).
 */
export async function countedCall<T>(kind: "authorize" | "capture" | "refund", call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    paymentAttempts.inc({ kind, outcome: "succeeded" });
    return result;
  } catch (error) {
    paymentAttempts.inc({ kind, outcome: error instanceof PaymentDeclined ? "declined" : "failed" });
    throw error;
  }
}
