// SMS behind one interface: an SMS gateway speaking Keepr's JSON protocol
// (SMS_URL, and SMS_FALLBACK_URL when it fails or its circuit is open;
// worker/delivery.ts), or without SMS_URL the local outbox (one JSON file per
// message in OUTBOX_DIR/sms, written then renamed, named by the message id, so
// sending the same message twice leaves one file).
//
// The gateway protocol: POST <SMS_URL> with a JSON body { id, to, text } (to
// in E.164), the header Idempotency-Key: <id> (a gateway keeps the first
// answer for a key and sends a message once), and the URL's credentials as
// HTTP Basic authorization. 2xx (JSON { messageId } or { id }, optional)
// means taken; 400 and 422 that the message itself is refused (a number the
// gateway will not text); any other answer that the gateway did not take
// it. A timeout or a dropped connection after the request was sent is
// ambiguous. A vendor (Twilio, MessageBird, ...) is reached through a small
// relay speaking this protocol, or by another SmsSender here.
import { outboxDirectory } from "./outbox.ts";
import { failover, type BreakerSettings, type Provider, type ProviderRole } from "./delivery.ts";

export interface SmsMessage {
  /** Stable id: the idempotency key of the message. */
  id: string;
  to: string;
  text: string;
}

export interface SmsSender {
  readonly kind: "outbox" | "gateway";
  readonly providers: string[];
  /** Sends through the first provider that takes it (or only through `only`). Throws InvalidPhoneNumber before any provider is asked. */
  send(message: SmsMessage, options?: { only?: ProviderRole }): Promise<{ messageId: string; provider: ProviderRole }>;
}

export class InvalidPhoneNumber extends Error {}

/** E.164-ish: a + and 8 to 15 digits once spaces, dots, dashes and brackets are removed. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[\s().-]/g, "");
  const normalized = digits.startsWith("00") ? `+${digits.slice(2)}` : digits;
  if (!/^\+[1-9][0-9]{7,14}$/.test(normalized)) throw new InvalidPhoneNumber(`not an international phone number: ${phone}`);
  return normalized;
}

type SmsProvider = Provider<SmsMessage> & { key: string };

function outboxProvider(dir: string): SmsProvider {
  const outbox = outboxDirectory(dir);
  return {
    role: "primary",
    label: "outbox",
    key: `outbox:${dir}`,
    async send(message) {
      await outbox.write(`${message.id}.json`, JSON.stringify({ id: message.id, to: message.to, text: message.text, writtenAt: new Date().toISOString() }, null, 2) + "\n");
      return { messageId: message.id };
    },
    classify: () => ({ kind: "refused", permanent: false }),
  };
}

/** A gateway's answer that was not 2xx. */
export class GatewayError extends Error {
  readonly status: number;
  constructor(status: number, text: string) {
    super(`SMS gateway answered ${status}${text ? `: ${text.slice(0, 200)}` : ""}`);
    this.name = "GatewayError";
    this.status = status;
  }
}

/** Network errors that mean the request never reached the gateway. */
const notConnected = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "ERR_TLS_CERT_ALTNAME_INVALID"]);

function gatewayProvider(role: ProviderRole, url: string, timeoutMs: number): SmsProvider {
  const target = new URL(url);
  const authorization = target.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`
    : undefined;
  target.username = "";
  target.password = "";
  const endpoint = target.toString();
  return {
    role,
    label: `gateway ${target.host}`,
    key: url,
    async send(message) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": message.id, ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ id: message.id, to: message.to, text: message.text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) throw new GatewayError(response.status, text);
      let answer: { messageId?: unknown; id?: unknown } = {};
      try {
        answer = text ? (JSON.parse(text) as typeof answer) : {};
      } catch {
        // A 2xx without JSON still means taken.
      }
      const messageId = typeof answer.messageId === "string" ? answer.messageId : typeof answer.id === "string" ? answer.id : message.id;
      return { messageId };
    },
    classify(error) {
      if (error instanceof GatewayError) {
        if (error.status === 400 || error.status === 422) return { kind: "message", permanent: true };
        return { kind: "refused", permanent: false };
      }
      const code = ((error as { cause?: { code?: string } })?.cause?.code) ?? (error as { code?: string })?.code;
      if (code && notConnected.has(code)) return { kind: "refused", permanent: false };
      // A timeout, a reset, a half-read answer: the gateway may have the message.
      return { kind: "ambiguous", permanent: false };
    },
  };
}

export interface SmsOptions {
  smsUrl?: string;
  smsFallbackUrl?: string;
  /** SMS_TIMEOUT_MS (default 10 s). */
  timeoutMs?: number;
  outboxDir: string;
  breaker?: BreakerSettings;
}

/** SMS_URL (then SMS_FALLBACK_URL) when set, else the local outbox in outboxDir. Numbers are normalized (E.164) first. */
export function createSmsSender(options: SmsOptions): SmsSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const providers = options.smsUrl
    ? [
        gatewayProvider("primary", options.smsUrl, timeoutMs),
        ...(options.smsFallbackUrl ? [gatewayProvider("fallback", options.smsFallbackUrl, timeoutMs)] : []),
      ]
    : [outboxProvider(options.outboxDir)];
  const delivery = failover("sms", providers, options.breaker ?? { failures: 5, resetMs: 30_000 });
  return {
    kind: options.smsUrl ? "gateway" : "outbox",
    providers: delivery.providers,
    send: async (message, sendOptions) => delivery.send({ ...message, to: normalizePhone(message.to) }, sendOptions),
  };
}
