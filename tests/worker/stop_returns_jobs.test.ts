// A worker stopped cleanly (SIGTERM, as a deploy does) while it has more
// jobs in hand than it runs leaves none of them locked: the job it runs
// finishes, and the ones it had fetched ahead (graphile-worker's local
// queue) are free at once for another worker, not left to the heartbeat's
// dead-after. graphile-worker 0.18.0 logs errors on such a stop ("Releasing
// local queue failed: Cannot background something when the queue is
// already released", then "Deactivation failed"): docs/operations.md says
// they are harmless, and this test is what shows it.
import type { ChildProcess } from "node:child_process";
import { waitUntil } from "../helpers/wait.ts";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { oneNightBooked } from "../helpers/booking.ts";
import { startSmtpRelay, type SmtpRelay } from "../helpers/smtp-relay.ts";
import { kill, spawnWorker, stop } from "../helpers/worker-process.ts";

let child: ChildProcess | undefined;
let relay: SmtpRelay | undefined;
const db = fileDatabase({
  beforeDrop: async () => {
    if (child) await kill(child);
    await relay?.close();
  },
});

const locked = async () =>
  (await db.ownerPool.query<{ n: number }>("select count(*)::int as n from graphile_worker.jobs where locked_by is not null")).rows[0]!.n;

it("a clean stop with jobs fetched ahead leaves no job locked", async () => {
  relay = await startSmtpRelay();
  relay.holding = true;
  // Four confirmations: eight messages due now (email and SMS), one worker slot.
  for (let i = 0; i < 4; i++) await inCommit(db.ownerPool, (client) => oneNightBooked(client, 5 + i));
  let log = "";
  child = spawnWorker(db, { SMTP_URL: relay.url, LOG_LEVEL: "info", WORKER_CONCURRENCY: "1", WORKER_DEAD_AFTER_SECONDS: "600" }, (text) => (log += text));
  const tail = () => log.slice(-4000);

  // One email in the relay's hands (the running job), and more jobs locked: fetched ahead, waiting for the slot.
  await waitUntil(() => relay!.heldCount === 1, "an email held by the relay", 60_000, tail);
  await waitUntil(async () => (await locked()) >= 2, "jobs fetched ahead of the running one", 30_000, tail);

  const stopped = stop(child);
  relay.releaseOne(); // the running job may finish
  await stopped;
  expect({ locked: await locked(), exit: child.exitCode }).toEqual({ locked: 0, exit: 0 });
  // What the stopped worker had not run is still there, for the next worker.
  const waiting = (await db.ownerPool.query<{ n: number }>("select count(*)::int as n from graphile_worker.jobs where run_at <= now() and attempts = 0")).rows[0]!.n;
  expect(waiting).toBeGreaterThan(0);
});
