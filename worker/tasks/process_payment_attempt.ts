// Authorizes and captures one payment attempt at the provider. Each call
// carries an idempotency key derived from the attempt, so a retry after a
// timeout, a crash or a lost reply replays the provider's first answer and
// never charges twice. A decline is recorded as the attempt's failure; a
// transient error is thrown for graphile-worker to retry with backoff, and
// on the last try the attempt is failed with the reason for staff to see
// (a capture that did happen still arrives by webhook, and wins).
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { PaymentProvider } from "../../payments/provider.ts";
import { asWorker } from "../database.ts";
import { callProvider, countedCall, recordAsWorker } from "./provider_call.ts";

const payload = z.object({ attempt_id: z.uuid() });

interface Attempt {
  id: string;
  status: "pending" | "authorized" | "captured" | "failed";
  amount: string;
  currency: string;
  payment_token: string;
  provider_charge_id: string | null;
}

export function makeProcessPaymentAttempt(deps: { provider: PaymentProvider }): Task {
  return async (raw, helpers) => {
    const { attempt_id: attemptId } = payload.parse(raw);
    const attempt = await helpers.withPgClient((client) =>
      asWorker(client, async (c) =>
        (await c.query<Attempt>(
          "select id, status, amount, currency, payment_token, provider_charge_id from app_public.payment_attempts where id = $1",
          [attemptId],
        )).rows[0],
      ),
    );
    if (!attempt || attempt.status === "captured" || attempt.status === "failed") return;

    await callProvider(
      helpers,
      async () => {
        let chargeId = attempt.provider_charge_id;
        if (!chargeId) {
          const authorized = await countedCall("authorize", () => deps.provider.authorize({
            token: attempt.payment_token,
            amount: Number(attempt.amount),
            currency: attempt.currency,
            idempotencyKey: `${attempt.id}:authorize`,
            reference: attempt.id,
          }));
          chargeId = authorized.chargeId;
          await recordAsWorker(helpers, "select app_private.record_authorization($1, $2)", [attempt.id, chargeId]);
        }
        const captured = await countedCall("capture", () =>
          deps.provider.capture({ chargeId, amount: Number(attempt.amount), idempotencyKey: `${attempt.id}:capture` }));
        // The card that succeeded becomes the card on file, with the brand
        // and last four the provider gave.
        await recordAsWorker(helpers, "select app_private.record_capture($1, $2, $3, $4)", [
          attempt.id, captured.chargeId, captured.capturedAt, captured.card ? JSON.stringify(captured.card) : null,
        ]);
      },
      async (code, message) => {
        helpers.logger.info(`payment attempt ${attempt.id} failed: ${code}`);
        await recordAsWorker(helpers, "select app_private.record_payment_failure($1, $2, $3)", [attempt.id, code, message]);
      },
    );
  };
}
