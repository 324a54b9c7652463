// A worker process whose Postgres goes silent: the host of its connections
// dies without closing them (a failover, a network partition) while the
// address now leads to a Postgres that answers (here: a TCP proxy between
// the worker and the test database stops forwarding on every connection it
// has, and forwards new ones). Nothing tells the worker: every open
// connection waits forever. Its heartbeat notices (no answer within
// WORKER_DEAD_AFTER_SECONDS), it closes its connections and starts over on
// new ones, and a booking made afterwards gets its confirmation, by the
// same process, once.
import net from "node:net";
import { readdirSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox } from "../helpers/jobs.ts";
import { oneNightBooked } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/browser.ts";
import { kill, spawnWorker } from "../helpers/worker-process.ts";

/** Forwards to Postgres; silence() makes every connection open now go quiet (its server side closed, its client told nothing). */
class SilencingProxy {
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket; silent: boolean }>();
  connections = 0;
  private readonly server: net.Server;
  port = 0;

  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
    this.server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.target.port, this.target.host);
      const pair = { client, upstream, silent: false };
      this.pairs.add(pair);
      client.on("data", (data) => void (pair.silent || upstream.write(data)));
      upstream.on("data", (data) => void (pair.silent || client.write(data)));
      client.on("error", () => undefined);
      upstream.on("error", () => undefined);
      client.on("close", () => {
        this.pairs.delete(pair);
        upstream.destroy();
      });
      upstream.on("close", () => void (pair.silent || client.destroy()));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  silence(): number {
    let silenced = 0;
    for (const pair of this.pairs) {
      if (pair.silent) continue;
      pair.silent = true;
      pair.upstream.destroy(); // the backend goes (its host died); the client hears nothing
      silenced++;
    }
    return silenced;
  }

  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) pair.client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

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
