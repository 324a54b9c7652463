// The one place that reads the environment. Everything else receives a
// validated Config. See .env.example for every variable.
import { z } from "zod";
import { availableParallelism } from "node:os";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string");

/** Host names that name this machine (http is allowed for them outside production). */
const localHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The origin a value names, as a browser writes it (https://pay.example.com,
 * default port dropped), or null when it is not an http(s) origin alone:
 * nothing that could end or add a CSP directive gets through.
 */
function cardFormOrigin(value: string): { origin: string; https: boolean; local: boolean } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password || url.pathname !== "/" || /[?#]/.test(value)) return null;
  if (!/^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])$/.test(url.hostname)) return null;
  return { origin: url.origin, https: url.protocol === "https:", local: localHosts.has(url.hostname) };
}

const smtpUrl = z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL");

/** A Sentry DSN: http(s)://<public key>@<host>/<project id>, or null when it is not one. */
function sentryDsn(value: string): { https: boolean; local: boolean } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (!url.username || !/\/[A-Za-z0-9_-]+$/.test(url.pathname) || url.search || url.hash) return null;
  return { https: url.protocol === "https:", local: localHosts.has(url.hostname) };
}

/** Whether a provider URL may be used: https, or http to this machine outside production. */
function providerUrlProblem(value: string, isProduction: boolean): string | null {
  const url = new URL(value);
  if (url.protocol === "https:") return null;
  if (url.protocol !== "http:") return "must be an https:// URL";
  if (isProduction) return "must be https in production";
  return localHosts.has(url.hostname) ? null : "must be https (http only for localhost)";
}

/**
 * A map tile URL template (MAP_TILES_URL): http(s) with {z}, {x} and {y},
 * optionally {s} (a subdomain, in the host only) and {r} (retina "@2x");
 * nothing that could end a CSP directive. The origin is what the apps'
 * img-src allows: `{s}` in the host becomes `*`. Null when it is not one.
 */
export function mapTilesTemplate(value: string): { origin: string; https: boolean; local: boolean } | null {
  if (!/^https?:\/\/[^\s"'<>\\;,]+$/.test(value) || !["{z}", "{x}", "{y}"].every((p) => value.includes(p))) return null;
  if (/[{}]/.test(value.replace(/\{[zxysr]\}/g, ""))) return null;
  const hostEnd = value.indexOf("/", value.indexOf("//") + 2);
  const host = value.slice(0, hostEnd === -1 ? undefined : hostEnd);
  // {s} only as the host's first label (a CSP wildcard can stand only there).
  if (/\{[zxyr]\}/.test(host) || /\{s\}/.test(value.slice(host.length)) || (host.includes("{s}") && !/^https?:\/\/\{s\}\./.test(host))) return null;
  let url: URL;
  try {
    url = new URL(`${host.replace("{s}", "a")}/`);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const origin = host.includes("{s}") ? `${url.protocol}//${host.slice(url.protocol.length + 2).replace("{s}", "*").toLowerCase()}` : url.origin;
  return { origin, https: url.protocol === "https:", local: localHosts.has(url.hostname) };
}

/** DATABASE_POOL_IDLE_MS's default: 10 minutes (core/pool-mode.ts uses it for a pool made from part of a config). */
export const defaultPoolIdleMs = 600_000;

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** `npm run realtime` alone listens here (default PORT + 1); `npm start` serves realtime on PORT. */
  REALTIME_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  DATA_DIR: z.string().default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54320),
  /**
   * shared_buffers of the embedded cluster, in MB (a restart applies it);
   * unset: an eighth of the machine's memory, 128 MB to 2 GB
   * (core/embedded-postgres.ts defaultSharedBuffersMb).
   */
  EMBEDDED_PG_SHARED_BUFFERS_MB: z.coerce.number().int().min(16).max(262_144).optional(),
  DATABASE_URL: postgresUrl.optional(),
  AUTH_DATABASE_URL: postgresUrl.optional(),
  ROOT_DATABASE_URL: postgresUrl.optional(),
  SHADOW_DATABASE_URL: postgresUrl.optional(),
  /** A login with REPLICATION for the realtime server (external Postgres); the embedded one makes its own. */
  REALTIME_DATABASE_URL: postgresUrl.optional(),
  /**
   * What AUTH_DATABASE_URL (and REPLICA_DATABASE_URLS) connect to: `session`,
   * Postgres itself or a pooler in session mode; `transaction`, a pooler in
   * transaction mode (PgBouncer pool_mode=transaction). Then the API's pools
   * never send a named prepared statement (PgBouncer 1.18 cannot route them)
   * and nothing of a session goes through them; realtime's LISTEN uses
   * DATABASE_URL, which must reach Postgres directly (core/pool-mode.ts).
   */
  DATABASE_POOL_MODE: z.enum(["session", "transaction"]).default("session"),
  /**
   * How long a connection of Keepr's pools (the API's, the guest reads', realtime's, the owner's, the worker's) may
   * sit idle before it is closed; 0 keeps them open; at most setTimeout's longest delay (about 24.8 days: Node fires a
   * longer one after 1 ms). A new connection plans every statement and function again: bookings one every 12 s cost
   * Postgres 242–259 ms each with node-postgres's own 10 s, 28–51 ms with the connections kept (`npm run bench --
   * trickle`, docs/benchmarks.md).
   */
  DATABASE_POOL_IDLE_MS: z.coerce.number().int().min(0).max(2_147_483_647).default(defaultPoolIdleMs),
  /**
   * Hot standbys the API may read searches, quotes and reports from
   * (comma-separated postgres:// URLs, the authenticator's login on each);
   * unset: every read goes to the primary (core/replicas.ts).
   */
  REPLICA_DATABASE_URLS: z
    .string()
    .transform((v) => v.split(",").map((u) => u.trim()).filter((u) => u !== ""))
    .pipe(z.array(postgresUrl).max(16))
    .default([]),
  /**
   * A replica further behind the primary than this leaves the rotation (by
   * itself, until it is back within half of it). 5 s: healthy streaming
   * replay is well under a second, so only a stalled or overloaded standby
   * crosses it, while what a guest or a report reads stays seconds fresh
   * (a client's own writes are read-your-writes whatever the lag).
   */
  REPLICA_MAX_LAG_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),

  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
  SESSION_TOKEN_AUDIENCE: z.string().default("keepr"),

  /** Load the demo data into an empty database (default: outside production only). */
  SEED: booleanish.optional(),
  /** The demo accounts' password (default outside production: the published `keepr-demo-password`; required in production with SEED=true). */
  DEMO_PASSWORD: z.string().min(12, "DEMO_PASSWORD must be at least 12 characters").optional(),
  /** Whether `npm start` builds the browser apps (admin/dist, web/dist) when they are missing or out of date. */
  ADMIN_BUILD: booleanish.default(true),
  WORKER: booleanish.default(true),
  /**
   * Whether `npm start` runs the realtime server (and the search cache's WAL feed) in its own process; false when
   * `npm run realtime` runs it as a process of its own (docs/operations.md: the feed then does not wait for the API's thread).
   */
  REALTIME: booleanish.default(true),
  /**
   * How many changes realtime's fan-out to subscribers may be behind its replication stream, so a slow authorization
   * never holds back the next transaction (nor the search cache's feed); 0: each transaction waits for the last's fan-out.
   */
  REALTIME_FANOUT_BEHIND: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),

  /**
   * The API's statement timeout (and twice it, idle in a transaction); a query of the API's pools that hears nothing
   * from Postgres for twice it has its connection closed (a silent primary: core/pool-mode.ts).
   */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  API_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * At most this many anonymous read-only GraphQL operations (guest searches,
   * quotes, property pages) of this process run in Postgres at once; the
   * others wait their turn in the process, in order, holding no connection.
   * Staff requests and every mutation (guests' bookings included) never wait
   * for them, so staff and bookings keep working during a guest spike
   * (server/admission.ts). Unset: one more than this machine has cores
   * (os.availableParallelism(); the embedded Postgres runs here), below
   * API_POOL_SIZE (defaultGuestLane). 0 turns the lane off (guest reads take
   * any free connection). With Postgres on another machine, set it to about
   * that machine's cores divided by the API processes (docs/running.md).
   */
  API_PUBLIC_READ_CONCURRENCY: z.coerce.number().int().min(0).max(200).optional(),
  /**
   * Staff first on Keepr's thread (server/admission.ts StaffFirst): while a
   * request of a signed-in staff member is in flight, every other request
   * (guests' searches, bookings, pages; not the health and metrics probes)
   * is held at the HTTP door, before any work is done for it, until no staff
   * request is in flight or it has waited this many milliseconds; then it
   * runs as usual, in order of arrival; and the guest lane keeps its free
   * places from guest reads already past the door as long (Lane's priority).
   * Never refused for it. 0 turns both off (docs/running.md,
   * docs/operations.md "Staff during a guest spike").
   */
  API_STAFF_FIRST_MS: z.coerce.number().int().min(0).max(5000).default(30),
  /**
   * Staff first holds a request only when at least this many other requests
   * are already running in the process (a flood): a guest asking while a
   * colleague's screen loads on a quiet day is never held. 0: hold whenever a
   * staff request is in flight (as measured in docs/benchmarks.md).
   */
  API_STAFF_FIRST_BUSY: z.coerce.number().int().min(0).max(10_000).default(8),
  /**
   * The nice value (0-19) of the embedded Postgres's backends that serve
   * guest reads (core/backend-priority.ts): while staff, bookings and the
   * worker want a core, a guest search running beside them gets about a
   * tenth of one at 10, and every cycle nobody else wants. Only when Keepr
   * started the Postgres (the embedded cluster) and only its guest pool's
   * backends; 0 leaves them as every other.
   */
  API_PUBLIC_READ_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * The search cache (server/search-cache.ts): anonymous searchAvailability
   * and quote answers kept in the API process and dropped, per property, the
   * moment the realtime process's WAL feed says a claim, rate, restriction or
   * anything else they read changed. On by default because it is never
   * trusted blind: without a heartbeat from the feed within
   * SEARCH_CACHE_FEED_WINDOW_MS (realtime or replication down, a failover)
   * every request bypasses it and it is emptied; an answer computed while
   * an invalidation of what it read arrived is not kept; entries live at
   * most SEARCH_CACHE_TTL_SECONDS; and a booking still checks the exclusion
   * constraint, so a stale answer can never sell a night twice.
   */
  SEARCH_CACHE: booleanish.default(true),
  /** Answers the search cache keeps; the least recently used goes first (an answer read is moved up only when half the capacity came after it: server/search-cache.ts). */
  SEARCH_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /**
   * The longest a cached answer lives even if nothing invalidates it: what
   * changes with the clock and not the WAL (an arrival date passing at
   * midnight, a hold expiring before it is released, a quote's 30 minutes)
   * is at most this stale.
   */
  SEARCH_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  /**
   * An invalidation that arrives later than this after its commit (logical
   * decoding falling behind on a starved machine) empties the search cache,
   * which is then bypassed until no late invalidation has arrived for
   * SEARCH_CACHE_FEED_WINDOW_MS: a lagging feed is not trusted.
   */
  SEARCH_CACHE_MAX_LAG_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
  /** Silence from the feed after which the API bypasses and empties its search cache (a few heartbeats). */
  SEARCH_CACHE_FEED_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
  /** How often the realtime process's feed says it is alive and caught up; 0 turns the feed off (caches then always bypass), as SEARCH_CACHE=false does (core/search-feed.ts searchFeedHeartbeatMs). */
  SEARCH_CACHE_HEARTBEAT_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GRAPHQL_MAX_LIST_DEPTH: z.coerce.number().int().min(1).max(20).default(4),
  GRAPHQL_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).default(100_000),
  /** Which proxies' X-Forwarded-For to believe for the client address (throttling): unset = none; a hop count, "true", or addresses/subnets/loopback (server/throttle.ts trustProxyOf). */
  TRUST_PROXY: z.string().optional(),

  OUTBOX_DIR: z.string().optional(),
  SMTP_URL: smtpUrl.optional(),
  /** A second mail provider, used when SMTP_URL fails or its circuit is open (worker/mailer.ts). */
  SMTP_FALLBACK_URL: smtpUrl.optional(),
  /** How long a mail server may take to connect, greet, or answer a command (and the message) before the try fails. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  MAIL_FROM: z.string().default("Keepr <no-reply@keepr.local>"),
  /** An SMS gateway speaking Keepr's JSON protocol (worker/sms.ts); unset: SMS go to OUTBOX_DIR/sms. https (http only for localhost outside production). */
  SMS_URL: z.string().url().optional(),
  /** A second SMS gateway, used when SMS_URL fails or its circuit is open. */
  SMS_FALLBACK_URL: z.string().url().optional(),
  SMS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** A provider's circuit opens after this many failures in a row; the fallback takes its messages meanwhile. */
  PROVIDER_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long an open circuit waits before one message probes the provider again (half-open). */
  PROVIDER_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),

  /** Where unexpected errors are reported (Sentry, GlitchTip, or another Sentry-compatible tracker); unset: nowhere. */
  SENTRY_DSN: z.string().refine((v) => sentryDsn(v) !== null, "must be a Sentry DSN such as https://<public key>@sentry.example.com/<project id>").optional(),
  /** The environment events are filed under (default: NODE_ENV). */
  SENTRY_ENVIRONMENT: z.string().min(1).max(64).optional(),
  /** The release events are filed under (e.g. the deployed commit). */
  SENTRY_RELEASE: z.string().min(1).max(200).optional(),

  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),

  PAYMENT_PROVIDER_URL: z.string().url().optional(),
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  PAYMENT_WEBHOOK_SECRET: z.string().min(32, "PAYMENT_WEBHOOK_SECRET must be at least 32 characters").optional(),
  PAYMENT_PROVIDER_API_KEY: z.string().min(16, "PAYMENT_PROVIDER_API_KEY must be at least 16 characters").optional(),
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  SIMULATED_PROVIDER: booleanish.optional(),
  /**
   * The origin (scheme, host, port) of a real payment provider's hosted card
   * form, which the guest app frames: added to its page's frame-src. https;
   * http only for localhost outside production (checked in loadConfig).
   */
  PAYMENT_FORM_ORIGIN: z.string().refine((v) => cardFormOrigin(v) !== null, "must be an origin such as https://pay.example.com: a scheme, a host and an optional port, no path").optional(),

  /**
   * The guest app's map of a property (issue 22): the tile server's URL
   * template, e.g. `https://tile.example.com/{z}/{x}/{y}.png` (`{s}` for a
   * subdomain, `{r}` for "@2x" on sharp screens), and the attribution its
   * terms require (plain text, shown on the map). Unset: no map, guests get
   * the address and an "open in maps" link. https; http only for localhost
   * outside production (checked in loadConfig).
   */
  MAP_TILES_URL: z.string().refine((v) => mapTilesTemplate(v) !== null, "must be an http(s) URL template with {z}, {x} and {y} (and optionally {s} in the host, {r}), no spaces or quotes").optional(),
  MAP_TILES_ATTRIBUTION: z.string().trim().min(1).max(300).regex(/^[^<>]*$/, "plain text, no < or >").optional(),

  CHANNEL_ALLOW_INTERNAL_URLS: booleanish.optional(),
  EXPORT_DIR: z.string().optional(),
  EXPORT_S3_BUCKET: z.string().min(3).max(63).optional(),
  EXPORT_S3_ENDPOINT: z.string().url().optional(),
  EXPORT_S3_REGION: z.string().default("us-east-1"),
  EXPORT_S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, "must be empty or end with /").default("exports/"),
  EXPORT_S3_FORCE_PATH_STYLE: booleanish.optional(),
  EXPORT_S3_ACCESS_KEY_ID: z.string().optional(),
  EXPORT_S3_SECRET_ACCESS_KEY: z.string().optional(),
  EXPORT_DOWNLOAD_URL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),

  /**
   * Prometheus metrics (core/metrics.ts), off unless set. METRICS_PORT:
   * /metrics on a listener of its own, without auth, on METRICS_HOST
   * (default 127.0.0.1: keep it on the scraper's network); each process
   * (npm start, npm run worker, npm run realtime) serves its own.
   * METRICS_TOKEN: /metrics on the main port too, behind
   * `Authorization: Bearer <token>`. Neither: /metrics is 404.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  METRICS_TOKEN: z.string().min(24, "METRICS_TOKEN must be at least 24 characters").regex(/^\S+$/, "METRICS_TOKEN must not contain spaces").optional(),

  /**
   * Traces (core/tracing.ts, docs/operations.md "Tracing"): off unless one of
   * these is set. The base URL of an OTLP/HTTP collector (traces go to
   * <base>/v1/traces), or the full URL of its traces endpoint.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  /** Headers sent with every export (a collector's key): `name=value,name2=value2`, as OpenTelemetry's SDKs read it. */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, "must be name=value pairs separated by commas").optional(),
  /**
   * How spans are encoded for the collector: `http/protobuf` (OTLP's default, about half the bytes of JSON and
   * cheaper to encode) or `http/json`. gRPC is not offered: every OTLP collector also takes HTTP.
   */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json"], { message: "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not supported)" }).default("http/protobuf"),
  OTEL_SERVICE_NAME: z.string().min(1).default("keepr"),
  /** The share of traces recorded (OpenTelemetry's traceidratio sampler, decided by trace id, the same in every process; a caller's sampled flag is not obeyed): 1 records every trace. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /**
   * Where a person opens one trace in the trace UI (Jaeger, Grafana Tempo,
   * Honeycomb, ...): an http(s) URL with `{traceId}` where the 32-hex trace
   * id goes, e.g. `https://jaeger.example.com/trace/{traceId}`. The staff
   * console links managers from a reservation's History to the trace of the
   * request that made each change (docs/operations.md, "Tracing"). Unset: no
   * link.
   */
  TRACE_UI_URL: z
    .string()
    .refine(
      (url) => /^https?:\/\/\S+$/.test(url) && URL.canParse(url) && url.includes("{traceId}"),
      "TRACE_UI_URL must be an http(s) URL with {traceId} where the trace id goes",
    )
    .optional(),
});

/** The demo accounts' password outside production, as README.md and docs/api.md publish it. */
export const publishedDemoPassword = "keepr-demo-password";

export type Config = Omit<z.infer<typeof schema>, "SEED" | "API_PUBLIC_READ_CONCURRENCY"> & {
  /** The guest lane's width (0: off); unset, defaultGuestLane. */
  API_PUBLIC_READ_CONCURRENCY: number;
  isProduction: boolean;
  /** Whether `npm start` loads the demo data into an empty database (default: outside production; in production only SEED=true). */
  SEED: boolean;
  /** The demo accounts' password: DEMO_PASSWORD, else outside production the published one; null in production without DEMO_PASSWORD (no demo data then). */
  demoPassword: string | null;
  outboxDir: string;
  publicUrl: string;
  /**
   * Whether this server hosts the simulated payment provider: outside
   * production unless PAYMENT_PROVIDER_URL names another; in production
   * only with SIMULATED_PROVIDER=true.
   */
  simulatedProvider: boolean;
  /** Where the worker reaches the payment provider. */
  paymentProviderUrl: string;
  /** PAYMENT_FORM_ORIGIN as a browser writes an origin (the guest app's frame-src), or null when unset. */
  paymentFormOrigin: string | null;
  /** Whether channel feed URLs may point at internal addresses (default: outside production). */
  channelAllowInternalUrls: boolean;
  /** The map tiles the apps show (MAP_TILES_URL, MAP_TILES_ATTRIBUTION) and their origin for img-src, or null: no map. */
  mapTiles: { url: string; attribution: string; origin: string } | null;
  /** Where export files are stored. */
  exportDir: string;
  /** Where traces are exported (OTLP/HTTP, JSON), or null: tracing off. */
  tracesUrl: string | null;
  /** Settings that are allowed but unsafe in production (each said once at start). */
  warnings: string[];
};

export class ConfigError extends Error {
  readonly code = "CONFIG";
}

/**
 * The guest lane's width when API_PUBLIC_READ_CONCURRENCY is unset: one
 * more than this machine's cores (a place also waits on Keepr's thread
 * between its statements, so as many places as cores left Postgres a
 * third idle under a flood of uncached searches), at least 1 and below the
 * pool (so staff and mutations always find a connection). On the 2-core
 * development machine, 3: staff p95 under a flood of guest searches about
 * 3x their p95 alone instead of 12-13x, and the API's uncached searches
 * at 0.83-0.85 of the same SQL called directly (docs/benchmarks.md "The
 * guest lane on by default"); quotes, cheaper since session 39, 14 % fewer
 * a second than with no lane ("A quote's Postgres CPU, and the hold's").
 */
export function defaultGuestLane(poolSize: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores + 1, poolSize - 1));
}

/** Reads and validates the environment once. Throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  // Each setting on its own, so the checks below still run (and report
  // everything at once) when another setting is invalid.
  const value = <K extends keyof typeof schema.shape>(key: K): z.infer<(typeof schema.shape)[K]> | undefined => {
    const field = schema.shape[key].safeParse(env[key]);
    return field.success ? (field.data as z.infer<(typeof schema.shape)[K]>) : undefined;
  };
  const given = (key: keyof typeof schema.shape) => env[key] !== undefined && env[key] !== "";

  if (given("DATABASE_URL") && !given("AUTH_DATABASE_URL")) {
    problems.push("AUTH_DATABASE_URL: required with DATABASE_URL (the API connects as the authenticator role, never as the owner)");
  }
  if (value("DATABASE_POOL_MODE") === "transaction" && !given("AUTH_DATABASE_URL")) {
    problems.push("DATABASE_POOL_MODE: transaction needs AUTH_DATABASE_URL (the transaction pooler the API connects through; the embedded Postgres has none)");
  }
  const isProduction = value("NODE_ENV") === "production";
  const simulatedProvider = value("SIMULATED_PROVIDER") ?? (isProduction ? false : !given("PAYMENT_PROVIDER_URL"));
  const seed = value("SEED") ?? !isProduction;
  const warnings: string[] = [];
  if (!simulatedProvider && !given("PAYMENT_PROVIDER_URL") && !isProduction) {
    problems.push("PAYMENT_PROVIDER_URL: required when SIMULATED_PROVIDER is off");
  }
  if (isProduction) {
    // A production start is safe by default: no secret is generated or
    // derived behind the operator's back, no simulated provider stands in
    // for a real one unless asked for, and nothing is published.
    if (!given("JWT_SECRET")) problems.push("JWT_SECRET: required in production (at least 32 characters)");
    if (!given("PUBLIC_URL")) {
      problems.push("PUBLIC_URL: required in production (the public base URL links in emails point to, e.g. https://book.example.com)");
    }
    if (!simulatedProvider) {
      const needs = [
        ["PAYMENT_PROVIDER_URL", "the payment provider's API"],
        ["PAYMENT_PROVIDER_API_KEY", "the worker's key at the provider, at least 16 characters"],
        ["PAYMENT_WEBHOOK_SECRET", "the provider's webhook signing secret, at least 32 characters"],
      ] as const;
      for (const [key, what] of needs) {
        if (!given(key)) problems.push(`${key}: required in production (${what}), or SIMULATED_PROVIDER=true to take test cards`);
      }
    } else {
      warnings.push("SIMULATED_PROVIDER=true in production: the simulated payment provider takes test cards at /simulated-provider and no money moves");
    }
    if (!given("SMTP_URL") && !given("OUTBOX_DIR")) {
      problems.push("SMTP_URL: required in production to send email (or OUTBOX_DIR to keep mail as .eml files in a directory instead)");
    } else if (!given("SMTP_URL")) {
      warnings.push("OUTBOX_DIR without SMTP_URL in production: email is written to OUTBOX_DIR, not sent");
    }
    if (seed) {
      const password = value("DEMO_PASSWORD");
      if (!given("DEMO_PASSWORD")) {
        problems.push("DEMO_PASSWORD: required in production with SEED=true (at least 12 characters; the demo accounts' password, never the published one)");
      } else if (password === publishedDemoPassword) {
        problems.push("DEMO_PASSWORD: must not be the published demo password in production");
      } else {
        warnings.push("SEED=true in production: demo organizations and accounts are loaded into an empty database");
      }
    }
    const metricsHost = value("METRICS_HOST") ?? "127.0.0.1";
    if (given("METRICS_PORT") && !localHosts.has(metricsHost) && metricsHost !== "::1") {
      warnings.push(`METRICS_PORT on METRICS_HOST=${metricsHost} in production: /metrics answers without authentication to whoever reaches that address; keep it on the scraper's network`);
    }
    if (value("CHANNEL_ALLOW_INTERNAL_URLS")) {
      warnings.push("CHANNEL_ALLOW_INTERNAL_URLS=true in production: channel feed URLs may reach internal addresses");
    }
  }
  const metricsPort = value("METRICS_PORT");
  if (given("METRICS_PORT") && metricsPort !== undefined && metricsPort !== 0) {
    if (metricsPort === value("PORT")) problems.push("METRICS_PORT: must differ from PORT (use METRICS_TOKEN to serve /metrics on the main port)");
    else if (metricsPort === value("REALTIME_PORT")) problems.push("METRICS_PORT: must differ from REALTIME_PORT");
  }
  // A fallback stands beside a primary, never alone, and is another provider.
  for (const [fallback, primary] of [["SMTP_FALLBACK_URL", "SMTP_URL"], ["SMS_FALLBACK_URL", "SMS_URL"]] as const) {
    if (given(fallback) && !given(primary)) problems.push(`${fallback}: needs ${primary} (the fallback is used when ${primary} fails)`);
    else if (given(fallback) && env[fallback] === env[primary]) problems.push(`${fallback}: must name another provider than ${primary}`);
  }
  for (const key of ["SMS_URL", "SMS_FALLBACK_URL"] as const) {
    const url = value(key);
    const problem = url ? providerUrlProblem(url, isProduction) : null;
    if (problem) problems.push(`${key}: ${problem}`);
  }
  if (isProduction && !given("SMS_URL")) {
    warnings.push("SMS_URL unset in production: text messages are written to OUTBOX_DIR/sms, not sent");
  }
  const dsn = given("SENTRY_DSN") ? sentryDsn(env.SENTRY_DSN!) : null;
  if (dsn && !dsn.https && (isProduction || !dsn.local)) {
    problems.push(`SENTRY_DSN: must be https${isProduction ? " in production" : " (http only for localhost)"} (events carry stack traces)`);
  }
  const formOrigin = given("PAYMENT_FORM_ORIGIN") ? cardFormOrigin(env.PAYMENT_FORM_ORIGIN!) : null;
  if (formOrigin && !formOrigin.https) {
    if (isProduction) problems.push("PAYMENT_FORM_ORIGIN: must be https in production (the payment provider's card form)");
    else if (!formOrigin.local) problems.push("PAYMENT_FORM_ORIGIN: must be https (http only for localhost)");
  }
  const tiles = given("MAP_TILES_URL") ? mapTilesTemplate(env.MAP_TILES_URL!) : null;
  if (tiles && !tiles.https) {
    if (isProduction) problems.push("MAP_TILES_URL: must be https in production");
    else if (!tiles.local) problems.push("MAP_TILES_URL: must be https (http only for localhost)");
  }
  if (tiles && !given("MAP_TILES_ATTRIBUTION")) problems.push("MAP_TILES_ATTRIBUTION: required with MAP_TILES_URL (the tile server's terms ask for it on the map)");
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  const c = parsed.data;
  const publicUrl = c.PUBLIC_URL ?? `http://${c.HOST === "0.0.0.0" ? "localhost" : c.HOST}:${c.PORT}`;
  return {
    ...c,
    isProduction,
    SEED: seed,
    API_PUBLIC_READ_CONCURRENCY: c.API_PUBLIC_READ_CONCURRENCY ?? defaultGuestLane(c.API_POOL_SIZE),
    demoPassword: c.DEMO_PASSWORD ?? (isProduction ? null : publishedDemoPassword),
    outboxDir: c.OUTBOX_DIR ?? `${c.DATA_DIR}/outbox`,
    publicUrl,
    simulatedProvider,
    paymentProviderUrl: c.PAYMENT_PROVIDER_URL ?? `${publicUrl}/simulated-provider`,
    paymentFormOrigin: formOrigin?.origin ?? null,
    channelAllowInternalUrls: c.CHANNEL_ALLOW_INTERNAL_URLS ?? !isProduction,
    mapTiles: tiles && c.MAP_TILES_URL && c.MAP_TILES_ATTRIBUTION ? { url: c.MAP_TILES_URL, attribution: c.MAP_TILES_ATTRIBUTION, origin: tiles.origin } : null,
    exportDir: c.EXPORT_DIR ?? `${c.DATA_DIR}/exports`,
    tracesUrl: c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (c.OTEL_EXPORTER_OTLP_ENDPOINT ? `${c.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : null),
    warnings,
  };
}
