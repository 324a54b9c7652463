// The GraphQL API: PostGraphile v5 over `app_public`, as one preset.
// Identity reaches Postgres only through pgSettings (core/auth.ts).
import "postgraphile";
import { depthLimit } from "@graphile/depth-limit";
import type { Request } from "express";
import type pg from "pg";
import { PgJWTPlugin } from "postgraphile/graphile-build-pg";
import { getOperationAST, Kind, NoSchemaIntrospectionCustomRule, GraphQLError, type ASTNode, type GraphQLFormattedError, type ValidationRule } from "postgraphile/graphql";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { isAnonymous, tokenAudience, tokenIssuer } from "../core/auth.ts";
import type { Config } from "../core/config.ts";
import { makeMaskError, RequestErrorsPlugin, withFormattedErrorCode } from "./errors.ts";
import { answerHasErrors, makePublicQueryCachePlugin } from "./graphql-cache.ts";
import { MetricsPlugin } from "./graphql-metrics.ts";
import { GraphQLTracingPlugin } from "./graphql-tracing.ts";
import { RowIdentityPlugin } from "./graphql-row-identity.ts";
import { errorsWithoutSuggestions, mayHaveSuggestions } from "./graphql-hints.ts";
import type { Logger } from "../core/logger.ts";
import { answerTimeoutOf, transactionTimeouts } from "../core/pool-mode.ts";
import { guestReadsOf, keeprPgService, withPgClientOf, type ReadRouter } from "./read-routing.ts";
import { Lane, type Priority } from "./admission.ts";
import { pgSettingsOf } from "./graphql-identity.ts";

/** A language code as app_public.languages writes them (a BCP 47 primary subtag, lower case): what Keepr-Language may pass on. */
const isLanguageCode = (value: string | undefined): value is string => value !== undefined && /^[a-z]{2,3}$/.test(value);

/** Caps the number of fields an operation selects, counting each fragment use: a cost limit against alias floods. */
export function maxFieldsRule(maxFields: number): ValidationRule {
  return (context) => {
    const fragments = new Map(
      context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
    const count = (node: ASTNode, seen: Set<string>): number => {
      let total = 0;
      const selections = "selectionSet" in node && node.selectionSet ? node.selectionSet.selections : [];
      for (const s of selections) {
        if (s.kind === Kind.FIELD) total += 1 + count(s, seen);
        else if (s.kind === Kind.INLINE_FRAGMENT) total += count(s, seen);
        else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
          const fragment = fragments.get(s.name.value);
          if (fragment) total += count(fragment, new Set([...seen, s.name.value]));
        }
        if (total > maxFields) return total;
      }
      return total;
    };
    return {
      OperationDefinition(node) {
        if (count(node, new Set()) > maxFields) {
          context.reportError(
            new GraphQLError(`The operation selects more than ${maxFields} fields; split it into smaller operations.`, {
              nodes: [node],
              extensions: { code: "QUERY_TOO_COMPLEX" },
            }),
          );
        }
      },
    };
  };
}

/** Whether a response failed with a serialization failure or deadlock (code RETRY in its errors, not just anywhere in its data). */
function isRetryable(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: Array<{ extensions?: { code?: unknown } }> };
    return parsed.errors?.some((e) => e.extensions?.code === "RETRY") ?? false;
  } catch {
    return false;
  }
}

/** How often an operation that hit a serialization failure or deadlock runs again. */
const maxRetries = 3;
const retries = new WeakMap<object, number>();

export function makePreset(options: {
  config: Config;
  pool: pg.Pool;
  jwtSecret: string;
  logger: Logger;
  /** Reads of searches, quotes and reports on replicas (REPLICA_DATABASE_URLS); none: all on pool. */
  readRouter?: ReadRouter;
  /** The search cache (server/graphql-search-cache.ts): inside the HTTP cache's middleware (which sees its x-keepr-cache), outside read routing (whose x-keepr-read-from it reads). */
  searchCachePlugin?: GraphileConfig.Plugin;
  /** Where the schema's build reads the catalog (read-routing.ts keeprPgService); none: on pool. */
  introspectionPool?: pg.Pool;
  /** Staff first at the door (server/admission.ts): the guest lane gives way to them too. */
  staffFirst?: Priority | null;
  /** Where guest reads run (core/pool-mode.ts guestPoolConfig, read-routing.ts guestReadsOf); none: on pool, each in a transaction (the schema's printing). */
  guestPool?: pg.Pool;
}): GraphileConfig.Preset {
  const { config, pool, jwtSecret, logger, readRouter, searchCachePlugin, introspectionPool, staffFirst, guestPool } = options;
  // Guest reads take turns on the primary (server/admission.ts), and give way to staff in flight during a flood.
  // A guest read waits for its turn at most as long as for a connection (answerTimeoutOf), then is refused: UNAVAILABLE, retry shortly.
  const publicReads = config.API_PUBLIC_READ_CONCURRENCY > 0
    ? new Lane(config.API_PUBLIC_READ_CONCURRENCY, { waitMs: answerTimeoutOf(config), ...(staffFirst ? { priority: staffFirst } : {}) })
    : null;
  // Guest reads on the guest pool, a read's place in the lane held until its statements are done.
  const guestReadsWithPgClient = guestPool ? guestReadsOf(guestPool, publicReads, config.DATABASE_POOL_MODE) : publicReads ? withPgClientOf(pool, publicReads) : null;
  // Every transaction of an operation carries these, transaction-local (a
  // transaction pooler cannot take them at connect: core/pool-mode.ts);
  // and JIT's optimisation stays off, as @dataplan/pg would set it per
  // connection (its cost estimates make short queries slow).
  const transactionSettings = { ...transactionTimeouts(config), jit_optimize_above_cost: "-1" };
  const validationRules: ValidationRule[] = [
    depthLimit({
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxListDepth: config.GRAPHQL_MAX_LIST_DEPTH,
      maxSelfReferentialDepth: 2,
      maxIntrospectionDepth: 14,
    }),
    maxFieldsRule(300),
    ...(config.isProduction ? [NoSchemaIntrospectionCustomRule] : []),
  ];
  const LimitsPlugin: GraphileConfig.Plugin = {
    name: "KeeprLimitsPlugin",
    version: "1.0.0",
    grafserv: {
      middleware: {
        setPreset(next, event) {
          event.validationRules.push(...validationRules);
          return next();
        },
        // Serialization failures and deadlocks (code RETRY) are retried here,
        // never shown: the operation runs again, up to maxRetries times, after
        // a short random pause. Every mutation is idempotent, so a mutation
        // of the operation that had already committed replays its answer.
        // The body is read once by express, so it can be processed again.
        // Parse and validation errors skip maskError and arrive here already
        // serialized (a body of only {"errors": [...]}); give them codes too.
        // In production, error messages lose graphql-js's suggestions.
        async processRequest(next, event) {
          const result = await next();
          // Most answers have no errors (every search cache hit): nothing to retry or rewrite.
          if (result?.type === "buffer" && !answerHasErrors(result.buffer)) return result;
          if (result?.type === "buffer" && result.buffer.includes('"code":"RETRY"') && isRetryable(result.buffer)) {
            const attempt = (retries.get(event.requestDigest) ?? 0) + 1;
            if (attempt <= maxRetries) {
              retries.set(event.requestDigest, attempt);
              logger.info({ attempt }, "retrying a GraphQL request after a serialization failure or deadlock");
              await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
              // processRequest is protected in grafserv's typings; it is the
              // entry the server adaptors themselves call.
              const instance = event.instance as unknown as { processRequest(digest: typeof event.requestDigest): typeof result };
              return instance.processRequest(event.requestDigest);
            }
          }
          // In production, no "Did you mean …?" in any error, on POST and
          // GET alike, with or without data (graphql-hints.ts).
          if (result?.type === "buffer") {
            const errorsOnly = result.buffer.subarray(0, 10).toString() === '{"errors":';
            const hints = config.isProduction && mayHaveSuggestions(result.buffer);
            if (!errorsOnly && !hints) return result;
            let body: { errors?: readonly GraphQLFormattedError[] };
            try {
              body = JSON.parse(result.buffer.toString("utf8")) as typeof body;
            } catch {
              return result;
            }
            if (!Array.isArray(body.errors)) return result;
            const before = body.errors;
            if (errorsOnly) body.errors = body.errors.map(withFormattedErrorCode);
            if (hints) body.errors = errorsWithoutSuggestions(body.errors);
            if (body.errors === before) return result;
            const buffer = Buffer.from(JSON.stringify(body), "utf8");
            return { ...result, buffer, headers: { ...result.headers, "content-length": String(buffer.length) } };
          }
          if (result?.type === "json" && config.isProduction) {
            const json = result.json as { errors?: readonly GraphQLFormattedError[] } | null;
            if (json && Array.isArray(json.errors)) {
              const errors = errorsWithoutSuggestions(json.errors);
              if (errors !== json.errors) return { ...result, json: { ...json, errors } as unknown as typeof result.json };
            }
          }
          return result;
        },
      },
    },
  };

  return {
    extends: [PostGraphileAmberPreset],
    plugins: [
      MetricsPlugin, PgJWTPlugin, LimitsPlugin, RequestErrorsPlugin, makePublicQueryCachePlugin(),
      ...(searchCachePlugin ? [searchCachePlugin] : []),
      GraphQLTracingPlugin, RowIdentityPlugin,
      ...(readRouter ? [readRouter.plugin] : []),
    ],
    pgServices: [keeprPgService({ pool, schemas: ["app_public"], ...(introspectionPool ? { introspectionPool } : {}) })],
    gather: { pgJwtTypes: "app_public.jwt_token" },
    schema: {
      pgJwtSecret: jwtSecret,
      pgJwtSignOptions: { algorithm: "HS256", audience: tokenAudience, issuer: tokenIssuer },
    },
    grafserv: {
      graphqlPath: "/graphql",
      graphiql: !config.isProduction,
      graphiqlOnGraphQLGET: false,
      graphiqlPath: "/graphiql",
      // Queries over GET, cacheable when anonymous (graphql-cache.ts); mutations over GET are 405.
      graphqlOverGET: true,
      websockets: false,
      watch: false,
      maxRequestLength: config.GRAPHQL_MAX_REQUEST_BYTES,
      maskError: makeMaskError(logger),
    },
    grafast: {
      explain: false,
      // Runs after PostGraphile put the primary's withPgClient in the
      // context (grafast's hookArgs: middleware first, then this), so a
      // read that may use a replica replaces it (read-routing.ts).
      context(requestContext, args) {
        const req = requestContext.expressv4?.req as Request | undefined;
        const identity = pgSettingsOf(requestContext);
        // The guest app's language (Keepr-Language), read by the reservations' BEFORE INSERT trigger
        // (app_private.tg_reservations__language): a hold records the language its guest booked in. Any
        // language code is passed on; the trigger keeps it only when app_public.languages has it as
        // guest-facing, so the table is the one list (no copy here to refresh) and anything else is ignored.
        const language = req?.header("keepr-language");
        const pgSettings: Record<string, string> = { ...transactionSettings, ...identity, ...(isLanguageCode(language) ? { "keepr.language": language } : {}) };
        const given = (args.contextValue as Partial<Grafast.Context>).withPgClient;
        if (!given) return { pgSettings };
        // An anonymous query (core/auth.ts isAnonymous) runs on the guest pool, in its turn in the guest lane (on the primary; a replica's reads do not).
        const guestRead = guestReadsWithPgClient !== null && isAnonymous(identity) && getOperationAST(args.document, args.operationName)?.operation === "query";
        const primary: typeof given = guestRead ? guestReadsWithPgClient : given;
        if (!readRouter) return primary === given ? { pgSettings } : { pgSettings, withPgClient: primary };
        return { pgSettings, withPgClient: readRouter.withPgClientFor(req, args.document, args.operationName, primary) };
      },
    },
  };
}

declare module "express-serve-static-core" {
  interface Request {
    /** Set by the auth middleware before GraphQL runs. */
    pgSettings?: Record<string, string>;
    requestId?: string;
    /** The logger with this request bound (server/http.ts requestLogs). */
    log: Logger;
  }
}
