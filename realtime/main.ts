// `npm run realtime`: the realtime server alone, for running it on its own
// machine or more than one of it (each instance reads its own temporary
// replication slot). Serves /realtime/v1/websocket and /healthz on
// REALTIME_PORT (default PORT + 1), against the database Keepr uses
// (DATABASE_URL, AUTH_DATABASE_URL, REALTIME_DATABASE_URL, or the embedded
// one of DATA_DIR). It does not migrate: the database must be current.
import "../core/env.ts";
import { createServer } from "node:http";
import pg from "pg";
import { hearConnectionErrors, openDatabase } from "../core/database.ts";
import { latestCommittedHash, migrationsAreCurrent } from "../core/migrate.ts";
import { runProcess } from "../core/process.ts";
import { observePool, startMetricsServer } from "../core/metrics.ts";
import { apiPoolConfig } from "../core/pool-mode.ts";
import { traceRequests } from "../core/tracing.ts";
import { startRealtimeService } from "./service.ts";
import { searchFeedHeartbeatMs } from "../core/search-feed.ts";

await runProcess("Keepr realtime", async ({ config, logger, lifecycle }) => {
  const db = await openDatabase(config, (message) => logger.debug({ component: "postgres" }, message));
  lifecycle.add("postgres", () => db.stop());
  const ownerPool = new pg.Pool({ connectionString: db.ownerUrl, max: 1, application_name: "keepr-realtime-check" });
  const current = await migrationsAreCurrent(ownerPool, latestCommittedHash()).finally(() => ownerPool.end());
  if (!current) throw new Error("The database is not migrated to this version; start Keepr (npm start) or run `npm run db -- migrate` first.");

  const apiPool = new pg.Pool(apiPoolConfig(config, { connectionString: db.authenticatorUrl, max: config.API_POOL_SIZE, applicationName: "keepr-realtime" }));
  let closing = false;
  hearConnectionErrors(apiPool, (err, where) => {
    if (!closing) logger.warn({ err }, `database connection lost (${where})`);
  });
  const forgetPool = observePool("realtime", apiPool);
  lifecycle.add("pool", async () => {
    closing = true;
    forgetPool();
    await apiPool.end();
  });
  const metrics = await startMetricsServer(config, logger);
  if (metrics) lifecycle.add("metrics", () => metrics.close());

  const server = createServer((req, res) => {
    const healthy = req.url === "/healthz";
    res.writeHead(healthy ? 200 : 404, { "content-type": "application/json", "x-content-type-options": "nosniff" });
    res.end(JSON.stringify(healthy ? { ok: true, replication: realtime.replicationConnected() } : { code: "NOT_FOUND", message: "No such endpoint." }));
  });
  traceRequests(server);
  const realtime = startRealtimeService({
    server, apiPool, databaseUrl: db.listenUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger,
    searchFeedHeartbeatMs: searchFeedHeartbeatMs(config), fanOutBehind: config.REALTIME_FANOUT_BEHIND,
  });
  const port = config.REALTIME_PORT ?? config.PORT + 1;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, config.HOST, () => resolve());
  });
  lifecycle.add("http", () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  lifecycle.add("realtime", () => realtime.stop());
  logger.info({ url: `ws://${config.HOST}:${port}/realtime/v1/websocket` }, "Keepr realtime is ready");
});
