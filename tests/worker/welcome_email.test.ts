// The job path end to end: register adds the job in its own transaction,
// graphile-worker runs it, the welcome email lands in the dev outbox once.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { actAs, fileDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = () =>
  runDueJobs(db, { OUTBOX_DIR: outbox });

async function register(email: string, commit: boolean): Promise<string | null> {
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    await actAs(client, { role: "keepr_anonymous" });
    const { rows } = await client.query<{ sub: string }>("select (app_public.register($1, 'a-long-password', 'Wendy Welcome')).sub", [email]);
    await client.query(commit ? "commit" : "rollback");
    return commit ? rows[0]!.sub : null;
  } finally {
    client.release();
  }
}

// graphile-worker's public `jobs` view (its tables are internal).
const welcomeJobs = async () =>
  (await db.ownerPool.query<{ key: string | null }>("select key from graphile_worker.jobs where task_identifier = 'send_welcome_email'")).rows;

it("registering queues one welcome email job in the same transaction, which delivers to the outbox", async () => {
  const userId = await register("wendy@test.example", true);
  expect(await welcomeJobs()).toEqual([{ key: `send_welcome_email:${userId}` }]);

  await runJobs();

  expect(await welcomeJobs()).toEqual([]);
  const files = readdirSync(outbox).sort();
  expect(files).toEqual([`welcome-${userId}.eml`, `welcome-${userId}.json`]);
  const eml = readFileSync(path.join(outbox, `welcome-${userId}.eml`), "utf8");
  expect(eml).toMatch(/^To: wendy@test\.example$/m);
  expect(eml).toMatch(/^Subject: Welcome to Keepr$/m);
  expect(eml).toMatch(/^Message-ID: <welcome-[0-9a-f-]+@keepr\.local>$/m);
  expect(eml).toContain("Hello Wendy Welcome");
});

it("a registration that rolls back leaves no job behind", async () => {
  await register("ghost@test.example", false);
  expect(await welcomeJobs()).toEqual([]);
});

it("running the job twice still sends one email", async () => {
  const userId = await register("twice@test.example", true);
  await runJobs();
  await db.ownerPool.query("select graphile_worker.add_job('send_welcome_email', json_build_object('id', $1::uuid))", [userId]);
  await runJobs();
  expect(readdirSync(outbox).filter((f) => f.endsWith(".eml"))).toEqual([`welcome-${userId}.eml`]);
});

it("a job for a user who is gone completes quietly and sends nothing", async () => {
  await db.ownerPool.query("select graphile_worker.add_job('send_welcome_email', json_build_object('id', gen_random_uuid()))");
  await runJobs();
  expect(await welcomeJobs()).toEqual([]);
  expect(readdirSync(outbox)).toEqual([]);
});

it("a malformed payload fails the job instead of guessing", async () => {
  await db.ownerPool.query("select graphile_worker.add_job('send_welcome_email', '{\"id\": 42}'::json, max_attempts := 1)");
  await runJobs();
  const { rows } = await db.ownerPool.query<{ last_error: string }>("select last_error from graphile_worker.jobs where task_identifier = 'send_welcome_email'");
  expect(rows).toHaveLength(1);
  expect(rows[0]!.last_error).toMatch(/uuid|invalid/i);
});
