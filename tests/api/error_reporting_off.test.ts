// Without SENTRY_DSN nothing of error reporting exists: startErrorReporting
// loads no SDK (no Sentry global, no crash handlers added) and reportError
// does nothing, whatever it is given.
import { loadConfig } from "../../core/config.ts";
import { reportError, startErrorReporting } from "../../core/error-reporting.ts";

it("SENTRY_DSN unset: nothing loaded, no handler added, reportError a no-op", async () => {
  const exceptionHandlers = process.listeners("uncaughtException").length;
  const rejectionHandlers = process.listeners("unhandledRejection").length;
  expect(await startErrorReporting(loadConfig({ NODE_ENV: "test" }))).toBeNull();
  expect(() => reportError(new Error("nobody hears this"), { where: "process" })).not.toThrow();
  expect((globalThis as { __SENTRY__?: unknown }).__SENTRY__).toBeUndefined();
  expect(process.listeners("uncaughtException")).toHaveLength(exceptionHandlers);
  expect(process.listeners("unhandledRejection")).toHaveLength(rejectionHandlers);
});
