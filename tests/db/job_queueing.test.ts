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

it("add_job and add_jobs plan graphile_worker's statements for every call, whatever their caller set: a queue of 30,000 jobs is not read by a plan made while it was empty", async () => {
  const { rows } = await db.ownerPool.query(
    `select p.oid::regproc::text as name, p.proconfig as config from pg_proc p
      where p.oid::regproc::text in ('app_private.add_job', 'app_private.add_jobs') order by 1`,
  );
  expect(rows.map((r) => [r.name, r.config.filter((c: string) => c.startsWith("plan_cache_mode="))])).toEqual([
    ["app_private.add_job", ["plan_cache_mode=force_custom_plan"]],
    ["app_private.add_jobs", ["plan_cache_mode=force_custom_plan"]],
  ]);
  await inRollback(db.ownerPool, async (c) => {
    // Even under a caller that asks for generic plans (confirm_booking does), with plans made while the queue was empty.
    await c.query("set local plan_cache_mode = force_generic_plan");
    // The search_path app_private.add_jobs runs with: a plan is made again when a call comes with another one.
    await c.query("set local search_path to pg_catalog, public, pg_temp");
    await c.query("truncate graphile_worker._private_jobs");
    await c.query("analyze graphile_worker._private_jobs");
    for (let i = 0; i < 6; i++) await c.query(`select app_private.add_jobs('send_notification', array['{"id": "early"}'::json, '{"id": "early"}'::json])`);
    // Then a queue of 30,000 waiting jobs (pre-arrival messages wait for days), and more bookings' messages.
    await c.query(`select count(*) from graphile_worker.add_jobs(array(
                     select ('send_notification', json_build_object('id', n), null, now() + interval '10 days', 10, null, null, null)::graphile_worker.job_spec
                       from generate_series(1, 30000) n))`);
    const read = async () =>
      Number((await c.query(`select seq_tup_read + coalesce(idx_tup_fetch, 0) as n from pg_stat_xact_all_tables where relid = 'graphile_worker._private_jobs'::regclass`)).rows[0].n);
    const before = await read();
    for (let i = 0; i < 10; i++) {
      await c.query(`select app_private.add_jobs('send_notification', array['{"id": "now"}'::json, '{"id": "later"}'::json],
                                                 run_ats := array[now(), now() + interval '3 days'])`);
    }
    // graphile_worker.add_jobs's key-clearing update with a generic plan made on the empty queue reads all 30,000 on each call.
    const after = await read();
    expect(after - before).toBeLessThan(100);
    expect((await c.query("select count(*)::int as n from graphile_worker._private_jobs")).rows[0].n).toBe(12 + 30_000 + 20);
  });
});
