// The HTTP server: request ids and logs, health checks, authentication and
// the GraphQL API (PostGraphile through grafserv on express), with the
// security headers every response carries (commonHeaders below).
import { randomUUID } from "node:crypto";
import { createServer, ServerResponse, type IncomingMessage, type Server } from "node:http";
import { parse as parseQuery, type ParsedUrlQuery } from "node:querystring";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import helmet from "helmet";
import pg from "pg";
import { makeSchema } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/express/v4";
import { adminRouter } from "./admin.ts";
import { apps, type AppBuildStatus } from "./app-build.ts";
import { anonKey, AuthError, identify, pgSettingsFor, type Identity } from "../core/auth.ts";
import { StaffFirst, type DoorClass } from "./admission.ts";
import type { Config } from "../core/config.ts";
import { sendError } from "./errors.ts";
import { reportError } from "../core/error-reporting.ts";
import { graphqlThrottle, trustProxyOf } from "./throttle.ts";
import { makePreset } from "./graphql.ts";
import { guestPoolConfig, introspectionPoolConfig } from "../core/pool-mode.ts";
import { hearConnectionErrors } from "../core/database.ts";
import { reniceBackend } from "../core/backend-priority.ts";
import { makeReadRouter } from "./read-routing.ts";
import { makeSearchCachePlugin } from "./graphql-search-cache.ts";
import type { RunningSearchCache } from "./search-cache-feed.ts";
import type { ReplicaSet } from "../core/replicas.ts";
import { requestContext, type Logger } from "../core/logger.ts";
import { bearerMatches, httpRequestDuration, observePool, sendMetrics } from "../core/metrics.ts";
import { traceIdOf, traceRequests } from "../core/tracing.ts";
import { trace } from "@opentelemetry/api";
import { createExportStore } from "../storage/export-store.ts";
import { exportRouter } from "./exports.ts";
import { icalRouter } from "./ical.ts";
import { invoiceRouter } from "./invoices.ts";
import { registrationCardRouter } from "./registration-cards.ts";
import { stayCalendarRouter } from "./stay-calendar.ts";
import { paymentSecretsOf } from "../payments/secrets.ts";
import { startSimulatedProvider, webhookRouter } from "./payments.ts";
import { systemRouter } from "./system.ts";
import { webRouter } from "./web.ts";
import type { SimulatedProvider } from "../payments/simulated/service.ts";

export interface HttpServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export interface HttpOptions {
  config: Config;
  logger: Logger;
  /** The API's pool: logs in as the authenticator, never as the owner. */
  apiPool: pg.Pool;
  /** Read replicas for searches, quotes and reports (REPLICA_DATABASE_URLS), monitored; none: every read on apiPool. */
  replicas?: ReplicaSet;
  /** The embedded Postgres's postmaster: guest reads' backends, its children, run at API_PUBLIC_READ_NICE (core/backend-priority.ts). */
  postmasterPid?: number;
  /** The owner's pool, for payment webhooks (applied as keepr_worker) and the simulated provider's own schema. */
  ownerPool: pg.Pool;
  jwtSecret: string;
  /** Whether the database is reachable and migrated (for /readyz). */
  readiness: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /**
   * The staff console's build (default admin/dist) and what building it is doing (npm start builds it in the background);
   * `realtime` when the realtime service is attached to this server (the console then goes live through it).
   */
  admin?: { distDir?: string; status?: () => AppBuildStatus; realtime?: boolean };
  /** The guest app's build (default web/dist) and what building it is doing. */
  web?: { distDir?: string; status?: () => AppBuildStatus };
  /** The search cache and its feed (server/search-cache-feed.ts startSearchCache); none: SEARCH_CACHE=false. */
  searchCache?: Pick<RunningSearchCache, "cache" | "feed"> | null;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * A request's id, in its logs, its x-request-id response header and the
 * audit rows it writes: with tracing on, the id of its trace (the caller's
 * traceparent's, or a new one), so an audit row leads to its trace; a
 * different x-request-id the caller sent is kept on the request's span
 * (keepr.client_request_id). With tracing off: the trace id of the caller's
 * traceparent (the browser apps send one per user action), else a sane
 * x-request-id, else a new uuid.
 */
export function requestIdOf(traceparent: string | undefined, xRequestId: string | undefined, request?: { method: string; path: string }): string {
  const given = xRequestId && requestIdPattern.test(xRequestId) ? xRequestId : undefined;
  const span = trace.getActiveSpan();
  if (span?.isRecording()) {
    const traceId = span.spanContext().traceId;
    if (given && given !== traceId) span.setAttribute("keepr.client_request_id", given);
    // Named by the endpoint (routeOf, as the metrics name it), never the
    // raw URL; an express route, when one matches, names it more precisely
    // at the end (GET /invoices/:id).
    if (request) {
      const route = routeOf(request.path);
      span.setAttribute("keepr.route", route);
      span.updateName(`${request.method} ${route}`);
    }
    return traceId;
  }
  return traceIdOf(traceparent) ?? given ?? randomUUID();
}

/**
 * Every response of this server says nosniff, whoever writes it: express's
 * routes, grafserv, and also the realtime service's HTTP API, which answers
 * before express does (realtime/server.ts takes over the request listeners).
 */
class NosniffResponse<Req extends IncomingMessage = IncomingMessage> extends ServerResponse<Req> {
  constructor(req: Req) {
    super(req);
    this.setHeader("x-content-type-options", "nosniff");
  }
}

/**
 * The headers every express response starts with (helmet): nosniff, no
 * framing (X-Frame-Options DENY and frame-ancestors 'none'), no referrer, a
 * Content-Security-Policy that allows nothing (right for JSON, CSV and
 * errors; each HTML page replaces it with its own: the console and the
 * guest app in static-app.ts, the invoice, GraphiQL, the card form),
 * same-origin COOP/CORP, and HSTS when the public URL is https (a year, this
 * host only: the operator decides about subdomains).
 */
export function commonHeaders(config: Pick<Config, "publicUrl">): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { "default-src": ["'none'"], "frame-ancestors": ["'none'"], "base-uri": ["'none'"], "form-action": ["'none'"] },
    },
    strictTransportSecurity: config.publicUrl.startsWith("https:") ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
  });
}

/**
 * GraphiQL (Ruru, outside production) and its files: its inline scripts
 * (its configuration, which changes with grafserv's options, so no hash) and
 * styles, Monaco's workers from /ruru-static (which get this policy too: a
 * worker runs under the policy of its own script); no eval, no framing.
 */
export const graphiqlCsp = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");


/**
 * The route label of keepr_http_request_duration_seconds: a fixed name per
 * endpoint family, never the URL (no ids, tokens or file names); the guest
 * app's pages and files are "static", what no route answered "not_found".
 */
const routeNames: ReadonlyArray<readonly [prefix: string, route: string]> = [
  ["/graphql", "graphql"],
  ["/graphiql", "graphiql"],
  ["/ruru-static", "graphiql"],
  ["/webhooks", "webhook"],
  ["/ical", "ical"],
  ["/calendar", "stay_calendar"],
  ["/invoices", "invoice"],
  ["/registration-cards", "registration_card"],
  ["/exports", "export"],
  ["/admin", "admin"],
  ["/simulated-provider", "simulated_provider"],
  ["/healthz", "healthz"],
  ["/readyz", "readyz"],
  ["/metrics", "metrics"],
  ["/realtime", "realtime"],
];

export function routeOf(path: string): string {
  for (const [prefix, route] of routeNames) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return route;
  }
  return "static";
}

const methods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Express's query parser (node:querystring, express 5's "simple"; express
 * parses again at every read of req.query), remembered by the query string:
 * a public query sent as GET carries its whole document in the URL (about
 * 1 KB, percent-encoded), and the popular searches come again and again.
 * Bounded (emptied when full; strings over 8 KB are not kept) and frozen:
 * the requests with the same string share the object.
 */
export function rememberingQueryParser(max = 1_000): (query: string | null | undefined) => ParsedUrlQuery {
  const parsed = new Map<string, ParsedUrlQuery>();
  return (query) => {
    // No query string (parseurl's null): an empty object of its own, as node:querystring gives.
    if (typeof query !== "string") return parseQuery("");
    const known = parsed.get(query);
    if (known) return known;
    const value = parseQuery(query);
    if (query.length > 8_192) return value;
    for (const v of Object.values(value)) if (Array.isArray(v)) Object.freeze(v);
    Object.freeze(value);
    if (parsed.size >= max) parsed.clear();
    parsed.set(query, value);
    return value;
  };
}

/** Times every request into keepr_http_request_duration_seconds (status 499: the client went away first). */
function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const started = performance.now();
  const path = req.path;
  res.once("close", () => {
    const route = (res.locals.metricsRoute as string | undefined) ?? routeOf(path);
    const method = methods.has(req.method) ? req.method : "OTHER";
    const status = res.writableFinished ? String(res.statusCode) : "499";
    httpRequestDuration.observe({ method, route, status }, (performance.now() - started) / 1000);
  });
  next();
}

/**
 * A line per request when its response ends, as pino-http wrote it:
 * "request completed" at info ("request aborted" when the client left first,
 * "request errored" at error for a 5xx), with the request id,
 * `req: { id, method, url }`, `res: { statusCode }` and `responseTime` (ms).
 * Nothing is built for a line the level leaves out (LOG_LEVEL=warn: only
 * 5xx). `req.log` is the logger with the request bound, made when a
 * handler first uses it (most never do): the lines it writes inside the
 * request carry the request id anyway (core/logger.ts's mixin).
 */
function requestLogs(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = Date.now();
    const requestId = req.requestId!;
    const url = req.url;
    let bound: Logger | undefined;
    Object.defineProperty(req, "log", {
      configurable: true,
      get: () => (bound ??= logger.child({ req: { id: requestId, method: req.method, url } })),
    });
    res.once("close", () => {
      const level = res.statusCode >= 500 ? "error" : "info";
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { requestId, req: { id: requestId, method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
        level === "error" ? "request errored" : res.writableEnded ? "request completed" : "request aborted",
      );
    });
    next();
  };
}

/** A request's verified identity (core/auth.ts identify) or why its token was refused, worked out once per request. */
const identities = new WeakMap<IncomingMessage, Identity | AuthError>();

export function identityOf(req: IncomingMessage, jwtSecret: string): Identity {
  let known = identities.get(req);
  if (!known) {
    try {
      known = identify(req.headers.authorization, jwtSecret);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      known = error;
    }
    identities.set(req, known);
  }
  if (known instanceof AuthError) throw known;
  return known;
}

/** Requests the door never holds: the health and metrics probes (a load balancer's check must not wait for staff). */
const probePaths = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * What the door (server/admission.ts StaffFirst) makes of a request: a
 * signed-in staff member's, by its token verified as the API verifies it,
 * goes first; a probe passes; any other (no token, a guest's or a booking's
 * token, a forged or expired one, which the API then refuses) may be held.
 */
export function doorClassOf(req: IncomingMessage, jwtSecret: string): DoorClass {
  const path = req.url?.split("?", 1)[0] ?? "/";
  if (probePaths.has(path)) return "pass";
  if (!req.headers.authorization) return "held";
  try {
    const identity = identityOf(req, jwtSecret);
    return identity.kind === "user" && identity.role === "keepr_staff" ? "staff" : "held";
  } catch {
    return "held";
  }
}

export async function startHttpServer(options: HttpOptions): Promise<HttpServer> {
  const { config, logger, apiPool, ownerPool, jwtSecret } = options;
  const { webhookSecret, apiKey: providerApiKey } = paymentSecretsOf(config, jwtSecret);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxyOf(config.TRUST_PROXY)); // req.ip, for throttling (docs/security.md)
  app.set("query parser", rememberingQueryParser());
  // Staff first on Keepr's thread (API_STAFF_FIRST_MS; 0: off), once API_STAFF_FIRST_BUSY others are running.
  const staffFirst = config.API_STAFF_FIRST_MS > 0 ? new StaffFirst(config.API_STAFF_FIRST_MS, config.API_STAFF_FIRST_BUSY) : null;
  const server = createServer({ ServerResponse: NosniffResponse }, staffFirst ? staffFirst.door((req) => doorClassOf(req, jwtSecret), app) : app);
  traceRequests(server);
  // An idle keep-alive connection is closed by the client (undici: 4 s;
  // browsers and load balancers: about 60 s), not by Keepr: a server that
  // closes first races a request the client is sending on that socket at
  // that moment, which then fails with ECONNRESET (seen under load).
  // Shutting down still closes idle connections at once.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  app.use(httpMetrics);
  app.use(commonHeaders(config));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req.header("traceparent"), req.header("x-request-id"), req);
    req.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    requestContext.run({ requestId }, next);
  });
  app.use(requestLogs(logger));

  // /metrics on this port only with METRICS_TOKEN, behind its bearer token
  // (METRICS_PORT serves it on a port of its own); otherwise it is 404.
  const metricsToken = config.METRICS_TOKEN;
  if (metricsToken) {
    app.get("/metrics", (req, res, next) => {
      if (!bearerMatches(req.header("authorization"), metricsToken)) {
        res.setHeader("www-authenticate", 'Bearer realm="metrics"');
        return sendError(res, 401, "INVALID_TOKEN", "The metrics token is missing or wrong.");
      }
      sendMetrics(res).catch(next);
    });
  }
  const forgetPools = [observePool("api", apiPool), observePool("owner", ownerPool)];

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const readiness = await options.readiness().catch((error: unknown) => ({
      ok: false,
      checks: { database: error instanceof Error ? error.message : "unreachable" },
    }));
    res.status(readiness.ok ? 200 : 503).json({ status: readiness.ok ? "ready" : "not_ready", checks: readiness.checks });
  });

  // The raw body, read once, so a retried operation can be processed again
  // (grafserv parses it).
  app.use("/graphql", express.raw({ type: () => true, limit: config.GRAPHQL_MAX_REQUEST_BYTES }));
  app.use("/graphql", (req: Request, res: Response, next: NextFunction) => {
    try {
      req.pgSettings = pgSettingsFor(identityOf(req, jwtSecret), req.requestId!);
      next();
    } catch (error) {
      if (error instanceof AuthError) return sendError(res, 401, error.code, error.message);
      next(error);
    }
  });
  // Login, lookupBooking and register: per account and per address, before they run.
  app.use("/graphql", graphqlThrottle({ pool: ownerPool, logger }));

  // The console's System page reads the service's status here (owners and managers).
  app.use("/admin/api/system", systemRouter({ apiPool, ownerPool, jwtSecret, logger }));
  // The staff console (admin/dist); it talks to /graphql like any client.
  app.use("/admin", adminRouter({
    distDir: options.admin?.distDir ?? apps.admin.distDir,
    status: options.admin?.status,
    publicUrl: config.publicUrl,
    traceUrl: config.TRACE_UI_URL ?? null,
    mapTiles: config.mapTiles,
    ...(options.admin?.realtime ? { anonKey: anonKey(jwtSecret) } : {}),
  }));

  app.use("/webhooks", webhookRouter({ config, secret: webhookSecret, ownerPool, logger }));
  app.use("/invoices", invoiceRouter({ apiPool, jwtSecret }));
  app.use("/registration-cards", registrationCardRouter({ apiPool, jwtSecret }));
  app.use("/ical", icalRouter({ apiPool }));
  app.use("/calendar", stayCalendarRouter({ apiPool, ownerPool, jwtSecret, publicUrl: config.publicUrl, mailFrom: config.MAIL_FROM }));
  app.use("/exports", exportRouter({ ownerPool, store: createExportStore(config) }));
  // The simulated provider starts once the server's own URL (its webhook
  // target) is known; until then its paths answer 404.
  let simulatedProvider: SimulatedProvider | undefined;
  if (config.simulatedProvider) {
    app.use("/simulated-provider", (req: Request, res: Response, next: NextFunction) =>
      simulatedProvider ? simulatedProvider.router(req, res, next) : next(),
    );
  }

  if (!config.isProduction) {
    app.use(["/graphiql", "/ruru-static"], (_req: Request, res: Response, next: NextFunction) => {
      res.setHeader("content-security-policy", graphiqlCsp);
      next();
    });
  }

  const readRouter = options.replicas && options.replicas.size > 0 ? makeReadRouter({ replicas: options.replicas, primaryPool: apiPool, logger }) : undefined;
  const searchCachePlugin = makeSearchCachePlugin({ cache: options.searchCache?.cache ?? null, feed: options.searchCache?.feed ?? null, lookupPool: ownerPool, logger });
  // The schema, built before the server listens (so /readyz is never ready
  // with no schema), from the catalog read on a connection of its own with
  // a minute's timeout (core/pool-mode.ts introspectionPoolConfig): a
  // request's statement timeout must not fail the build on a busy primary.
  const introspectionPool = new pg.Pool(introspectionPoolConfig(config, {
    connectionString: apiPool.options.connectionString ?? "",
    applicationName: `${apiPool.options.application_name ?? "keepr-api"}-introspection`,
  }));
  // Guest reads' own connections (core/pool-mode.ts guestPoolConfig): as
  // many as the guest lane lets run at once, else as the API's pool.
  const guestPool = new pg.Pool(guestPoolConfig(config, {
    connectionString: apiPool.options.connectionString ?? "",
    max: config.API_PUBLIC_READ_CONCURRENCY || config.API_POOL_SIZE,
    applicationName: `${apiPool.options.application_name ?? "keepr-api"}-guest`,
  }));
  let closingGuestPool = false;
  hearConnectionErrors(guestPool, (err, where) => {
    if (!closingGuestPool) logger.warn({ err }, `database connection lost (guest reads, ${where})`);
  });
  forgetPools.push(observePool("guest", guestPool));
  const { postmasterPid } = options;
  if (postmasterPid && config.API_PUBLIC_READ_NICE > 0) {
    let said = false;
    guestPool.on("connect", (client) => {
      const pid = (client as pg.PoolClient & { processID?: number }).processID ?? 0;
      const outcome = reniceBackend(pid, postmasterPid, config.API_PUBLIC_READ_NICE);
      if (outcome !== "reniced" && !said) {
        said = true;
        logger.warn({ pid, outcome }, "a guest read's Postgres backend keeps its priority (API_PUBLIC_READ_NICE): staff share the cores with guest reads as equals");
      }
    });
  }
  const preset = makePreset({ config, pool: apiPool, jwtSecret, logger, readRouter, searchCachePlugin, introspectionPool, staffFirst, guestPool });
  const { schema } = await makeSchema(preset).finally(() => introspectionPool.end());
  const serv = grafserv({ preset, schema });
  await serv.addTo(app, server);

  // The guest app (web/dist) at /: its own routes and files only, after
  // every other endpoint; it talks to /graphql like any client, and frames
  // a real payment provider's card form (PAYMENT_FORM_ORIGIN).
  app.use(webRouter({
    distDir: options.web?.distDir ?? apps.web.distDir,
    status: options.web?.status,
    ...(config.paymentFormOrigin ? { paymentFormOrigin: config.paymentFormOrigin } : {}),
    mapTiles: config.mapTiles,
  }));

  app.use((_req: Request, res: Response) => {
    res.locals.metricsRoute = "not_found";
    sendError(res, 404, "NOT_FOUND", "No such endpoint.");
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(res, status, "BAD_REQUEST", "The request could not be read.");
    }
    req.log.error({ err: error }, "unhandled error");
    reportError(error, { where: "http", tags: { route: req.route?.path ?? "unmatched" } });
    sendError(res, 500, "INTERNAL", "An unexpected error occurred. It has been logged.");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${port}`;
  if (config.simulatedProvider) {
    simulatedProvider = await startSimulatedProvider({ config, secret: webhookSecret, apiKey: providerApiKey, ownerPool, logger, webhookBaseUrl: url });
  }

  return {
    server,
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      await serv.release();
      await simulatedProvider?.stop();
      for (const forget of forgetPools) forget();
      closingGuestPool = true;
      await guestPool.end();
    },
  };
}
