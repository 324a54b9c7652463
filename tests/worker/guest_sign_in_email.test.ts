// The sign-in link's email (issue 22): requestGuestSignIn queues it in its
// own transaction; the job derives the link's secret from the request id and
// sends it once, in the request's language; a used or expired link, or a
// request that is gone, sends nothing.
import { readdirSync } from "node:fs";
import path from "node:path";
import { actAs, fileDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { readableEmail, signInLinkOf } from "../helpers/mail.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = () => runDueJobs(db, { OUTBOX_DIR: outbox, PUBLIC_URL: "https://book.example.test" });

async function requestLink(email: string, language: string, commit = true): Promise<string | null> {
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    await actAs(client, { role: "keepr_anonymous" });
    await client.query("select app_public.request_guest_sign_in($1, $2)", [email, language]);
    await client.query("reset role");
    const { rows } = await client.query<{ id: string }>("select id from app_private.guest_sign_in_requests where email = $1", [email]);
    await client.query(commit ? "commit" : "rollback");
    return commit ? rows[0]!.id : null;
  } finally {
    client.release();
  }
}

const emails = () => readdirSync(outbox).filter((f) => f.endsWith(".eml"));

it("delivers one email with a link whose secret (in the fragment) signs in once", async () => {
  const id = (await requestLink("link@test.example", "pt"))!;
  await runJobs();
  expect(emails()).toEqual([`guest-sign-in-${id}.eml`]);
  const eml = readableEmail(path.join(outbox, `guest-sign-in-${id}.eml`));
  expect(eml).toMatch(/^To: link@test\.example$/m);
  expect(eml).toMatch(/^Subject: O seu link de acesso$/m);
  expect(eml).toContain("Funciona uma vez, durante 15 minutos.");
  const link = signInLinkOf(eml);
  expect(link).toMatch(/^https:\/\/book\.example\.test\/account#token=/);
  const token = link!.split("#token=")[1];
  const { rows } = await db.ownerPool.query<{ sub: string }>("select (app_public.complete_guest_sign_in($1)).sub", [token]);
  expect(rows[0]!.sub).toMatch(/^[0-9a-f-]{36}$/);
  // The job again (a retry): the same message id, still one email; and the link is used, so nothing new either.
  await db.ownerPool.query("select graphile_worker.add_job('send_guest_sign_in_email', json_build_object('id', $1::uuid))", [id]);
  await runJobs();
  expect(emails()).toEqual([`guest-sign-in-${id}.eml`]);
});

it("a request that rolls back leaves no job; an expired or vanished one sends nothing", async () => {
  await requestLink("ghost@test.example", "en", false);
  expect((await db.ownerPool.query("select 1 from graphile_worker.jobs where task_identifier = 'send_guest_sign_in_email'")).rows).toEqual([]);
  const id = (await requestLink("late@test.example", "en"))!;
  await db.ownerPool.query("update app_private.guest_sign_in_requests set expires_at = now() - interval '1 second' where id = $1", [id]);
  await db.ownerPool.query("select graphile_worker.add_job('send_guest_sign_in_email', json_build_object('id', gen_random_uuid()))");
  await runJobs();
  expect(emails()).toEqual([]);
  expect((await db.ownerPool.query("select 1 from graphile_worker.jobs where task_identifier = 'send_guest_sign_in_email'")).rows).toEqual([]);
});

it("a malformed payload fails the job instead of guessing", async () => {
  await db.ownerPool.query("select graphile_worker.add_job('send_guest_sign_in_email', '{\"id\": \"x\"}'::json, max_attempts := 1)");
  await runJobs();
  const { rows } = await db.ownerPool.query<{ last_error: string }>("select last_error from graphile_worker.jobs where task_identifier = 'send_guest_sign_in_email'");
  expect(rows).toHaveLength(1);
  expect(rows[0]!.last_error).toMatch(/uuid|invalid/i);
});
