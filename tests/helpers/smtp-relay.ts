// A real SMTP server (smtp-server) standing for a mail relay: it takes every
// message `latencyMs` after its data arrived (what a relay that answers
// after queueing to disk costs; changeable while it runs), or, while
// `holding`, when the test calls release(); it keeps the
// Message-ID of each one it took, in order, so a test can count deliveries
// (a duplicate shows as the same Message-ID twice).
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export class SmtpRelay {
  latencyMs: number;
  /** Message-IDs of the messages taken, in order (duplicates kept). */
  readonly accepted: string[] = [];
  /** Messages whose data arrived and that are not answered yet. */
  inFlight = 0;
  /** While true, messages are answered only by release(). */
  holding = false;
  private held: Array<() => void> = [];
  url = "";
  private readonly server: SMTPServer;

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const messageId = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString("utf8"))?.[1] ?? "?";
          this.inFlight++;
          const answer = () => {
            this.inFlight--;
            this.accepted.push(messageId);
            callback();
          };
          if (this.holding) this.held.push(answer);
          else setTimeout(answer, this.latencyMs);
        });
      },
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Messages held (while `holding`), not answered yet. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Takes the oldest message held, and keeps holding the others. */
  releaseOne(): void {
    this.held.shift()?.();
  }

  /** Stops holding, and takes the messages held so far. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  close(): Promise<void> {
    this.release();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const startSmtpRelay = (options: { latencyMs?: number } = {}): Promise<SmtpRelay> => new SmtpRelay(options.latencyMs ?? 0).listen();
