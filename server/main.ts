// `npm start`: Postgres (embedded unless DATABASE_URL), migrations, demo
// data on first start, the job worker and the HTTP server, in one process.
import "./env.ts";
import pg from "pg";
import { openDatabase } from "../db/database.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { demoLogins, demoPassword, seedDemoData } from "../db/seed.ts";
import { startRealtimeService } from "../realtime/service.ts";
import { startWorker } from "../worker/runner.ts";
import type { AdminBuildStatus } from "./admin.ts";
import { adminBuildState, formatKiB, runAdminBuildProcess } from "./admin-build.ts";
import { startHttpServer } from "./http.ts";
import { runProcess } from "./process.ts";
import { makeReadiness } from "./readiness.ts";

const noSeed = process.argv.includes("--no-seed");

await runProcess("Keepr", async ({ config, logger, lifecycle }) => {
  const db = await openDatabase(config, (message) => logger.debug({ component: "postgres" }, message));
  lifecycle.add("postgres", () => db.stop());
  logger.info({ database: db.name, embedded: db.embedded }, "database open");

  await migrateDatabase(db, (level, message) => logger[level === "error" ? "error" : "info"]({ component: "migrate" }, message));
  if (config.SEED && !noSeed) await seedDemoData(db.ownerUrl);

  const apiPool = new pg.Pool({
    connectionString: db.authenticatorUrl,
    max: config.API_POOL_SIZE,
    application_name: "keepr-api",
    statement_timeout: config.STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: config.STATEMENT_TIMEOUT_MS * 2,
  });
  // Health checks, payment webhooks and the simulated provider.
  const ownerPool = new pg.Pool({ connectionString: db.ownerUrl, max: 8, application_name: "keepr-owner" });
  // A connection that fails while we close the pools (Postgres stops right
  // after) is the shutdown working, not an error.
  let closingPools = false;
  for (const pool of [apiPool, ownerPool]) {
    pool.on("error", (err) => {
      if (!closingPools) logger.error({ err }, "idle database connection failed");
    });
  }
  lifecycle.add("pools", async () => {
    closingPools = true;
    await Promise.all([apiPool.end(), ownerPool.end()]);
  });

  if (config.WORKER) {
    const worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger });
    lifecycle.add("worker", () => worker.stop());
  }

  let adminStatus: AdminBuildStatus = { state: "idle" };
  const http = await startHttpServer({
    config,
    logger,
    apiPool,
    ownerPool,
    jwtSecret: db.jwtSecret,
    readiness: makeReadiness(apiPool, ownerPool),
    admin: { status: () => adminStatus },
  });
  lifecycle.add("http", () => http.close());
  // Closed before the HTTP server (lifecycle steps run last added, first).
  const realtime = startRealtimeService({ server: http.server, apiPool, databaseUrl: db.authenticatorUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger });
  lifecycle.add("realtime", () => realtime.stop());

  const readyMs = Math.round(performance.now());
  logger.info({ url: http.url, readyMs }, "Keepr is ready");

  // The staff console, built when admin/dist is missing or out of date: in
  // a child process after the API is up, so it never delays it (/admin says
  // "being built" meanwhile). A shutdown stops the build.
  const adminState = config.ADMIN_BUILD ? adminBuildState() : { upToDate: true as const };
  if (!adminState.upToDate) {
    adminStatus = { state: "building" };
    logger.info({ reason: adminState.reason }, "building the staff console");
    const build = runAdminBuildProcess();
    lifecycle.add("admin build", async () => build.stop());
    build.report.then(
      (report) => {
        adminStatus = { state: "idle" };
        logger.info(
          { durationMs: report.durationMs, gzip: formatKiB(report.totals.gzipBytes), files: report.assets.length },
          `staff console built in ${report.durationMs} ms`,
        );
      },
      (error: unknown) => {
        adminStatus = { state: "failed", message: error instanceof Error ? error.message : String(error) };
        if (!lifecycle.isStopping) logger.error({ err: error }, "the staff console failed to build; the API runs without it");
      },
    );
  }
  if (process.stdout.isTTY || !config.isProduction) {
    const lines = [
      "",
      `  Keepr is running (ready in ${readyMs} ms)`,
      `    Staff console ${http.url}/admin/${adminStatus.state === "building" ? "  (building, ready in a few seconds)" : ""}`,
      `    GraphQL API   ${http.url}/graphql`,
      ...(config.isProduction ? [] : [`    GraphiQL      ${http.url}/graphiql`]),
      `    Realtime      ${http.url.replace(/^http/, "ws")}/realtime/v1/websocket`,
      `    Health        ${http.url}/healthz  ${http.url}/readyz`,
      `    Postgres      ${db.embedded ? `embedded, data in ${config.DATA_DIR}/pg` : "DATABASE_URL"}`,
      ...(config.SEED && !noSeed
        ? ["", `  Demo logins (password: ${demoPassword})`, ...demoLogins.map((l) => `    ${l.email.padEnd(30)} ${l.role}`)]
        : []),
      "",
    ];
    process.stderr.write(lines.join("\n") + "\n");
  }
});
