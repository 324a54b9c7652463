// /metrics as operators run Keepr: `npm start` serves one /metrics for the
// API, the worker and realtime of its process (on METRICS_PORT, and on the
// main port behind METRICS_TOKEN); `npm run worker` and `npm run realtime`,
// run apart, each serve their own on their METRICS_PORT. Real processes,
// stopped with SIGTERM like a service manager does.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileDatabase } from "../helpers/db.ts";
import { freePort, makeDataDir, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { parseMetrics, promtoolCheck } from "../helpers/metrics.ts";
import { spawnWorker } from "../helpers/worker-process.ts";

const root = path.resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];
let keepr: KeeprProcess | undefined;
const db = fileDatabase({
  beforeDrop: async () => {
    await Promise.all(children.map(stop));
  },
});
afterAll(async () => {
  if (keepr) await stopKeepr(keepr, "SIGTERM");
});

/** SIGTERM, as a service manager stops it; resolves with the exit code. */
async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

/** /metrics once it answers (the process is starting), as text. */
async function metricsOf(url: string, child?: ChildProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}`);
    const res = await fetch(url).catch(() => null);
    if (res?.status === 200) return res.text();
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pools = (text: string) => new Set([...text.matchAll(/^keepr_db_pool_connections\{pool="([^"]+)"/gm)].map((m) => m[1]));

it("npm run worker serves its own /metrics on METRICS_PORT: its pool, the queue, the feeds; SIGTERM closes it", async () => {
  const port = await freePort();
  const worker = spawnWorker(db, { METRICS_PORT: String(port) });
  children.push(worker);
  const text = await metricsOf(`http://127.0.0.1:${port}/metrics`, worker);
  expect(pools(text)).toEqual(new Set(["worker"]));
  expect(text).toMatch(/^keepr_jobs_queued\{task="process_payment_attempt",state="runnable"\} 0$/m);
  expect(text).toMatch(/^keepr_channel_feeds\{state="ok"\} 0$/m);
  expect(text).toMatch(/^keepr_process_cpu_seconds_total /m);
  expect(await promtoolCheck(text)).toEqual({ code: 0, output: "" });
  expect(await stop(worker)).toBe(0);
  expect(await fetch(`http://127.0.0.1:${port}/metrics`).then(() => "answered", () => "closed")).toBe("closed");
});

it("npm run realtime serves its own /metrics on METRICS_PORT: its pool, sockets, its replication slot", async () => {
  const [port, realtimePort] = [await freePort(), await freePort()];
  const realtime = spawn(process.execPath, ["realtime/main.ts"], {
    cwd: root,
    env: {
      ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-realtime-")),
      DATABASE_URL: db.ownerUrl, AUTH_DATABASE_URL: db.authenticatorUrl, REALTIME_DATABASE_URL: db.replicationUrl!, JWT_SECRET: db.jwtSecret,
      REALTIME_PORT: String(realtimePort), METRICS_PORT: String(port),
    },
    stdio: "ignore",
  });
  children.push(realtime);
  const url = `http://127.0.0.1:${port}/metrics`;
  let text = await metricsOf(url, realtime);
  // Its temporary slot appears once replication has started.
  const deadline = Date.now() + 60_000;
  while (!/^keepr_replication_slot_lag_bytes\{slot="keepr_realtime_[0-9a-f]{12}"\} \d+$/m.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    text = await metricsOf(url, realtime);
  }
  expect(text).toMatch(/^keepr_replication_slot_lag_bytes\{slot="keepr_realtime_[0-9a-f]{12}"\} \d+$/m);
  expect(pools(text)).toEqual(new Set(["realtime"]));
  expect(text).toMatch(/^keepr_realtime_sockets 0$/m);
  expect(text).not.toMatch(/^keepr_jobs_queued\{/m);
  expect(await promtoolCheck(text)).toEqual({ code: 0, output: "" });
  expect(await stop(realtime)).toBe(0);
});

it("npm start serves one /metrics for API, worker and realtime: on METRICS_PORT, and on the main port behind METRICS_TOKEN", async () => {
  const [port, pgPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const token = "npm-start-metrics-token-0123456789";
  keepr = await startKeepr({
    dataDir: makeDataDir(), port, pgPort,
    env: { SEED: "false", ADMIN_BUILD: "false", METRICS_PORT: String(metricsPort), METRICS_TOKEN: token },
  });
  await fetch(`${keepr.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
  expect((await fetch(`${keepr.url}/metrics`)).status).toBe(401);
  const viaToken = await fetch(`${keepr.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(viaToken.status).toBe(200);
  const text = await metricsOf(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(pools(text)).toEqual(new Set(["api", "guest", "owner", "worker"]));
  const samples = parseMetrics(text);
  expect(samples.get('keepr_graphql_operation_duration_seconds_count{operation="__typename",outcome="ok",type="query"}')).toBe(1);
  expect(text).toMatch(/^keepr_jobs_queued\{task="send_notification",state="runnable"\} \d+$/m);
  expect(text).toMatch(/^keepr_realtime_sockets 0$/m);
  expect(await promtoolCheck(text)).toEqual({ code: 0, output: "" });
  // The metrics port serves /metrics only, and only to GET.
  expect((await fetch(`http://127.0.0.1:${metricsPort}/graphql`)).status).toBe(404);
  expect(await stopKeepr(keepr, "SIGTERM")).toBe(0);
  keepr = undefined;
  expect(await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(() => "answered", () => "closed")).toBe("closed");
});
