// Traces (OpenTelemetry): one trace from the guest's click to everything it
// caused, exported over OTLP/HTTP when a collector is configured
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and
// nothing at all otherwise: the SDK is not even loaded, and
// @opentelemetry/api stays the no-op it is by default (no provider, no
// context manager, no patched module). docs/operations.md, "Tracing".
//
// How the libraries are instrumented. Keepr's .ts files run as ES modules,
// where OpenTelemetry's usual way (hooks that patch a module while it is
// being loaded: require-in-the-middle, import-in-the-middle with
// `--import`) depends on loading order and on the loader (jest has its own).
// So startTracing patches the modules Keepr uses itself, on the objects
// every importer shares: node:http and node:https (Server.prototype.emit
// for incoming requests, request/get for outgoing), pg (Client.prototype.query
// and connect, pg-pool's connect: every pool, PostGraphile's included), with
// OpenTelemetry's own instrumentations' patch functions. fetch (undici) is
// traced through Node's diagnostics channels. Express's routes name the
// request's span (below), without a span per handler. Call startTracing
// early (runProcess does, first thing).
import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { Config } from "./config.ts";

export const tracerName = "keepr";

export interface Tracing {
  /** Whether traces are recorded and exported. */
  enabled: boolean;
  /** Exports what is buffered (tests, before reading the collector). */
  flush(): Promise<void>;
  /** Exports what is buffered and stops; the modules are unpatched and the API is a no-op again. */
  shutdown(): Promise<void>;
}

const off: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };

let active = false;

/** Whether this process records traces (startTracing found a collector). */
export const tracingEnabled = (): boolean => active;

/** Parses `name=value,name2=value2` (OTEL_EXPORTER_OTLP_HEADERS). */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/**
 * Starts tracing when the configuration names a collector; otherwise
 * returns at once, having loaded and registered nothing.
 */
export async function startTracing(
  config: Pick<Config, "tracesUrl" | "OTEL_EXPORTER_OTLP_HEADERS" | "OTEL_SERVICE_NAME" | "OTEL_TRACES_SAMPLER_ARG">,
  options: { onError?: (error: unknown) => void; scheduledDelayMillis?: number } = {},
): Promise<Tracing> {
  if (!config.tracesUrl || active) return off;
  const [
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { HttpInstrumentation },
    { PgInstrumentation },
    { UndiciInstrumentation },
    diag,
  ] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/core"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/instrumentation-undici"),
    import("@opentelemetry/api").then((api) => api.diag),
  ]);
  if (options.onError) {
    const report = options.onError;
    diag.setLogger({ error: (message, ...args) => report(new Error(`${message} ${args.map(String).join(" ")}`)), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} });
  }
  // The caller's sampled flag is not obeyed (a browser could otherwise turn
  // tracing of its requests on or off): each trace is kept or not by its id.
  // Every trace (1, the default) or none (0) without hashing each trace id.
  const arg = config.OTEL_TRACES_SAMPLER_ARG;
  const ratio = arg >= 1 ? new AlwaysOnSampler() : arg <= 0 ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(arg);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": config.OTEL_SERVICE_NAME }),
    // An attribute's value (a statement's text) is cut at 1 KiB: what
    // identifies it, without exporting PostGraphile's longest SQL whole.
    spanLimits: { attributeValueLengthLimit: 1024 },
    sampler: new ParentBasedSampler({ root: ratio, remoteParentSampled: ratio, remoteParentNotSampled: ratio }),
    spanProcessors: [
      withoutTransactionControl(
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: config.tracesUrl, headers: parseOtlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS) }),
          maxQueueSize: 8192,
          maxExportBatchSize: 512,
          ...(options.scheduledDelayMillis !== undefined ? { scheduledDelayMillis: options.scheduledDelayMillis } : {}),
        }),
      ),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  // Constructed disabled (no load-time hooks registered), then applied to
  // the modules themselves.
  const http = new HttpInstrumentation({
    enabled: false,
    // Health checks and the collector's own traffic are not traced.
    ignoreIncomingRequestHook: (req) => req.url === "/healthz" || req.url === "/readyz",
    // Outgoing requests (channel feeds) only inside a traced request or job.
    requireParentforOutgoingSpans: true,
    // An express route that answered names the request's span more
    // precisely than its endpoint (GET /invoices/:id): express sets
    // req.route and req.baseUrl. (OpenTelemetry's express instrumentation,
    // a span per route handler and router, cost about 27 µs of CPU a
    // request for spans that said nothing GraphQL's and SQL's do not.)
    applyCustomAttributesOnSpan: (span, request) => {
      const { route, baseUrl, method } = request as { route?: { path?: unknown }; baseUrl?: string; method?: string };
      if (typeof route?.path === "string") {
        span.setAttribute("http.route", `${baseUrl ?? ""}${route.path}`);
        span.updateName(`${method ?? "HTTP"} ${baseUrl ?? ""}${route.path}`);
      }
    },
  });
  const pg = new PgInstrumentation({
    enabled: false,
    // Only SQL that a traced request or job runs: not the worker's polling
    // or realtime's housekeeping, which would each start a trace.
    requireParentSpan: true,
    ignoreConnectSpans: true,
    // Statements that become a role inline their settings as literals
    // (core/sql.ts): the text is kept, the values are not.
    requestHook: (span, { query }) => {
      if (query.text.includes("set_config(")) span.setAttribute("db.query.text", query.text.replace(/'(?:[^']|'')*'/g, "'?'"));
    },
  });
  // fetch: diagnostics channels, subscribed when constructed (no module patched).
  // Only calls made inside a traced request or job (no trace of their own).
  const undici = new UndiciInstrumentation({ requireParentforSpans: true });
  const instrumentations = [http, pg, undici];
  for (const instrumentation of instrumentations) instrumentation.setTracerProvider(provider);

  const [httpModule, httpsModule, pgModule, nodeModule] = await Promise.all([
    import("node:http").then((m) => m.default),
    import("node:https").then((m) => m.default),
    import("pg").then((m) => m.default),
    import("node:module"),
  ]);
  // pg's Pool is pg-pool's Pool, bound to pg's Client.
  const pgPool = Object.getPrototypeOf(pgModule.Pool) as unknown;
  const targets: Array<[typeof http | typeof pg, string, unknown]> = [
    [http, "http", httpModule],
    [http, "https", httpsModule],
    [pg, "pg", pgModule],
    [pg, "pg-pool", pgPool],
  ];
  const applied: Array<() => void> = [];
  for (const [instrumentation, name, moduleExports] of targets) {
    const definition = instrumentation.getModuleDefinitions().find((d) => d.name === name);
    if (!definition?.patch) throw new Error(`OpenTelemetry's ${instrumentation.instrumentationName} has no patch for ${name}`);
    definition.patch(moduleExports);
    applied.push(() => definition.unpatch?.(moduleExports));
  }
  // Named imports of node:http (import { request } from "node:http") see the patched functions too.
  nodeModule.syncBuiltinESMExports();
  active = true;

  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      undici.disable();
      for (const unpatch of applied.reverse()) unpatch();
      nodeModule.syncBuiltinESMExports();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      active = false;
    },
  };
}

// A transaction's plumbing says nothing its statements and the request's
// span do not: its BEGIN and COMMIT (every API request and job runs in one)
// and the statement that sets its role and claims (PostGraphile's
// pgSettings, core/sql.ts's becomeStatement). A search's trace is exported
// without them, three spans of six fewer to serialize and send (the export
// is most of what tracing costs). One that failed (a COMMIT's serialization
// failure, a refused role) is kept.
const transactionControl = /^pg\.query:(BEGIN|COMMIT)\b/;
const settingsStatement = /^select (pg_catalog\.)?set_config\(/;
function isPlumbing(span: ReadableSpan): boolean {
  if (transactionControl.test(span.name)) return true;
  const text = span.attributes["db.query.text"];
  return typeof text === "string" && settingsStatement.test(text);
}
function withoutTransactionControl(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, parent) => inner.onStart(span, parent),
    onEnd: (span: ReadableSpan) => {
      if (span.status.code !== SpanStatusCode.ERROR && isPlumbing(span)) return;
      inner.onEnd(span);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

export const tracer = () => trace.getTracer(tracerName);

/** The trace id of the span this code runs in, when it is recorded (tracing on). */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/** The W3C traceparent of the span this code runs in, when it is recorded. */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, "0")}`;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a W3C traceparent header (version 00, ids not all zeros), or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent ? traceparentPattern.exec(traceparent.trim()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return match[1];
}

/**
 * Transaction-local settings that carry the current trace into Postgres
 * (keepr.traceparent: jobs queued by the transaction continue the trace;
 * keepr.request_id when not given: audit rows name the trace), or
 * undefined when nothing is traced.
 */
export function traceSettings(given: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  const traceparent = currentTraceparent();
  if (!traceparent) return undefined;
  return {
    "keepr.traceparent": traceparent,
    ...(given?.["keepr.request_id"] ? {} : { "keepr.request_id": traceparent.slice(3, 35) }),
  };
}

/**
 * Runs work in a new span, a child of the active one (or of `parent`, a
 * traceparent carried from elsewhere: a job's payload, a replication
 * message), ending it when the work settles; an error thrown marks it
 * failed. Without tracing, just runs work.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: string | undefined; links?: string[] },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!active) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  const parent: Context = options.parent ? contextOf(options.parent) : context.active();
  const links = (options.links ?? []).flatMap((tp) => {
    const span = trace.getSpan(contextOf(tp));
    return span ? [{ context: span.spanContext() }] : [];
  });
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => work(span));
    return result;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** The context of a traceparent header (as a remote parent), or the empty context when it is not one. */
export function contextOf(traceparent: string): Context {
  if (!traceIdOf(traceparent)) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent: traceparent.trim() });
}

export { SpanKind, SpanStatusCode };
