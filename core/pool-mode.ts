// What a connection pool of the API may send when it goes through a
// transaction pooler (DATABASE_POOL_MODE=transaction: PgBouncer with
// pool_mode=transaction, AUTH_DATABASE_URL and REPLICA_DATABASE_URLS
// pointing at it). Each transaction may run on another server connection,
// so nothing may outlive a transaction:
// - no named prepared statement: PgBouncer 1.18 does not track them, so a
//   statement prepared on one server connection is missing on the next
//   ("prepared statement … does not exist") or already there ("… already
//   exists"). The pool's clients drop the name of every query: node-postgres
//   then sends it unnamed (Parse, Bind, Execute in one Sync), which a
//   transaction pooler carries. This holds for every query on the pool,
//   PostGraphile's (which names its statements: @dataplan/pg's cache) and
//   anyone's, whatever DATAPLAN_PG_PREPARED_STATEMENT_CACHE_SIZE says and
//   whenever @dataplan/pg was loaded.
// - no session state: LISTEN, PREPARE, session SET/RESET/DISCARD, session
//   advisory locks. Settings are transaction-local set_config (core/sql.ts,
//   and PostGraphile's pgSettings); such a statement on these pools is
//   refused (SessionStateError) rather than left on a server connection
//   another client gets next. Connections that need a session (the worker,
//   realtime's LISTEN and logical replication, migrations) go to Postgres
//   directly: DATABASE_URL, REALTIME_DATABASE_URL (docs/scaling.md).
import pg from "pg";
import { defaultPoolIdleMs, type Config } from "./config.ts";

export type PoolMode = Config["DATABASE_POOL_MODE"];

export class SessionStateError extends Error {
  readonly code = "SESSION_STATE";
}

/** A statement that would leave state on the server connection (text at its start), or that takes a session advisory lock. */
const sessionStatement = /^\s*(?:listen|unlisten|prepare|deallocate|reset|discard|load|set\s+(?!local\b|transaction\b|constraints\b))\b/i;
const sessionLock = /\bpg_(?:try_)?advisory_(?:lock|unlock)(?:_shared|_all)?\s*\(/i;

/** Why a statement may not go through a transaction pooler, or null. */
export function sessionStateOf(text: string): string | null {
  const statement = sessionStatement.exec(text);
  if (statement) return `${statement[0].trim().toUpperCase()} keeps session state`;
  if (sessionLock.test(text)) return "a session advisory lock outlives the transaction";
  return null;
}

type QueryConfigLike = { text?: unknown; name?: unknown; submit?: unknown };

/** The query as a transaction pooler may carry it: unnamed; throws SessionStateError for session state. */
export function forTransactionPooler<T>(query: T): T {
  const text = typeof query === "string" ? query : typeof (query as QueryConfigLike | null)?.text === "string" ? ((query as QueryConfigLike).text as string) : null;
  const problem = text === null ? null : sessionStateOf(text);
  if (problem) throw new SessionStateError(`Not through a transaction pooler (DATABASE_POOL_MODE=transaction): ${problem}: ${text!.slice(0, 80)}`);
  if (query && typeof query === "object" && !("submit" in query) && (query as QueryConfigLike).name != null) {
    const { name: _name, ...unnamed } = query as QueryConfigLike;
    return unnamed as T;
  }
  return query;
}

/** A node-postgres client for a transaction pooler: see the top of this file. */
export class TransactionPoolerClient extends pg.Client {}
Object.defineProperty(TransactionPoolerClient.prototype, "query", {
  value: function query(this: pg.Client, config: unknown, ...rest: unknown[]) {
    let statement: unknown;
    try {
      statement = forTransactionPooler(config);
    } catch (error) {
      const callback = rest.find((arg) => typeof arg === "function") as ((error: Error) => void) | undefined;
      if (callback) {
        queueMicrotask(() => callback(error as Error));
        return undefined;
      }
      return Promise.reject(error);
    }
    // pg's query as it is now (tracing patches it after this module loads).
    return Reflect.apply(pg.Client.prototype.query, this, [statement, ...rest]);
  },
  writable: true,
  configurable: true,
});

// A Postgres that goes silent: its host died or the network between broke
// (a failover, a partition) without closing the connections. Nothing tells
// the client: a query on such a connection waits for an answer forever, and
// so does the request that sent it, and a pool whose connections all wait
// has none to give. No statement of the API's legitimately stays silent
// longer than the statement timeout (Postgres cancels it and answers), so a
// connection on which a query has heard nothing for twice that is closed,
// the query fails with ETIMEDOUT (the API answers UNAVAILABLE, retryable),
// the pool drops the connection, and the next one is opened afresh (after a
// failover, to the new primary). The wait for a connection is bounded the
// same way. The worker has its own heartbeat (worker/silence.ts).

type Silenceable = { connection?: { stream?: { setTimeout?: (ms: number) => unknown; once?: unknown; on?: unknown; destroy?: (error: Error) => unknown } } };

/** How long a query may hear nothing from Postgres before its connection is closed (ms): twice the statement timeout. */
export const answerTimeoutOf = (config: Pick<Config, "STATEMENT_TIMEOUT_MS">): number => config.STATEMENT_TIMEOUT_MS * 2;

/**
 * A node-postgres client class that closes its connection when a query of
 * it has heard nothing from the server for timeoutMs (the socket's
 * inactivity: a long result that keeps arriving is not cut).
 */
export function answeringWithin(Base: typeof pg.Client, timeoutMs: number): typeof pg.Client {
  const inFlight = new WeakMap<object, number>();
  const watched = new WeakSet<object>();
  class AnsweringClient extends Base {}
  // Base.prototype.query is looked up at each call: tracing patches pg's after the pools are made.
  Object.defineProperty(AnsweringClient.prototype, "query", {
    value: function query(this: pg.Client & Silenceable, config: unknown, ...rest: unknown[]) {
      const stream = this.connection?.stream;
      if (!stream || typeof stream.setTimeout !== "function" || typeof stream.destroy !== "function") return Reflect.apply(Base.prototype.query, this, [config, ...rest]);
      if (!watched.has(stream)) {
        watched.add(stream);
        (stream as unknown as NodeJS.EventEmitter).on("timeout", () => {
          if ((inFlight.get(stream) ?? 0) === 0) return;
          const error = Object.assign(new Error(`Postgres did not answer within ${timeoutMs / 1000} s: the connection is closed`), { code: "ETIMEDOUT" });
          stream.destroy!(error);
        });
      }
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        const left = (inFlight.get(stream) ?? 1) - 1;
        inFlight.set(stream, left);
        if (left === 0) stream.setTimeout!(0);
      };
      const before = inFlight.get(stream) ?? 0;
      inFlight.set(stream, before + 1);
      if (before === 0) stream.setTimeout(timeoutMs);
      // A callback's, a promise's or a submittable's (Query, a cursor) end settles it.
      const at = rest.findIndex((arg) => typeof arg === "function");
      if (at >= 0) {
        const callback = rest[at] as (...args: unknown[]) => unknown;
        rest[at] = (...args: unknown[]) => {
          settle();
          return callback(...args);
        };
      }
      let result: unknown;
      try {
        result = Reflect.apply(Base.prototype.query, this, [config, ...rest]);
      } catch (error) {
        settle();
        throw error;
      }
      if (at < 0) {
        if (result && typeof (result as Promise<unknown>).then === "function") (result as Promise<unknown>).then(settle, settle);
        else if (config && typeof (config as { once?: unknown }).once === "function") {
          const emitter = config as NodeJS.EventEmitter;
          emitter.once("end", settle);
          emitter.once("error", settle);
          emitter.once("close", settle);
        } else settle();
      }
      return result;
    },
    writable: true,
    configurable: true,
  });
  return AnsweringClient;
}

/**
 * The config of a pool of the API (the authenticator on the primary or on a
 * replica). In session mode the statement and idle-in-transaction timeouts
 * are startup parameters of each connection; PgBouncer refuses those
 * ("unsupported startup parameter"), so in transaction mode they are not
 * sent: GraphQL sets both transaction-locally with its pgSettings
 * (server/graphql.ts), and the pooler's own query_timeout and
 * idle_transaction_timeout bound the rest (docs/scaling.md). Either way a
 * connection whose Postgres went silent is closed (answeringWithin), and
 * waiting for a connection gives up after the same time.
 */
export function apiPoolConfig(
  config: Pick<Config, "DATABASE_POOL_MODE" | "STATEMENT_TIMEOUT_MS"> & Partial<Pick<Config, "DATABASE_POOL_IDLE_MS">>,
  options: { connectionString: string; max: number; applicationName: string },
): pg.PoolConfig {
  const answerTimeout = answerTimeoutOf(config);
  const base = {
    connectionString: options.connectionString, max: options.max, application_name: options.applicationName, connectionTimeoutMillis: answerTimeout,
    idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS ?? defaultPoolIdleMs,
  };
  if (config.DATABASE_POOL_MODE === "transaction") return { ...base, Client: answeringWithin(TransactionPoolerClient, answerTimeout) };
  return {
    ...base,
    Client: answeringWithin(pg.Client, answerTimeout),
    statement_timeout: config.STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: config.STATEMENT_TIMEOUT_MS * 2,
  };
}

/** The role of guest reads (anonymous searches, quotes, property pages). */
export const guestRole = "keepr_anonymous";

/**
 * The config of the pool guest reads run on (server/read-routing.ts
 * guestReadsOf): the API pool's, and in session mode each connection is
 * the guest's for its whole life, set when it opens (startup options, so a
 * connection that could not become the guest never serves): the role
 * keepr_anonymous, read-only transactions, JIT's optimisation off, the
 * statement and idle timeouts as every API connection has them. A guest
 * read is then its statements alone, with no `begin`, settings or `commit`
 * round trips. A transaction pooler carries no session state, so in
 * transaction mode the pool is the API's config and each read sets the
 * role in its own transaction.
 */
export function guestPoolConfig(
  config: Pick<Config, "DATABASE_POOL_MODE" | "STATEMENT_TIMEOUT_MS"> & Partial<Pick<Config, "DATABASE_POOL_IDLE_MS">>,
  options: { connectionString: string; max: number; applicationName: string },
): pg.PoolConfig {
  const base = apiPoolConfig(config, options);
  if (config.DATABASE_POOL_MODE === "transaction") return base;
  return { ...base, options: `-c role=${guestRole} -c default_transaction_read_only=on -c jit_optimize_above_cost=-1` };
}

/**
 * PostGraphile's introspection: how long its catalog read may take (ms).
 * It runs once, when the API starts, and reads the whole catalog; on a busy
 * primary, or behind a DDL's lock, that takes longer than a request's
 * statement timeout (100 ms is a valid setting), and a schema that failed
 * to build serves nothing. So it is bounded apart, by a minute.
 */
export const introspectionTimeoutMs = 60_000;

/**
 * The config of the one connection PostGraphile's introspection reads the
 * catalog on: the API pool's login, pooler and mode, with the statement
 * timeout (and the silence before the connection is closed) of
 * introspectionTimeoutMs instead of the API's. The same timeouts go in
 * its transaction (introspectionSettings) for a transaction pooler.
 */
export function introspectionPoolConfig(
  config: Pick<Config, "DATABASE_POOL_MODE">,
  options: { connectionString: string; applicationName: string },
): pg.PoolConfig {
  // Used once, when the API starts: its connection goes after node-postgres's 10 s.
  return { ...apiPoolConfig({ DATABASE_POOL_MODE: config.DATABASE_POOL_MODE, STATEMENT_TIMEOUT_MS: introspectionTimeoutMs }, { ...options, max: 1 }), idleTimeoutMillis: 10_000 };
}

/** The settings of introspection's transaction (see introspectionPoolConfig). */
export const introspectionSettings = (): Record<string, string> => transactionTimeouts({ STATEMENT_TIMEOUT_MS: introspectionTimeoutMs });

/** The transaction-local settings every GraphQL transaction carries (statement and idle timeouts that a transaction pooler cannot take at connect). */
export function transactionTimeouts(config: Pick<Config, "STATEMENT_TIMEOUT_MS">): Record<string, string> {
  return {
    statement_timeout: String(config.STATEMENT_TIMEOUT_MS),
    idle_in_transaction_session_timeout: String(config.STATEMENT_TIMEOUT_MS * 2),
  };
}
