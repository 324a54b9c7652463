// The cron housekeeping jobs, run by graphile-worker against a real
// database: expired holds are released, old idempotency keys forgotten,
// and the crontab parses with an id on every line.
import { parseCrontab } from "graphile-worker";
import { loadConfig } from "../../core/config.ts";
import { crontab, makeTaskList } from "../../worker/runner.ts";
import { addDays, createHotel, hold, localDate, quote } from "../helpers/booking.ts";
import { actAs, fileDatabase } from "../helpers/db.ts";
import { runDueJobs } from "../helpers/jobs.ts";

const db = fileDatabase();

const runJob = async (task: string) => {
  await db.ownerPool.query("select graphile_worker.add_job($1, '{}'::json)", [task]);
  await runDueJobs(db);
};

it("release_expired_holds releases holds expired over a minute ago and leaves live ones", async () => {
  const h = await createHotel(db.ownerPool, { units: 3 });
  const client = await db.ownerPool.connect();
  const holds: string[] = [];
  try {
    await client.query("begin");
    await actAs(client, { role: "keepr_anonymous" });
    const arrival = localDate(h.timeZone, 10);
    const q = await quote(client, h.ratePlanId, arrival, addDays(arrival, 2));
    for (let i = 0; i < 3; i++) holds.push((await hold(client, q.quote_token)).reservation_id);
    await client.query("commit");
  } finally {
    client.release();
  }
  await db.ownerPool.query("update app_public.inventory_claims set expires_at = now() - interval '2 minutes' where reservation_id = $1", [holds[0]]);
  await db.ownerPool.query("update app_public.inventory_claims set expires_at = now() - interval '10 seconds' where reservation_id = $1", [holds[1]]);
  await runJob("release_expired_holds");
  const { rows } = await db.ownerPool.query("select reservation_id, released_at is not null as released from app_public.inventory_claims where reservation_id = any($1)", [holds]);
  const released = Object.fromEntries(rows.map((r) => [r.reservation_id, r.released]));
  expect([released[holds[0]!], released[holds[1]!], released[holds[2]!]]).toEqual([true, false, false]);
  await runJob("release_expired_holds"); // a second run changes nothing
  const again = await db.ownerPool.query("select count(*)::int as n from app_public.inventory_claims where reservation_id = any($1) and released_at is not null", [holds]);
  expect(again.rows[0].n).toBe(1);
});

it("purge_idempotency_keys forgets keys older than 48 hours", async () => {
  await db.ownerPool.query(
    "insert into app_private.idempotency_keys (scope, key, operation, request_hash, response, created_at) values ('anonymous', 'fresh-key-00000001', 'x', '\\x00', '{}', now() - interval '30 hours'), ('anonymous', 'stale-key-00000001', 'x', '\\x00', '{}', now() - interval '50 hours')",
  );
  await runJob("purge_idempotency_keys");
  const { rows } = await db.ownerPool.query("select key from app_private.idempotency_keys where key like '%-key-00000001' order by key");
  expect(rows).toEqual([{ key: "fresh-key-00000001" }]);
});

it("every crontab line names a known task and has an explicit id", () => {
  const items = parseCrontab(crontab);
  const tasks = Object.keys(makeTaskList(loadConfig({ NODE_ENV: "test" }), db.jwtSecret));
  expect(items.map((i) => i.task).every((t) => tasks.includes(t))).toBe(true);
  expect(items.map((i) => i.identifier)).toEqual(["release_expired_holds", "purge_idempotency_keys", "purge_guest_sign_ins", "start_due_payments", "reconcile_settlement", "poll_channel_feeds", "schedule_housekeeping", "night_audit", "record_due_no_shows", "queue_due_notifications", "purge_expired_exports"]);
});
