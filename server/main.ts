// `npm start`: Postgres (embedded unless DATABASE_URL), migrations, demo
// data on first start, the job worker and the HTTP server, in one process.
import "./env.ts";
import pg from "pg";
import { openDatabase } from "../db/database.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { demoLogins, demoPassword, seedDemoData } from "../db/seed.ts";
import { startWorker } from "../worker/runner.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { startHttpServer } from "./http.ts";
import { Lifecycle } from "./lifecycle.ts";
import { createLogger } from "./logger.ts";
import { makeReadiness } from "./readiness.ts";

const noSeed = process.argv.includes("--no-seed");
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL);
const lifecycle = new Lifecycle(logger);
lifecycle.handleSignals();

try {
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

  const http = await startHttpServer({
    config,
    logger,
    apiPool,
    ownerPool,
    jwtSecret: db.jwtSecret,
    readiness: makeReadiness(apiPool, ownerPool),
  });
  lifecycle.add("http", () => http.close());

  const readyMs = Math.round(performance.now());
  logger.info({ url: http.url, readyMs }, "Keepr is ready");
  if (process.stdout.isTTY || !config.isProduction) {
    const lines = [
      "",
      `  Keepr is running (ready in ${readyMs} ms)`,
      `    GraphQL API   ${http.url}/graphql`,
      ...(config.isProduction ? [] : [`    GraphiQL      ${http.url}/graphiql`]),
      `    Health        ${http.url}/healthz  ${http.url}/readyz`,
      `    Postgres      ${db.embedded ? `embedded, data in ${config.DATA_DIR}/pg` : "DATABASE_URL"}`,
      ...(config.SEED && !noSeed
        ? ["", `  Demo logins (password: ${demoPassword})`, ...demoLogins.map((l) => `    ${l.email.padEnd(30)} ${l.role}`)]
        : []),
      "",
    ];
    process.stderr.write(lines.join("\n") + "\n");
  }
} catch (error) {
  logger.fatal({ err: error }, "Keepr failed to start");
  await lifecycle.stop("startup failure");
  process.exit(1);
}
