// Keepr's client for the simulated provider: the PaymentProvider interface
// over HTTP. Every answer is sorted into one of three kinds (see
// payments/provider.ts): declined, transient (retry with the same key), or
// a request error (a bug; not retried).
import { z } from "zod";
import { PaymentDeclined, PaymentRequestError, PaymentTransientError, type PaymentProvider } from "../provider.ts";

export interface SimulatedProviderClientOptions {
  /** Where the router is mounted, e.g. http://localhost:3000/simulated-provider. */
  baseUrl: string;
  /** The provider's secret API key, when it requires one. */
  apiKey?: string;
  /** Per request, including reading the answer. Default 10 s. */
  timeoutMs?: number;
}

const errorResponse = z.object({
  error: z.object({ type: z.string(), code: z.string(), message: z.string(), charge: z.string().optional() }),
});
const chargeResponse = z.object({
  id: z.string(),
  status: z.string(),
  captured_at: z.string().nullable(),
  payment_method: z.object({ brand: z.string(), last4: z.string() }).nullish(),
});
const refundResponse = z.object({ id: z.string(), status: z.literal("succeeded"), created: z.string() });
const tokenResponse = z.object({ id: z.string(), brand: z.string(), last4: z.string() });

/**
 * 400 answers that are refusals of what was asked (an unusable card token,
 * more than can be refunded) rather than malformed requests: the caller
 * handles them like declines.
 */
const refusalCodes = new Set(["invalid_token", "amount_too_large", "charge_already_refunded"]);

interface RequestOptions {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

async function send(baseUrl: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  try {
    return await fetch(`${baseUrl.replace(/\/+$/, "")}${options.path}`, {
      method: options.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new PaymentTransientError(`payment provider unreachable or too slow: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Reads the answer (within the same timeout) and turns a failure into the right error. */
async function read<T extends z.ZodType>(response: Response, schema: T): Promise<z.infer<T>> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new PaymentTransientError(`payment provider answer cut off: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (response.status >= 500 || response.status === 429) {
    throw new PaymentTransientError(`payment provider answered HTTP ${response.status}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PaymentRequestError("invalid_response", `payment provider answered HTTP ${response.status} with a body that is not JSON`, response.status);
  }
  if (response.ok) {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new PaymentRequestError("invalid_response", `unexpected payment provider answer: ${parsed.error.message}`, response.status);
    return parsed.data;
  }
  const failure = errorResponse.safeParse(json);
  if (!failure.success) throw new PaymentRequestError("invalid_response", `payment provider answered HTTP ${response.status}`, response.status);
  const { type, code, message, charge } = failure.data.error;
  if (response.status === 402 || type === "card_error" || refusalCodes.has(code)) throw new PaymentDeclined(code, message, charge);
  throw new PaymentRequestError(code, message, response.status);
}

export function createSimulatedProviderClient(options: SimulatedProviderClientOptions): PaymentProvider {
  const { baseUrl, apiKey } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: "simulated",
    async authorize({ token, amount, currency, idempotencyKey, reference }) {
      const response = await send(baseUrl, { method: "POST", path: "/v1/charges", body: { token, amount, currency, capture: false, reference }, idempotencyKey, apiKey, timeoutMs });
      const charge = await read(response, chargeResponse);
      if (charge.status !== "authorized") {
        throw new PaymentRequestError("unexpected_status", `charge ${charge.id} is ${charge.status}, not authorized`, response.status);
      }
      return { chargeId: charge.id, status: "authorized" };
    },
    async capture({ chargeId, amount, idempotencyKey }) {
      const response = await send(baseUrl, { method: "POST", path: `/v1/charges/${encodeURIComponent(chargeId)}/capture`, body: { amount }, idempotencyKey, apiKey, timeoutMs });
      const charge = await read(response, chargeResponse);
      if (charge.status !== "captured" || !charge.captured_at) {
        throw new PaymentRequestError("unexpected_status", `charge ${charge.id} is ${charge.status}, not captured`, response.status);
      }
      const card = charge.payment_method ? { brand: charge.payment_method.brand, last4: charge.payment_method.last4 } : undefined;
      return { chargeId: charge.id, status: "captured", capturedAt: charge.captured_at, ...(card ? { card } : {}) };
    },
    async refund({ chargeId, amount, idempotencyKey, reference }) {
      const response = await send(baseUrl, { method: "POST", path: "/v1/refunds", body: { charge: chargeId, amount, reference }, idempotencyKey, apiKey, timeoutMs });
      const refund = await read(response, refundResponse);
      return { refundId: refund.id, status: refund.status, createdAt: refund.created };
    },
  };
}

export interface TestCard {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
}

/**
 * Tokenizes a card the way the guest's browser does (in production the
 * number never passes through Keepr). Card errors (invalid_number, ...)
 * are PaymentDeclined.
 */
export async function createToken(baseUrl: string, card: TestCard, timeoutMs = 10_000): Promise<{ id: string; brand: string; last4: string }> {
  return read(await send(baseUrl, { method: "POST", path: "/v1/tokens", body: card, timeoutMs }), tokenResponse);
}

/** The settlement report of a UTC day (YYYY-MM-DD), as CSV text. */
export async function fetchSettlementCsv(baseUrl: string, date: string, options: { apiKey?: string; timeoutMs?: number } = {}): Promise<string> {
  const response = await send(baseUrl, { method: "GET", path: `/v1/settlements/${encodeURIComponent(date)}.csv`, apiKey: options.apiKey, timeoutMs: options.timeoutMs ?? 30_000 });
  if (response.ok) {
    try {
      return await response.text();
    } catch (error) {
      throw new PaymentTransientError(`settlement report cut off: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return read(response, z.never());
}
