// `npm start` as a user runs it: a fresh data directory, the embedded
// Postgres, migrations, demo data, the API and the worker in one process;
// ready, usable, and gone without a trace on SIGINT/SIGTERM. Start times are
// printed (docs/benchmarks.md records them).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, chmodSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { isRunning } from "../../db/embedded.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "keepr-e2e-"));
chmodSync(dataDir, 0o755);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  readyMs: number;
}

async function start(port: number, pgPort: number): Promise<Running> {
  const began = Date.now();
  let output = "";
  const child = spawn(process.execPath, ["server/main.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  while (Date.now() - began < 60_000) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return { child, url, output: () => output, readyMs: Date.now() - began };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`not ready within 60 s:\n${output}`);
}

function postmasterPid(): number | null {
  const file = path.join(dataDir, "pg", "postmaster.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : null;
}

const alive = isRunning;

/** Gives the OS a moment to reap an exiting process, then says whether it is still running. */
async function stillRunningAfter(pid: number, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return isRunning(pid);
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  const pgPid = postmasterPid();
  const exited = new Promise<number | null>((resolve) => running.child.once("exit", (code) => resolve(code)));
  running.child.kill(signal);
  const code = await exited;
  if (code !== 0) console.log(`exit ${code}; output:\n${running.output()}`);
  expect(pgPid).not.toBeNull();
  expect(await stillRunningAfter(pgPid!)).toBe(false);
  expect(postmasterPid()).toBeNull();
  return code;
}

async function graphql(url: string, query: string, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

let port: number;
let pgPort: number;
const children: ChildProcess[] = [];
beforeAll(async () => {
  port = await freePort();
  pgPort = await freePort();
});
// Whatever a failed test left running is stopped, so the next test starts clean.
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await exited;
    }
  }
  const pid = postmasterPid();
  if (pid && alive(pid)) process.kill(pid, "SIGINT");
});

it("first start: initdb, migrations and demo data; anonymous sees demo properties; SIGINT leaves nothing running", async () => {
  const running = await start(port, pgPort);
  console.log(`npm start, first start (initdb + migrations + seed): ready in ${running.readyMs} ms`);
  const props = await graphql(running.url, "{ allProperties { nodes { name city currency } } }");
  expect(props.data.allProperties.nodes.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
    { name: "Chalet Edelweiss", city: "Zermatt", currency: "CHF" },
    { name: "Harbour View Hotel", city: "Lisbon", currency: "EUR" },
  ]);
  const login = await graphql(running.url, 'mutation { login(input: {email: "desk@harbour.example", password: "keepr-demo-password"}) { result } }');
  const units = await graphql(running.url, "{ allUnits { totalCount } }", login.data.login.result);
  expect(units.data.allUnits.totalCount).toBe(10);
  expect(running.output()).toContain("desk@harbour.example");
  expect(await stop(running, "SIGINT")).toBe(0);
});

it("second start reuses the data (no second seed) and SIGTERM stops it cleanly", async () => {
  const running = await start(port, pgPort);
  console.log(`npm start, second start (existing data): ready in ${running.readyMs} ms`);
  const orgs = await graphql(running.url, "{ allOrganizations { totalCount } }");
  expect(orgs.data.allOrganizations.totalCount).toBe(2);
  expect(await stop(running, "SIGTERM")).toBe(0);
});

it("after a crash (SIGKILL) the orphaned Postgres is stopped by the next start", async () => {
  const crashed = await start(port, pgPort);
  const orphan = postmasterPid()!;
  const exited = new Promise((r) => crashed.child.once("exit", r));
  crashed.child.kill("SIGKILL");
  await exited;
  await new Promise((r) => setTimeout(r, 200));
  expect(alive(orphan)).toBe(true);

  const running = await start(port, pgPort);
  expect(await stillRunningAfter(orphan)).toBe(false);
  expect(await stop(running, "SIGINT")).toBe(0);
});
