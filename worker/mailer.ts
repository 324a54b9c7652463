// Email behind one interface. Production sends through SMTP (nodemailer):
// SMTP_URL, and SMTP_FALLBACK_URL when it fails or its circuit is open
// (worker/delivery.ts); development and tests deliver to a local outbox: one
// RFC 5322 .eml file per message (plus a .json summary) in OUTBOX_DIR. A
// message's id is its idempotency key: sending the same id twice writes the
// same file once, and an SMTP server gets the same Message-ID.
import nodemailer from "nodemailer";
import { addressOf } from "../shared/mail-address.ts";
import { outboxDirectory } from "./outbox.ts";
import { failover, type BreakerSettings, type Provider, type ProviderRole } from "./delivery.ts";

export interface EmailMessage {
  /** Stable id of this message, e.g. "welcome-<user id>"; also the Message-ID. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The sender's display name (a guest message: the hotel's name); the address stays MAIL_FROM's, which the domain's SPF/DKIM cover. */
  fromName?: string;
  /** Where the guest's answer goes (a guest message: the hotel's own email, when it has one). */
  replyTo?: string;
  /** Files sent with the message (an invoice's PDF). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  readonly kind: "outbox" | "smtp";
  /** The providers, in the order they are tried ("primary: smtp mail.example.com:465", ...). */
  readonly providers: string[];
  /** Sends through the first provider that takes it (or only through `only`); which one took it, and the Message-ID. */
  send(message: EmailMessage, options?: { only?: ProviderRole }): Promise<{ messageId: string; provider: ProviderRole }>;
}

export const messageIdOf = (id: string) => `<${id}@keepr.local>`;

export { addressOf };

/** The From header of a message: MAIL_FROM, or its address under the message's display name (nodemailer quotes and encodes it). */
export function senderOf(from: string, message: Pick<EmailMessage, "fromName">): string | { name: string; address: string } {
  const name = message.fromName?.replace(/[\r\n]+/g, " ").trim();
  return name ? { name, address: addressOf(from) } : from;
}

type MailProvider = Provider<EmailMessage> & { key: string };

function outboxProvider(dir: string, from: string): MailProvider {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const outbox = outboxDirectory(dir);
  return {
    role: "primary",
    label: "outbox",
    key: `outbox:${dir}`,
    async send(message) {
      const messageId = messageIdOf(message.id);
      const sender = senderOf(from, message);
      const info = await transport.sendMail({ from: sender, to: message.to, ...(message.replyTo ? { replyTo: message.replyTo } : {}), subject: message.subject, text: message.text, html: message.html, messageId, attachments: message.attachments });
      const summary = {
        id: message.id, messageId, from: sender, ...(message.replyTo ? { replyTo: message.replyTo } : {}), to: message.to, subject: message.subject,
        ...(message.attachments ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })) } : {}),
        writtenAt: new Date().toISOString(),
      };
      await outbox.write(`${message.id}.eml`, info.message as Buffer);
      await outbox.write(`${message.id}.json`, JSON.stringify(summary, null, 2) + "\n");
      return { messageId };
    },
    classify: () => ({ kind: "refused", permanent: false }),
  };
}

interface SmtpError {
  responseCode?: number;
  command?: string;
  /** Set here: the server had said 354 (send the message) when the try failed. */
  afterData?: boolean;
}

/**
 * An SMTP server as a provider. Each send opens its own connection, with
 * SMTP_TIMEOUT_MS for connecting, the greeting, and every answer. The
 * conversation is watched for the server's 354 (go ahead with the message):
 * a try that fails without an answer after it is ambiguous (the server may
 * have queued the message and lost the connection before saying 250).
 */
function smtpProvider(role: ProviderRole, url: string, from: string, timeoutMs: number): MailProvider {
  const { host } = new URL(url);
  return {
    role,
    label: `smtp ${host}`,
    key: url,
    async send(message) {
      const messageId = messageIdOf(message.id);
      let afterData = false;
      // nodemailer writes the SMTP conversation to this logger
      // (transactionLog); only the server's 354 is looked at, nothing kept.
      const watch = (entry: { tnx?: string } | undefined, line?: unknown) => {
        if (entry?.tnx === "server" && typeof line === "string" && line.startsWith("354")) afterData = true;
      };
      const quiet = () => undefined;
      const transport = nodemailer.createTransport({
        url,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        transactionLog: true,
        logger: { debug: watch, trace: quiet, info: quiet, warn: quiet, error: quiet, fatal: quiet, level: quiet },
      } as Parameters<typeof nodemailer.createTransport>[0]);
      try {
        await transport.sendMail({ from: senderOf(from, message), to: message.to, ...(message.replyTo ? { replyTo: message.replyTo } : {}), subject: message.subject, text: message.text, html: message.html, messageId, attachments: message.attachments });
      } catch (error) {
        if (error && typeof error === "object") (error as SmtpError).afterData = afterData;
        throw error;
      } finally {
        transport.close();
      }
      return { messageId };
    },
    classify(error) {
      const e = (error ?? {}) as SmtpError;
      if (typeof e.responseCode === "number") {
        const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
        // The server refused the recipient for good (no such mailbox):
        // another provider would not deliver it either.
        if (permanent && e.command === "RCPT TO") return { kind: "message", permanent: true };
        return { kind: "refused", permanent };
      }
      return { kind: e.afterData ? "ambiguous" : "refused", permanent: false };
    },
  };
}

export interface MailerOptions {
  smtpUrl?: string;
  smtpFallbackUrl?: string;
  /** SMTP_TIMEOUT_MS (default 15 s). */
  timeoutMs?: number;
  outboxDir: string;
  from: string;
  breaker?: BreakerSettings;
}

export const defaultBreaker: BreakerSettings = { failures: 5, resetMs: 30_000 };

/** SMTP_URL (then SMTP_FALLBACK_URL) when set, else the local outbox. */
export function createMailer(options: MailerOptions): Mailer {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const providers = options.smtpUrl
    ? [
        smtpProvider("primary", options.smtpUrl, options.from, timeoutMs),
        ...(options.smtpFallbackUrl ? [smtpProvider("fallback", options.smtpFallbackUrl, options.from, timeoutMs)] : []),
      ]
    : [outboxProvider(options.outboxDir, options.from)];
  const delivery = failover("email", providers, options.breaker ?? defaultBreaker);
  return { kind: options.smtpUrl ? "smtp" : "outbox", providers: delivery.providers, send: delivery.send };
}
