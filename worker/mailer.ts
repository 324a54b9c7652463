// Email behind one interface. Production sends through SMTP (nodemailer);
// development and tests deliver to a local outbox: one RFC 5322 .eml file
// per message (plus a .json summary) in OUTBOX_DIR. A message's id is its
// idempotency key: sending the same id twice writes the same file once.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";

export interface EmailMessage {
  /** Stable id of this message, e.g. "welcome-<user id>"; also the Message-ID. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  readonly kind: "outbox" | "smtp";
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

const messageIdOf = (id: string) => `<${id}@keepr.local>`;
const safeFileName = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, "_");

export function createOutboxMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "outbox",
    async send(message) {
      const messageId = messageIdOf(message.id);
      const info = await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId });
      await mkdir(dir, { recursive: true });
      const base = path.join(dir, safeFileName(message.id));
      const summary = { id: message.id, messageId, from, to: message.to, subject: message.subject, writtenAt: new Date().toISOString() };
      // Write then rename: a reader never sees half a message.
      await writeFile(`${base}.eml.tmp`, info.message as Buffer);
      await rename(`${base}.eml.tmp`, `${base}.eml`);
      await writeFile(`${base}.json.tmp`, JSON.stringify(summary, null, 2) + "\n");
      await rename(`${base}.json.tmp`, `${base}.json`);
      return { messageId };
    },
  };
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send(message) {
      const messageId = messageIdOf(message.id);
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId });
      return { messageId };
    },
  };
}

export function createMailer(options: { smtpUrl?: string; outboxDir: string; from: string }): Mailer {
  return options.smtpUrl ? createSmtpMailer(options.smtpUrl, options.from) : createOutboxMailer(options.outboxDir, options.from);
}
