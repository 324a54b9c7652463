// Throttling of the guessable mutations (login, lookupBooking, register, and
// the guest accounts' requestGuestSignIn, completeGuestSignIn, attachBooking),
// per account and per client address, in Node before the operation runs.
//
// It cannot live in SQL: those functions run inside PostGraphile's mutation
// transaction, so a failure counter written there is rolled back with the
// INVALID_CREDENTIALS error. The counters are rate-limiter-flexible's Postgres store
// (app_private.rate_limits, created by a migration), and each attempt is
// counted BEFORE it runs: one atomic upsert per key, so N concurrent
// requests can never let more than the limit through. A refused request
// takes its points back, so the counters hold the attempts let through (and,
// for an instant, those being decided). See docs/security.md#throttling.
import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import ipaddr from "ipaddr.js";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getOperationAST, Kind, parse, valueFromASTUntyped, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from "postgraphile/graphql";
import type { Logger } from "../core/logger.ts";
import { apiErrors } from "../core/metrics.ts";

const minutes = 60;

/**
 * The limits: attempts (points) per window (seconds). Counted per key, in a
 * fixed window that starts with the key's first attempt.
 */
export const throttleLimits = {
  /** Login: per account (the email, trimmed and lowercased) and per client address. */
  loginAccount: { points: 10, duration: 15 * minutes },
  loginAddress: { points: 100, duration: 15 * minutes },
  /** Booking lookup: per email, per confirmation code and per client address. */
  lookupEmail: { points: 10, duration: 15 * minutes },
  lookupCode: { points: 10, duration: 15 * minutes },
  lookupAddress: { points: 100, duration: 15 * minutes },
  /** Registration: per client address. */
  registerAddress: { points: 20, duration: 60 * minutes },
  /** Sign-in links: per email (the SQL sends at most 5 links per email in 15 minutes on top) and per client address. */
  signInEmail: { points: 5, duration: 15 * minutes },
  signInAddress: { points: 30, duration: 15 * minutes },
  /** Using a sign-in link: per client address (a link's secret has 256 bits; this keeps a client from hammering). */
  signInLinkAddress: { points: 30, duration: 15 * minutes },
  /** Attaching a booking: per email, per confirmation code and per client address, as lookupBooking. */
  attachEmail: { points: 10, duration: 15 * minutes },
  attachCode: { points: 10, duration: 15 * minutes },
  attachAddress: { points: 100, duration: 15 * minutes },
} as const;

type LimiterName = keyof typeof throttleLimits;

/** The mutations that are throttled, by their GraphQL field name. */
export type ThrottledOperation = "login" | "lookupBooking" | "register" | "requestGuestSignIn" | "completeGuestSignIn" | "attachBooking";
const throttledNames = new Set<string>(["login", "lookupBooking", "register", "requestGuestSignIn", "completeGuestSignIn", "attachBooking"]);
const mentionsThrottled = /login|lookupBooking|register|GuestSignIn|attachBooking/;

export interface ThrottledField {
  operation: ThrottledOperation;
  /** The field's response key (its alias, or its name). */
  responseKey: string;
  /** input.email, when it is a string. */
  email?: string;
  /** input.confirmationCode, when it is a string. */
  confirmationCode?: string;
}

/**
 * The throttled mutation fields a GraphQL request would run: each top-level
 * field named as a ThrottledOperation of the operation that runs
 * (aliased or not, inside fragments too; each occurrence counts), with its
 * email and confirmation code from literals, variables or variable
 * defaults. A body that is not a GraphQL request (malformed JSON, a syntax
 * error, no such operation) gives none: grafserv answers it, and runs
 * nothing.
 */
export function throttledFields(contentType: string | undefined, body: Buffer): ThrottledField[] {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let query: unknown;
  let variables: unknown;
  let operationName: unknown;
  if (mediaType === "application/json") {
    let params: unknown;
    try {
      params = JSON.parse(body.toString("utf8"));
    } catch {
      return [];
    }
    if (!params || typeof params !== "object" || Array.isArray(params)) return [];
    ({ query, variables, operationName } = params as Record<string, unknown>);
  } else if (mediaType === "application/graphql") {
    query = body.toString("utf8");
  } else {
    return [];
  }
  if (typeof query !== "string") return [];
  // A throttled field is named in the query's text (GraphQL names have no
  // escapes; JSON's are decoded by now): most requests, searches above all,
  // are not parsed twice.
  if (!mentionsThrottled.test(query)) return [];
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const operation = getOperationAST(document, typeof operationName === "string" ? operationName : undefined);
  if (!operation || operation.operation !== "mutation") return [];

  // Variables as they will be coerced: given, else their default.
  const given = variables && typeof variables === "object" && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(given, name)) values[name] = given[name];
    else if (definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const found: ThrottledField[] = [];
  const walk = (selectionSet: SelectionSetNode, spreads: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, spreads);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A cycle is invalid (grafserv refuses it); do not follow it.
        if (fragment && !spreads.has(name)) walk(fragment.selectionSet, new Set([...spreads, name]));
      } else if (throttledNames.has(selection.name.value)) {
        const inputArgument = selection.arguments?.find((a) => a.name.value === "input");
        const input = inputArgument ? valueFromASTUntyped(inputArgument.value, values) : undefined;
        const fields = input && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
        found.push({
          operation: selection.name.value as ThrottledOperation,
          responseKey: selection.alias?.value ?? selection.name.value,
          ...(typeof fields.email === "string" ? { email: fields.email } : {}),
          ...(typeof fields.confirmationCode === "string" ? { confirmationCode: fields.confirmationCode } : {}),
        });
      }
    }
  };
  walk(operation.selectionSet, new Set());
  return found;
}

/**
 * The key of a client address: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by
 * its /64 (one subscriber's network: a client there has 2^64 addresses).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return "unknown";
  try {
    const address = ipaddr.process(ip);
    if (address.kind() === "ipv4") return address.toString();
    return `${(address as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(":")}::/64`;
  } catch {
    return ip;
  }
}

/** The account an email names, as login finds it (citext: case-insensitive); trimmed too. */
export const normalizedEmail = (email: string) => email.trim().toLowerCase();
/** A confirmation code as lookup_booking compares it. */
const normalizedCode = (code: string) => code.trim().toUpperCase();

/** What is stored for a key: a hash (no emails in the table; fits varchar(255) whatever the input's length). */
const hashed = (value: string) => createHash("sha256").update(value).digest("base64url");

/**
 * The TRUST_PROXY setting as express's "trust proxy" takes it: unset, "" or
 * "false" trust none (req.ip is the socket's peer); a number trusts that
 * many hops; "true" trusts every hop (only behind a proxy that overwrites
 * X-Forwarded-For); otherwise a comma-separated list of addresses, subnets
 * or the names loopback, linklocal, uniquelocal.
 */
export function trustProxyOf(value: string | undefined): boolean | number | string {
  const v = (value ?? "").trim();
  if (v === "" || v === "false" || v === "0") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

interface Demand {
  limiter: LimiterName;
  key: string;
  points: number;
}

/** What the request would cost, per limiter and key: addresses first, so a client over its limit is refused in one query. */
function demandsOf(fields: ThrottledField[], address: string): Demand[] {
  const first = new Map<string, Demand>();
  const then = new Map<string, Demand>();
  const add = (to: Map<string, Demand>, limiter: LimiterName, key: string) => {
    const id = `${limiter}\0${key}`;
    const demand = to.get(id);
    if (demand) demand.points += 1;
    else to.set(id, { limiter, key, points: 1 });
  };
  for (const field of fields) {
    if (field.operation === "login") {
      add(first, "loginAddress", address);
      if (field.email !== undefined) add(then, "loginAccount", hashed(normalizedEmail(field.email)));
    } else if (field.operation === "lookupBooking") {
      add(first, "lookupAddress", address);
      if (field.email !== undefined) add(then, "lookupEmail", hashed(normalizedEmail(field.email)));
      if (field.confirmationCode !== undefined) add(then, "lookupCode", hashed(normalizedCode(field.confirmationCode)));
    } else if (field.operation === "register") {
      add(first, "registerAddress", address);
    } else if (field.operation === "requestGuestSignIn") {
      add(first, "signInAddress", address);
      if (field.email !== undefined) add(then, "signInEmail", hashed(normalizedEmail(field.email)));
    } else if (field.operation === "completeGuestSignIn") {
      add(first, "signInLinkAddress", address);
    } else {
      add(first, "attachAddress", address);
      if (field.email !== undefined) add(then, "attachEmail", hashed(normalizedEmail(field.email)));
      if (field.confirmationCode !== undefined) add(then, "attachCode", hashed(normalizedCode(field.confirmationCode)));
    }
  }
  return [...first.values(), ...then.values()];
}

export interface ThrottleOptions {
  /** Where the counters are kept (the owner's pool: app_private.rate_limits). */
  pool: pg.Pool;
  logger: Logger;
}

/**
 * The express middleware, mounted on /graphql before grafserv (after
 * express.raw, which leaves the body as a Buffer). A refused request is
 * answered 429 with Retry-After and a TOO_MANY_ATTEMPTS error and runs
 * nothing. When the store cannot be reached, throttled requests are refused
 * with 503 UNAVAILABLE (fail closed): the store is the same database that
 * login needs anyway.
 */
export function graphqlThrottle(options: ThrottleOptions): RequestHandler {
  const { pool, logger } = options;
  const limiters = Object.fromEntries(
    (Object.keys(throttleLimits) as LimiterName[]).map((name, i) => [
      name,
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: "pool",
        schemaName: "app_private",
        tableName: "rate_limits",
        tableCreated: true,
        keyPrefix: name,
        points: throttleLimits[name].points,
        duration: throttleLimits[name].duration,
        // One of them deletes the rows expired over an hour ago, every 5 minutes.
        clearExpiredByTimeout: i === 0,
      } as ConstructorParameters<typeof RateLimiterPostgres>[0]),
    ]),
  ) as Record<LimiterName, RateLimiterPostgres>;

  const giveBack = async (taken: Demand[]) => {
    for (const demand of taken) {
      await limiters[demand.limiter].reward(demand.key, demand.points).catch((error: unknown) => {
        logger.warn({ err: error, limiter: demand.limiter }, "throttle: could not give back points");
      });
    }
  };

  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "POST" || !Buffer.isBuffer(req.body)) return next();
    const log = req.log ?? logger;
    const fields = throttledFields(req.header("content-type"), req.body);
    if (fields.length === 0) return next();

    const taken: Demand[] = [];
    for (const demand of demandsOf(fields, addressKey(req.ip))) {
      try {
        await limiters[demand.limiter].consume(demand.key, demand.points);
        taken.push(demand);
      } catch (outcome) {
        // Refused: its points were added too, and go back with the others.
        // A store error: whether they were added is unknown; only the others go back.
        await giveBack(outcome instanceof RateLimiterRes ? [...taken, demand] : taken);
        if (outcome instanceof RateLimiterRes) {
          const retryAfter = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
          log.warn({ limiter: demand.limiter, retryAfter }, "throttled");
          res.setHeader("Retry-After", String(retryAfter));
          apiErrors.inc({ code: "TOO_MANY_ATTEMPTS" });
          res.status(429).json({
            errors: [{
              message: `Too many attempts; try again in ${Math.ceil(retryAfter / 60)} minute${retryAfter > 60 ? "s" : ""}.`,
              extensions: { code: "TOO_MANY_ATTEMPTS", retryAfter },
            }],
          });
        } else {
          log.error({ err: outcome, limiter: demand.limiter }, "throttle: the rate limit store failed; refusing");
          apiErrors.inc({ code: "UNAVAILABLE" });
          res.status(503).json({ errors: [{ message: "The service is busy; please retry shortly.", extensions: { code: "UNAVAILABLE" } }] });
        }
        return;
      }
    }

    // A successful login clears its account's counter, so someone who
    // finally types the right password is not left locked out. Done before
    // the answer leaves, so the client's next attempt sees it.
    const logins = fields.filter((f) => f.operation === "login" && f.email !== undefined);
    if (logins.length > 0) {
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        const [chunk] = args;
        const succeeded = signedIn(chunk, logins);
        if (succeeded.length === 0) return end(...args);
        void Promise.all(
          succeeded.map((email) =>
            limiters.loginAccount.delete(hashed(normalizedEmail(email))).catch((error: unknown) => {
              logger.warn({ err: error }, "throttle: could not reset an account's counter after a login");
            }),
          ),
        ).finally(() => end(...args));
        return res;
      }) as Response["end"];
    }
    next();
  };
}

/** The emails whose login field answered a session in this response body. */
function signedIn(chunk: unknown, logins: ThrottledField[]): string[] {
  if (!Buffer.isBuffer(chunk) && typeof chunk !== "string") return [];
  let body: { data?: Record<string, unknown> | null };
  try {
    body = JSON.parse(chunk.toString()) as typeof body;
  } catch {
    return [];
  }
  const data = body?.data;
  if (!data || typeof data !== "object") return [];
  return logins.filter((f) => Object.hasOwn(data, f.responseKey) && data[f.responseKey] != null).map((f) => f.email!);
}
