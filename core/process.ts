// How each Keepr process starts (`npm start`, `npm run worker`, `npm run
// realtime`): the configuration from the environment (a clear message and
// exit 1 when it is invalid), the JSON logger, error reporting when
// SENTRY_DSN is set (core/error-reporting.ts), and a lifecycle that stops
// the started parts in reverse order on SIGINT or SIGTERM. A start-up that
// fails is logged, what it had started is stopped, and the process exits 1.
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "pino";
import { createLogger } from "./logger.ts";
import { startTracing } from "./tracing.ts";
import { startErrorReporting } from "./error-reporting.ts";

export interface ProcessContext {
  config: Config;
  logger: Logger;
  lifecycle: Lifecycle;
}

export async function runProcess(name: string, start: (context: ProcessContext) => Promise<void>): Promise<void> {
  let config: Config;
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
    // First, so that it stops last: what fails while the rest stops is still reported.
    const reporting = await startErrorReporting(config, logger);
    if (reporting) lifecycle.add("error reporting", () => reporting.stop());
    // Before anything is built: tracing patches http, express and pg
    // (core/tracing.ts). Stopped after what it traces, before error reporting.
    const tracing = await startTracing(config, { onError: (err) => logger.warn({ err }, "trace export failed") });
    if (tracing.enabled) {
      lifecycle.add("tracing", () => tracing.shutdown());
      logger.info({ collector: config.tracesUrl, service: config.OTEL_SERVICE_NAME }, "tracing on");
    }
    await start({ config, logger, lifecycle });
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    await lifecycle.stop("startup failure");
    process.exit(1);
  }
}
