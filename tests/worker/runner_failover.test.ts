// The worker's job runner comes back after Postgres went away while several
// jobs were running. Each of those jobs then fails to record its outcome,
// in its own batch; graphile-worker's pool shuts itself down, and in 0.18.0
// its shutdown waits forever once two such batches have failed (the
// batcher's count of pending batches goes below zero). Keepr shuts such a
// pool down forcefully after a grace and starts a new runner
// (worker/runner.ts); before that, a failover under load could leave a
// worker process alive, heartbeating, and running no job again.
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { waitUntil } from "../helpers/wait.ts";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { oneNightBooked } from "../helpers/booking.ts";
import { startSmtpRelay, type SmtpRelay } from "../helpers/smtp-relay.ts";
import { kill, spawnWorker } from "../helpers/worker-process.ts";

let child: ChildProcess | undefined;
let relay: SmtpRelay | undefined;
let superuser: pg.Client | undefined;
const db = fileDatabase({
  beforeDrop: async () => {
    if (superuser) {
      await superuser.query(`alter database "${db.name}" allow_connections true`).catch(() => undefined);
      await superuser.end();
    }
    if (child) await kill(child);
    await relay?.close();
  },
});

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

it("after Postgres went away under four running jobs, the worker starts a new runner and every message is sent", async () => {
  relay = await startSmtpRelay();
  relay.holding = true;
  const reservations: string[] = [];
  for (let i = 0; i < 4; i++) reservations.push(await inCommit(db.ownerPool, (client) => oneNightBooked(client, 5 + i)));
  let log = "";
  child = spawnWorker(db, { SMTP_URL: relay.url, LOG_LEVEL: "info", WORKER_CONCURRENCY: "4", WORKER_DEAD_AFTER_SECONDS: "30" }, (text) => (log += text));
  const tail = () => log.slice(-6000);

  // Four confirmations in the relay's hands, unanswered: four jobs running.
  await waitUntil(() => relay!.heldCount === 4, "four messages held by the relay", 60_000, tail);

  // Postgres goes away for the worker: its connections end and no new one is let in.
  const maintenance = new URL(db.superuserUrl);
  maintenance.pathname = "/postgres";
  superuser = new pg.Client({ connectionString: maintenance.toString() });
  await superuser.connect();
  await superuser.query(`alter database "${db.name}" allow_connections false`);
  const { rows } = await superuser.query<{ ended: number }>(
    "select count(*)::int as ended from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name like 'keepr-%') t",
    [db.name],
  );
  expect(rows[0]!.ended).toBeGreaterThan(0);

  // Each job's outcome fails to be recorded, one batch at a time.
  for (let i = 1; i <= 4; i++) {
    relay.releaseOne();
    await waitUntil(() => count(log, /Failed to fail jobs/) >= i, `outcome ${i} of 4 failed to be recorded`, 30_000, tail);
  }

  // Postgres is back: a new runner starts, and every confirmation is sent.
  await superuser.query(`alter database "${db.name}" allow_connections true`);
  relay.release();
  await waitUntil(() => /job runner stopped by itself/.test(log), "the worker to say its runner stopped", 60_000, tail);
  await waitUntil(async () => {
    const { rows } = await db.ownerPool.query<{ unsent: number }>(
      "select count(*)::int as unsent from app_public.notifications where reservation_id = any($1::uuid[]) and template = 'confirmation' and channel = 'email' and status <> 'sent'",
      [reservations],
    );
    return rows[0]!.unsent === 0;
  }, "every confirmation sent", 90_000, tail);
  expect(child.exitCode).toBeNull();
  expect(/job runner started again/.test(log)).toBe(true);
}, 240_000);
