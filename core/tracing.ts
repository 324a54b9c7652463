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
// every importer shares: pg (Client.prototype.query and connect, pg-pool's
// connect: every pool, PostGraphile's included), with OpenTelemetry's own
// instrumentation's patch functions. fetch (undici) is traced through
// Node's diagnostics channels. Incoming requests get their span from
// traceRequests, on each server Keepr starts (below), and the one outgoing
// call made with node:http (a channel's feed, channels/fetch.ts) from
// inSpan: OpenTelemetry's http instrumentation, which does both by patching
// node:http, cost about as much CPU a request as everything else tracing
// does together (it binds every listener of the request and the response
// to the context and computes some twenty attributes; docs/benchmarks.md).
// Call startTracing early (runProcess does, first thing).
import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import type { ReadableSpan, Sampler, SamplingResult, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
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
  config: Pick<Config, "tracesUrl" | "OTEL_EXPORTER_OTLP_HEADERS" | "OTEL_EXPORTER_OTLP_PROTOCOL" | "OTEL_SERVICE_NAME" | "OTEL_TRACES_SAMPLER_ARG">,
  options: { onError?: (error: unknown) => void; scheduledDelayMillis?: number } = {},
): Promise<Tracing> {
  if (!config.tracesUrl || active) return off;
  const [
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler, TracerProvider },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { PgInstrumentation },
    { UndiciInstrumentation },
    diag,
  ] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/core"),
    import("@opentelemetry/sdk-trace"),
    config.OTEL_EXPORTER_OTLP_PROTOCOL === "http/json" ? import("@opentelemetry/exporter-trace-otlp-http") : import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/resources"),
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
    sampler: withoutTransactionControlSpans(new ParentBasedSampler({ root: ratio, remoteParentSampled: ratio, remoteParentNotSampled: ratio }), SamplingDecision.NOT_RECORD),
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
  const pg = new PgInstrumentation({
    enabled: false,
    // Only SQL that a traced request or job runs: not the worker's polling
    // or realtime's housekeeping, which would each start a trace.
    requireParentSpan: true,
    ignoreConnectSpans: true,
    // Statements that become a role inline their settings as literals
    // (core/sql.ts): the text is kept, the values are not.
    requestHook: (span, { query, connection }) => {
      if (query.text.includes("set_config(")) span.setAttribute("db.query.text", query.text.replace(/'(?:[^']|'')*'/g, "'?'"));
      // A prepared statement (PostGraphile's) is named by its operation,
      // not by the statement's name (a hash, kept in db.postgresql.plan);
      // so is one that does not open with a word and a space (the
      // instrumentation would keep a line break in the name).
      if (query.name || !/^[A-Za-z]+ /.test(query.text)) {
        span.updateName(`pg.query:${sqlOperation(query.text)}${connection.database ? ` ${connection.database}` : ""}`);
      }
    },
  });
  // fetch: diagnostics channels, subscribed when constructed (no module patched).
  // Only calls made inside a traced request or job (no trace of their own).
  const undici = new UndiciInstrumentation({ requireParentforSpans: true });
  for (const instrumentation of [pg, undici]) instrumentation.setTracerProvider(provider);

  // pg's Client only: the statements. pg-pool is left alone: its patch
  // adds connect spans (not recorded here) and OpenTelemetry metrics of the
  // pool's connections, counted on every checkout and release (Keepr's
  // are prom-client's, core/metrics.ts): about 0.1 ms of CPU a booking.
  const pgModule = (await import("pg")).default;
  const applied: Array<() => void> = [];
  for (const [name, moduleExports] of [["pg", pgModule]] as const) {
    const definition = pg.getModuleDefinitions().find((d) => d.name === name);
    if (!definition?.patch) throw new Error(`OpenTelemetry's ${pg.instrumentationName} has no patch for ${name}`);
    definition.patch(moduleExports);
    applied.push(() => definition.unpatch?.(moduleExports));
  }
  active = true;

  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      undici.disable();
      for (const unpatch of applied.reverse()) unpatch();
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
// without them: three spans of six fewer to record and send.
// BEGIN and COMMIT are not even recorded (the sampler leaves them out by
// their names, so they cost no more than the request they are part of); a
// COMMIT that fails (a serialization failure) fails the operation or job,
// whose span says so with the error's code. The settings statement is
// recognised by its text, which a span learns only once started: it is
// left out when it ends, unless it failed (a refused role).
const transactionControl = /^pg\.query:(BEGIN|COMMIT)\b/;
function withoutTransactionControlSpans(inner: Sampler, notRecorded: SamplingResult["decision"]): Sampler {
  const dropped: SamplingResult = { decision: notRecorded };
  return {
    shouldSample: (parent, traceId, name, kind, attributes, links) =>
      kind === SpanKind.CLIENT && transactionControl.test(name) ? dropped : inner.shouldSample(parent, traceId, name, kind, attributes, links),
    toString: () => `WithoutTransactionControl{${inner.toString()}}`,
  };
}
const settingsStatement = /^select (pg_catalog\.)?set_config\(/;
function isSettingsStatement(span: ReadableSpan): boolean {
  const text = span.attributes["db.query.text"];
  return typeof text === "string" && settingsStatement.test(text);
}
function withoutTransactionControl(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, parent) => inner.onStart(span, parent),
    onEnd: (span: ReadableSpan) => {
      if (span.status.code !== SpanStatusCode.ERROR && isSettingsStatement(span)) return;
      inner.onEnd(span);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

/** A statement's operation (SELECT, INSERT, WITH…), as OpenTelemetry's pg instrumentation names unprepared ones. */
function sqlOperation(text: string): string {
  return /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "QUERY";
}

const httpMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const untracedPaths = new Set(["/healthz", "/readyz"]);

/**
 * Runs each request the server receives in a SERVER span (tracing on):
 * a child of the caller's traceparent when it sent one (W3C trace
 * context), named by its method until the application names its route
 * (server/http.ts: "POST graphql"; an express route's path when one
 * answered, "GET /invoices/:id"), with its status code, failed on a 5xx.
 * Health checks are not traced. The raw URL is not recorded (a path or a
 * query string can carry a token): the route names the endpoint.
 * Without tracing, leaves the server alone.
 */
export function traceRequests(server: Server): void {
  if (!active) return;
  const emit = server.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = function tracedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "request" || !active) return emit.call(this, event, ...args);
    const request = args[0] as IncomingMessage;
    const response = args[1] as ServerResponse;
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    if (untracedPaths.has(query < 0 ? url : url.slice(0, query))) return emit.call(this, event, ...args);
    const method = httpMethods.has(request.method ?? "") ? request.method! : "_OTHER";
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { "http.request.method": method } }, parent);
    response.once("close", () => {
      // express leaves the route that answered on the request.
      const { route, baseUrl } = request as { route?: { path?: unknown }; baseUrl?: string };
      if (typeof route?.path === "string") {
        span.setAttribute("http.route", `${baseUrl ?? ""}${route.path}`);
        span.updateName(`${method} ${baseUrl ?? ""}${route.path}`);
      }
      span.setAttribute("http.response.status_code", response.statusCode);
      // The client went away before the response was sent.
      if (!response.writableFinished) span.setAttribute("keepr.http.aborted", true);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    return context.with(trace.setSpan(parent, span), () => emit.call(this, event, ...args));
  } as Server["emit"];
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
  options: {
    kind?: SpanKind;
    attributes?: Attributes;
    parent?: string | undefined;
    links?: string[];
    /** Only inside a recorded trace (an outgoing call made by a traced request or job), never a trace of its own. */
    onlyInTrace?: boolean;
  },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!active || (options.onlyInTrace && !trace.getActiveSpan()?.isRecording())) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
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
