// The realtime server as Keepr runs it: the websocket endpoint on an HTTP
// server (realtime/server.ts), fed by the logical-replication reader
// (realtime/replication.ts) and authorized by the API's own RLS policies
// and column privileges (realtime/authorize.ts), over the API's pool
// (the authenticator, which may become any API role).
// The subscribers' fan-out runs behind the replication stream, in commit
// order, at most REALTIME_FANOUT_BEHIND changes behind (then the reader waits
// for it, and Postgres for the reader; a chunk of a large transaction is
// 10,000 changes, so memory stays bounded as before): it authorizes each change with a
// query, which under load waits for Postgres, and run in the stream's way it
// held back the next transaction's reading and with it the search cache's
// invalidation (issue 23). A transaction is acknowledged to Postgres once the
// search feed has sent it and its fan-out is queued; the slot is temporary,
// so an acknowledgement decides what WAL Postgres keeps, never what is
// delivered again. A fan-out that fails tells the subscribers' channels to
// rejoin and refetch, as a restarted stream does. Broadcast and presence travel
// between instances over the Postgres bus (realtime/bus.ts), on one
// connection of the API's login.
import type { Server } from "node:http";
import type pg from "pg";
import { authorizeChangesWith, authorizeChannelsWith, createRowAuthorizer } from "./authorize.ts";
import { createPostgresTopicBus, type PostgresBusOptions } from "./bus.ts";
import { observeReplicationSlots } from "../core/metrics.ts";
import { startReplication, type Replication, type ReplicationOptions } from "./replication.ts";
import { startSearchFeed, searchTables, type SearchFeed } from "./search-feed.ts";
import { attachRealtime } from "./server.ts";
import type { RealtimeLogger, Transaction } from "./types.ts";

export interface RealtimeService {
  /** Whether the replication stream is up (postgres_changes flow); null when there is none. */
  replicationConnected(): boolean | null;
  /** Whether the bus to the other instances is up (broadcast and presence cross instances). */
  busConnected(): boolean;
  /** Whether it runs the search cache's feed (off with SEARCH_CACHE_HEARTBEAT_MS 0 or SEARCH_CACHE=false, or without replication). */
  readonly searchFeedRunning: boolean;
  stop(): Promise<void>;
}

export function startRealtimeService(options: {
  server: Server;
  apiPool: pg.Pool;
  /** The API's login (the authenticator), for the bus's LISTEN connection. */
  databaseUrl: string;
  /** A login with REPLICATION; without one, broadcast and presence work but no postgres_changes. */
  replicationUrl: string | undefined;
  /** Checks the clients' tokens; the bus's keys are derived from it too (realtime/bus.ts). */
  jwtSecret: string;
  logger: RealtimeLogger;
  /** Bus timings (tests shorten them). */
  bus?: Pick<PostgresBusOptions, "aliveIntervalMs" | "deadAfterMs" | "reconnectDelaysMs">;
  /** Replication timings (tests shorten them). */
  replication?: Pick<ReplicationOptions, "reconnectDelaysMs" | "statusIntervalMs" | "silenceTimeoutMs">;
  /** How often the search cache's feed says it is alive (SEARCH_CACHE_HEARTBEAT_MS); 0: no feed (the API processes then bypass their caches). */
  searchFeedHeartbeatMs?: number;
  /** How many changes the subscribers' fan-out may be behind the stream (REALTIME_FANOUT_BEHIND); 0: in its way, each transaction acknowledged once delivered. */
  fanOutBehind?: number;
}): RealtimeService {
  const logger = options.logger.child({ component: "realtime" });
  const bus = createPostgresTopicBus({ connectionString: options.databaseUrl, secret: options.jwtSecret, logger, ...options.bus });
  const realtime = attachRealtime(options.server, {
    bus,
    jwtSecret: options.jwtSecret,
    logger,
    authorize: authorizeChangesWith(createRowAuthorizer({ pool: options.apiPool })),
    authorizeChannel: authorizeChannelsWith(options.apiPool),
  });
  let replication: Replication | undefined;
  let forgetSlots = () => {};
  let searchFeed: SearchFeed | undefined;
  if (options.replicationUrl && options.searchFeedHeartbeatMs !== 0) {
    // The search cache's feed (realtime/search-feed.ts): each transaction's
    // tags go out before the subscribers' fan-out, so a slow socket never
    // delays an invalidation.
    searchFeed = startSearchFeed({
      connectionString: options.databaseUrl,
      secret: options.jwtSecret,
      logger,
      caughtUp: () => replication?.status().caughtUp ?? false,
      lastLsn: () => replication?.status().lastLsn ?? null,
      unpublished: async () => {
        const { rows } = await options.apiPool.query<{ table: string }>(
          `select t.name as table from unnest($1::text[]) as t(name)
            where not exists (select 1 from pg_catalog.pg_publication_tables p
                               where p.pubname = 'keepr_realtime' and p.schemaname = 'app_public' and p.tablename = t.name)`,
          [[...searchTables.keys()]],
        );
        return rows.map((r) => r.table);
      },
      ...(options.searchFeedHeartbeatMs ? { heartbeatMs: options.searchFeedHeartbeatMs } : {}),
    });
  }
  // The fan-out behind the stream (see the top): realtime.publish keeps the order.
  let behind = 0;
  const maxBehind = options.fanOutBehind ?? 10_000;
  const fanOut = (tx: Transaction): Promise<void> => {
    const changes = tx.changes.length;
    behind += changes;
    const delivered = realtime.publish(tx).then(
      () => void (behind -= changes),
      (error: unknown) => {
        behind -= changes;
        logger.warn({ err: error, lsn: tx.lsn }, "a transaction's changes could not be handed to every subscriber; channels told to rejoin");
        realtime.changeStreamRestarted();
      },
    );
    return behind > maxBehind ? delivered : Promise.resolve();
  };
  if (options.replicationUrl) {
    // keepr_replication_slot_lag_bytes, read at scrape through the API's pool.
    forgetSlots = observeReplicationSlots(options.apiPool);
    replication = startReplication({
      connectionString: options.replicationUrl,
      onTransaction: (tx) => {
        searchFeed?.publish(tx);
        return fanOut(tx);
      },
      // A new slot streams from now on: channels that were listening may have missed changes, and caches may be stale.
      onStreaming: () => {
        searchFeed?.reset("the replication stream started on a new slot");
        realtime.changeStreamRestarted();
      },
      onTruncate: (tables) => {
        if (tables.some((t) => t.startsWith("app_public.") && searchTables.has(t.slice("app_public.".length)))) searchFeed?.reset(`TRUNCATE ${tables.join(", ")}`);
      },
      logger,
      ...options.replication,
    });
  } else {
    logger.warn({}, "no replication login (REALTIME_DATABASE_URL): realtime serves broadcast and presence, but no postgres_changes");
  }
  return {
    replicationConnected: () => (replication ? replication.status().connected : null),
    searchFeedRunning: searchFeed !== undefined,
    busConnected: () => bus.connected,
    async stop() {
      forgetSlots();
      await replication?.stop();
      await searchFeed?.stop();
      await realtime.close();
      await bus.close();
    },
  };
}
