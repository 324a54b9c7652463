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
import type { Config } from "./config.ts";

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

const baseQuery = pg.Client.prototype.query;

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
    return Reflect.apply(baseQuery, this, [statement, ...rest]);
  },
  writable: true,
  configurable: true,
});

/**
 * The config of a pool of the API (the authenticator on the primary or on a
 * replica). In session mode the statement and idle-in-transaction timeouts
 * are startup parameters of each connection; PgBouncer refuses those
 * ("unsupported startup parameter"), so in transaction mode they are not
 * sent: GraphQL sets both transaction-locally with its pgSettings
 * (server/graphql.ts), and the pooler's own query_timeout and
 * idle_transaction_timeout bound the rest (docs/scaling.md).
 */
export function apiPoolConfig(
  config: Pick<Config, "DATABASE_POOL_MODE" | "STATEMENT_TIMEOUT_MS">,
  options: { connectionString: string; max: number; applicationName: string },
): pg.PoolConfig {
  const base = { connectionString: options.connectionString, max: options.max, application_name: options.applicationName };
  if (config.DATABASE_POOL_MODE === "transaction") return { ...base, Client: TransactionPoolerClient };
  return { ...base, statement_timeout: config.STATEMENT_TIMEOUT_MS, idle_in_transaction_session_timeout: config.STATEMENT_TIMEOUT_MS * 2 };
}

/** The transaction-local settings every GraphQL transaction carries (statement and idle timeouts that a transaction pooler cannot take at connect). */
export function transactionTimeouts(config: Pick<Config, "STATEMENT_TIMEOUT_MS">): Record<string, string> {
  return {
    statement_timeout: String(config.STATEMENT_TIMEOUT_MS),
    idle_in_transaction_session_timeout: String(config.STATEMENT_TIMEOUT_MS * 2),
  };
}
