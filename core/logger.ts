// Structured JSON logs (pino). Inside a request, every line carries its
// request id: the HTTP layer runs each request in requestContext.
import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type Logger } from "pino";

export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "keepr" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { requestId: ctx.requestId } : {};
    },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password"], censor: "[redacted]" },
  });
}

export type { Logger };
