// `npm start`: Postgres (embedded unless DATABASE_URL), migrations, demo
// data on first start, the job worker, the HTTP server and realtime, in one
// process. The composition root: the one file that imports the processes of
// server/, worker/ and realtime/ (which import core/, never each other).
import "./core/env.ts";
import pg from "pg";
import { hearConnectionErrors, openDatabase } from "./core/database.ts";
import { migrateDatabase } from "./core/migrate.ts";
import { demoLogins, seedDemoData } from "./db/seed.ts";
import { startRealtimeService } from "./realtime/service.ts";
import { startWorker } from "./worker/runner.ts";
import { appBuildState, appNames, apps, formatKiB, runAppBuildProcess, type AppBuildStatus, type AppName } from "./server/app-build.ts";
import { startHttpServer } from "./server/http.ts";
import { startSearchCache } from "./server/search-cache-feed.ts";
import { searchFeedHeartbeatMs } from "./core/search-feed.ts";
import { runProcess } from "./core/process.ts";
import { makeReadiness } from "./server/readiness.ts";
import { startMetricsServer } from "./core/metrics.ts";
import { apiPoolConfig } from "./core/pool-mode.ts";
import { ReplicaSet } from "./core/replicas.ts";

const noSeed = process.argv.includes("--no-seed");

await runProcess("Keepr", async ({ config, logger, lifecycle }) => {
  for (const warning of config.warnings) logger.warn(warning);
  const db = await openDatabase(config, (message) => logger.debug({ component: "postgres" }, message));
  lifecycle.add("postgres", () => db.stop());
  logger.info({ database: db.name, embedded: db.embedded }, "database open");

  await migrateDatabase(db, (level, message) => logger[level === "error" ? "error" : "info"]({ component: "migrate" }, message));
  // Demo data: outside production unless SEED=false; in production only
  // with SEED=true, and then with DEMO_PASSWORD (config.ts refuses
  // otherwise), never the published password.
  const seed = config.SEED && !noSeed;
  if (seed) await seedDemoData(db.ownerUrl, config.demoPassword ?? undefined);

  const apiPool = new pg.Pool(apiPoolConfig(config, { connectionString: db.authenticatorUrl, max: config.API_POOL_SIZE, applicationName: "keepr-api" }));
  // Health checks, payment webhooks and the simulated provider.
  const ownerPool = new pg.Pool({ connectionString: db.ownerUrl, max: 8, application_name: "keepr-owner", idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS });
  // A connection that fails while we close the pools (Postgres stops right
  // after) is the shutdown working, not an error.
  let closingPools = false;
  for (const pool of [apiPool, ownerPool]) {
    hearConnectionErrors(pool, (err, where) => {
      if (!closingPools) logger.warn({ err }, `database connection lost (${where})`);
    });
  }
  lifecycle.add("pools", async () => {
    closingPools = true;
    await Promise.all([apiPool.end(), ownerPool.end()]);
  });

  // Read replicas (REPLICA_DATABASE_URLS): searches, quotes and reports read
  // them while they keep up (core/replicas.ts monitors them).
  const replicas = config.REPLICA_DATABASE_URLS.length > 0 ? new ReplicaSet({ config, primaryPool: apiPool, logger }) : undefined;
  if (replicas) {
    await replicas.start();
    lifecycle.add("replicas", () => replicas.stop());
  }

  // METRICS_PORT: /metrics of this whole process (API, worker, realtime) on a port of its own.
  const metrics = await startMetricsServer(config, logger);
  if (metrics) lifecycle.add("metrics", () => metrics.close());

  if (config.WORKER) {
    const worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger });
    lifecycle.add("worker", () => worker.stop());
  }

  // The search cache (SEARCH_CACHE), kept fresh by realtime's WAL feed: stopped after the HTTP server.
  const searchCache = startSearchCache(config, { connectionString: db.listenUrl, secret: db.jwtSecret, logger });
  if (searchCache) lifecycle.add("search cache", () => searchCache.stop());

  const buildStatus: Record<AppName, AppBuildStatus> = { admin: { state: "idle" }, web: { state: "idle" } };
  const http = await startHttpServer({
    config,
    logger,
    apiPool,
    ownerPool,
    ...(replicas ? { replicas } : {}),
    ...(db.postmasterPid ? { postmasterPid: db.postmasterPid } : {}),
    jwtSecret: db.jwtSecret,
    readiness: makeReadiness(apiPool, ownerPool),
    searchCache,
    // The console opens realtime at this origin's /realtime/v1: this process's, or (REALTIME=false) the
    // `npm run realtime` a proxy routes /realtime/ to, as `npm run cluster`'s HAProxy does.
    admin: { status: () => buildStatus.admin, realtime: true },
    web: { status: () => buildStatus.web },
  });
  lifecycle.add("http", () => http.close());
  // Closed before the HTTP server (lifecycle steps run last added, first).
  // REALTIME=false: `npm run realtime` runs it (and the search cache's feed) as a process of its own.
  if (config.REALTIME) {
    const realtime = startRealtimeService({
      server: http.server, apiPool, databaseUrl: db.listenUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger,
      searchFeedHeartbeatMs: searchFeedHeartbeatMs(config), fanOutBehind: config.REALTIME_FANOUT_BEHIND,
    });
    lifecycle.add("realtime", () => realtime.stop());
  }

  const readyMs = Math.round(performance.now());
  logger.info({ url: http.url, readyMs }, "Keepr is ready");

  // The browser apps (staff console, guest app), each built when its dist/
  // is missing or out of date: in a child process after the API is up, one
  // app after the other, so it never delays the API (the app's pages say
  // "being built" meanwhile). A shutdown stops the build.
  const stale = config.ADMIN_BUILD ? appNames.filter((name) => !appBuildState(name).upToDate) : [];
  for (const name of stale) buildStatus[name] = { state: "building" };
  if (stale.length > 0) {
    let current: ReturnType<typeof runAppBuildProcess> | null = null;
    lifecycle.add("app builds", async () => current?.stop());
    void (async () => {
      for (const name of stale) {
        if (lifecycle.isStopping) return;
        const title = apps[name].title;
        logger.info({ app: name }, `building the ${title}`);
        current = runAppBuildProcess(name);
        try {
          const report = await current.report;
          buildStatus[name] = { state: "idle" };
          logger.info(
            { app: name, durationMs: report.durationMs, gzip: formatKiB(report.totals.gzipBytes), files: report.assets.length },
            `${title} built in ${report.durationMs} ms`,
          );
        } catch (error) {
          buildStatus[name] = { state: "failed", message: error instanceof Error ? error.message : String(error) };
          if (!lifecycle.isStopping) logger.error({ err: error, app: name }, `the ${title} failed to build; the API runs without it`);
        }
      }
    })();
  }
  if (process.stdout.isTTY || !config.isProduction) {
    const lines = [
      "",
      `  Keepr is running (ready in ${readyMs} ms)`,
      `    Guest app     ${http.url}/${buildStatus.web.state === "building" ? "  (building, ready in a few seconds)" : ""}`,
      `    Staff console ${http.url}/admin/${buildStatus.admin.state === "building" ? "  (building, ready in a few seconds)" : ""}`,
      `    GraphQL API   ${http.url}/graphql`,
      ...(config.isProduction ? [] : [`    GraphiQL      ${http.url}/graphiql`]),
      ...(config.REALTIME ? [`    Realtime      ${http.url.replace(/^http/, "ws")}/realtime/v1/websocket`] : []),
      `    Health        ${http.url}/healthz  ${http.url}/readyz`,
      `    Postgres      ${db.embedded ? `embedded, data in ${config.DATA_DIR}/pg` : "DATABASE_URL"}`,
      ...(seed
        ? [
            "",
            `  Demo logins (password: ${config.isProduction ? "the DEMO_PASSWORD you set" : config.demoPassword})`,
            ...demoLogins.map((l) => `    ${l.email.padEnd(30)} ${l.role}`),
          ]
        : []),
      "",
    ];
    process.stderr.write(lines.join("\n") + "\n");
  }
});
