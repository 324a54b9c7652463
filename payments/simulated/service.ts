// The simulated payment provider: an HTTP API shaped like a real card
// processor's (tokens, charges, captures, refunds, signed webhooks, a daily
// settlement report), with its state in Postgres and failures injected on
// demand, so Keepr's payment code meets the problems real providers have.
// Mounted by Keepr's server at /simulated-provider; see
// docs/payments-provider.md.
//
// Idempotency is the provider's side of "retry with the same key": the key
// row is inserted first, in the same transaction as the effect, so a
// concurrent request with that key waits on the unique index and then
// replays the committed answer; exactly one effect, and none without its
// stored answer.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type pg from "pg";
import { z } from "zod";
import { csvDocument } from "../../core/csv.ts";
import { inspectCard, isExpired, type CardBehaviour } from "./cards.ts";
import { cardFormHandler } from "./card-form.ts";
import { startDeliveryLoop, type DeliveryLoop } from "./deliveries.ts";
import { failureConfigPatchSchema, noFailures, seededRandom, type FailureConfig } from "./failures.ts";
import { silentLogger, type ProviderLogger } from "./logger.ts";
import { ensureSimulatedProviderSchema } from "./schema.ts";
import { inTransaction } from "../../core/sql.ts";

export type { FailureConfig } from "./failures.ts";
export type { ProviderLogger } from "./logger.ts";

export interface SimulatedProviderOptions {
  /** The database owner's pool: the provider creates and owns its schema. */
  pool: pg.Pool;
  /** Where webhooks go. Without it events are stored but not sent. */
  webhookUrl?: string;
  webhookSecret: string;
  /**
   * The secret API key Keepr's server sends as `Authorization: Bearer ...`.
   * When set, every endpoint but POST /v1/tokens (which browsers call)
   * requires it: without it anyone who can reach the mount point can
   * capture and refund.
   */
  apiKey?: string;
  failures?: Partial<FailureConfig>;
  logger?: ProviderLogger;
  /** Seed for the failure dice; Math.random when absent. */
  seed?: number;
  /** Delay before the second delivery attempt; each later one waits twice as long. Default 1 s. */
  webhookRetryBaseMs?: number;
  /** Default 8. */
  webhookMaxAttempts?: number;
  /** How long a receiver has to answer. Default 10 s. */
  webhookTimeoutMs?: number;
  /** How often the delivery loop looks for due retries. Default min(1 s, webhookRetryBaseMs). */
  webhookPollIntervalMs?: number;
  /** Whether POST /v1/_failures exists (the HTTP process sets it outside production: config.isProduction). */
  failureControl: boolean;
  /** Origins whose pages may frame the hosted card form, besides the provider's own (card-form.ts). */
  cardFormFrameAncestors?: readonly string[];
}

export interface SimulatedProvider {
  router: express.Router;
  setFailures(failures: Partial<FailureConfig>): void;
  /** Stops webhook delivery and cuts responses held back by timeout injection. Does not end the pool. */
  stop(): Promise<void>;
}

/** Stripe's ceiling for one charge: eight digits of minor units. */
const maxAmount = 99_999_999;

type ErrorType = "invalid_request_error" | "card_error" | "idempotency_error" | "api_error";

class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  constructor(status: number, type: ErrorType, code: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
  }
}

interface Outcome {
  status: number;
  body: unknown;
}

const errorBody = (type: ErrorType, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: { type, code, message, ...extra },
});

const fail = (status: number, type: ErrorType, code: string, message: string, extra?: Record<string, unknown>): Outcome => ({
  status,
  body: errorBody(type, code, message, extra),
});

function sendError(res: Response, status: number, type: ErrorType, code: string, message: string): void {
  res.status(status).json(errorBody(type, code, message));
}

const newId = (prefix: "tok" | "ch" | "re" | "evt") => `${prefix}_${randomBytes(12).toString("hex")}`;

// ---------------------------------------------------------------- requests

const wholeNumber = z.union([z.number().int(), z.string().regex(/^\d{1,4}$/).transform(Number)]);
const amount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const reference = z.string().min(1).max(200);
const objectId = z.string().min(1).max(64);

const tokenRequest = z.strictObject({ number: z.string().max(40), exp_month: wholeNumber, exp_year: wholeNumber, cvc: z.string().max(8) });
const chargeRequest = z.strictObject({
  token: objectId,
  amount,
  currency: z.string().regex(/^[A-Za-z]{3}$/, "must be a three-letter ISO 4217 code").transform((c) => c.toUpperCase()),
  capture: z.boolean().default(false),
  reference,
});
const captureRequest = z.strictObject({ amount: amount.optional() });
const refundRequest = z.strictObject({ charge: objectId, amount: amount.optional(), reference });
const chargeLookup = z.object({ idempotency_key: z.string().min(1).max(255) });
const settlementDate = z.iso.date();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "body");
  if (issue.code === "unrecognized_keys") throw new ApiError(400, "invalid_request_error", "parameter_unknown", `Received unknown parameter: ${name}.`);
  const missing = issue.code === "invalid_type" && issue.path.length > 0 && (value as Record<string, unknown> | undefined)?.[String(issue.path[0])] === undefined;
  throw missing
    ? new ApiError(400, "invalid_request_error", "parameter_missing", `Missing required parameter: ${name}.`)
    : new ApiError(400, "invalid_request_error", "parameter_invalid", `Invalid ${name}: ${issue.message}.`);
}

function checkAmountCeiling(value: number | undefined): void {
  if (value !== undefined && value > maxAmount) {
    throw new ApiError(400, "invalid_request_error", "amount_too_large", `Amount must be at most ${maxAmount}.`);
  }
}

function idempotencyKeyOf(req: Request): string {
  const key = req.header("idempotency-key");
  if (key === undefined) throw new ApiError(400, "invalid_request_error", "idempotency_key_missing", "This request needs an Idempotency-Key header.");
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError(400, "invalid_request_error", "idempotency_key_invalid", "The Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.");
  }
  return key;
}

/** The request's identity for idempotency: its validated parameters, in a fixed order. */
function requestHash(params: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(params).sort().map((name) => [name, params[name] ?? null]));
  return createHash("sha256").update(canonical).digest("hex");
}

// ----------------------------------------------------------------- objects

interface ChargeRow {
  id: string;
  token_id: string;
  status: "authorized" | "captured" | "failed" | "refunded" | "partially_refunded";
  amount: string;
  amount_captured: string;
  amount_refunded: string;
  currency: string;
  reference: string;
  idempotency_key: string;
  failure_code: string | null;
  captured_at: Date | null;
  created_at: Date;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
}

interface RefundRow {
  id: string;
  charge_id: string;
  status: "succeeded";
  amount: string;
  currency: string;
  reference: string;
  created_at: Date;
}

function chargeObject(row: ChargeRow) {
  return {
    id: row.id,
    object: "charge",
    status: row.status,
    amount: Number(row.amount),
    amount_captured: Number(row.amount_captured),
    amount_refunded: Number(row.amount_refunded),
    currency: row.currency,
    reference: row.reference,
    token: row.token_id,
    payment_method: { brand: row.brand, last4: row.last4, exp_month: row.exp_month, exp_year: row.exp_year },
    idempotency_key: row.idempotency_key,
    failure_code: row.failure_code,
    created: row.created_at.toISOString(),
    captured_at: row.captured_at?.toISOString() ?? null,
  };
}

function refundObject(row: RefundRow) {
  return {
    id: row.id,
    object: "refund",
    status: row.status,
    amount: Number(row.amount),
    currency: row.currency,
    charge: row.charge_id,
    reference: row.reference,
    created: row.created_at.toISOString(),
  };
}

const chargeSelect = `
  select c.*, t.brand, t.last4, t.exp_month, t.exp_year
    from simulated_provider.charges c
    join simulated_provider.tokens t on t.id = c.token_id`;

async function chargeById(client: pg.ClientBase | pg.Pool, id: string, lock = false): Promise<ChargeRow | undefined> {
  const { rows } = await client.query<ChargeRow>(`${chargeSelect} where c.id = $1${lock ? " for update of c" : ""}`, [id]);
  return rows[0];
}

const declineMessages: Record<Exclude<CardBehaviour, "succeed">, string> = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
};

// ----------------------------------------------------------------- service

export async function createSimulatedProvider(options: SimulatedProviderOptions): Promise<SimulatedProvider> {
  const { pool, webhookUrl, webhookSecret } = options;
  const logger = options.logger ?? silentLogger;
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  let failures: FailureConfig = noFailures;
  const setFailures = (patch: Partial<FailureConfig>) => {
    failures = { ...failures, ...failureConfigPatchSchema.parse(patch) };
  };
  setFailures(options.failures ?? {});

  await ensureSimulatedProviderSchema(pool);

  const retryBaseMs = options.webhookRetryBaseMs ?? 1_000;
  const deliveries: DeliveryLoop | undefined = webhookUrl
    ? startDeliveryLoop({
        pool,
        secret: webhookSecret,
        retryBaseMs,
        maxAttempts: options.webhookMaxAttempts ?? 8,
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
        pollIntervalMs: options.webhookPollIntervalMs ?? Math.min(1_000, retryBaseMs),
        failures: () => failures,
        random,
        logger,
      })
    : undefined;

  /** Responses held back by timeout injection, so stop() can cut them. */
  const held = new Map<NodeJS.Timeout, Response>();

  /** Stores the event in the transaction of its state change; the delivery loop sends it after commit. */
  async function emit(client: pg.ClientBase, type: string, object: unknown): Promise<void> {
    const id = newId("evt");
    const payload = { id, object: "event", type, created: new Date().toISOString(), data: { object } };
    await client.query("insert into simulated_provider.events (id, type, payload) values ($1, $2, $3)", [id, type, payload]);
    if (webhookUrl) await client.query("insert into simulated_provider.deliveries (event_id, url) values ($1, $2)", [id, webhookUrl]);
  }

  /**
   * Runs operation once per (endpoint, key) and answers with its stored
   * outcome ever after; 409 when the key comes back with other parameters.
   */
  async function idempotent(
    req: Request,
    res: Response,
    endpoint: string,
    params: Record<string, unknown>,
    operation: (client: pg.PoolClient, key: string) => Promise<Outcome>,
  ): Promise<void> {
    const key = idempotencyKeyOf(req);
    const hash = requestHash(params);
    const result = await inTransaction(pool, {}, async (client) => {
      const claim = await client.query(
        `insert into simulated_provider.idempotency_keys (endpoint, key, request_hash) values ($1, $2, $3)
           on conflict (endpoint, key) do nothing`,
        [endpoint, key, hash],
      );
      if (claim.rowCount === 0) {
        // Someone else holds or held the key; the insert waited for them to commit.
        const { rows } = await client.query<{ request_hash: string; response_status: number; response_body: unknown }>(
          "select request_hash, response_status, response_body from simulated_provider.idempotency_keys where endpoint = $1 and key = $2",
          [endpoint, key],
        );
        const stored = rows[0]!;
        if (stored.request_hash !== hash) {
          return {
            ...fail(409, "idempotency_error", "idempotency_key_reused", "This Idempotency-Key was already used with different parameters."),
            replayed: false,
          };
        }
        return { status: stored.response_status, body: stored.response_body, replayed: true };
      }
      const outcome = await operation(client, key);
      await client.query(
        "update simulated_provider.idempotency_keys set response_status = $3, response_body = $4 where endpoint = $1 and key = $2",
        [endpoint, key, outcome.status, JSON.stringify(outcome.body)],
      );
      return { ...outcome, replayed: false };
    });
    if (!result.replayed) deliveries?.wake();
    if (result.replayed) res.setHeader("Idempotent-Replayed", "true");
    if (random() < failures.timeoutRate) {
      // Done and committed, but the client never hears: it must retry with the same key.
      logger.info({ endpoint, key, holdMs: failures.timeoutMs }, "timeout injected after the operation committed");
      const timer = setTimeout(() => {
        held.delete(timer);
        res.req.socket.destroy();
      }, failures.timeoutMs);
      held.set(timer, res);
      res.on("close", () => {
        clearTimeout(timer);
        held.delete(timer);
      });
      return;
    }
    res.status(result.status).json(result.body);
  }

  const router = express.Router();

  // The hosted card form a checkout frames (card-form.ts): the card is typed
  // into this page and tokenized by it; the merchant only gets the token.
  router.get("/card-form", cardFormHandler({ frameAncestors: options.cardFormFrameAncestors }));

  // The guest's browser posts card details here directly (hosted fields), so
  // this one endpoint is open to every origin.
  router.use("/v1/tokens", (req, res, next) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    if (req.method !== "OPTIONS") return next();
    res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Content-Type");
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
  });

  if (options.apiKey !== undefined) {
    const expected = createHash("sha256").update(options.apiKey).digest();
    router.use("/v1", (req, res, next) => {
      if (req.path === "/tokens") return next();
      const given = /^Bearer (.+)$/.exec(req.header("authorization") ?? "")?.[1];
      // Digests have equal lengths, as timingSafeEqual needs, whatever was sent.
      if (given !== undefined && timingSafeEqual(createHash("sha256").update(given).digest(), expected)) return next();
      sendError(res, 401, "invalid_request_error", "api_key_invalid", "A valid API key is required: Authorization: Bearer <key>.");
    });
  }

  router.use("/v1", (req, res, next) => {
    if (req.path === "/_failures" || random() >= failures.transientRate) return next();
    sendError(res, 503, "api_error", "service_unavailable", "The service is temporarily unavailable. Retry with the same Idempotency-Key.");
  });

  router.use(express.json({ limit: "16kb" }));

  router.post("/v1/tokens", async (req, res) => {
    const input = parse(tokenRequest, req.body ?? {});
    const inspection = inspectCard({ number: input.number, expMonth: input.exp_month, expYear: input.exp_year, cvc: input.cvc }, new Date());
    if (!inspection.ok) throw new ApiError(400, "card_error", inspection.code, inspection.message);
    const { card } = inspection;
    const id = newId("tok");
    // The number and CVC end here: only what the token table can hold goes to the database.
    const { rows } = await pool.query<{ created_at: Date }>(
      `insert into simulated_provider.tokens (id, brand, last4, exp_month, exp_year, behaviour)
       values ($1, $2, $3, $4, $5, $6) returning created_at`,
      [id, card.brand, card.last4, card.expMonth, card.expYear, card.behaviour],
    );
    res.json({ id, object: "token", brand: card.brand, last4: card.last4, exp_month: card.expMonth, exp_year: card.expYear, created: rows[0]!.created_at.toISOString() });
  });

  router.post("/v1/charges", async (req, res) => {
    const input = parse(chargeRequest, req.body ?? {});
    checkAmountCeiling(input.amount);
    await idempotent(req, res, "POST /v1/charges", input, async (client, key) => {
      const { rows } = await client.query<{ behaviour: CardBehaviour; exp_month: number; exp_year: number }>(
        "select behaviour, exp_month, exp_year from simulated_provider.tokens where id = $1",
        [input.token],
      );
      const token = rows[0];
      if (!token) return fail(400, "invalid_request_error", "invalid_token", `No such token: '${input.token}'.`);
      const declineCode: Exclude<CardBehaviour, "succeed"> | undefined =
        token.behaviour !== "succeed"
          ? token.behaviour
          : isExpired(token.exp_month, token.exp_year, new Date())
            ? "expired_card"
            : random() < failures.declineRate
              ? "card_declined"
              : undefined;
      const id = newId("ch");
      const status = declineCode ? "failed" : input.capture ? "captured" : "authorized";
      await client.query(
        `insert into simulated_provider.charges
           (id, token_id, status, amount, amount_captured, currency, reference, idempotency_key, failure_code, captured_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, case when $3 = 'captured' then now() end)`,
        [id, input.token, status, input.amount, status === "captured" ? input.amount : 0, input.currency, input.reference, key, declineCode ?? null],
      );
      const charge = chargeObject((await chargeById(client, id))!);
      await emit(client, declineCode ? "charge.failed" : `charge.${status}`, charge);
      if (declineCode) return fail(402, "card_error", declineCode, declineMessages[declineCode], { charge: id });
      return { status: 200, body: charge };
    });
  });

  router.post("/v1/charges/:id/capture", async (req, res) => {
    const chargeId = parse(objectId, req.params.id);
    const input = parse(captureRequest, req.body ?? {});
    checkAmountCeiling(input.amount);
    await idempotent(req, res, "POST /v1/charges/:id/capture", { charge: chargeId, amount: input.amount }, async (client, key) => {
      const charge = await chargeById(client, chargeId, true);
      if (!charge) return fail(404, "invalid_request_error", "resource_missing", `No such charge: '${chargeId}'.`);
      if (charge.status === "failed") return fail(400, "invalid_request_error", "charge_not_capturable", "A failed charge cannot be captured.");
      if (charge.status !== "authorized") return fail(409, "invalid_request_error", "charge_already_captured", "This charge has already been captured.");
      const capturing = input.amount ?? Number(charge.amount);
      if (capturing > Number(charge.amount)) {
        return fail(400, "invalid_request_error", "amount_too_large", `The amount to capture exceeds the authorized ${charge.amount}.`);
      }
      await client.query(
        `update simulated_provider.charges
            set status = 'captured', amount_captured = $2, captured_at = now(), capture_idempotency_key = $3
          where id = $1`,
        [chargeId, capturing, key],
      );
      const captured = chargeObject((await chargeById(client, chargeId))!);
      await emit(client, "charge.captured", captured);
      return { status: 200, body: captured };
    });
  });

  router.post("/v1/refunds", async (req, res) => {
    const input = parse(refundRequest, req.body ?? {});
    checkAmountCeiling(input.amount);
    await idempotent(req, res, "POST /v1/refunds", input, async (client, key) => {
      const charge = await chargeById(client, input.charge, true);
      if (!charge) return fail(404, "invalid_request_error", "resource_missing", `No such charge: '${input.charge}'.`);
      if (charge.status === "refunded") return fail(400, "invalid_request_error", "charge_already_refunded", "This charge has already been refunded in full.");
      if (charge.status !== "captured" && charge.status !== "partially_refunded") {
        return fail(400, "invalid_request_error", "charge_not_captured", "Only a captured charge can be refunded.");
      }
      const refundable = Number(charge.amount_captured) - Number(charge.amount_refunded);
      const refunding = input.amount ?? refundable;
      if (refunding > refundable) {
        return fail(400, "invalid_request_error", "amount_too_large", `The refund exceeds the ${refundable} still refundable on this charge.`);
      }
      const { rows } = await client.query<RefundRow>(
        `insert into simulated_provider.refunds (id, charge_id, amount, currency, reference, idempotency_key)
         values ($1, $2, $3, $4, $5, $6) returning *`,
        [newId("re"), charge.id, refunding, charge.currency, input.reference, key],
      );
      await client.query(
        `update simulated_provider.charges
            set amount_refunded = amount_refunded + $2,
                status = case when amount_refunded + $2 = amount_captured then 'refunded' else 'partially_refunded' end
          where id = $1`,
        [charge.id, refunding],
      );
      const refund = refundObject(rows[0]!);
      await emit(client, "refund.succeeded", refund);
      return { status: 200, body: refund };
    });
  });

  router.get("/v1/charges/:id", async (req, res) => {
    const charge = await chargeById(pool, parse(objectId, req.params.id));
    if (!charge) throw new ApiError(404, "invalid_request_error", "resource_missing", `No such charge: '${req.params.id}'.`);
    res.json(chargeObject(charge));
  });

  router.get("/v1/charges", async (req, res) => {
    const { idempotency_key } = parse(chargeLookup, req.query);
    const { rows } = await pool.query<ChargeRow>(`${chargeSelect} where c.idempotency_key = $1`, [idempotency_key]);
    res.json({ object: "list", data: rows.map(chargeObject) });
  });

  // One line per capture and per refund of a UTC day. Fees are charged on
  // captures only (1.4% + 25, Postgres rounds numeric halves away from
  // zero); a refund gives back its amount, not the fee.
  router.get("/v1/settlements/:date.csv", async (req, res) => {
    const date = parse(settlementDate, req.params.date);
    const { rows } = await pool.query<{ id: string; type: string; created: Date; currency: string; amount: string; fee: string; charge: string; reference: string }>(
      `select id, 'charge' as type, captured_at as created, currency, amount_captured as amount,
              (round(amount_captured * 0.014) + 25)::bigint as fee, id as charge, reference
         from simulated_provider.charges
        where captured_at >= $1::timestamp at time zone 'UTC' and captured_at < ($1::timestamp + interval '1 day') at time zone 'UTC'
       union all
       select id, 'refund', created_at, currency, -amount, 0, charge_id, reference
         from simulated_provider.refunds
        where created_at >= $1::timestamp at time zone 'UTC' and created_at < ($1::timestamp + interval '1 day') at time zone 'UTC'
        order by created, id`,
      [date],
    );
    const csv = csvDocument(
      rows.map((row) => ({ ...row, created: row.created.toISOString(), net: (BigInt(row.amount) - BigInt(row.fee)).toString() })),
      { columns: ["id", "type", "created", "currency", "amount", "fee", "net", "charge", "reference"] },
    );
    res.type("text/csv; charset=utf-8").attachment(`settlement-${date}.csv`).send(csv);
  });

  if (options.failureControl) {
    router.post("/v1/_failures", (req, res) => {
      setFailures(parse(failureConfigPatchSchema, req.body ?? {}));
      logger.info({ failures }, "failure injection changed");
      res.json(failures);
    });
  }

  router.use((_req: Request, res: Response) => {
    sendError(res, 404, "invalid_request_error", "unknown_endpoint", "No such endpoint.");
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) return sendError(res, error.status, error.type, error.code, error.message);
    // body-parser's errors carry the raw body (card numbers, on /v1/tokens): never log them.
    const status = (error as { status?: number }).status;
    if (status === 413) return sendError(res, 413, "invalid_request_error", "request_too_large", "The request body is too large.");
    if (status && status >= 400 && status < 500) return sendError(res, 400, "invalid_request_error", "parse_error", "The request body is not valid JSON.");
    logger.error({ err: error }, "simulated provider: unexpected error");
    sendError(res, 500, "api_error", "internal_error", "An unexpected error occurred.");
  });

  return {
    router,
    setFailures,
    async stop() {
      for (const [timer, res] of held) {
        clearTimeout(timer);
        res.req.socket.destroy();
      }
      held.clear();
      await deliveries?.stop();
    },
  };
}
