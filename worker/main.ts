// `npm run worker`: the job worker alone, against the database `npm start`
// uses (embedded by default, or DATABASE_URL).
import "../server/env.ts";
import { openDatabase } from "../db/database.ts";
import { loadConfig } from "../server/config.ts";
import { Lifecycle } from "../server/lifecycle.ts";
import { createLogger } from "../server/logger.ts";
import { startWorker } from "./runner.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const lifecycle = new Lifecycle(logger);
lifecycle.handleSignals();
try {
  const db = await openDatabase(config, (message) => logger.debug({ component: "postgres" }, message));
  lifecycle.add("postgres", () => db.stop());
  const worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger });
  lifecycle.add("worker", () => worker.stop());
  logger.info("worker running");
} catch (error) {
  logger.fatal({ err: error }, "worker failed to start");
  await lifecycle.stop("startup failure");
  process.exit(1);
}
