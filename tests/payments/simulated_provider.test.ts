// The simulated payment provider behaves like a real one: tokens without
// card numbers, declines, idempotent retries (also after a timeout that hid
// a success, and under concurrency), capture and refund limits, the daily
// settlement CSV, and signed webhooks that are retried until delivered.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseCsv } from "csv-parse/sync";
import express from "express";
import { PaymentDeclined, PaymentRequestError, PaymentTransientError, signWebhook, verifyWebhookSignature, webhookSignatureHeader } from "../../payments/provider.ts";
import { createSimulatedProviderClient, createToken, fetchSettlementCsv, type TestCard } from "../../payments/simulated/client.ts";
import { createSimulatedProvider, type SimulatedProvider } from "../../payments/simulated/service.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { waitForValue } from "../helpers/wait.ts";

const webhookSecret = "whsec_test_0123456789abcdef";
const apiKey = "sk_test_0123456789abcdef";
const nextYear = new Date().getUTCFullYear() + 1;
const card = (number: string): TestCard => ({ number, exp_month: 12, exp_year: nextYear, cvc: "123" });
const key = () => randomUUID();

interface ReceivedWebhook {
  rawBody: Buffer;
  signature: string | undefined;
  event: { id: string; type: string; created: string; data: { object: { id: string; reference: string } } };
}

/** A webhook endpoint that records every request and fails on demand for chosen references. */
async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const failuresLeft = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      const event = JSON.parse(rawBody.toString("utf8")) as ReceivedWebhook["event"];
      received.push({ rawBody, signature: req.headers[webhookSignatureHeader.toLowerCase()] as string | undefined, event });
      const left = failuresLeft.get(event.data.object.reference) ?? 0;
      if (left > 0) failuresLeft.set(event.data.object.reference, left - 1);
      res.writeHead(left > 0 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, received, failuresLeft, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks` };
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

let db: TestDatabase;
let provider: SimulatedProvider;
let http: { server: Server; url: string };
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let baseUrl: string;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  provider = await createSimulatedProvider({ pool: db.ownerPool, webhookUrl: receiver.url, webhookSecret, apiKey, webhookRetryBaseMs: 40, failureControl: true });
  const app = express();
  app.use("/simulated-provider", provider.router);
  http = await listen(app);
  baseUrl = `${http.url}/simulated-provider`;
});
afterEach(() => {
  provider.setFailures({ transientRate: 0, timeoutRate: 0, timeoutMs: 30_000, declineRate: 0, webhookFailureRate: 0, webhookDuplicateRate: 0 });
});
afterAll(async () => {
  await provider.stop();
  await close(http.server);
  await close(receiver.server);
  await db.drop();
});

/** A raw call, for what the typed client hides (statuses, headers). */
async function call(method: string, path: string, body?: unknown, idempotencyKey?: string, key = apiKey) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const client = (timeoutMs?: number) => createSimulatedProviderClient({ baseUrl, apiKey, timeoutMs });
const errorOf = (promise: Promise<unknown>) => promise.then(() => { throw new Error("expected a rejection"); }, (error: unknown) => error);

describe("tokens", () => {
  it("keep brand, last four and expiry, and never the card number, anywhere in the provider's tables", async () => {
    const visa = await createToken(baseUrl, card("4242424242424242"));
    const mastercard = await createToken(baseUrl, card("5555 5555 5555 4444"));
    expect(visa).toMatchObject({ id: expect.stringMatching(/^tok_[0-9a-f]{24}$/), brand: "visa", last4: "4242" });
    expect(mastercard).toMatchObject({ brand: "mastercard", last4: "4444" });
    // Charges, events, webhook deliveries and stored responses too.
    await client().authorize({ token: visa.id, amount: 1000, currency: "EUR", idempotencyKey: key(), reference: "pan-scan" });

    const { rows: columns } = await db.ownerPool.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = 'simulated_provider' and data_type in ('text', 'character', 'character varying', 'json', 'jsonb')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const occurrences = async (needle: string) => {
      let found = 0;
      for (const { table_name, column_name } of columns) {
        const { rows } = await db.ownerPool.query<{ n: number }>(
          `select count(*)::int as n from simulated_provider.${table_name} where ${column_name}::text like '%' || $1 || '%'`,
          [needle],
        );
        found += rows[0]!.n;
      }
      return found;
    };
    expect(await occurrences("4242424242424242")).toBe(0);
    expect(await occurrences("5555555555554444")).toBe(0);
    expect(await occurrences(visa.id)).toBeGreaterThan(0); // the scan does find what is there
  });

  it("refuse a number that fails the Luhn check and an expired card with 400, and answer CORS preflights", async () => {
    const bad = await call("POST", "/v1/tokens", card("4242424242424241"));
    expect(bad).toMatchObject({ status: 400, body: { error: { type: "card_error", code: "invalid_number" } } });
    const expired = await call("POST", "/v1/tokens", { ...card("4242424242424242"), exp_year: nextYear - 2 });
    expect(expired).toMatchObject({ status: 400, body: { error: { code: "invalid_expiry_year" } } });
    const declined = await errorOf(createToken(baseUrl, card("1234567812345678")));
    expect(declined).toBeInstanceOf(PaymentDeclined);
    expect(declined).toMatchObject({ code: "invalid_number" });

    const preflight = await fetch(`${baseUrl}/v1/tokens`, {
      method: "OPTIONS",
      headers: { origin: "https://guest.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
  });
});

describe("API key", () => {
  it("every endpoint but tokenization needs the secret key", async () => {
    expect(await call("GET", "/v1/charges?idempotency_key=x", undefined, undefined, "sk_wrong")).toMatchObject({ status: 401, body: { error: { code: "api_key_invalid" } } });
    const bare = await fetch(`${baseUrl}/v1/settlements/2026-01-01.csv`);
    expect(bare.status).toBe(401);
    const withoutKey = createSimulatedProviderClient({ baseUrl });
    const error = await errorOf(withoutKey.capture({ chargeId: "ch_000000000000000000000000", amount: 1, idempotencyKey: key() }));
    expect(error).toMatchObject({ name: "PaymentRequestError", code: "api_key_invalid", status: 401 });
    expect(await call("POST", "/v1/_failures", { declineRate: 1 }, undefined, "sk_wrong")).toMatchObject({ status: 401 });
    expect(await call("POST", "/v1/tokens", card("4242424242424242"), undefined, "sk_wrong")).toMatchObject({ status: 200 });
  });
});

describe("charges", () => {
  it("a good card is authorized; the decline cards are PaymentDeclined with their code and kept as failed charges", async () => {
    const good = await createToken(baseUrl, card("4242424242424242"));
    const authorized = await client().authorize({ token: good.id, amount: 25_000, currency: "EUR", idempotencyKey: key(), reference: "res-1" });
    expect(authorized).toEqual({ chargeId: expect.stringMatching(/^ch_/), status: "authorized" });

    for (const [number, code] of [["4000000000000002", "card_declined"], ["4000000000009995", "insufficient_funds"], ["4000000000000069", "expired_card"]] as const) {
      const token = await createToken(baseUrl, card(number));
      const error = await errorOf(client().authorize({ token: token.id, amount: 25_000, currency: "EUR", idempotencyKey: key(), reference: "res-2" }));
      expect(error).toBeInstanceOf(PaymentDeclined);
      expect(error).toMatchObject({ code, chargeId: expect.stringMatching(/^ch_/) });
      const stored = await call("GET", `/v1/charges/${(error as PaymentDeclined).chargeId}`);
      expect(stored.body).toMatchObject({ status: "failed", failure_code: code, amount_captured: 0 });
    }

    const unknown = await errorOf(client().authorize({ token: "tok_000000000000000000000000", amount: 100, currency: "EUR", idempotencyKey: key(), reference: "res-3" }));
    expect(unknown).toMatchObject({ name: "PaymentDeclined", code: "invalid_token" });
  });

  it("declineRate 1 declines a card that would succeed", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    provider.setFailures({ declineRate: 1 });
    const error = await errorOf(client().authorize({ token: token.id, amount: 100, currency: "EUR", idempotencyKey: key(), reference: "unlucky" }));
    expect(error).toMatchObject({ name: "PaymentDeclined", code: "card_declined" });
  });
});

describe("idempotency", () => {
  it("the same key and parameters replay the stored answer; other parameters are 409 idempotency_key_reused", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const k = key();
    const params = { token: token.id, amount: 5_000, currency: "eur", reference: "res-10" };
    const first = await call("POST", "/v1/charges", params, k);
    const again = await call("POST", "/v1/charges", params, k);
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.body.currency).toBe("EUR");

    const reused = await call("POST", "/v1/charges", { ...params, amount: 5_001 }, k);
    expect(reused).toMatchObject({ status: 409, body: { error: { code: "idempotency_key_reused" } } });
    const viaClient = await errorOf(client().authorize({ ...params, amount: 5_001, idempotencyKey: k }));
    expect(viaClient).toBeInstanceOf(PaymentRequestError);
    expect(viaClient).toMatchObject({ code: "idempotency_key_reused", status: 409 });

    // Keys are scoped per endpoint: the same key may capture.
    const captured = await call("POST", `/v1/charges/${first.body.id}/capture`, {}, k);
    expect(captured).toMatchObject({ status: 200, body: { status: "captured", amount_captured: 5_000 } });

    const lookup = await call("GET", `/v1/charges?idempotency_key=${encodeURIComponent(k)}`);
    expect(lookup.body.data.map((c: { id: string }) => c.id)).toEqual([first.body.id]);
    expect(await call("POST", "/v1/charges", params)).toMatchObject({ status: 400, body: { error: { code: "idempotency_key_missing" } } });
  });

  it("a decline is stored under its key and replayed", async () => {
    const token = await createToken(baseUrl, card("4000000000000002"));
    const k = key();
    const first = await call("POST", "/v1/charges", { token: token.id, amount: 700, currency: "EUR", reference: "res-11" }, k);
    const again = await call("POST", "/v1/charges", { token: token.id, amount: 700, currency: "EUR", reference: "res-11" }, k);
    expect(first).toMatchObject({ status: 402, body: { error: { type: "card_error", code: "card_declined", charge: expect.stringMatching(/^ch_/) } } });
    expect(again).toMatchObject({ status: 402, body: first.body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("eight concurrent requests with one key make exactly one charge", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const k = key();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call("POST", "/v1/charges", { token: token.id, amount: 9_900, currency: "EUR", reference: "res-12" }, k)),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    const { rows } = await db.ownerPool.query("select id from simulated_provider.charges where idempotency_key = $1", [k]);
    expect(rows).toEqual([{ id: answers[0]!.body.id }]);
  });

  it("a timeout after success is retried with the same key and gets the same charge", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const input = { token: token.id, amount: 12_000, currency: "EUR", idempotencyKey: key(), reference: "res-13" };
    provider.setFailures({ timeoutRate: 1, timeoutMs: 5_000 });
    const timedOut = await errorOf(client(300).authorize(input));
    expect(timedOut).toBeInstanceOf(PaymentTransientError);
    // The provider did the work before going quiet.
    const { rows } = await db.ownerPool.query<{ id: string }>("select id from simulated_provider.charges where idempotency_key = $1", [input.idempotencyKey]);
    expect(rows).toHaveLength(1);

    provider.setFailures({ timeoutRate: 0 });
    expect(await client(300).authorize(input)).toEqual({ chargeId: rows[0]!.id, status: "authorized" });
    const { rows: after } = await db.ownerPool.query("select id from simulated_provider.charges where idempotency_key = $1", [input.idempotencyKey]);
    expect(after).toHaveLength(1);
  });

  it("a 503 from transientRate comes before any effect, and the control endpoint switches it", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const input = { token: token.id, amount: 3_000, currency: "EUR", idempotencyKey: key(), reference: "res-14" };
    expect(await call("POST", "/v1/_failures", { transientRate: 1 })).toMatchObject({ status: 200, body: { transientRate: 1 } });
    const unavailable = await errorOf(client().authorize(input));
    expect(unavailable).toBeInstanceOf(PaymentTransientError);
    const { rows } = await db.ownerPool.query("select 1 from simulated_provider.idempotency_keys where key = $1", [input.idempotencyKey]);
    expect(rows).toHaveLength(0);
    expect(await call("POST", "/v1/_failures", { transientRate: 0 })).toMatchObject({ status: 200 });
    expect(await client().authorize(input)).toMatchObject({ status: "authorized" });
    expect(await call("POST", "/v1/_failures", { transientRate: 2 })).toMatchObject({ status: 400, body: { error: { code: "parameter_invalid" } } });
  });
});

describe("capture and refund", () => {
  it("capture takes at most the authorized amount and only once; refunds never exceed the captured amount", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const provider = client();
    const { chargeId } = await provider.authorize({ token: token.id, amount: 10_000, currency: "EUR", idempotencyKey: key(), reference: "res-20" });

    const refundBeforeCapture = await errorOf(provider.refund({ chargeId, amount: 100, idempotencyKey: key(), reference: "early" }));
    expect(refundBeforeCapture).toMatchObject({ name: "PaymentRequestError", code: "charge_not_captured" });
    expect(await errorOf(provider.capture({ chargeId, amount: 10_001, idempotencyKey: key() }))).toMatchObject({ name: "PaymentDeclined", code: "amount_too_large" });

    const captureKey = key();
    const captured = await provider.capture({ chargeId, amount: 8_000, idempotencyKey: captureKey });
    // The capture tells which card paid (for the card on file), never its number.
    expect(captured).toEqual({ chargeId, status: "captured", capturedAt: expect.any(String), card: { brand: "visa", last4: "4242" } });
    expect(await provider.capture({ chargeId, amount: 8_000, idempotencyKey: captureKey })).toEqual(captured);
    const twice = await errorOf(provider.capture({ chargeId, amount: 8_000, idempotencyKey: key() }));
    expect(twice).toMatchObject({ name: "PaymentRequestError", code: "charge_already_captured", status: 409 });

    const first = await provider.refund({ chargeId, amount: 5_000, idempotencyKey: key(), reference: "partial" });
    expect(first).toEqual({ refundId: expect.stringMatching(/^re_/), status: "succeeded", createdAt: expect.any(String) });
    expect(await errorOf(provider.refund({ chargeId, amount: 3_001, idempotencyKey: key(), reference: "too much" }))).toMatchObject({
      name: "PaymentDeclined",
      code: "amount_too_large",
    });
    await provider.refund({ chargeId, amount: 3_000, idempotencyKey: key(), reference: "the rest" });
    expect((await call("GET", `/v1/charges/${chargeId}`)).body).toMatchObject({ status: "refunded", amount: 10_000, amount_captured: 8_000, amount_refunded: 8_000 });
    expect(await errorOf(provider.refund({ chargeId, amount: 1, idempotencyKey: key(), reference: "again" }))).toMatchObject({ code: "charge_already_refunded" });
  });

  it("concurrent refunds with different keys cannot together exceed the captured amount", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const captured = await call("POST", "/v1/charges", { token: token.id, amount: 1_000, currency: "EUR", capture: true, reference: "res-21" }, key());
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => client().refund({ chargeId: captured.body.id, amount: 300, idempotencyKey: key(), reference: "race" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect((await call("GET", `/v1/charges/${captured.body.id}`)).body).toMatchObject({ status: "partially_refunded", amount_refunded: 900 });
  });
});

describe("settlement report", () => {
  it("lists the day's captures with 1.4% + 25 fees and its refunds as negative lines", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const big = await call("POST", "/v1/charges", { token: token.id, amount: 10_000, currency: "EUR", capture: true, reference: "res-30" }, key());
    const small = await call("POST", "/v1/charges", { token: token.id, amount: 1_250, currency: "GBP", reference: "res-31" }, key());
    await call("POST", `/v1/charges/${small.body.id}/capture`, {}, key());
    const refund = await call("POST", "/v1/refunds", { charge: big.body.id, amount: 2_500, reference: "refund-30" }, key());
    const uncaptured = await call("POST", "/v1/charges", { token: token.id, amount: 4_000, currency: "EUR", reference: "res-32" }, key());
    expect([big.status, small.status, refund.status, uncaptured.status]).toEqual([200, 200, 200, 200]);

    const day = (big.body.captured_at as string).slice(0, 10);
    const csv = await fetchSettlementCsv(baseUrl, day, { apiKey });
    expect(csv.split("\n")[0]).toBe("id,type,created,currency,amount,fee,net,charge,reference");
    const rows = parseCsv(csv, { columns: true }) as Record<string, string>[];
    const line = (id: string) => rows.find((r) => r.id === id);
    expect(line(big.body.id)).toEqual({
      id: big.body.id, type: "charge", created: big.body.captured_at, currency: "EUR", amount: "10000", fee: "165", net: "9835", charge: big.body.id, reference: "res-30",
    });
    // 1.4% of 1250 is 17.5: rounded half away from zero to 18.
    expect(line(small.body.id)).toMatchObject({ type: "charge", currency: "GBP", amount: "1250", fee: "43", net: "1207" });
    expect(line(refund.body.id)).toEqual({
      id: refund.body.id, type: "refund", created: refund.body.created, currency: "EUR", amount: "-2500", fee: "0", net: "-2500", charge: big.body.id, reference: "refund-30",
    });
    expect(line(uncaptured.body.id)).toBeUndefined();

    const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await fetchSettlementCsv(baseUrl, dayBefore, { apiKey })).toBe("id,type,created,currency,amount,fee,net,charge,reference\n");
    expect(await errorOf(fetchSettlementCsv(baseUrl, "2026-02-30", { apiKey }))).toMatchObject({ code: "parameter_invalid" });
  });
});

describe("webhooks", () => {
  const eventsFor = (reference: string) => receiver.received.filter((w) => w.event.data.object.reference === reference);

  it("each state change is delivered as a signed event", async () => {
    const token = await createToken(baseUrl, card("4242424242424242"));
    const { chargeId } = await client().authorize({ token: token.id, amount: 4_200, currency: "EUR", idempotencyKey: key(), reference: "res-40" });
    await client().capture({ chargeId, amount: 4_200, idempotencyKey: key() });
    const delivered = await waitForValue("two webhooks", () => (eventsFor("res-40").length >= 2 ? eventsFor("res-40") : undefined));
    expect(delivered.map((w) => w.event.type).sort()).toEqual(["charge.authorized", "charge.captured"]);
    for (const webhook of delivered) {
      expect(webhook.event).toMatchObject({ id: expect.stringMatching(/^evt_/), data: { object: { id: chargeId } } });
      expect(verifyWebhookSignature(webhook.rawBody, webhook.signature, webhookSecret, 300)).toEqual({ ok: true });
      expect(verifyWebhookSignature(webhook.rawBody, webhook.signature, "whsec_someone_else", 300)).toEqual({ ok: false, reason: "bad_signature" });
    }
  });

  it("a failing receiver is retried with backoff until it accepts", async () => {
    receiver.failuresLeft.set("res-41", 2);
    const token = await createToken(baseUrl, card("4242424242424242"));
    const { chargeId } = await client().authorize({ token: token.id, amount: 4_100, currency: "EUR", idempotencyKey: key(), reference: "res-41" });
    const delivery = await waitForValue("the delivery", async () => {
      const { rows } = await db.ownerPool.query(
        `select d.status, d.attempts, d.last_error, (extract(epoch from d.delivered_at - d.created_at) * 1000)::float8 as took_ms
           from simulated_provider.deliveries d join simulated_provider.events e on e.id = d.event_id
          where e.payload -> 'data' -> 'object' ->> 'id' = $1`,
        [chargeId],
      );
      return rows[0]?.status === "delivered" ? rows[0] : undefined;
    });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, last_error: null });
    // 40 ms, then 80 ms between the attempts.
    expect(delivery.took_ms).toBeGreaterThanOrEqual(120);
    const attempts = eventsFor("res-41");
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((w) => w.event.id)).size).toBe(1);
  });

  it("webhookFailureRate fails attempts without reaching the receiver, and webhookDuplicateRate delivers twice", async () => {
    provider.setFailures({ webhookFailureRate: 1 });
    const token = await createToken(baseUrl, card("4242424242424242"));
    const { chargeId } = await client().authorize({ token: token.id, amount: 4_300, currency: "EUR", idempotencyKey: key(), reference: "res-42" });
    await waitForValue("two failed attempts", async () => {
      const { rows } = await db.ownerPool.query(
        `select d.attempts from simulated_provider.deliveries d join simulated_provider.events e on e.id = d.event_id
          where e.payload -> 'data' -> 'object' ->> 'id' = $1 and d.last_error = 'simulated delivery failure'`,
        [chargeId],
      );
      return rows[0]?.attempts >= 2 || undefined;
    });
    expect(eventsFor("res-42")).toHaveLength(0);
    provider.setFailures({ webhookFailureRate: 0, webhookDuplicateRate: 1 });
    const delivered = await waitForValue("the duplicated event", () => (eventsFor("res-42").length >= 2 ? eventsFor("res-42") : undefined));
    expect(delivered[0]!.event.id).toBe(delivered[1]!.event.id);
  });
});

describe("verifyWebhookSignature", () => {
  const body = Buffer.from('{"id":"evt_1","type":"charge.captured"}');
  const now = Date.parse("2026-03-01T12:00:00Z");
  const t = Math.floor(now / 1000);

  it("accepts the provider's signature within the tolerance", () => {
    expect(verifyWebhookSignature(body, signWebhook(body, webhookSecret, t - 60), webhookSecret, 300, now)).toEqual({ ok: true });
  });

  it("rejects a forged signature, a changed body, a stale or future timestamp and a missing header", () => {
    const forged = `t=${t},v1=${"ab".repeat(32)}`;
    expect(verifyWebhookSignature(body, forged, webhookSecret, 300, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyWebhookSignature(Buffer.from(`${body} `), signWebhook(body, webhookSecret, t), webhookSecret, 300, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyWebhookSignature(body, signWebhook(body, "whsec_attacker", t), webhookSecret, 300, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyWebhookSignature(body, "t=abc,v1=short", webhookSecret, 300, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyWebhookSignature(body, signWebhook(body, webhookSecret, t - 301), webhookSecret, 300, now)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyWebhookSignature(body, signWebhook(body, webhookSecret, t + 301), webhookSecret, 300, now)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyWebhookSignature(body, undefined, webhookSecret, 300, now)).toEqual({ ok: false, reason: "missing_signature" });
    expect(verifyWebhookSignature(body, "", webhookSecret, 300, now)).toEqual({ ok: false, reason: "missing_signature" });
  });
});

describe("setup", () => {
  it("two processes starting at once on a fresh database both come up", async () => {
    const fresh = await createTestDatabase();
    try {
      const both = await Promise.all([1, 2].map(() => createSimulatedProvider({ pool: fresh.ownerPool, webhookSecret, failureControl: true })));
      const { rows } = await fresh.ownerPool.query("select count(*)::int as n from information_schema.tables where table_schema = 'simulated_provider'");
      expect(rows[0].n).toBe(6);
      await Promise.all(both.map((p) => p.stop()));
    } finally {
      await fresh.drop();
    }
  });
});
