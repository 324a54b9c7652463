// Payments end to end: Keepr's real server hosts the simulated provider and
// receives its webhooks; real workers (in this process, or as processes
// killed with SIGKILL again and again) capture the payments. Whatever the
// provider does (transient errors, answers lost after the charge was made),
// every payment ends captured or failed, the provider holds exactly one
// charge per attempt, and the ledger moved each captured amount once.
import type { ChildProcess } from "node:child_process";
import { PaymentTransientError, signWebhook, webhookSignatureHeader } from "../../payments/provider.ts";
import { createToken } from "../../payments/simulated/client.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { paymentSecretsOf } from "../../payments/secrets.ts";
import { startWorker, type Worker } from "../../worker/runner.ts";
import { actAs, createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { kill, spawnWorker } from "../helpers/worker-process.ts";

let db: TestDatabase;
let server: TestServer;
let providerUrl: string;
let secrets: { webhookSecret: string; apiKey: string };

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  providerUrl = `${server.url}/simulated-provider`;
  secrets = paymentSecretsOf(loadConfig({ NODE_ENV: "test" }), db.jwtSecret);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

async function setFailures(failures: Record<string, number>): Promise<void> {
  const response = await fetch(`${providerUrl}/v1/_failures`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secrets.apiKey}` },
    body: JSON.stringify({ transientRate: 0, timeoutRate: 0, declineRate: 0, webhookFailureRate: 0, webhookDuplicateRate: 0, ...failures }),
  });
  expect(response.status).toBe(200);
}

/** A card token, made the way the guest's browser makes it (retrying the provider's transient errors, as a browser would). */
async function visa(): Promise<{ id: string }> {
  for (let tries = 1; ; tries++) {
    try {
      return await createToken(providerUrl, { number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: "123" });
    } catch (error) {
      if (!(error instanceof PaymentTransientError) || tries >= 10) throw error;
    }
  }
}

/** A hotel with `units` units whose plan takes everything at booking; `count` confirmed bookings, each paid with a fresh card token. */
async function paidBookings(count: number, units: number): Promise<{ hotel: Hotel; attemptIds: string[] }> {
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    const hotel = await createHotel(client, { units });
    await client.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [hotel.ratePlanId]);
    await client.query("commit");
    const attemptIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const arrival = localDate(hotel.timeZone, 10 + Math.floor(i / units) * 2);
      await client.query("begin");
      await actAs(client, { role: "keepr_staff", userId: hotel.frontDesk });
      const booking = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      const intent = (await client.query("select id from app_public.payment_intents where reservation_id = $1", [booking.reservation_id])).rows[0];
      const token = await visa();
      attemptIds.push((await client.query("select id from app_public.pay($1, $2, $3)", [intent.id, token.id, newKey()])).rows[0].id);
      await client.query("commit");
    }
    return { hotel, attemptIds };
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Waits until every attempt is captured or failed. A capture job that failed
 * is retried on graphile-worker's backoff, exp(tries) seconds (403 s after
 * six tries, which a job killed mid-capture a few times and timed out a few
 * more reaches): the retry schedule is not what these tests check, so each
 * retry is made due as soon as it is scheduled (graphile-worker's
 * reschedule_jobs, as tests/worker/provider_outage.test.ts does). A job
 * still locked (a worker at it, or a killed one's until the heartbeat
 * unlocks it) is left as it is.
 */
async function waitUntilSettled(attemptIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const keys = attemptIds.map((id) => `payment_attempt:${id}`);
  for (;;) {
    const { rows } = await db.ownerPool.query("select count(*)::int as n from app_public.payment_attempts where id = any($1) and status in ('pending', 'authorized')", [attemptIds]);
    if (rows[0].n === 0) return;
    if (Date.now() > deadline) {
      const jobs = await db.ownerPool.query(
        "select key, attempts, max_attempts, run_at > now() as later, locked_by is not null as locked, last_error from graphile_worker.jobs where key = any($1)", [keys]);
      throw new Error(`${rows[0].n} payment attempts still in flight after ${timeoutMs} ms; their jobs: ${JSON.stringify(jobs.rows)}`);
    }
    await db.ownerPool.query(
      "select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where key = any($1) and run_at > now() and locked_at is null), run_at => now())",
      [keys],
    );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The invariants every run must keep, whatever failed on the way. */
async function expectExactlyOnce(attemptIds: string[]) {
  const q = (sql: string) => db.ownerPool.query(sql, sql.includes("$1") ? [attemptIds] : []).then((r) => r.rows);
  // One charge per attempt at the provider, and one per authorize key.
  expect(await q("select reference, count(*)::int from simulated_provider.charges where reference = any($1::uuid[]::text[]) group by 1 having count(*) > 1")).toEqual([]);
  // Keepr and the provider agree on which attempts were captured and for how much.
  expect(await q(
    `select a.id, a.status, c.status as provider_status
       from app_public.payment_attempts a
       left join simulated_provider.charges c on c.reference = a.id::text
      where a.id = any($1) and (a.status = 'captured') is distinct from (c.status = 'captured')`,
  )).toEqual([]);
  // Each captured attempt moved its money once in the ledger.
  expect(await q(
    `select a.id from app_public.payment_attempts a
      where a.id = any($1) and a.status = 'captured'
        and (select count(*) from app_public.journal_entries e where e.cause_type = 'payment' and e.cause_id = a.id) <> 1`,
  )).toEqual([]);
  expect(await q("select * from app_public.trial_balance where difference <> 0")).toEqual([]);
  const outcome = await q("select status::text, count(*)::int as n, array_agg(distinct failure_code) filter (where failure_code is not null) as codes from app_public.payment_attempts where id = any($1) group by 1 order by 1");
  return Object.fromEntries(outcome.map((r) => [r.status, { n: r.n, codes: r.codes }]));
}

describe("with the provider failing 5% of calls transiently", () => {
  // (Its settlement report is reconciled at the end: no difference.)
  let worker: Worker;
  afterAll(async () => {
    await worker?.stop();
    await setFailures({});
  });

  it("≥ 99.5% of payments end captured; the rest are failed with a reason; nothing is charged twice", async () => {
    await setFailures({ transientRate: 0.05 });
    const { attemptIds } = await paidBookings(200, 20);
    const config = loadConfig({
      NODE_ENV: "test", LOG_LEVEL: "silent", PAYMENT_PROVIDER_URL: providerUrl, PAYMENT_PROVIDER_TIMEOUT_MS: "2000", WORKER_CONCURRENCY: "4",
    });
    worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger: createLogger("silent") });
    const started = Date.now();
    // A deadline for a loaded machine (it settles in about 40 s on a quiet one).
    await waitUntilSettled(attemptIds, 300_000);
    const outcome = await expectExactlyOnce(attemptIds);
    const captured = outcome.captured?.n ?? 0;
    console.log(`5% transient failures: ${captured}/${attemptIds.length} captured in ${Date.now() - started} ms`, outcome);
    expect(captured / attemptIds.length).toBeGreaterThanOrEqual(0.995);
    expect(captured + (outcome.failed?.n ?? 0)).toBe(attemptIds.length);
    for (const code of outcome.failed?.codes ?? []) expect(code).toEqual(expect.any(String));
    // The provider's settlement report of today matches the ledger line for line.
    const today = new Date().toISOString().slice(0, 10);
    await db.ownerPool.query("select graphile_worker.add_job('reconcile_settlement', json_build_object('date', $1::text))", [today]);
    let report: { line_count: number; difference_count: number } | undefined;
    for (let waited = 0; !report && waited < 60_000; waited += 250) {
      report = (await db.ownerPool.query("select line_count, difference_count from app_public.settlement_reports where report_date = $1", [today])).rows[0];
      if (!report) await new Promise((r) => setTimeout(r, 250));
    }
    const jobError = (await db.ownerPool.query("select last_error from graphile_worker.jobs where task_identifier = 'reconcile_settlement'")).rows[0]?.last_error;
    expect([report, jobError]).toEqual([{ line_count: expect.any(Number), difference_count: 0 }, undefined]);
    expect(report!.line_count).toBeGreaterThanOrEqual(captured);
    // No job is left behind in the queue.
    const left = await db.ownerPool.query("select count(*)::int as n from app_public.payment_attempts a join graphile_worker.jobs j on j.key = 'payment_attempt:' || a.id where a.id = any($1)", [attemptIds]);
    expect(left.rows[0].n).toBe(0);
  }, 200_000);
});

describe("a worker killed again and again in the middle of captures, the provider losing answers", () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await setFailures({});
  });

  const startWorkerProcess = () => {
    const child = spawnWorker(db, { PAYMENT_PROVIDER_URL: providerUrl, PAYMENT_PROVIDER_TIMEOUT_MS: "700" });
    children.push(child);
    return child;
  };

  it("every payment ends captured or failed, with exactly one charge per attempt key", async () => {
    // A quarter of the calls are made and committed at the provider but
    // their answer never arrives in time; some fail outright.
    await setFailures({ timeoutRate: 0.25, timeoutMs: 1500, transientRate: 0.05 });
    const { attemptIds } = await paidBookings(120, 20);
    let kills = 0;
    let killedMidJob = 0;
    // Each worker is killed once it is at work (it holds capture jobs), then
    // a random moment later, never after a fixed time: a worker that starts
    // slowly on a loaded machine would be killed before it took a job.
    const lockers = `select array(select distinct locked_by from graphile_worker.jobs
                                   where task_identifier = 'process_payment_attempt' and locked_by is not null) as pools,
                            (select count(*) from graphile_worker.jobs where task_identifier = 'process_payment_attempt')::int as queued`;
    const killedPools = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const child = startWorkerProcess();
      let pools: string[] = [];
      for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 20))) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`round ${round}: the worker exited by itself (${child.exitCode ?? child.signalCode})`);
        const { rows } = await db.ownerPool.query<{ pools: string[]; queued: number }>(lockers);
        pools = rows[0]!.pools.filter((pool) => !killedPools.has(pool));
        if (pools.length > 0 || rows[0]!.queued === 0) break;
        if (Date.now() - started > 60_000) throw new Error(`round ${round}: in 60 s the worker took no capture job`);
      }
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      const held = await db.ownerPool.query("select count(*)::int as n from graphile_worker.jobs where locked_by = any($1)", [pools]);
      if (held.rows[0].n > 0) killedMidJob++;
      await kill(child);
      kills++;
      for (const pool of pools) killedPools.add(pool);
    }
    const inFlight = await db.ownerPool.query("select count(*)::int as n from app_public.payment_attempts where id = any($1) and status in ('pending', 'authorized')", [attemptIds]);
    await setFailures({ timeoutRate: 0.25, timeoutMs: 1500, transientRate: 0.05 });
    startWorkerProcess();
    const started = Date.now();
    // A deadline for a loaded machine (it settles in about 40 s on a quiet one).
    await waitUntilSettled(attemptIds, 300_000);
    const outcome = await expectExactlyOnce(attemptIds);
    const charges = await db.ownerPool.query("select count(*)::int as n from simulated_provider.charges where reference = any($1::uuid[]::text[])", [attemptIds]);
    console.log(`crash test: ${kills} SIGKILLs (${killedMidJob} while captures ran), ${inFlight.rows[0].n} attempts in flight after them, settled ${Date.now() - started} ms later;`,
      `provider charges ${charges.rows[0].n} for ${attemptIds.length} attempts`, outcome);
    expect((outcome.captured?.n ?? 0) + (outcome.failed?.n ?? 0)).toBe(attemptIds.length);
    expect(charges.rows[0].n).toBeLessThanOrEqual(attemptIds.length);
    expect(killedMidJob).toBeGreaterThan(0);
  }, 480_000);
});

describe("the webhook endpoint", () => {
  const post = (body: string, signature?: string) =>
    fetch(`${server.url}/webhooks/payments/simulated`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature ? { [webhookSignatureHeader]: signature } : {}) },
      body,
    });
  const now = () => Math.floor(Date.now() / 1000);
  const codeOf = async (response: Response) => ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code;

  async function pendingAttempt(): Promise<string> {
    const client = await db.ownerPool.connect();
    try {
      await client.query("begin");
      const hotel = await createHotel(client);
      await client.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [hotel.ratePlanId]);
      await actAs(client, { role: "keepr_staff", userId: hotel.frontDesk });
      const arrival = localDate(hotel.timeZone, 5);
      const booking = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      const intent = (await client.query("select id from app_public.payment_intents where reservation_id = $1", [booking.reservation_id])).rows[0];
      const attempt = (await client.query("select id from app_public.pay($1, 'tok_forged_test', $2)", [intent.id, newKey()])).rows[0].id;
      // No worker runs here: the job stays queued, only webhooks move this attempt.
      await client.query("commit");
      return attempt;
    } catch (error) {
      await client.query("rollback");
      throw error;
    } finally {
      client.release();
    }
  }

  it("rejects a forged signature, a missing one and a stale timestamp, changing nothing", async () => {
    const attemptId = await pendingAttempt();
    const body = JSON.stringify({ id: `evt_${attemptId.slice(0, 8)}forged`, type: "charge.captured", data: { object: { id: "ch_x", reference: attemptId } } });
    const forged = await post(body, `t=${now()},v1=${"0".repeat(64)}`);
    expect(forged.status).toBe(400);
    expect(await codeOf(forged)).toBe("WEBHOOK_SIGNATURE_INVALID");
    const wrongSecret = await post(body, signWebhook(body, "not-the-secret-0123456789abcdefghij", now()));
    expect(await codeOf(wrongSecret)).toBe("WEBHOOK_SIGNATURE_INVALID");
    expect(await codeOf(await post(body))).toBe("WEBHOOK_SIGNATURE_INVALID");
    const stale = await post(body, signWebhook(body, secrets.webhookSecret, now() - 3600));
    expect(stale.status).toBe(400);
    expect(await codeOf(stale)).toBe("WEBHOOK_TIMESTAMP_STALE");
    const state = await db.ownerPool.query("select status from app_public.payment_attempts where id = $1", [attemptId]);
    expect(state.rows[0].status).toBe("pending");
    expect((await db.ownerPool.query("select count(*)::int as n from app_private.payment_provider_events where payload -> 'data' -> 'object' ->> 'reference' = $1", [attemptId])).rows[0].n).toBe(0);
  });

  it("applies a signed event once: a replay is acknowledged as a duplicate and changes nothing", async () => {
    const attemptId = await pendingAttempt();
    const body = JSON.stringify({
      id: `evt_${attemptId.replaceAll("-", "").slice(0, 24)}`, type: "charge.captured", created: new Date().toISOString(),
      data: { object: { id: "ch_webhook_only", reference: attemptId, captured_at: new Date().toISOString() } },
    });
    const first = await post(body, signWebhook(body, secrets.webhookSecret, now()));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, result: "applied" });
    const replay = await post(body, signWebhook(body, secrets.webhookSecret, now()));
    expect(await replay.json()).toEqual({ received: true, result: "duplicate" });
    const entries = await db.ownerPool.query("select count(*)::int as n from app_public.journal_entries where cause_type = 'payment' and cause_id = $1", [attemptId]);
    expect(entries.rows[0].n).toBe(1);
    expect((await db.ownerPool.query("select status from app_public.payment_attempts where id = $1", [attemptId])).rows[0].status).toBe("captured");
  });

  it("receives the provider's own signed webhooks", async () => {
    const { rows } = await db.ownerPool.query("select type, count(*)::int as n from app_private.payment_provider_events group by 1");
    expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toMatchObject({ "charge.captured": expect.any(Number) });
  });
});
