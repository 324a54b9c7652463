// The API process (`npm start` with WORKER=false) and the worker process
// (`npm run worker`) on a Postgres that goes away and comes back (a Postgres
// of this file's own, stopped — or crashed: every process SIGKILLed — and
// started again on the same address, as a restart or a failover behind a
// stable address looks to them): neither
// exits; while Postgres is down the API answers at once (an error, /readyz
// 503) and the worker says in its log that it cannot reach it; once it is
// back both work again by themselves — a guest books through the API, and
// every booking's confirmation is delivered, including the one booked just
// before Postgres went away (acknowledged, so not lost).
//
// Postgres goes away while the worker is sending that confirmation (the
// mail relay answers only once it is down): the send succeeds, recording it cannot, and
// graphile-worker's pool stops itself (it cannot record the job's outcome).
// The worker process starts a new runner (worker/runner.ts) once Postgres
// is back; the job runs again and the relay sees the message a second time
// with the same Message-ID: the at-least-once edge docs/notifications.md
// names (taken by the provider, not recorded). Every other message once.
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { isRunning, startEmbeddedCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from "../../core/embedded-postgres.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { generateSecrets } from "../../core/secrets.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/browser.ts";
import { freePort, makeDataDir, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { SmtpRelay } from "../helpers/smtp-relay.ts";

const root = path.resolve(import.meta.dirname, "../..");
const secrets = generateSecrets();
const database = "keepr_reconnect";
let dir: string | undefined;
let clusterOptions: EmbeddedClusterOptions;
let cluster: EmbeddedCluster | undefined;
let ownerUrl = "";
let authenticatorUrl = "";
let ownerPool: pg.Pool | undefined;
let api: KeeprProcess | undefined;
let worker: ChildProcess | undefined;
let workerLog = "";
let hotel: Hotel;
const relay = new SmtpRelay(0);

/** Connection losses are what this file causes: an idle connection of the test's own pool that dies is expected. */
function tolerantPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 3 });
  pool.on("error", () => undefined);
  return pool;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "keepr-test-"));
  await chmod(dir, 0o755); // the postgres OS user (when we run as root) must reach it
  clusterOptions = {
    dataDir: path.join(dir, "pg"),
    port: await freePort(),
    superuserPassword: secrets.superuserPassword,
    throwaway: false,
    settings: { fsync: "off", full_page_writes: "off" },
  };
  cluster = await startEmbeddedCluster(clusterOptions);
  const superuserUrl = cluster.superuserUrl();
  await ensureRoles(superuserUrl, {
    owner: secrets.ownerPassword,
    authenticator: secrets.authenticatorPassword,
    analyst: secrets.analystPassword,
    realtime: secrets.realtimePassword,
  });
  await ensureDatabase(superuserUrl, database);
  ownerUrl = roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, database);
  authenticatorUrl = roleUrl(superuserUrl, roles.authenticator, secrets.authenticatorPassword, database);
  await migrateDatabase({ ownerUrl, superuserUrl }, () => {});
  await relay.listen();
  ownerPool = tolerantPool(ownerUrl);
  hotel = await createHotel(ownerPool, { units: 5 });

  const env = { DATABASE_URL: ownerUrl, AUTH_DATABASE_URL: authenticatorUrl, JWT_SECRET: secrets.jwtSecret };
  api = await startKeepr({
    dataDir: makeDataDir(),
    port: await freePort(),
    pgPort: await freePort(), // unused: no embedded cluster
    env: { ...env, WORKER: "false", SEED: "false", ADMIN_BUILD: "false", LOG_LEVEL: "info" },
  });
  worker = spawn(process.execPath, ["worker/main.ts"], {
    cwd: root,
    env: {
      ...process.env, ...env, NODE_ENV: "test", LOG_LEVEL: "info", SMTP_URL: relay.url,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-test-worker-")), WORKER_CONCURRENCY: "2",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (d) => (workerLog += d));
  worker.stderr!.on("data", (d) => (workerLog += d));
  await waitUntil(async () => /"worker running"/.test(workerLog), "the worker to start", 60_000);
}, 180_000);

afterAll(async () => {
  try {
    if (api) await stopKeepr(api, "SIGTERM");
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker!.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
    await ownerPool?.end();
  } finally {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await relay.close();
  }
}, 60_000);

async function graphql(query: string, variables: Record<string, unknown>): Promise<{ status: number; body: { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: { code?: string } }> } }> {
  const res = await fetch(`${api!.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as never };
}

/** A guest's quote, hold and confirmation through the API; returns the reservation id, or the first error. */
async function bookOverApi(offset: number): Promise<{ reservationId?: string; error?: string }> {
  const arrival = localDate(hotel.timeZone, offset);
  const q = await graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
    p: hotel.ratePlanId, a: arrival, d: addDays(arrival, 1),
  });
  if (q.body.errors) return { error: `${q.status} ${q.body.errors[0]!.extensions?.code}: ${q.body.errors[0]!.message}` };
  const held = await graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, {
    t: q.body.data!.quote.quoteToken, k: newKey(),
  });
  if (held.body.errors) return { error: `${held.status} ${held.body.errors[0]!.extensions?.code}: ${held.body.errors[0]!.message}` };
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const confirmed = await graphql(
    `mutation($id: UUID!, $k: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: "grace@example.com", holdToken: $h}) { result { status } } }`,
    { id: reservationId, k: newKey(), h: holdToken },
  );
  if (confirmed.body.errors) return { error: `${confirmed.status} ${confirmed.body.errors[0]!.extensions?.code}: ${confirmed.body.errors[0]!.message}` };
  expect(confirmed.body.data!.confirmBooking.result.status).toBe("confirmed");
  return { reservationId };
}

const confirmationsOf = (ids: string[]) =>
  ownerPool!
    .query<{ id: string; reservation_id: string; status: string; attempts: number }>("select id, reservation_id, status, attempts from app_public.notifications where reservation_id = any($1) and template = 'confirmation' and channel = 'email'", [ids])
    .then((r) => r.rows);

const ready = () => fetch(`${api!.url}/readyz`).then((r) => r.status, () => 0);

/** The postmaster of this file's cluster and its children, SIGKILLed (a crash: no shutdown, no goodbye to clients); resolves once all are gone. */
async function crashPostgres(): Promise<void> {
  const postmaster = Number(readFileSync(path.join(clusterOptions.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const parentOf = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return 0;
    }
  };
  const children = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => parentOf(pid) === postmaster);
  for (const pid of [postmaster, ...children]) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await waitUntil(async () => [postmaster, ...children].every((pid) => !isRunning(pid)), "Postgres's processes to be gone", 30_000);
}

/**
 * One round: a booking whose confirmation is sent; another acknowledged just
 * before Postgres goes away, while its confirmation is at the relay (which
 * answers once Postgres is down); one tried while it is away; one after it is back.
 */
async function roundTrip(name: string, offset: number, takeDown: () => Promise<void>): Promise<void> {
  const relayBefore = relay.accepted.length;
  const first = await bookOverApi(offset);
  expect(first.error).toBeUndefined();
  await waitUntil(async () => (await confirmationsOf([first.reservationId!])).every((n) => n.status === "sent"), "the first confirmation sent", 60_000);

  relay.holding = true;
  const second = await bookOverApi(offset + 1);
  expect(second.error).toBeUndefined();
  await waitUntil(async () => relay.inFlight > 0, "the second confirmation at the relay", 30_000);
  const apiPid = api!.child.pid;
  const workerPid = worker!.pid;
  const workerLogBefore = workerLog.length;
  await takeDown();
  cluster = undefined;
  const down = Date.now();

  // While it is down: an answer at once (no hang), not ready, both processes alive.
  const whileDown = await bookOverApi(offset + 2);
  expect(whileDown.error).toMatch(/^200 UNAVAILABLE: /);
  expect(await ready()).toBe(503);
  // The relay takes the message now: recording it fails. The worker says
  // it lost Postgres, and that its runner stopped and cannot start yet.
  relay.release();
  const since = () => workerLog.slice(workerLogBefore);
  await waitUntil(async () => /job runner stopped by itself/.test(since()) && /job runner could not start/.test(since()), "the worker to log its stopped runner", 60_000);
  expect(api!.child.exitCode).toBeNull();
  expect(worker!.exitCode).toBeNull();

  cluster = await startEmbeddedCluster(clusterOptions);
  const back = Date.now();
  await waitUntil(async () => (await ready()) === 200, "the API to be ready again", 60_000);
  const apiBackMs = Date.now() - back;
  const third = await bookOverApi(offset + 3);
  expect(third.error).toBeUndefined();
  const ids = [first.reservationId!, second.reservationId!, third.reservationId!];
  await waitUntil(async () => (await confirmationsOf(ids)).every((n) => n.status === "sent"), "every confirmation sent after the restart", 90_000).catch((error: Error) => {
    throw new Error(`${error.message}; the worker's log since Postgres went away:\n${since().slice(-8_000)}`);
  });
  const workerBackMs = Date.now() - back;
  expect(since()).toMatch(/job runner started again/);

  // The same processes, never restarted; the acknowledged bookings all there.
  expect(api!.child.pid).toBe(apiPid);
  expect(api!.child.exitCode).toBeNull();
  expect(worker!.pid).toBe(workerPid);
  expect(worker!.exitCode).toBeNull();
  const booked = await ownerPool!.query("select id from app_public.reservations where id = any($1) and status = 'confirmed'", [ids]);
  expect(booked.rows).toHaveLength(3);
  // Each message at the relay once, but the one in flight when Postgres went away: at most twice, same Message-ID.
  const sent = await confirmationsOf(ids);
  expect(sent).toHaveLength(3);
  const accepted = relay.accepted.slice(relayBefore);
  const times = (id: string) => accepted.filter((m) => m === `<notification-${id}@keepr.local>`).length;
  const [firstSent, secondSent, thirdSent] = ids.map((rid) => sent.find((n) => n.reservation_id === rid)!);
  expect(times(firstSent!.id)).toBe(1);
  expect([1, 2]).toContain(times(secondSent!.id));
  expect(times(thirdSent!.id)).toBe(1);
  expect(accepted).toHaveLength(sent.length + times(secondSent!.id) - 1);
  console.log(
    `reconnect (${name}): Postgres down ${back - down} ms; API ready ${apiBackMs} ms after it was back, every confirmation sent ${workerBackMs} ms after; ` +
      `the confirmation in flight delivered ${times(secondSent!.id)} time(s); API while down: ${whileDown.error}`,
  );
}

it("the API and worker processes survive Postgres stopping (a fast shutdown) and starting again, and work again by themselves", async () => {
  await roundTrip("stopped", 10, () => cluster!.stop());
}, 240_000);

it("and Postgres crashing (every process SIGKILLed) and recovering", async () => {
  await roundTrip("crashed", 20, crashPostgres);
}, 240_000);
