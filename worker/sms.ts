// SMS behind one interface. Keepr ships the local outbox (one JSON file per
// message in OUTBOX_DIR/sms, written then renamed, named by the message id,
// so sending the same message twice leaves one file); a gateway (Twilio,
// MessageBird, ...) implements the same send().
import { outboxDirectory } from "./outbox.ts";

export interface SmsMessage {
  /** Stable id: the idempotency key of the message. */
  id: string;
  to: string;
  text: string;
}

export interface SmsSender {
  readonly kind: "outbox";
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

export class InvalidPhoneNumber extends Error {}

/** E.164-ish: a + and 8 to 15 digits once spaces, dots, dashes and brackets are removed. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[\s().-]/g, "");
  const normalized = digits.startsWith("00") ? `+${digits.slice(2)}` : digits;
  if (!/^\+[1-9][0-9]{7,14}$/.test(normalized)) throw new InvalidPhoneNumber(`not an international phone number: ${phone}`);
  return normalized;
}

export function createOutboxSmsSender(dir: string): SmsSender {
  const outbox = outboxDirectory(dir);
  return {
    kind: "outbox",
    async send(message) {
      const to = normalizePhone(message.to);
      await outbox.write(`${message.id}.json`, JSON.stringify({ id: message.id, to, text: message.text, writtenAt: new Date().toISOString() }, null, 2) + "\n");
      return { messageId: message.id };
    },
  };
}
