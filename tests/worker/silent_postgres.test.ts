// A worker process whose Postgres goes silent: the host of its connections
// dies without closing them (a failover, a network partition) while the
// address now leads to a Postgres that answers (here: a TCP proxy between
// the worker and the test database stops forwarding on every connection it
// has, and forwards new ones). Nothing tells the worker: every open
// connection waits forever. Its heartbeat notices (no answer within
// WORKER_DEAD_AFTER_SECONDS), it closes its connections and starts over on
// new ones, and a booking made afterwards gets its confirmation, by the
// same process, once.
import { readdirSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox } from "../helpers/jobs.ts";
import { oneNightBooked } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/wait.ts";
import { kill, spawnWorker } from "../helpers/worker-process.ts";
import { SilencingProxy } from "../helpers/silencing-proxy.ts";

let child: ChildProcess | undefined;
let proxy: SilencingProxy | undefined;
const db = fileDatabase({
  beforeDrop: async () => {
    if (child) await kill(child);
    await proxy?.close();
  },
});

const confirmationSent = async (reservationId: string) =>
  (await db.ownerPool.query("select status, id from app_public.notifications where reservation_id = $1 and template = 'confirmation' and channel = 'email'", [reservationId])).rows[0] as {
    status: string;
    id: string;
  };

it("a worker whose connections go silent closes them after WORKER_DEAD_AFTER_SECONDS and works again on new ones", async () => {
  const target = new URL(db.ownerUrl);
  proxy = new SilencingProxy({ host: target.hostname, port: Number(target.port) });
  await proxy.listen();
  const outbox = newOutbox();
  child = spawnWorker(db, { DATABASE_URL: proxy.url(db.ownerUrl), OUTBOX_DIR: outbox, WORKER_DEAD_AFTER_SECONDS: "3", WORKER_CONCURRENCY: "2" });

  const first = await inCommit(db.ownerPool, (client) => oneNightBooked(client));
  await waitUntil(async () => (await confirmationSent(first)).status === "sent", "the first confirmation sent", 60_000);

  const silenced = proxy.silence();
  expect(silenced).toBeGreaterThan(0);
  const connectionsBefore = proxy.connections;
  const second = await inCommit(db.ownerPool, (client) => oneNightBooked(client, 6));
  await waitUntil(async () => (await confirmationSent(second)).status === "sent", "the second confirmation sent after the silence", 90_000);

  expect(child.exitCode).toBeNull();
  expect(child.signalCode).toBeNull();
  expect(proxy.connections).toBeGreaterThan(connectionsBefore); // it connected again
  const { id } = await confirmationSent(second);
  expect(readdirSync(outbox).filter((f) => f === `notification-${id}.eml`)).toHaveLength(1);
}, 180_000);
