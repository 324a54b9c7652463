// Job health is visible: the worker counts every job's outcome, pickup
// delay and run time per task and minute; reporting.job_health shows them
// with the live queue, to analysts.
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { startWorker } from "../../worker/runner.ts";
import { fileDatabase } from "../helpers/db.ts";
import { newOutbox } from "../helpers/jobs.ts";

const db = fileDatabase();

it("counts runs and failures per task, with pickup and run times, and shows the queue", async () => {
  // Five jobs that fail (their payload is not valid) and one scheduled for tomorrow.
  await db.ownerPool.query("select graphile_worker.add_job('send_notification', json_build_object('id', 'not-a-uuid-' || i), max_attempts := 1) from generate_series(1, 5) i");
  await db.ownerPool.query("select graphile_worker.add_job('purge_idempotency_keys', '{}'::json, max_attempts := 3)");
  await db.ownerPool.query("select graphile_worker.add_job('purge_idempotency_keys', '{}'::json, run_at := now() + interval '1 day', job_key := 'later')");
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", OUTBOX_DIR: newOutbox() });
  const worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger: createLogger("silent") });
  const deadline = Date.now() + 20_000;
  while ((await db.ownerPool.query("select count(*)::int as n from graphile_worker.jobs where run_at <= now() and attempts < max_attempts")).rows[0].n > 0) {
    if (Date.now() > deadline) throw new Error("jobs did not run");
    await new Promise((r) => setTimeout(r, 100));
  }
  await worker.stop();

  const analyst = new pg.Client({ connectionString: db.analystUrl });
  await analyst.connect();
  try {
    const { rows } = await analyst.query("select * from reporting.job_health where task in ('send_notification', 'purge_idempotency_keys') order by task");
    expect(rows).toEqual([
      expect.objectContaining({ task: "purge_idempotency_keys", runs_last_hour: 1, failures_last_hour: 0, scheduled: 1, waiting: 0 }),
      expect.objectContaining({ task: "send_notification", runs_last_hour: 5, failures_last_hour: 5, failure_rate_last_hour: "1.0000", given_up: 5 }),
    ]);
    expect(rows[1].avg_pickup_ms_last_hour).toEqual(expect.any(Number));
  } finally {
    await analyst.end();
  }
});
