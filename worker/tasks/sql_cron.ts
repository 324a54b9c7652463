// The cron jobs whose whole work is one SQL function returning how many
// things it did: run it as keepr_worker in one transaction, log the count.
// Each is safe to run twice (the function finds nothing left to do).
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

function sqlCron(fn: string, did: (n: number) => string): Task {
  return async (_payload, helpers) => {
    const n = await helpers.withPgClient((client) =>
      asWorker(client, async (c) => (await c.query<{ n: number }>(`select ${fn}() as n`)).rows[0]!.n),
    );
    if (n > 0) helpers.logger.info(did(n));
  };
}

export const sqlCronTasks = {
  // Expired holds already count as free everywhere; this keeps the table of
  // live claims small and the history exact.
  release_expired_holds: sqlCron("app_private.release_stale_claims", (n) => `released ${n} expired hold(s)`),
  purge_idempotency_keys: sqlCron("app_private.purge_idempotency_keys", (n) => `purged ${n} idempotency key(s)`),
  // Guest accounts: sign-in links a day old, sessions ended 30 days ago.
  purge_guest_sign_ins: sqlCron("app_private.purge_guest_sign_ins", (n) => `purged ${n} guest sign-in link(s) and session(s)`),
  // Charges the card on file of payments that fell due (their own jobs charge).
  start_due_payments: sqlCron("app_private.start_due_payments", (n) => `started ${n} due payment(s)`),
  // Queues the sync of every channel feed whose next poll is due.
  poll_channel_feeds: sqlCron("app_private.schedule_channel_polls", (n) => `queued ${n} channel feed sync(s)`),
  // Today's stay-over cleaning tasks, per each property's rule.
  schedule_housekeeping: sqlCron("app_private.schedule_stayover_cleaning", (n) => `created ${n} stay-over cleaning task(s)`),
  // Night audit: closes each property's business day once it is over
  // locally (no-shows, nightly charges, anomalies).
  night_audit: sqlCron("app_private.run_night_audits", (n) => `closed ${n} business day(s)`),
  // No-shows of closed days whose no-show time came after the audit closed the day.
  record_due_no_shows: sqlCron("app_private.record_due_no_shows", (n) => `recorded ${n} no-show(s)`),
  // Guest messages due within the hour (pre-arrival ones wait outside the job queue until then).
  queue_due_notifications: sqlCron("app_private.queue_due_notifications", (n) => `queued the delivery of ${n} notification(s) now due within the hour`),
} satisfies Record<string, Task>;
