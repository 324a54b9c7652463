// The worker heartbeat unlocks the jobs of killed processes, never those of
// a live one: a send that takes longer than WORKER_DEAD_AFTER_SECONDS (a
// slow mail server) keeps its lock and is delivered once, by one
// connection.
import net from "node:net";
import type { ChildProcess } from "node:child_process";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { oneNightBooked } from "../helpers/booking.ts";
import { kill, spawnWorker } from "../helpers/worker-process.ts";

/** A minimal SMTP server that greets only after `greetingDelayMs`, and records each message's Message-ID. */
function slowSmtpServer(greetingDelayMs: number) {
  const messageIds: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let inData = false;
    let buffer = "";
    let message = "";
    const timer = setTimeout(() => socket.write("220 slow.example ESMTP\r\n"), greetingDelayMs);
    socket.on("close", () => clearTimeout(timer));
    socket.on("error", () => undefined);
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messageIds.push(/^Message-ID: (.*)$/im.exec(message)?.[1] ?? "?");
            message = "";
            socket.write("250 queued\r\n");
          } else message += line + "\n";
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 slow.example\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  return {
    messageIds,
    connections: () => connections,
    listen: () => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let child: ChildProcess | undefined;
const smtp = slowSmtpServer(8_000);
const db = fileDatabase({
  beforeDrop: async () => {
    if (child) await kill(child);
    await smtp.close();
  },
});

it("a job running longer than WORKER_DEAD_AFTER_SECONDS in a live worker keeps its lock and delivers once", async () => {
  const port = await smtp.listen();
  const reservationId = await inCommit(db.ownerPool, (client) => oneNightBooked(client));
  child = spawnWorker(db, { SMTP_URL: `smtp://127.0.0.1:${port}`, WORKER_DEAD_AFTER_SECONDS: "2", WORKER_CONCURRENCY: "4" });

  // Past the 2 s dead-after, while the slow greeting is still on its way:
  // still locked, by a live pool, on its first attempt.
  const started = Date.now();
  for (;;) {
    const locked = await db.ownerPool.query("select locked_by, attempts from graphile_worker.jobs where task_identifier = 'send_notification' and locked_by is not null");
    if (locked.rows.length > 0) break;
    if (Date.now() - started > 15_000) throw new Error("the worker never picked up the job");
    await new Promise((r) => setTimeout(r, 100));
  }
  // A heartbeat ran after the lock was older than dead-after: it looked at
  // this job as a candidate, and left it, because its pool is vouched for.
  for (;;) {
    const { rows } = await db.ownerPool.query(
      `select 1 from graphile_worker.jobs j join app_private.worker_heartbeats h on h.worker_id = j.locked_by
        where j.task_identifier = 'send_notification' and h.seen_at > j.locked_at + interval '2 seconds'`,
    );
    if (rows.length > 0) break;
    if (Date.now() - started > 15_000) throw new Error("no heartbeat ran past the dead-after while the job was locked");
    await new Promise((r) => setTimeout(r, 100));
  }
  const during = await db.ownerPool.query("select locked_by, attempts from graphile_worker.jobs where task_identifier = 'send_notification' and run_at <= now()");
  expect(during.rows).toEqual([{ locked_by: expect.stringMatching(/^pool-/), attempts: 1 }]);

  for (;;) {
    const sent = await db.ownerPool.query("select status from app_public.notifications where reservation_id = $1 and template = 'confirmation' and channel = 'email'", [reservationId]);
    if (sent.rows[0].status === "sent") break;
    if (Date.now() - started > 30_000) throw new Error(`not sent: ${sent.rows[0].status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(smtp.connections()).toBe(1);
  expect(smtp.messageIds).toHaveLength(1);
}, 60_000);
