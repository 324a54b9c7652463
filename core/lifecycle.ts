// Ordered start and stop of the process's parts. Parts stop in reverse
// order of start (HTTP, then the worker, then pools, then Postgres) on
// SIGINT/SIGTERM, with a deadline after which the process exits anyway.
import type { Logger } from "./logger.ts";

export class Lifecycle {
  private readonly parts: Array<{ name: string; stop: () => Promise<void> }> = [];
  private stopping: Promise<void> | null = null;

  private readonly logger: Logger;
  private readonly deadlineMs: number;

  constructor(logger: Logger, deadlineMs = 20_000) {
    this.logger = logger;
    this.deadlineMs = deadlineMs;
  }

  /** Whether a stop has begun (what fails after it is the shutdown, not an error). */
  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** Registers a part to stop; the last added stops first. */
  add(name: string, stop: () => Promise<void>): void {
    this.parts.push({ name, stop });
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info({ reason }, "shutting down");
      let stoppingPart = "";
      const timer = setTimeout(() => {
        // Which part did not stop in time, for whoever reads the log.
        this.logger.error({ deadlineMs: this.deadlineMs, part: stoppingPart }, "shutdown deadline passed; exiting");
        process.exit(1);
      }, this.deadlineMs);
      timer.unref();
      for (const part of [...this.parts].reverse()) {
        stoppingPart = part.name;
        try {
          await part.stop();
          this.logger.info({ part: part.name }, "stopped");
        } catch (error) {
          this.logger.error({ part: part.name, err: error }, "failed to stop cleanly");
        }
      }
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  /** Stops everything on SIGINT/SIGTERM, then exits. A second signal exits at once. */
  handleSignals(): void {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        if (this.stopping) {
          this.logger.warn({ signal }, "second signal: exiting now");
          process.exit(1);
        }
        void this.stop(signal).then(() => process.exit(0));
      });
    }
  }
}
