// Starts Keepr's real HTTP server (express + PostGraphile) on a random port
// against a test database, connected as the authenticator like production.
import "../../core/env.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { startHttpServer } from "../../server/http.ts";
import { createLogger } from "../../core/logger.ts";
import { makeReadiness } from "../../server/readiness.ts";
import { startRealtimeService, type RealtimeService } from "../../realtime/service.ts";
import { apiPoolConfig } from "../../core/pool-mode.ts";
import { ReplicaSet } from "../../core/replicas.ts";
import { startSearchCache, type RunningSearchCache } from "../../server/search-cache-feed.ts";
import { searchFeedHeartbeatMs } from "../../core/search-feed.ts";
import { testPool, type TestDatabase } from "./db.ts";

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
}

export interface TestServer {
  url: string;
  /** The node:http server (to attach realtime to it). */
  server: import("node:http").Server;
  /** The API's pool (the authenticator). */
  apiPool: pg.Pool;
  /** The read replicas' monitor (only with REPLICA_DATABASE_URLS in env). */
  replicas?: ReplicaSet;
  /** The realtime service on the same server, as npm start runs it (only with `{ realtime: true }`). */
  realtime?: RealtimeService;
  /** The search cache and its feed's listener, as npm start runs them (unless SEARCH_CACHE=false in env); used only while realtime's feed is heard. */
  searchCache: RunningSearchCache | null;
  graphql(query: string, variables?: Record<string, unknown>, options?: { token?: string; headers?: Record<string, string> }): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Attach the realtime service (replication, websocket, RLS authorizer) as npm start does; the staff console then goes live. */
  realtime?: boolean;
  /** The test Postgres's postmaster, as main.ts passes the embedded one's (guest reads' backends reniced: API_PUBLIC_READ_NICE). */
  postmasterPid?: number;
}

export async function startTestServer(db: TestDatabase, env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-server-")),
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL);
  // The authenticator on the test database, or AUTH_DATABASE_URL of env (a
  // pooler in front of it), in env's DATABASE_POOL_MODE; REPLICA_DATABASE_URLS
  // of env are monitored as npm start does.
  const apiPool = testPool(apiPoolConfig(config, { connectionString: config.AUTH_DATABASE_URL ?? db.authenticatorUrl, max: 5, applicationName: "keepr-test-api" }));
  const replicas = config.REPLICA_DATABASE_URLS.length > 0 ? new ReplicaSet({ config, primaryPool: apiPool, logger }) : undefined;
  await replicas?.start();
  const searchCache = startSearchCache(config, { connectionString: db.authenticatorUrl, secret: db.jwtSecret, logger });
  const http = await startHttpServer({
    config, logger, apiPool, ownerPool: db.ownerPool, jwtSecret: db.jwtSecret, readiness: makeReadiness(apiPool, db.ownerPool),
    ...(replicas ? { replicas } : {}),
    ...(options.realtime ? { admin: { realtime: true } } : {}),
    ...(options.postmasterPid ? { postmasterPid: options.postmasterPid } : {}),
    searchCache,
  });
  const realtime = options.realtime
    ? startRealtimeService({
        server: http.server, apiPool, databaseUrl: db.authenticatorUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger,
        searchFeedHeartbeatMs: searchFeedHeartbeatMs(config), fanOutBehind: config.REALTIME_FANOUT_BEHIND,
      })
    : undefined;
  return {
    url: http.url,
    server: http.server,
    apiPool,
    ...(replicas ? { replicas } : {}),
    ...(realtime ? { realtime } : {}),
    searchCache,
    async graphql(query, variables, options = {}) {
      const response = await fetch(`${http.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse["body"] };
    },
    async close() {
      await realtime?.stop();
      await http.close();
      await searchCache?.stop();
      await replicas?.stop();
      await apiPool.end();
    },
  };
}
