// Email behind one interface. Production sends through SMTP (nodemailer);
// development and tests deliver to a local outbox: one RFC 5322 .eml file
// per message (plus a .json summary) in OUTBOX_DIR. A message's id is its
// idempotency key: sending the same id twice writes the same file once.
import nodemailer from "nodemailer";
import { outboxDirectory } from "./outbox.ts";

export interface EmailMessage {
  /** Stable id of this message, e.g. "welcome-<user id>"; also the Message-ID. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Files sent with the message (an invoice's PDF). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  readonly kind: "outbox" | "smtp";
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

const messageIdOf = (id: string) => `<${id}@keepr.local>`;

export function createOutboxMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const outbox = outboxDirectory(dir);
  return {
    kind: "outbox",
    async send(message) {
      const messageId = messageIdOf(message.id);
      const info = await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId, attachments: message.attachments });
      const summary = {
        id: message.id, messageId, from, to: message.to, subject: message.subject,
        ...(message.attachments ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })) } : {}),
        writtenAt: new Date().toISOString(),
      };
      await outbox.write(`${message.id}.eml`, info.message as Buffer);
      await outbox.write(`${message.id}.json`, JSON.stringify(summary, null, 2) + "\n");
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
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId, attachments: message.attachments });
      return { messageId };
    },
  };
}

export function createMailer(options: { smtpUrl?: string; outboxDir: string; from: string }): Mailer {
  return options.smtpUrl ? createSmtpMailer(options.smtpUrl, options.from) : createOutboxMailer(options.outboxDir, options.from);
}
