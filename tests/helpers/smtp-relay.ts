// A real SMTP server (smtp-server) standing for a mail relay: it takes every
// message after `latencyMs` (what a relay that answers after queueing to
// disk costs), and keeps the Message-ID of each one it took, in order, so a
// test can count deliveries (a duplicate shows as the same Message-ID
// twice).
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SmtpRelay {
  readonly url: string;
  /** Message-IDs of the messages taken, in order (duplicates kept). */
  readonly accepted: string[];
  close(): Promise<void>;
}

export async function startSmtpRelay(options: { latencyMs?: number } = {}): Promise<SmtpRelay> {
  const latencyMs = options.latencyMs ?? 0;
  const accepted: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    closeTimeout: 100,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const messageId = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString("utf8"))?.[1] ?? "?";
        setTimeout(() => {
          accepted.push(messageId);
          callback();
        }, latencyMs);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
