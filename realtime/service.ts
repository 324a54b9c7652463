// The realtime server as Keepr runs it: the websocket endpoint on an HTTP
// server (realtime/server.ts), fed by the logical-replication reader
// (realtime/replication.ts) and authorized by the API's own RLS policies
// and column privileges (realtime/authorize.ts), over the API's pool
// (the authenticator, which may become any API role).
// Each committed transaction is acknowledged to Postgres only once it has
// been handed to every subscriber's socket.
import type { Server } from "node:http";
import type pg from "pg";
import { authorizeChangesWith, authorizeChannelsWith, createRowAuthorizer } from "./authorize.ts";
import { startReplication, type Replication } from "./replication.ts";
import { attachRealtime } from "./server.ts";
import type { RealtimeLogger } from "./types.ts";

export interface RealtimeService {
  /** Whether the replication stream is up (postgres_changes flow); null when there is none. */
  replicationConnected(): boolean | null;
  stop(): Promise<void>;
}

export function startRealtimeService(options: {
  server: Server;
  apiPool: pg.Pool;
  /** A login with REPLICATION; without one, broadcast and presence work but no postgres_changes. */
  replicationUrl: string | undefined;
  jwtSecret: string;
  logger: RealtimeLogger;
}): RealtimeService {
  const logger = options.logger.child({ component: "realtime" });
  const realtime = attachRealtime(options.server, {
    jwtSecret: options.jwtSecret,
    logger,
    authorize: authorizeChangesWith(createRowAuthorizer({ pool: options.apiPool })),
    authorizeChannel: authorizeChannelsWith(options.apiPool),
  });
  let replication: Replication | undefined;
  if (options.replicationUrl) {
    replication = startReplication({ connectionString: options.replicationUrl, onTransaction: (tx) => realtime.publish(tx), logger });
  } else {
    logger.warn({}, "no replication login (REALTIME_DATABASE_URL): realtime serves broadcast and presence, but no postgres_changes");
  }
  return {
    replicationConnected: () => (replication ? replication.status().connected : null),
    async stop() {
      await replication?.stop();
      await realtime.close();
    },
  };
}
