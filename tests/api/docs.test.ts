// docs/api.md is a runnable walkthrough: every ```sh block runs, in order,
// in one bash script against a live server with the demo data. Any GraphQL
// error it prints fails the test (the examples of errors check their codes
// with `jq -e` instead of printing them), so the guide stays true.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { seedDemoData } from "../../db/seed.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData(db.ownerUrl);
  server = await startTestServer(db);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

// The guide is long (over a hundred requests, each a curl and a jq): on a
// machine with both cores busy it has taken more than a minute. The limits
// are there so a hung request fails the test, not to time the guide.
const guideDeadlineMs = 240_000;

/** Runs a bash script without blocking the event loop (the server under test lives in this process). */
function bash(script: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", script], { env: { ...process.env, ...env }, encoding: "utf8", timeout: guideDeadlineMs, maxBuffer: 10_000_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

it("every example in docs/api.md runs against the demo data without an unexpected error", async () => {
  const guide = readFileSync(new URL("../../docs/api.md", import.meta.url), "utf8");
  const blocks = [...guide.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThan(10);
  const script = ["set -euo pipefail", ...blocks].join("\n");
  const run = await bash(script, { KEEPR: server.url });
  const output = `${run.stdout}\n${run.stderr}`;
  expect([run.status, run.stderr]).toEqual([0, ""]);
  const responses = run.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { errors?: unknown });
  expect(responses.filter((r) => r.errors)).toEqual([]);
  expect(responses.length).toBeGreaterThan(20);
  // The walkthrough did what it says: a booking confirmed, then cancelled once.
  expect(output).toContain('"status":"confirmed"');
  expect(output).toContain('"status":"cancelled","penaltyAmount":"0"');
  // Money: a payment started, an invoice issued and served as HTML, the books balanced.
  expect(output).toContain('"pay":{"result":{"rowId"');
  expect(output).toMatch(/"documentNumber":"INV-000001"/);
  expect(output).toContain("200 text/html");
  expect(output).toMatch(/"allTrialBalances":\{"nodes":\[\{"currency":"EUR","debits":"\d+","credits":"\d+","difference":"0"\}/);
  expect(output).toContain('"status":"checked_out"');
  // The desk: an extra, cash in the shift, check-out refused then settled through the city ledger, aged there.
  expect(output).toMatch(/"closeCashShift":\{"result":\{"expectedAmount":"10900","countedAmount":"10850","difference":"-50"\}/);
  expect(output).toMatch(/"arAging":\{"nodes":\[\{"companyName":"Atlantic Travel","currency":"EUR","current":"\d+"/);
  expect(output).toContain('"status":"no_show"');
}, guideDeadlineMs + 30_000);
