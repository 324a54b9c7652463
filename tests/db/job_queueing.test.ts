// How SQL queues jobs (app_private.add_job, app_private.add_jobs): one job
// per payload (the trace in each is tests/api/tracing.test.ts's), and graphile_worker's
// statements planned for every call, never from a cached generic plan (one
// made while the queue was small scans the whole queue on every later call:
// docs/benchmarks.md, "Where a booking's Postgres CPU goes").
import { fileDatabase, inRollback } from "../helpers/db.ts";

const db = fileDatabase();

it("add_jobs queues one job per payload, to run when asked, with its attempts; none for no payloads", async () => {
  await inRollback(db.ownerPool, async (c) => {
    await c.query("select app_private.add_jobs('send_notification', array[]::json[])");
    await c.query(
      `select app_private.add_jobs('send_notification', array['{"id": "a"}'::json, '{"id": "b"}'::json, '{"id": "c"}'::json],
                                   run_at := now() + interval '1 day', max_attempts := 10)`,
    );
    const { rows } = await c.query(
      `select max_attempts, run_at = now() + interval '1 day' as when_asked from graphile_worker.jobs where task_identifier = 'send_notification'`,
    );
    expect(rows).toEqual([1, 2, 3].map(() => ({ max_attempts: 10, when_asked: true })));
  });
});

it("add_jobs runs each job at its own time when given one (a confirmation's message now, the pre-arrival one days ahead, in one call)", async () => {
  await inRollback(db.ownerPool, async (c) => {
    await c.query(
      `select app_private.add_jobs('send_notification', array['{"id": "now"}'::json, '{"id": "later"}'::json, '{"id": "default"}'::json],
                                   run_at := now() + interval '1 hour', max_attempts := 10,
                                   run_ats := array[now(), now() + interval '3 days', null])`,
    );
    const { rows } = await c.query(
      `select payload->>'id' as id, (run_at - now())::text as after from graphile_worker._private_jobs order by run_at`,
    );
    expect(rows).toEqual([{ id: "now", after: "00:00:00" }, { id: "default", after: "01:00:00" }, { id: "later", after: "3 days" }]);
  });
});

it("add_job and add_jobs plan graphile_worker's statements for every call, whatever their caller set", async () => {
  const { rows } = await db.ownerPool.query(
    `select p.oid::regproc::text as name, p.proconfig as config from pg_proc p
      where p.oid::regproc::text in ('app_private.add_job', 'app_private.add_jobs') order by 1`,
  );
  expect(rows.map((r) => r.name)).toEqual(["app_private.add_job", "app_private.add_jobs"]);
  for (const r of rows) expect([r.name, r.config]).toEqual([r.name, expect.arrayContaining(["plan_cache_mode=force_custom_plan"])]);
  // Even under a caller that asks for generic plans (confirm_booking does).
  await inRollback(db.ownerPool, async (c) => {
    await c.query("set local plan_cache_mode = force_generic_plan");
    for (let i = 0; i < 8; i++) await c.query(`select app_private.add_jobs('send_notification', array['{"id": "e"}'::json])`);
    expect((await c.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_notification'")).rows[0].n).toBe(8);
  });
});
