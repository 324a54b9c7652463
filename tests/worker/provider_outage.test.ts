// Provider outages (worker/delivery.ts): email through two real SMTP servers
// (smtp-server) in this test, SMS through two HTTP gateways, and the real
// send_notification jobs. The primary refuses (5xx, connection refused),
// times out (before the greeting: it never had the message; after the
// message was sent: it may have it), then recovers. The fallback delivers
// meanwhile; each circuit opens after PROVIDER_BREAKER_FAILURES failures in a
// row, probes after PROVIDER_BREAKER_RESET_MS and closes on success; each
// message arrives exactly once across both servers, and a message the
// primary may have taken is only ever retried there.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { register } from "prom-client";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs, makeMessagesDue } from "../helpers/jobs.ts";
import { oneNightBooked } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/wait.ts";
import { circuitState } from "../../worker/delivery.ts";

type MailMode = "ok" | "refuse" | "hang-greeting" | "hang-after-data" | "no-such-mailbox";

/** A real SMTP server: what it accepted (Message-IDs), how many connections it saw; its behaviour set by mode. */
class MailServer {
  mode: MailMode = "ok";
  accepted: string[] = [];
  connections = 0;
  port = 0;
  private server: SMTPServer | null = null;
  private hanging: Array<() => void> = [];

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onConnect: (_session, callback) => {
        this.connections += 1;
        if (this.mode === "refuse") return callback(Object.assign(new Error("Service unavailable, try later"), { responseCode: 554 }));
        // Never greets: the client times out before it has said anything.
        if (this.mode === "hang-greeting") return void this.hanging.push(() => callback());
        callback();
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === "no-such-mailbox") return callback(Object.assign(new Error("No such mailbox"), { responseCode: 550 }));
        callback();
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const messageId = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString("utf8"))?.[1] ?? "?";
          // Reads the whole message and never answers: the client cannot know whether it was taken.
          if (this.mode === "hang-after-data") return void this.hanging.push(() => callback(new Error("too late")));
          this.accepted.push(messageId);
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Stops listening: connections are refused until start() again. */
  async stop(): Promise<void> {
    for (const release of this.hanging.splice(0)) release();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

type GatewayMode = "ok" | "unavailable" | "hang" | "refuse-number";

/** An HTTP SMS gateway speaking Keepr's protocol: keeps each accepted message by its idempotency key. */
class SmsGateway {
  mode: GatewayMode = "ok";
  accepted: Array<{ key: string; to: string; text: string }> = [];
  requests: string[] = [];
  port = 0;
  private server: Server | null = null;
  private hanging: ServerResponse[] = [];

  async start(port = 0): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const key = String(req.headers["idempotency-key"]);
        this.requests.push(key);
        if (req.headers.authorization !== `Basic ${Buffer.from("keepr:gateway-key").toString("base64")}`) {
          res.writeHead(401).end();
          return;
        }
        if (this.mode === "unavailable") return void res.writeHead(503).end("down for maintenance");
        if (this.mode === "hang") return void this.hanging.push(res);
        if (this.mode === "refuse-number") return void res.writeHead(422, { "content-type": "application/json" }).end('{"error":"number cannot receive texts"}');
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: string; to: string; text: string };
        if (!this.accepted.some((m) => m.key === key)) this.accepted.push({ key, to: body.to, text: body.text });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messageId: `gw-${key}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://keepr:gateway-key@127.0.0.1:${this.port}/v1/messages`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

const primary = new MailServer();
const fallback = new MailServer();
const smsPrimary = new SmsGateway();
const smsFallback = new SmsGateway();
const db = fileDatabase({ beforeDrop: () => Promise.all([primary.stop(), fallback.stop(), smsPrimary.stop(), smsFallback.stop()]) });

beforeAll(async () => {
  await Promise.all([primary.start(), fallback.start(), smsPrimary.start(), smsFallback.start()]);
});

// Open after 2 failures in a row; probe after 3 s (the messages after the
// second failure, in the same run of the jobs, find it open well before).
const breaker = { PROVIDER_BREAKER_FAILURES: "2", PROVIDER_BREAKER_RESET_MS: "3000" };
const mailEnv = () => ({ OUTBOX_DIR: newOutbox(), SMTP_URL: primary.url, SMTP_FALLBACK_URL: fallback.url, SMTP_TIMEOUT_MS: "2500", ...breaker });
const smsEnv = () => ({ OUTBOX_DIR: newOutbox(), SMS_URL: smsPrimary.url, SMS_FALLBACK_URL: smsFallback.url, SMS_TIMEOUT_MS: "2500", ...breaker });

/** Queues n notifications of one template for the reservation; returns their ids. */
async function queue(reservationId: string, template: "modification" | "cancellation", n: number, channel: "email" | "sms"): Promise<string[]> {
  const cause = `outage:${Math.random().toString(36).slice(2)}:`;
  await db.ownerPool.query("select app_private.notify(r, $2, $3 || i) from app_public.reservations r, generate_series(1, $4) i where r.id = $1", [reservationId, template, cause, n]);
  const { rows } = await db.ownerPool.query<{ id: string }>("select id from app_public.notifications where cause like $1 || '%' and channel = $2 order by cause", [cause, channel]);
  return rows.map((r) => r.id);
}

const rowsOf = async (ids: string[]) =>
  (await db.ownerPool.query<{ id: string; status: string; provider_message_id: string | null; last_error: string | null }>(
    "select id, status, provider_message_id, last_error from app_public.notifications where id = any($1) order by id", [ids],
  )).rows;

/** The value of one of the provider metrics for these labels. */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await register.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

/** Makes the retries of failed send_notification jobs due now, and any message still waiting for its day (tests/helpers/jobs.ts). */
const retryNow = () => makeMessagesDue(db);

const mailId = (id: string) => `<notification-${id}@keepr.local>`;

it("email: the primary refuses, is unreachable and times out; the fallback delivers; the circuit opens and closes; each message arrives once", async () => {
  const reservationId = await inCommit(db.ownerPool, (c) => oneNightBooked(c));
  const env = mailEnv();
  const state = () => circuitState("email", "primary", primary.url);
  const open = () => metric("keepr_provider_circuit_open", { channel: "email", provider: "primary" });
  // The booking's own confirmation, and one more: through the primary.
  const healthy = await queue(reservationId, "modification", 1, "email");
  await runDueJobs(db, env);
  expect(primary.accepted).toContain(mailId(healthy[0]!));
  expect(state()).toBe("closed");
  expect(await open()).toBe(0);

  // 1. The primary refuses (554): the first two messages fail there and go
  // to the fallback; the circuit opens, and the next three go to the
  // fallback without the primary being asked.
  primary.mode = "refuse";
  const connectionsBefore = primary.connections;
  const refused = await queue(reservationId, "modification", 5, "email");
  await runDueJobs(db, env);
  expect(fallback.accepted).toEqual(refused.map(mailId));
  expect(primary.connections - connectionsBefore).toBe(2);
  expect(state()).not.toBe("closed");
  expect(await open()).toBe(1);

  // 2. It recovers: after the reset time one message probes it (half-open), and the circuit closes.
  primary.mode = "ok";
  await waitUntil(async () => state() === "halfOpen", "the primary's circuit to be half-open");
  const probe = await queue(reservationId, "modification", 1, "email");
  await runDueJobs(db, env);
  expect(primary.accepted).toContain(mailId(probe[0]!));
  expect(state()).toBe("closed");
  expect(await open()).toBe(0);

  // 3. Connection refused (the server is gone), then back on the same port.
  await primary.stop();
  const unreachable = await queue(reservationId, "modification", 3, "email");
  await runDueJobs(db, env);
  expect(fallback.accepted.slice(-3)).toEqual(unreachable.map(mailId));
  expect(state()).not.toBe("closed");
  await primary.start(primary.port);
  await waitUntil(async () => state() === "halfOpen", "the primary's circuit to be half-open again");
  const back = await queue(reservationId, "modification", 1, "email");
  await runDueJobs(db, env);
  expect(primary.accepted).toContain(mailId(back[0]!));
  expect(state()).toBe("closed");

  // 4. A timeout before the greeting: the primary never had the message; the fallback takes it.
  primary.mode = "hang-greeting";
  const silent = await queue(reservationId, "modification", 2, "email");
  await runDueJobs(db, env);
  expect(fallback.accepted.slice(-2)).toEqual(silent.map(mailId));
  expect(state()).not.toBe("closed");
  primary.mode = "ok";
  await waitUntil(async () => state() === "halfOpen", "the primary's circuit to be half-open after the timeouts");
  const recovered = await queue(reservationId, "modification", 1, "email");
  await runDueJobs(db, env);
  expect(primary.accepted).toContain(mailId(recovered[0]!));
  expect(state()).toBe("closed");

  // 5. A timeout after the message was sent: the primary may have it. Not
  // sent to the fallback; pending with the primary named; retried at the
  // primary only, which takes it once it answers again.
  primary.mode = "hang-after-data";
  const [ambiguous] = await queue(reservationId, "modification", 1, "email") as [string];
  await runDueJobs(db, env);
  expect(await rowsOf([ambiguous])).toEqual([
    { id: ambiguous, status: "pending", provider_message_id: `primary:notification-${ambiguous}`, last_error: expect.stringContaining("primary may have taken the message") },
  ]);
  expect(fallback.accepted).not.toContain(mailId(ambiguous));
  primary.mode = "ok";
  await retryNow();
  await runDueJobs(db, env);
  expect(await rowsOf([ambiguous])).toEqual([{ id: ambiguous, status: "sent", provider_message_id: `primary:${mailId(ambiguous)}`, last_error: null }]);

  // Every notification sent once, recorded with the provider that took it,
  // and found exactly once across both servers.
  const all = [...healthy, ...refused, ...probe, ...unreachable, ...back, ...silent, ...recovered, ambiguous];
  for (const row of await rowsOf(all)) {
    const id = mailId(row.id);
    const where = [...primary.accepted.filter((m) => m === id).map(() => "primary"), ...fallback.accepted.filter((m) => m === id).map(() => "fallback")];
    expect({ id: row.id, status: row.status, where }).toEqual({ id: row.id, status: "sent", where: [row.provider_message_id!.split(":")[0]] });
    expect(row.provider_message_id).toBe(`${where[0]}:${id}`);
  }
  expect(new Set([...primary.accepted, ...fallback.accepted]).size).toBe(primary.accepted.length + fallback.accepted.length);
  expect(await metric("keepr_notification_deliveries_total", { channel: "email", provider: "fallback", outcome: "delivered" })).toBe(fallback.accepted.length);
  expect(await metric("keepr_notification_deliveries_total", { channel: "email", provider: "primary", outcome: "delivered" })).toBe(primary.accepted.length);
  // 2 refused, 2 unreachable, 2 silent, 1 ambiguous.
  expect(await metric("keepr_notification_deliveries_total", { channel: "email", provider: "primary", outcome: "failed" })).toBe(7);

  // A mailbox the primary refuses for good (550 to RCPT TO) is the
  // message's fault: failed at once, not sent elsewhere, and the provider's
  // circuit stays closed however many such messages come.
  primary.mode = "no-such-mailbox";
  const unknown = await queue(reservationId, "modification", 3, "email");
  await runDueJobs(db, env);
  expect((await rowsOf(unknown)).map((r) => [r.status, r.provider_message_id])).toEqual(unknown.map(() => ["failed", null]));
  expect((await rowsOf(unknown))[0]!.last_error).toContain("550 No such mailbox");
  expect(fallback.accepted.filter((m) => unknown.map(mailId).includes(m))).toEqual([]);
  expect(state()).toBe("closed");
});

it("SMS: the gateway answers 503, then hangs; the fallback gateway delivers; the circuit opens and closes; each text arrives once", async () => {
  const reservationId = await inCommit(db.ownerPool, (c) => oneNightBooked(c));
  const env = smsEnv();
  const state = () => circuitState("sms", "primary", smsPrimary.url);
  const healthy = await queue(reservationId, "cancellation", 1, "sms");
  await runDueJobs(db, env);
  const keyOf = (id: string) => `notification-${id}`;
  expect(smsPrimary.accepted.map((m) => m.key)).toContain(keyOf(healthy[0]!));
  expect(smsPrimary.accepted[0]!.to).toBe("+442079460000");

  smsPrimary.mode = "unavailable";
  const requestsBefore = smsPrimary.requests.length;
  const refused = await queue(reservationId, "cancellation", 4, "sms");
  await runDueJobs(db, env);
  expect(smsFallback.accepted.map((m) => m.key)).toEqual(refused.map(keyOf));
  // Two failures open the circuit; the other two texts skip the primary.
  expect(smsPrimary.requests.length - requestsBefore).toBe(2);
  expect(state()).not.toBe("closed");
  expect(await metric("keepr_provider_circuit_open", { channel: "sms", provider: "primary" })).toBe(1);

  smsPrimary.mode = "ok";
  await waitUntil(async () => state() === "halfOpen", "the SMS primary's circuit to be half-open");
  const probe = await queue(reservationId, "cancellation", 1, "sms");
  await runDueJobs(db, env);
  expect(smsPrimary.accepted.map((m) => m.key)).toContain(keyOf(probe[0]!));
  expect(state()).toBe("closed");
  expect(await metric("keepr_provider_circuit_open", { channel: "sms", provider: "primary" })).toBe(0);

  // A gateway that takes the request and never answers: the text may be
  // out; retried there only, under the same idempotency key.
  smsPrimary.mode = "hang";
  const [ambiguous] = await queue(reservationId, "cancellation", 1, "sms") as [string];
  await runDueJobs(db, env);
  expect((await rowsOf([ambiguous]))[0]).toMatchObject({ status: "pending", provider_message_id: `primary:${keyOf(ambiguous)}` });
  expect(smsFallback.requests).not.toContain(keyOf(ambiguous));
  smsPrimary.mode = "ok";
  await retryNow();
  await runDueJobs(db, env);
  expect((await rowsOf([ambiguous]))[0]).toMatchObject({ status: "sent", provider_message_id: `primary:gw-${keyOf(ambiguous)}` });
  expect(smsFallback.requests).not.toContain(keyOf(ambiguous));

  const all = [...healthy, ...refused, ...probe, ambiguous];
  for (const row of await rowsOf(all)) {
    const key = keyOf(row.id);
    const where = [...smsPrimary.accepted.filter((m) => m.key === key).map(() => "primary"), ...smsFallback.accepted.filter((m) => m.key === key).map(() => "fallback")];
    expect({ status: row.status, where }).toEqual({ status: "sent", where: [row.provider_message_id!.split(":")[0]] });
  }

  // A number the gateway refuses for good (422): failed, not sent elsewhere, the circuit closed.
  smsPrimary.mode = "refuse-number";
  const refusedNumbers = await queue(reservationId, "cancellation", 3, "sms");
  await runDueJobs(db, env);
  expect((await rowsOf(refusedNumbers)).map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
  expect((await rowsOf(refusedNumbers))[0]!.last_error).toContain("SMS gateway answered 422");
  expect(smsFallback.requests.filter((key) => refusedNumbers.map(keyOf).includes(key))).toEqual([]);
  expect(state()).toBe("closed");
});
