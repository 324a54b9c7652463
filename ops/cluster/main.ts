// `npm run cluster`: Keepr's scaled-out topology on this machine (see
// ops/cluster/cluster.ts and docs/scaling.md): a Postgres 15 primary and a
// synchronous hot standby, PgBouncer, HAProxy, two API processes, a worker
// and a realtime process, on free ports, in a keepr-run-* temporary
// directory. Ctrl-C (SIGINT) or SIGTERM stops everything and removes it.
//
//   npm run cluster [-- --no-seed] [--async] [--apis N]
// prints where everything is, then waits; type `failover` + Enter to promote
// the standby (the documented promote, ops/cluster/cluster.ts).
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { startCluster, type Cluster } from "./cluster.ts";

const { values: args } = parseArgs({
  options: {
    "no-seed": { type: "boolean", default: false },
    async: { type: "boolean", default: false },
    apis: { type: "string", default: "2" },
  },
  strict: true,
});

const started = performance.now();
let cluster: Cluster | null = null;
let stopping = false;
const stop = async (why: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`\n  ${why}: stopping the cluster…`);
  await cluster?.stop();
  console.error("  stopped; temporary directory removed.");
  process.exit(0);
};
// A Ctrl-C during the start stops what has started (startCluster cleans up after itself when it throws).
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

try {
  cluster = await startCluster({
    log: (message) => console.error(`  ${message}`),
    seed: !args["no-seed"],
    synchronous: !args.async,
    apiProcesses: Number(args.apis),
    buildApps: true,
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
if (stopping) await new Promise(() => {});

const c = cluster;
const pid = (name: string) => c.processes.find((p) => p.name === name)?.pid;
const lines = [
  "",
  `  Keepr cluster is running (ready in ${Math.round(performance.now() - started)} ms); files and logs in ${c.dir}`,
  `    Guest app       ${c.url}/   (built by api1 when out of date: ready in a few seconds then)`,
  `    Staff console   ${c.url}/admin/`,
  `    GraphQL API     ${c.url}/graphql   (HAProxy, round robin: ${Object.entries(c.apiUrls).map(([name, url]) => `${name} ${url}`).join(", ")})`,
  `    Realtime        ${c.url.replace(/^http/, "ws")}/realtime/v1/websocket   (realtime process ${c.realtimeUrl}, pid ${pid("realtime")})`,
  `    Worker          pid ${pid("worker")}`,
  `    HAProxy stats   ${c.statsUrl}   (pid ${pid("haproxy")})`,
  `    Postgres        primary (HAProxy)  ${c.urls.superuser}`,
  `                    primary node       port ${c.primary.port}, pid ${c.primary.pid}`,
  `                    standby1 (replica) port ${c.standby.port}, pid ${c.standby.pid}, ${args.async ? "asynchronous" : "synchronous"}`,
  `    PgBouncer       ${c.urls.authenticatorPooled}   (transaction mode, pid ${pid("pgbouncer")}; admin: ${c.urls.pgbouncerAdmin})`,
  "",
  "  Type `failover` + Enter to promote the standby (the documented promote); Ctrl-C stops everything.",
  "",
];
process.stderr.write(lines.join("\n") + "\n");

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  if (line.trim() !== "failover") return;
  const began = performance.now();
  c.failover().then(
    () => console.error(`  failover done in ${Math.round(performance.now() - began)} ms: ${c.current().name} is the primary`),
    (error: unknown) => console.error(`  failover failed: ${error instanceof Error ? error.message : error}`),
  );
});
// Every process the cluster started must stay up: one that dies is said at once.
for (const child of c.processes) {
  if (child.name === "migrate" || child.name === "seed") continue;
  void child.exited.then((code) => {
    if (!stopping) console.error(`  ${child.name} (pid ${child.pid}) exited with ${code}; its log: ${child.logFile}`);
  });
}
