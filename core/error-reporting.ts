// Unexpected errors to a Sentry-compatible tracker (Sentry, GlitchTip,
// self-hosted Sentry) when SENTRY_DSN is set; nothing is loaded otherwise.
// Reported: what the API answers INTERNAL (server/errors.ts, server/http.ts),
// job errors that are not a provider's expected outage (worker/runner.ts),
// realtime failures, and crashes of the process. Typed errors (SOLD_OUT,
// NOT_FOUND, ...) are answers, not incidents, and are never sent.
//
// @sentry/node runs here as an error reporter only: no Sentry tracing, no
// OpenTelemetry provider of its own (core/tracing.ts owns tracing), and none
// of its integrations that patch http, fetch, pg or the console. Each event
// carries the trace id (the request id) as tag `trace_id` and in
// contexts.trace, so an event leads to its trace and its log lines.
//
// Personal data is scrubbed before an event leaves the process: no request
// (headers, cookies, body, query string), no user, no breadcrumbs, no local
// variables; in every remaining string, email addresses, phone numbers,
// JWTs, bearer and card tokens and other long secrets are replaced; fields
// named like personal data or secrets are dropped whole. A free-text name
// inside an error's own message cannot be recognised: Keepr's messages do not
// carry names (docs/operations.md#error-reporting).
import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { Config } from "./config.ts";
import { requestContext, type Logger } from "./logger.ts";

type SentryModule = typeof import("@sentry/node");
type SentryEvent = import("@sentry/node").ErrorEvent;

export type ReportedWhere = "graphql" | "http" | "job" | "realtime" | "process";

export interface ErrorReporting {
  /** Sends what is queued (at most timeoutMs) and stops reporting. */
  stop(timeoutMs?: number): Promise<void>;
}

let sentry: SentryModule | null = null;

/**
 * Starts reporting when SENTRY_DSN is set (once per process); returns null
 * and loads nothing when it is not.
 */
export async function startErrorReporting(config: Pick<Config, "SENTRY_DSN" | "SENTRY_ENVIRONMENT" | "SENTRY_RELEASE" | "NODE_ENV">, logger?: Logger): Promise<ErrorReporting | null> {
  if (!config.SENTRY_DSN) return null;
  const Sentry = await import("@sentry/node");
  const exceptionHandlers = new Set(process.listeners("uncaughtException"));
  const rejectionHandlers = new Set(process.listeners("unhandledRejection"));
  Sentry.initWithoutDefaultIntegrations({
    dsn: config.SENTRY_DSN,
    environment: config.SENTRY_ENVIRONMENT ?? config.NODE_ENV,
    ...(config.SENTRY_RELEASE ? { release: config.SENTRY_RELEASE } : {}),
    // An error reporter only: Sentry starts no tracer provider of its own,
    // samples no transactions, and collects no personal data (Sentry 11's
    // dataCollection replaces sendDefaultPii: every category off).
    enableOpenTelemetrySetup: false,
    // No module loader hooks either (Sentry 11 injects diagnostics channels
    // into modules as they load, for its tracing integrations).
    enableRuntimeChannelInjection: false,
    // Spans are never sampled (no tracesSampleRate); should one be, the
    // static lifecycle makes beforeSendTransaction apply, and it drops it.
    traceLifecycle: "static",
    dataCollection: {
      userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false,
      graphQL: { document: false, variables: false }, genAI: { inputs: false, outputs: false }, mcp: { inputs: false, outputs: false },
      databaseQueryData: false, queues: false, stackFrameVariables: false,
    },
    sendClientReports: false,
    maxBreadcrumbs: 0,
    integrations: [
      Sentry.eventFiltersIntegration(),
      Sentry.functionToStringIntegration(),
      Sentry.linkedErrorsIntegration(),
      // No dedupe: the same error in two requests is two events (each with
      // its trace id); Keepr reports each error once.
      Sentry.nodeContextIntegration(),
      Sentry.contextLinesIntegration(),
      // A crash is reported, then the process exits as Node would have.
      Sentry.onUncaughtExceptionIntegration(),
      Sentry.onUnhandledRejectionIntegration({ mode: "strict" }),
    ],
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: () => null,
    beforeBreadcrumb: () => null,
  });
  sentry = Sentry;
  logger?.info({ environment: config.SENTRY_ENVIRONMENT ?? config.NODE_ENV, host: new URL(config.SENTRY_DSN).host }, "error reporting on");
  return {
    async stop(timeoutMs = 2_000) {
      const current = sentry;
      sentry = null;
      await current?.close(timeoutMs);
      // The crash handlers Sentry added go too: the process is as before.
      for (const listener of process.listeners("uncaughtException")) {
        if (!exceptionHandlers.has(listener)) process.removeListener("uncaughtException", listener);
      }
      for (const listener of process.listeners("unhandledRejection")) {
        if (!rejectionHandlers.has(listener)) process.removeListener("unhandledRejection", listener);
      }
    },
  };
}

/**
 * Reports one unexpected error, with the trace id of the request or job it
 * happened in. Does nothing when reporting is off. Never throws.
 */
export function reportError(error: unknown, context: { where: ReportedWhere; tags?: Record<string, string | number | undefined> }): void {
  const Sentry = sentry;
  if (!Sentry) return;
  try {
    const { traceId, spanId, requestId } = currentTrace();
    Sentry.withScope((scope) => {
      scope.setTag("where", context.where);
      for (const [key, value] of Object.entries(context.tags ?? {})) if (value !== undefined) scope.setTag(key, String(value));
      if (requestId) scope.setTag("request_id", requestId);
      if (traceId) {
        scope.setTag("trace_id", traceId);
        // Sentry's own trace context (contexts.trace, the envelope's trace
        // header) follows the propagation context: ours, not a random one.
        scope.setPropagationContext({ traceId, sampleRand: Math.random(), ...(spanId ? { parentSpanId: spanId, propagationSpanId: spanId } : {}) });
      }
      Sentry.captureException(error);
    });
  } catch {
    // Reporting must never be why a request or a job fails.
  }
}

/** The trace of the work under way: the active OpenTelemetry span, else the request id when it is one. */
function currentTrace(): { traceId?: string; spanId?: string; requestId?: string } {
  const requestId = requestContext.getStore()?.requestId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) return { traceId: span.traceId, spanId: span.spanId, requestId };
  return { traceId: requestId ? traceIdOf(requestId) : undefined, requestId };
}

/** A request id that is a trace id (32 hex digits, or a UUID's), as Sentry writes one; otherwise none. */
export function traceIdOf(requestId: string): string | undefined {
  const hex = requestId.toLowerCase().replace(/-/g, "");
  return /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : undefined;
}

// ---- Scrubbing --------------------------------------------------------------

const replacements: Array<[RegExp, string]> = [
  // URLs' credentials and query strings (a feed's secret, a token).
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1[credentials]@"],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)\?[^\s#"']*/gi, "$1?[query]"],
  // JWTs (session and booking tokens), before anything else eats their parts.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[token]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [token]"],
  // Card tokens from the payment form.
  [/\b(tok|pm|card|src)_[A-Za-z0-9_]{6,}/g, "[card-token]"],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, "[email]"],
  // Phones: international (+ or 00) with separators, or a bare run of 9+ digits.
  [/(?:\+|\b00)[1-9][\d\s().-]{6,20}\d/g, "[phone]"],
  [/\b\d{9,15}\b/g, "[phone]"],
];

/** Long random strings (hold tokens, secrets, API keys) but not UUIDs or trace ids, which are ids, not secrets. */
const secretLike = /\b[A-Za-z0-9_-]{32,}\b/g;
const idLike = /^(?:[0-9a-f]{32}|[0-9a-f]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Ids kept whole (UUIDs; trace and span ids, hex with a letter in them): set aside before the patterns
 * run, so a run of digits inside one ("0041701400c5…", a trace id) is never read as a phone number.
 */
const idToken = /\b(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*[a-f])[0-9a-f]{32}|(?=[0-9a-f]*[a-f])[0-9a-f]{16})\b/gi;

export function scrubText(text: string): string {
  const ids: string[] = [];
  let out = text.replace(/\u0000/g, "").replace(idToken, (id) => `\u0000${ids.push(id) - 1}\u0000`);
  for (const [pattern, replacement] of replacements) out = out.replace(pattern, replacement);
  out = out.replace(secretLike, (match) => (idLike.test(match) || !/[0-9]/.test(match) || !/[A-Za-z]/.test(match) ? match : "[token]"));
  return out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => ids[Number(i)]!);
}

/** Fields whose values are personal data or secrets whatever they look like. */
const personalKey = /e-?mail|name|phone|mobile|token|password|passwd|secret|authori[sz]ation|cookie|card|address|recipient|guest|contact|body|query|variables|headers|api.?key|jwt|session/i;

function scrubValue(value: unknown, depth: number, byKey: boolean): unknown {
  if (typeof value === "string") return scrubText(value);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1, byKey));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = byKey && personalKey.test(key) ? "[scrubbed]" : scrubValue(v, depth + 1, byKey);
  }
  return out;
}

/** Contexts the SDK itself fills with facts about the machine (no personal data; "name" there is the OS's or runtime's). */
const machineContexts = new Set(["trace", "os", "runtime", "app", "device", "culture", "cloud_resource"]);

/** beforeSend: the event without personal data (exported for tests). */
export function scrubEvent(event: SentryEvent): SentryEvent {
  delete event.request;
  delete event.user;
  delete event.breadcrumbs;
  if (event.message) event.message = scrubText(event.message);
  if (event.logentry) {
    event.logentry = { message: event.logentry.message ? scrubText(event.logentry.message) : undefined };
  }
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = scrubText(exception.value);
    for (const frame of exception.stacktrace?.frames ?? []) {
      delete frame.vars;
      // The source lines around each frame (context lines) are code, and
      // code may hold an address or a token literal: scrubbed like the rest.
      if (frame.context_line) frame.context_line = scrubText(frame.context_line);
      if (frame.pre_context) frame.pre_context = frame.pre_context.map(scrubText);
      if (frame.post_context) frame.post_context = frame.post_context.map(scrubText);
    }
  }
  if (event.extra) event.extra = scrubValue(event.extra, 0, true) as typeof event.extra;
  if (event.tags) event.tags = scrubValue(event.tags, 0, false) as typeof event.tags;
  if (event.contexts) {
    for (const [name, context] of Object.entries(event.contexts)) {
      if (context) event.contexts[name] = scrubValue(context, 0, !machineContexts.has(name)) as typeof context;
    }
  }
  return event;
}
