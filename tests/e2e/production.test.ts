// A production start (`node main.ts` with NODE_ENV=production) is
// safe by default: without the settings production needs it refuses before
// touching anything and names each of them; with them it loads no demo
// data, mounts no simulated payment provider and gives no schema hints.
// Demo data and the simulated provider only when asked for explicitly, and
// demo accounts then never have the published password.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { isRunning } from "../../core/embedded-postgres.ts";
import { publishedDemoPassword } from "../../core/config.ts";
import { freePort, makeDataDir, postmasterPid, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { productionEnv } from "../helpers/production-env.ts";

const root = path.resolve(import.meta.dirname, "../..");
const jwtSecret = "an-e2e-production-jwt-secret-of-48-characters!!";
const dataDirs: string[] = [];
const started: KeeprProcess[] = [];

const newDataDir = () => {
  const dir = makeDataDir();
  dataDirs.push(dir);
  return dir;
};

afterEach(async () => {
  for (const running of started.splice(0)) await stopKeepr(running, "SIGINT");
  for (const dir of dataDirs) {
    const pid = postmasterPid(dir);
    if (pid && isRunning(pid)) process.kill(pid, "SIGINT");
  }
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts Keepr in production (no browser builds: not under test here) and waits until it is ready. */
async function startProduction(env: Record<string, string>): Promise<KeeprProcess> {
  const running = await startKeepr({
    dataDir: newDataDir(),
    port: await freePort(),
    pgPort: await freePort(),
    env: { ADMIN_BUILD: "false", ...env },
  });
  started.push(running);
  return running;
}

/** Runs `node main.ts` with exactly this environment (plus PATH) and resolves once it exits. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(process.execPath, ["main.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

async function graphql(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
}

const loginMutation = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { result } }";
const tokenOf = async (url: string, email: string, password: string): Promise<string | null> =>
  (await graphql(url, loginMutation, { email, password })).data?.login?.result ?? null;

it("NODE_ENV=production and JWT_SECRET alone: exits 1 before starting anything, naming every setting it needs", async () => {
  const dataDir = newDataDir();
  const port = String(await freePort());
  const result = await runToExit({ NODE_ENV: "production", JWT_SECRET: jwtSecret, DATA_DIR: dataDir, PORT: port, EMBEDDED_PG_PORT: String(await freePort()) });
  expect(result.code).toBe(1);
  for (const setting of ["PUBLIC_URL", "PAYMENT_PROVIDER_URL", "PAYMENT_PROVIDER_API_KEY", "PAYMENT_WEBHOOK_SECRET", "SMTP_URL"]) {
    expect(result.output).toContain(`${setting}: required in production`);
  }
  expect(postmasterPid(dataDir)).toBeNull(); // no Postgres was started
  expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => "answered", () => "refused")).toBe("refused");

  // SEED=true alone is not enough either: the demo accounts need DEMO_PASSWORD.
  const seeded = await runToExit({ ...productionEnv(jwtSecret), SEED: "true", DATA_DIR: newDataDir(), PORT: port, EMBEDDED_PG_PORT: String(await freePort()) });
  expect(seeded.code).toBe(1);
  expect(seeded.output).toContain("DEMO_PASSWORD: required in production with SEED=true");
});

it("with the production settings: no demo data, no simulated provider, no schema hints", async () => {
  const running = await startProduction(productionEnv(jwtSecret));
  const { url } = running;

  // No demo organization, and the published demo login does not work.
  expect((await graphql(url, "{ allOrganizations { totalCount } allProperties { totalCount } }")).data).toEqual({
    allOrganizations: { totalCount: 0 },
    allProperties: { totalCount: 0 },
  });
  expect(await tokenOf(url, "owner@harbour.example", publishedDemoPassword)).toBeNull();
  expect(running.output()).not.toContain(publishedDemoPassword);

  // The simulated provider is not there: no test card can be tokenized.
  const tokens = await fetch(`${url}/simulated-provider/v1/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ number: "4242424242424242", expMonth: 12, expYear: 2099, cvc: "123" }),
  });
  expect(tokens.status).toBe(404);
  expect((await fetch(`${url}/simulated-provider/card-form`)).status).toBe(404);

  // A wrong field name gets no suggestion, over POST or GET.
  const post = await graphql(url, "{ allReservation { totalCount } }");
  expect(post.errors?.[0]?.message).toBe('Cannot query field "allReservation" on type "Query".');
  const get = await fetch(`${url}/graphql?query=${encodeURIComponent("{ allPropertie { totalCount } }")}`, { headers: { accept: "application/json" } });
  const getBody = (await get.json()) as { errors?: Array<{ message: string }> };
  expect(getBody.errors?.[0]?.message).toBe('Cannot query field "allPropertie" on type "Query".');

  expect(await stopKeepr(running, "SIGTERM")).toBe(0);
});

it("SEED=true with DEMO_PASSWORD and SIMULATED_PROVIDER=true, given explicitly: demo data with that password only, the simulated provider, warnings", async () => {
  const demoPassword = "an-operator-chosen-demo-password";
  const env = productionEnv(jwtSecret);
  delete env.PAYMENT_PROVIDER_URL;
  delete env.PAYMENT_PROVIDER_API_KEY;
  delete env.PAYMENT_WEBHOOK_SECRET;
  const running = await startProduction({ ...env, SEED: "true", DEMO_PASSWORD: demoPassword, SIMULATED_PROVIDER: "true" });
  const { url } = running;

  expect((await graphql(url, "{ allOrganizations { totalCount } }")).data.allOrganizations.totalCount).toBe(2);
  expect(await tokenOf(url, "owner@harbour.example", publishedDemoPassword)).toBeNull();
  expect(await tokenOf(url, "owner@harbour.example", demoPassword)).toEqual(expect.any(String));
  expect(running.output()).not.toContain(publishedDemoPassword);
  expect(running.output()).not.toContain(demoPassword);
  expect(running.output()).toContain("SEED=true in production");
  expect(running.output()).toContain("SIMULATED_PROVIDER=true in production");

  // Asked for, the simulated provider answers (a bad request, not a 404).
  const tokens = await fetch(`${url}/simulated-provider/v1/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(tokens.status).not.toBe(404);

  expect(await stopKeepr(running, "SIGTERM")).toBe(0);
});
