// `npm start` as a user runs it: a fresh data directory, the embedded
// Postgres, migrations, demo data, the API and the worker in one process;
// ready, usable, and gone without a trace on SIGINT/SIGTERM.
import { isRunning } from "../../core/embedded-postgres.ts";
import {
  freePort, makeDataDir, postmasterPid, startKeepr, stillRunningAfter, stopKeepr, type KeeprProcess,
} from "../helpers/keepr-process.ts";

const dataDir = makeDataDir();
let port: number;
let pgPort: number;
const started: KeeprProcess[] = [];

beforeAll(async () => {
  port = await freePort();
  pgPort = await freePort();
});
// Whatever a failed test left running is stopped, so the next test starts clean.
afterEach(async () => {
  for (const running of started.splice(0)) await stopKeepr(running, "SIGINT");
  const pid = postmasterPid(dataDir);
  if (pid && isRunning(pid)) process.kill(pid, "SIGINT");
});

const start = async () => {
  const running = await startKeepr({ dataDir, port, pgPort });
  started.push(running);
  return running;
};

/** Stops Keepr and checks that its Postgres is gone too. */
async function stopCleanly(running: KeeprProcess, signal: NodeJS.Signals, group = false): Promise<void> {
  const pgPid = postmasterPid(dataDir);
  expect(pgPid).not.toBeNull();
  const code = await stopKeepr(running, signal, { group });
  expect({ code, output: code === 0 ? "" : running.output() }).toEqual({ code: 0, output: "" });
  expect(await stillRunningAfter(pgPid!)).toBe(false);
  expect(postmasterPid(dataDir)).toBeNull();
}

async function graphql(url: string, query: string, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

it("first start: initdb, migrations and demo data; anonymous sees demo properties; Ctrl-C leaves nothing running", async () => {
  const running = await start();
  const props = await graphql(running.url, "{ allProperties { nodes { name city currency } } }");
  expect(props.data.allProperties.nodes.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
    { name: "Chalet Edelweiss", city: "Zermatt", currency: "CHF" },
    { name: "Harbour View Hotel", city: "Lisbon", currency: "EUR" },
  ]);
  const login = await graphql(running.url, 'mutation { login(input: {email: "desk@harbour.example", password: "keepr-demo-password"}) { result } }');
  const units = await graphql(running.url, "{ allUnits { totalCount } }", login.data.login.result);
  expect(units.data.allUnits.totalCount).toBe(10);
  expect(running.output()).toContain("desk@harbour.example");
  await stopCleanly(running, "SIGINT", true); // to the process group, as a terminal's Ctrl-C
  expect(running.output()).not.toMatch(/"level":(50|60)/); // no error logged while shutting down
});

it("second start reuses the data (no second seed) and SIGTERM stops it cleanly", async () => {
  const running = await start();
  const orgs = await graphql(running.url, "{ allOrganizations { totalCount } }");
  expect(orgs.data.allOrganizations.totalCount).toBe(2);
  await stopCleanly(running, "SIGTERM");
});

it("after a crash (SIGKILL) the orphaned Postgres is stopped by the next start", async () => {
  const crashed = await start();
  const orphan = postmasterPid(dataDir)!;
  await stopKeepr(crashed, "SIGKILL"); // returns once the process has exited
  expect(isRunning(orphan)).toBe(true); // its Postgres outlives it

  const running = await start();
  expect(await stillRunningAfter(orphan)).toBe(false);
  await stopCleanly(running, "SIGINT");
});
