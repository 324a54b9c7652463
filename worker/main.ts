// `npm run worker`: the job worker alone, against the database `npm start`
// uses (embedded by default, or DATABASE_URL).
import "../core/env.ts";
import { openDatabase } from "../core/database.ts";
import { runProcess } from "../core/process.ts";
import { startMetricsServer } from "../core/metrics.ts";
import { startWorker } from "./runner.ts";

await runProcess("worker", async ({ config, logger, lifecycle }) => {
  const db = await openDatabase(config, (message) => logger.debug({ component: "postgres" }, message));
  lifecycle.add("postgres", () => db.stop());
  const metrics = await startMetricsServer(config, logger);
  if (metrics) lifecycle.add("metrics", () => metrics.close());
  const worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger });
  lifecycle.add("worker", () => worker.stop());
  logger.info("worker running");
});
