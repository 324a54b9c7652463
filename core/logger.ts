// Structured JSON logs (pino). Inside a request, every line carries its
// request id: the HTTP layer runs each request in requestContext. With
// tracing on, the request id is the request's trace id (core/tracing.ts).
import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type Logger } from "pino";
import { currentTraceId } from "./tracing.ts";

export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "keepr" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The request id (which is the trace id when tracing is on); outside a
    // request (a job), the trace id of the span the line is written in.
    mixin: () => {
      const ctx = requestContext.getStore();
      if (ctx) return { requestId: ctx.requestId };
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password"], censor: "[redacted]" },
  });
}

export type { Logger };
