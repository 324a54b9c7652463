// Where a GraphQL operation reads: the primary, or a read replica
// (REPLICA_DATABASE_URLS, core/replicas.ts), and how PostGraphile gets its
// connections (one adaptor, fit for a transaction pooler).
//
// - A query whose root fields are all on replicaRootFields (searches,
//   quotes, reports) reads a replica in the rotation; everything else, and
//   every mutation, the primary. A client's read whose answer must include
//   what the client just wrote goes to a replica only once that replica has
//   replayed the client's last commit:
// - Read-your-writes by LSN. The answer to a mutation carries
//   `X-Keepr-Commit-Lsn`: the primary's WAL insert position read after the
//   mutation committed, so at or past its commit record. The client sends
//   the highest one it has seen back as `X-Keepr-Min-Lsn` on its next
//   requests (shared/graphql-http.ts does it for both apps), and a read goes
//   to a replica whose replay position (as the monitor last saw it) is at
//   least that, else to the primary. The LSN is not trusted for anything
//   else: a forged one, too high or malformed, only sends that client's
//   reads to the primary; too low, it only lets the client see data as
//   stale as any other visitor may (within REPLICA_MAX_LAG_SECONDS).
// - A replica that fails the read (unreachable, shutting down, a query
//   cancelled by a recovery conflict) is never an error for the client: the
//   read runs again on the primary, and an unreachable replica leaves the
//   rotation at once.
// - Answers say which database read them (`X-Keepr-Read-From: primary` or
//   `replica`) when replicas are configured.
import type { Request } from "express";
import type pg from "pg";
import type { DocumentNode } from "postgraphile/graphql";
import { makePgService, makeWithPgClientViaPgClientAlreadyInTransaction, type NodePostgresPgClient } from "postgraphile/adaptors/pg";
import type { WithPgClient as AnyWithPgClient } from "postgraphile/@dataplan/pg";
import type { Logger } from "../core/logger.ts";
import { becomeStatement } from "../core/sql.ts";
import { introspectionSettings, type PoolMode } from "../core/pool-mode.ts";
import { isAnonymous } from "../core/auth.ts";
import { formatLsn, isRecoveryConflict, isUnavailable, parseLsn, type Replica, type ReplicaSet } from "../core/replicas.ts";
import { operationOf } from "./graphql-operation.ts";
import type { Lane } from "./admission.ts";

type WithPgClient = AnyWithPgClient<NodePostgresPgClient>;

/** Root query fields that may read a replica: searches, quotes, reports (stable functions, nothing a client writes and reads back at once). */
export const replicaRootFields: ReadonlySet<string> = new Set([
  "__typename",
  // searches (the guest app and the console)
  "searchAvailability", "nearestStays", "allProperties", "propertyBySlug", "rateGrid",
  // quotes
  "quote", "quoteChange",
  // reports
  "channelRevenueReport", "channelReconciliation", "pickupReport", "occupancyReport", "arAging", "cityTaxReport",
  "ownerStatement", "journalEntriesBetween", "allTrialBalances", "allAccountBalances",
]);

export const commitLsnHeader = "x-keepr-commit-lsn";
export const minLsnHeader = "x-keepr-min-lsn";
export const readFromHeader = "x-keepr-read-from";

const readable = new WeakMap<DocumentNode, Map<string, boolean>>();

/** Whether the operation is a query whose root fields are all on replicaRootFields. */
export function readsFromReplica(document: DocumentNode, operationName: string | null | undefined): boolean {
  const key = operationName ?? "";
  let byName = readable.get(document);
  const known = byName?.get(key);
  if (known !== undefined) return known;
  const roots = operationOf(document, operationName);
  const answer = roots !== null && roots.type === "query" && roots.fields.length > 0 && roots.fields.every((f) => replicaRootFields.has(f.name.value));
  if (!byName) readable.set(document, (byName = new Map()));
  byName.set(key, answer);
  return answer;
}

/**
 * The statement that opens an operation's transaction with its settings, in
 * one round trip: `begin; select set_config(…, true), …` as one simple
 * query, the settings as quoted literals (core/sql.ts's becomeStatement,
 * as every other transaction of Keepr's opens). @dataplan/pg sends `begin`,
 * then the settings as a JSON parameter: a second round trip. Settings
 * whose value is null or undefined are left out, as @dataplan/pg leaves
 * them.
 */
export function beginWithSettings(pgSettings: Readonly<Record<string, string | null | undefined>> | null | undefined): string {
  const settings = Object.fromEntries(Object.entries(pgSettings ?? {}).flatMap(([name, value]) => (value == null ? [] : [[name, String(value)]])));
  const become = becomeStatement({ settings });
  return become ? `begin; ${become}` : "begin";
}

/**
 * PostGraphile's connections from a pool: each call takes a connection,
 * runs the operation's transaction on it with its pgSettings
 * (transaction-local set_config) and gives it back: `begin` and the
 * settings in one round trip (beginWithSettings), the operation's queries,
 * `commit`. Unlike @dataplan/pg's own, it sends nothing else on the
 * connection (no session SET at first use), so it suits a transaction
 * pooler; a connection that failed or was lost is destroyed, not given
 * back.
 */
export function withPgClientOf(pool: pg.Pool, lane?: Lane): WithPgClient {
  return async (pgSettings, callback) => {
    // A guest read's place in the lane (server/admission.ts) covers its
    // statements, not the commit's round trip: a read-only transaction has
    // nothing left for Postgres to do then.
    const leave = lane ? await lane.enter() : null;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      leave?.();
      throw error;
    }
    // The server going away between two queries of the operation (a
    // replica stopped, a failover) is an error of the next query, not an
    // unhandled 'error' event that would end the process.
    let broken: Error | undefined;
    const lost = (error: Error) => {
      broken = error;
    };
    client.on("error", lost);
    try {
      await client.query(beginWithSettings(pgSettings));
      let result;
      try {
        // Inside the transaction already: a mutation's own transaction is a savepoint.
        result = await makeWithPgClientViaPgClientAlreadyInTransaction(client, true)(null, callback);
      } catch (error) {
        leave?.();
        await client.query("rollback").catch((rollbackError: unknown) => {
          broken ??= rollbackError as Error;
        });
        throw error;
      }
      leave?.();
      await client.query("commit");
      return result;
    } catch (error) {
      if (isUnavailable(error)) broken = error as Error;
      throw error;
    } finally {
      leave?.();
      client.off("error", lost);
      client.release(broken);
    }
  };
}

/**
 * Guest reads (anonymous queries: server/graphql.ts) on the guest pool
 * (core/pool-mode.ts guestPoolConfig), each in its turn in the lane when
 * there is one. In session mode the pool's connections are the guest's
 * already (role, read-only, timeouts), so a read is its statements alone,
 * with no transaction: one round trip a statement instead of three for a
 * one-statement read. Each statement sees what was committed when it
 * started, as it would in a read-committed transaction. A request's other
 * settings (its id, trace and language) are read by writes only (audit
 * rows, queued jobs, a reservation's language), and a guest connection
 * cannot write; settings of anyone but the guest (another role, claims)
 * are refused, never run as the guest. In transaction mode, as
 * withPgClientOf: a transaction pooler keeps no session.
 */
export function guestReadsOf(pool: pg.Pool, lane: Lane | null, mode: PoolMode): WithPgClient {
  if (mode === "transaction") return withPgClientOf(pool, lane ?? undefined);
  return async (pgSettings, callback) => {
    if (!pgSettings || !isAnonymous(pgSettings as Record<string, string>)) throw new Error("a guest connection serves guest reads only");
    const leave = lane ? await lane.enter() : null;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      leave?.();
      throw error;
    }
    let broken: Error | undefined;
    const lost = (error: Error) => {
      broken = error;
    };
    client.on("error", lost);
    try {
      return await makeWithPgClientViaPgClientAlreadyInTransaction(client, false)(null, callback);
    } catch (error) {
      if (isUnavailable(error)) broken = error as Error;
      throw error;
    } finally {
      leave?.();
      client.off("error", lost);
      client.release(broken);
    }
  };
}

/**
 * PostGraphile's service over `pool`, its connections taken with
 * withPgClientOf. Its introspection (the schema's build, when the API
 * starts) reads the catalog on `introspectionPool` when given (one
 * connection with a longer timeout: core/pool-mode.ts
 * introspectionPoolConfig), told apart by the settings object PostGraphile
 * passes for it (pgSettingsForIntrospection); else on `pool`.
 */
export function keeprPgService(options: { pool: pg.Pool; schemas: string[]; introspectionPool?: pg.Pool }): GraphileConfig.PgServiceConfiguration {
  const service = makePgService({ pool: options.pool, schemas: options.schemas, pubsub: false });
  const withPgClient = withPgClientOf(options.pool);
  const introspectionPool = options.introspectionPool;
  if (!introspectionPool) return { ...service, adaptor: { ...service.adaptor, createWithPgClient: () => withPgClient } };
  const forIntrospection = introspectionSettings();
  const introspect = withPgClientOf(introspectionPool);
  const dispatch: WithPgClient = (pgSettings, callback) => (pgSettings === forIntrospection ? introspect : withPgClient)(pgSettings, callback);
  return { ...service, pgSettingsForIntrospection: forIntrospection, adaptor: { ...service.adaptor, createWithPgClient: () => dispatch } };
}

/** What the router decided for a request (kept on it for the answer's headers). */
interface Routing {
  target: "primary" | "replica";
  mutation: boolean;
}

const routings = new WeakMap<object, Routing>();

export interface ReadRouter {
  /** The withPgClient an operation of this request uses (the primary's unless it may read a replica). */
  withPgClientFor(req: Request | undefined, document: DocumentNode | undefined, operationName: string | null | undefined, primary: WithPgClient): WithPgClient;
  /** The grafserv plugin that adds X-Keepr-Commit-Lsn and X-Keepr-Read-From to answers. */
  plugin: GraphileConfig.Plugin;
}

export function makeReadRouter(options: { replicas: ReplicaSet; primaryPool: pg.Pool; logger: Logger }): ReadRouter {
  const { replicas, primaryPool, logger } = options;
  const replicaClients = new Map<Replica, WithPgClient>();
  const clientOf = (replica: Replica) => {
    let client = replicaClients.get(replica);
    if (!client) replicaClients.set(replica, (client = withPgClientOf(replica.pool)));
    return client;
  };

  /**
   * The reads of one request: all on one replica, chosen at the first
   * (so one answer never mixes two replicas' states), else on the primary.
   * A replica that cannot serve (unreachable, a recovery conflict, a write
   * the allow-list let through) hands the read to another replica if it was
   * the first read, else to the primary, which also takes the rest.
   */
  const onReplica = (minLsn: bigint | null, primary: WithPgClient, routing: Routing): WithPgClient => {
    let pinned: Replica | null | undefined; // undefined: not chosen yet; null: the primary
    let served = false;
    return async (pgSettings, callback) => {
      for (let tries = 0; pinned !== null && tries <= replicas.size; tries++) {
        pinned ??= replicas.pick(minLsn);
        const replica = pinned;
        if (!replica) break;
        try {
          const result = await clientOf(replica)(pgSettings, callback);
          served = true;
          return result;
        } catch (error) {
          if (isUnavailable(error)) {
            replicas.markDown(replica, error);
            pinned = served ? null : undefined;
          } else if (isRecoveryConflict(error)) {
            logger.info({ replica: replica.name }, "a read cancelled by a recovery conflict on a replica runs on the primary");
            pinned = null;
          } else if ((error as { code?: unknown }).code === "25006") {
            // A write on a standby: the allow-list has a field that writes. Answered by the primary, and said loudly.
            logger.error({ replica: replica.name, err: error }, "an operation routed to a replica tried to write; check replicaRootFields");
            pinned = null;
          } else {
            throw error;
          }
        }
      }
      pinned = null;
      routing.target = "primary";
      return primary(pgSettings, callback);
    };
  };

  return {
    withPgClientFor(req, document, operationName, primary) {
      if (!req || !document) return primary;
      const roots = operationOf(document, operationName);
      const routing: Routing = { target: "primary", mutation: roots?.type === "mutation" };
      routings.set(req, routing);
      if (!readsFromReplica(document, operationName)) return primary;
      const header = req.header(minLsnHeader);
      let minLsn: bigint | null = null;
      if (header !== undefined && header !== "") {
        minLsn = parseLsn(header.trim());
        // Not an LSN: read the primary (never a reason to read something staler).
        if (minLsn === null) return primary;
      }
      routing.target = "replica";
      return onReplica(minLsn, primary, routing);
    },
    plugin: {
      name: "KeeprReadRoutingPlugin",
      version: "1.0.0",
      grafserv: {
        middleware: {
          async processRequest(next, event) {
            const result = await next();
            const req = event.requestDigest.requestContext.expressv4?.req as Request | undefined;
            const routing = req ? routings.get(req) : undefined;
            if (!routing || !result || !("headers" in result)) return result;
            const headers: Record<string, string> = { ...result.headers, [readFromHeader]: routing.target };
            if (routing.mutation) {
              // After the commit: the insert position is at or past the commit record.
              const lsn = await primaryPool.query<{ lsn: string }>("select pg_catalog.pg_current_wal_insert_lsn()::text as lsn").then(
                (r) => parseLsn(r.rows[0]?.lsn),
                (error: unknown) => {
                  logger.warn({ err: error }, "the commit LSN of a mutation could not be read; the client's next reads may miss it on a replica");
                  return null;
                },
              );
              if (lsn !== null) headers[commitLsnHeader] = formatLsn(lsn);
            }
            return { ...result, headers };
          },
        },
      },
    },
  };
}
