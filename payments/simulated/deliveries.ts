// Webhook delivery, outside every request: events are written to
// simulated_provider.deliveries in the transaction of their state change
// (so none is lost and none is sent for a change that rolled back), and this
// loop posts them, signed, retrying failures with exponential backoff. It
// works from the table alone, so a restarted process carries on, and claims
// rows with SKIP LOCKED plus a lease, so several processes share the work.
import type pg from "pg";
import { signWebhook, webhookSignatureHeader } from "../provider.ts";
import type { FailureConfig } from "./failures.ts";
import type { ProviderLogger } from "./logger.ts";

export interface DeliveryLoopOptions {
  pool: pg.Pool;
  secret: string;
  /** Delay before the second attempt; each later one waits twice as long. */
  retryBaseMs: number;
  maxAttempts: number;
  /** How long the receiver has to answer one attempt. */
  timeoutMs: number;
  /** How often to look for due deliveries when nothing woke the loop. */
  pollIntervalMs: number;
  failures: () => FailureConfig;
  random: () => number;
  logger: ProviderLogger;
}

export interface DeliveryLoop {
  /** Look for due deliveries now (called after a commit that created events). */
  wake(): void;
  /** Stops the loop: attempts under way are cut short and rescheduled. */
  stop(): Promise<void>;
}

interface ClaimedDelivery {
  id: string;
  url: string;
  attempts: number;
  payload: { id: string; object: string; type: string; created: string; data: unknown };
}

type AttemptOutcome = { ok: true } | { ok: false; error: string };

const batchSize = 20;

export function startDeliveryLoop(options: DeliveryLoopOptions): DeliveryLoop {
  const { pool, logger } = options;
  const stopController = new AbortController();
  // An attempt may send the event twice (duplicate injection), each bounded
  // by timeoutMs; the lease outlasts both.
  const leaseMs = options.timeoutMs * 2 + 5_000;
  let wakeSleeper: (() => void) | undefined;
  let wokenWhileBusy = false;

  async function post(url: string, body: string): Promise<AttemptOutcome> {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "SimulatedProvider-Webhooks/1.0",
          [webhookSignatureHeader]: signWebhook(body, options.secret, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.any([stopController.signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      await response.body?.cancel();
      return response.ok ? { ok: true } : { ok: false, error: `receiver answered HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const failures = options.failures();
    // Re-serialized in a fixed field order: jsonb does not keep the order it was given.
    const { id, object, type, created, data } = delivery.payload;
    const body = JSON.stringify({ id, object, type, created, data });
    const outcome: AttemptOutcome =
      options.random() < failures.webhookFailureRate ? { ok: false, error: "simulated delivery failure" } : await post(delivery.url, body);
    if (outcome.ok && options.random() < failures.webhookDuplicateRate) {
      const duplicate = await post(delivery.url, body);
      logger.debug({ eventId: id, ok: duplicate.ok }, "webhook delivered a second time (duplicate injection)");
    }
    const retryInMs = options.retryBaseMs * 2 ** (delivery.attempts - 1);
    await pool.query(
      `update simulated_provider.deliveries
          set status = case when $2 then 'delivered' when attempts >= $3 then 'failed' else 'pending' end,
              delivered_at = case when $2 then now() end,
              next_attempt_at = case when $2 then next_attempt_at else now() + $4 * interval '1 millisecond' end,
              last_error = $5
        where id = $1`,
      [delivery.id, outcome.ok, options.maxAttempts, retryInMs, outcome.ok ? null : outcome.error],
    );
    if (outcome.ok) logger.debug({ eventId: id, type, attempt: delivery.attempts }, "webhook delivered");
    else if (delivery.attempts >= options.maxAttempts) logger.warn({ eventId: id, type, attempts: delivery.attempts, error: outcome.error }, "webhook delivery gave up");
    else logger.info({ eventId: id, type, attempt: delivery.attempts, retryInMs, error: outcome.error }, "webhook delivery failed; will retry");
  }

  /** Delivers one batch of due deliveries; returns how many it claimed. */
  async function deliverDue(): Promise<number> {
    const { rows } = await pool.query<ClaimedDelivery>(
      `with due as (
         select id from simulated_provider.deliveries
          where status = 'pending' and next_attempt_at <= now()
          order by next_attempt_at, id
          limit $2
          for update skip locked
       )
       update simulated_provider.deliveries d
          set attempts = d.attempts + 1, next_attempt_at = now() + $1 * interval '1 millisecond'
         from due, simulated_provider.events e
        where d.id = due.id and e.id = d.event_id
       returning d.id, d.url, d.attempts, e.payload`,
      [leaseMs, batchSize],
    );
    await Promise.all(rows.map(attempt));
    return rows.length;
  }

  function sleep(ms: number): Promise<void> {
    if (wokenWhileBusy || stopController.signal.aborted) {
      wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });
  }

  const running = (async () => {
    while (!stopController.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await deliverDue();
      } catch (error) {
        if (!stopController.signal.aborted) logger.warn({ err: error }, "webhook delivery round failed");
      }
      // A full batch means more may be due: go on without waiting.
      if (claimed < batchSize) await sleep(options.pollIntervalMs);
    }
  })();

  return {
    wake() {
      if (wakeSleeper) wakeSleeper();
      else wokenWhileBusy = true;
    },
    async stop() {
      stopController.abort();
      wakeSleeper?.();
      await running;
    },
  };
}
