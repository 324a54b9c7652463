// The worker's metrics (core/metrics.ts): job runs and durations by task and
// outcome, the queue read at scrape (runnable, oldest age, scheduled,
// locked, failed for good), channel feeds by state, and the payment
// provider's calls by kind and outcome, with a real worker capturing real
// (simulated-provider) payments and the provider's webhooks coming back.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PaymentTransientError } from "../../payments/provider.ts";
import { createToken } from "../../payments/simulated/client.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { channelFeedCollector, jobQueueCollector, metricsText } from "../../core/metrics.ts";
import { paymentSecretsOf } from "../../payments/secrets.ts";
import { startWorker, type Worker } from "../../worker/runner.ts";
import { waitUntil } from "../helpers/wait.ts";
import { actAs, fileDatabase } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { newOutbox } from "../helpers/jobs.ts";
import { parseMetrics, promtoolCheck, sampleOf } from "../helpers/metrics.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let worker: Worker | undefined;
const db = fileDatabase({
  beforeDrop: async () => {
    await worker?.stop();
    await server?.close();
  },
});
let providerUrl: string;
let apiKey: string;
let hotel: Hotel;

// No METRICS_* setting: the registry is read in process, as a scrape (or the console's System page) reads it.
beforeAll(async () => {
  server = await startTestServer(db);
  providerUrl = `${server.url}/simulated-provider`;
  apiKey = paymentSecretsOf(loadConfig({ NODE_ENV: "test" }), db.jwtSecret).apiKey;
  hotel = await createHotel(db.ownerPool, { units: 5 });
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [hotel.ratePlanId]);
  worker = await startWorker({
    config: loadConfig({
      NODE_ENV: "test", LOG_LEVEL: "silent", OUTBOX_DIR: newOutbox(), PUBLIC_URL: server.url, PAYMENT_PROVIDER_URL: providerUrl,
      WORKER_CONCURRENCY: "2", DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-worker-")),
    }),
    ownerUrl: db.ownerUrl,
    jwtSecret: db.jwtSecret,
    logger: createLogger("silent"),
  });
});

/** A scrape that reads the queue and the feeds afresh (they are cached 5 s between scrapes). */
const scrape = async () => {
  jobQueueCollector.invalidate();
  channelFeedCollector.invalidate();
  return parseMetrics((await metricsText()).body);
};

/** Polls until check() holds on a fresh scrape. */
async function scrapeUntil(check: (m: Map<string, number>) => boolean, what: string, timeoutMs = 30_000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await scrape();
    if (check(m)) return m;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it("job runs count by task and outcome, with their duration; a job out of attempts shows as failed_permanently in the queue", async () => {
  const before = await scrape();
  const runs = (m: Map<string, number>, task: string, outcome: string) => sampleOf(m, "keepr_job_runs_total", { task, outcome }) - sampleOf(before, "keepr_job_runs_total", { task, outcome });
  // A job that works, and one whose payload is malformed (the task refuses it at the door), with one attempt only.
  await db.ownerPool.query("select graphile_worker.add_job('purge_expired_exports', '{}'::json)");
  await db.ownerPool.query("select graphile_worker.add_job('send_welcome_email', '{\"user_id\": \"not-a-uuid\"}'::json, max_attempts => 1)");
  const after = await scrapeUntil(
    (m) => runs(m, "purge_expired_exports", "success") >= 1 && runs(m, "send_welcome_email", "failure") === 1
      && sampleOf(m, "keepr_jobs_queued", { task: "send_welcome_email", state: "failed_permanently" }) === 1,
    "a success and a permanent failure",
  );
  expect(runs(after, "send_welcome_email", "success")).toBe(0);
  expect(sampleOf(after, "keepr_job_duration_seconds_count", { task: "send_welcome_email" }) - sampleOf(before, "keepr_job_duration_seconds_count", { task: "send_welcome_email" })).toBe(1);
  expect(sampleOf(after, "keepr_jobs_queued", { task: "send_welcome_email", state: "runnable" })).toBe(0);
});

it("the queue: a job due a minute ago that no worker takes is runnable and a minute old; one due tomorrow is scheduled; every task of the list is reported", async () => {
  await db.ownerPool.query("select graphile_worker.add_job('metrics_test_unknown_task', '{}'::json, run_at => now() - interval '61 seconds')");
  await db.ownerPool.query("select graphile_worker.add_job('run_export', '{}'::json, run_at => now() + interval '1 day')");
  const m = await scrapeUntil((s) => sampleOf(s, "keepr_jobs_queued", { task: "metrics_test_unknown_task", state: "runnable" }) === 1, "the unknown task's job runnable");
  expect(sampleOf(m, "keepr_job_queue_oldest_age_seconds", { task: "metrics_test_unknown_task" })).toBeGreaterThanOrEqual(61);
  expect(sampleOf(m, "keepr_jobs_queued", { task: "run_export", state: "scheduled" })).toBe(1);
  expect(sampleOf(m, "keepr_jobs_queued", { task: "run_export", state: "runnable" })).toBe(0);
  expect(m.has('keepr_job_queue_oldest_age_seconds{task="process_payment_attempt"}')).toBe(true);
  expect(m.has('keepr_jobs_queued{state="locked",task="sync_channel_feed"}')).toBe(true);
  expect(sampleOf(m, "keepr_db_pool_connections", { pool: "worker", state: "in_use" }) + sampleOf(m, "keepr_db_pool_connections", { pool: "worker", state: "idle" })).toBeGreaterThan(0);
});

it("channel feeds by state: ok, failing, stale, waiting_to_confirm, paused", async () => {
  const feed = async (name: string, columns: Record<string, unknown>) => {
    const names = Object.keys(columns);
    const { rows } = await db.ownerPool.query(
      `insert into app_public.channel_feeds (property_id, unit_id, source, name, url, next_poll_at${names.map((n) => `, ${n}`).join("")})
       values ($1, $2, 'airbnb', $3, $4, now() + interval '1 day'${names.map((_, i) => `, $${i + 5}`).join("")}) returning id`,
      [hotel.propertyId, hotel.unitIds[names.length % 5], name, `https://feeds.example.com/${name}.ics`, ...Object.values(columns)],
    );
    return rows[0].id as string;
  };
  await feed("ok", { last_success_at: new Date() });
  await feed("new", {});
  await feed("failing", { last_success_at: new Date(Date.now() - 86_400_000), last_error: "HTTP 500", consecutive_failures: 3 });
  await feed("stale", { last_success_at: new Date(Date.now() - 2 * 3_600_000), poll_interval_minutes: 15 });
  await feed("paused", { is_active: false, last_error: "HTTP 404" });
  const waiting = await feed("waiting", { last_success_at: new Date() });
  await db.ownerPool.query(
    `insert into app_private.channel_feed_pending_changes (feed_id, property_id, events, fingerprint, reason, nights_released, nights_blocked, confirm_after)
     values ($1, $2, '[]', 'f', 'The fetch would open 30 nights at once.', 30, 30, now() + interval '1 hour')`,
    [waiting, hotel.propertyId],
  );
  const expected = { ok: 2, failing: 1, stale: 1, waiting_to_confirm: 1, paused: 1 };
  const m = await scrapeUntil((s) => Object.entries(expected).every(([state, n]) => sampleOf(s, "keepr_channel_feeds", { state }) === n), "the feeds' states");
  expect(Object.fromEntries(Object.keys(expected).map((state) => [state, sampleOf(m, "keepr_channel_feeds", { state })]))).toEqual(expected);
});

async function visa(): Promise<{ id: string }> {
  for (let tries = 1; ; tries++) {
    try {
      return await createToken(providerUrl, { number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: "123" });
    } catch (error) {
      if (!(error instanceof PaymentTransientError) || tries >= 10) throw error;
    }
  }
}

async function setFailures(failures: Record<string, number>): Promise<void> {
  const response = await fetch(`${providerUrl}/v1/_failures`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ transientRate: 0, timeoutRate: 0, declineRate: 0, webhookFailureRate: 0, webhookDuplicateRate: 0, ...failures }),
  });
  expect(response.status).toBe(200);
}

/** A confirmed booking paid by card at the front desk; the payment attempt's id. */
async function paidBooking(offset: number): Promise<string> {
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    await actAs(client, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, offset);
    const booking = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
    const intent = (await client.query("select id from app_public.payment_intents where reservation_id = $1", [booking.reservation_id])).rows[0];
    const attempt = (await client.query("select id from app_public.pay($1, $2, $3)", [intent.id, (await visa()).id, newKey()])).rows[0].id as string;
    await client.query("commit");
    return attempt;
  } finally {
    client.release();
  }
}

it("payment provider calls count by kind and outcome: two captured cards, one declined; webhooks by type and result", async () => {
  await setFailures({});
  const before = await scrape();
  const moved = (m: Map<string, number>, name: string, labels: Record<string, string>) => sampleOf(m, name, labels) - sampleOf(before, name, labels);
  const attempts = [await paidBooking(20), await paidBooking(21)];
  // A call is counted when it returns; the attempt may be settled before (the provider's webhook can arrive first), or after (the job records it): wait for both.
  const settled = async (ids: string[]) =>
    (await db.ownerPool.query("select count(*)::int as n from app_public.payment_attempts where id = any($1) and status in ('captured', 'failed')", [ids])).rows[0].n === ids.length;
  let m = await scrapeUntil((s) => moved(s, "keepr_payment_attempts_total", { kind: "capture", outcome: "succeeded" }) === 2, "two captures counted");
  await waitUntil(() => settled(attempts), "two payments settled", 30_000);
  expect(moved(m, "keepr_payment_attempts_total", { kind: "authorize", outcome: "succeeded" })).toBe(2);

  await setFailures({ declineRate: 1 });
  const declined = await paidBooking(22);
  m = await scrapeUntil((s) => moved(s, "keepr_payment_attempts_total", { kind: "authorize", outcome: "declined" }) === 1, "a decline counted");
  await waitUntil(() => settled([declined]), "the declined payment settled", 30_000);
  expect(moved(m, "keepr_payment_attempts_total", { kind: "capture", outcome: "succeeded" })).toBe(2);
  expect(moved(m, "keepr_payment_attempts_total", { kind: "capture", outcome: "failed" })).toBe(0);
  expect((await db.ownerPool.query("select status from app_public.payment_attempts where id = $1", [declined])).rows[0].status).toBe("failed");
  // The jobs' own runs end after they recorded the outcome.
  await scrapeUntil((s) => moved(s, "keepr_job_runs_total", { task: "process_payment_attempt", outcome: "success" }) === 3, "three payment jobs done");
  await setFailures({});

  // The provider tells the server what happened, by webhook (applied or duplicate: the worker may have recorded it first).
  m = await scrapeUntil(
    (s) => ["applied", "duplicate"].reduce((n, result) => n + moved(s, "keepr_payment_webhook_events_total", { type: "charge.captured", result }), 0) === 2,
    "two capture webhooks",
  );
  expect(await promtoolCheck((await metricsText()).body)).toEqual({ code: 0, output: "" });
});
