// Every error leaves the API as a typed GraphQL error: extensions.code plus a
// human message. Postgres DETAIL/HINT, constraint names of other tenants'
// rows and stack traces never reach a client. The codes, and which SQLSTATE
// maps to which, are in shared/error-codes.ts (rendered in docs/error_codes.md).
import "postgraphile";
import { isSafeError } from "postgraphile/grafast";
import { GraphQLError, type GraphQLFormattedError, type ValidationRule } from "postgraphile/graphql";
import { codeOfSqlstate, postgresErrors, type ErrorCode } from "../shared/error-codes.ts";
import type { Logger } from "../core/logger.ts";
import { apiErrors } from "../core/metrics.ts";
import { reportError } from "../core/error-reporting.ts";
import { LaneWaitTimeout } from "./admission.ts";

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  hint?: unknown;
  constraint?: unknown;
}

/**
 * Postgres out of reach (stopped, restarting, a failover under way): node's
 * socket errors and pg's own messages, which carry no SQLSTATE, and every
 * connection exception (SQLSTATE class 08), which a pooler answers in
 * Postgres's stead: PgBouncer says 08P01 "server login has been failing,
 * try again later" while it cannot log in to the primary during a failover
 * (and 08P01 too for its query_wait_timeout and a crashed server
 * connection). The pool drops such a connection and opens a new one for the
 * next request, so the client is told to retry (UNAVAILABLE), and nothing
 * is reported.
 */
const unreachableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const unreachableMessages = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;
const unreachable: { code: ErrorCode; message: string } = { code: "UNAVAILABLE", message: "The database cannot be reached; please retry shortly." };
const busy: { code: ErrorCode; message: string } = { code: "UNAVAILABLE", message: "The service is busy; please retry shortly." };

const unknownLanguage: { code: ErrorCode; message: string; reason: string } = {
  code: "INVALID_INPUT", message: "Language: one of the languages Keepr knows (allLanguages).", reason: "LANGUAGE",
};

/** The typed form of a database error, or null when it is not one. */
export function classifyDatabaseError(error: unknown): { code: ErrorCode; message: string; reason?: string } | null {
  // A guest read that waited too long for its turn in the guest lane (server/admission.ts): as a connection not had in time.
  if (error instanceof LaneWaitTimeout) return busy;
  const e = error as PgLikeError | null;
  if (e && typeof e.code === "string" && (unreachableCodes.has(e.code) || e.code.startsWith("08"))) return unreachable;
  if (e && typeof e.message === "string" && unreachableMessages.test(e.message)) return unreachable;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string") return null;
  // Keepr's own SQLSTATEs: their messages are written for users. A hint,
  // when our function gives one, is a machine-readable reason (e.g. MIN_STAY)
  // and goes out as extensions.reason.
  const keeprCode = codeOfSqlstate.get(e.code);
  if (keeprCode) {
    return typeof e.hint === "string" ? { code: keeprCode, message: e.message, reason: e.hint } : { code: keeprCode, message: e.message };
  }
  // A language column's foreign key (app_public.languages, issue 22; e.g. a property's or a template's language
  // written through its table): the refusal the functions give for a language Keepr does not know.
  if (e.code === "23503" && typeof e.constraint === "string" && e.constraint.endsWith("_language_fkey")) return unknownLanguage;
  const standard = Object.hasOwn(postgresErrors, e.code) ? postgresErrors[e.code as keyof typeof postgresErrors] : undefined;
  return standard ? { code: standard.code, message: standard.message } : null;
}

/**
 * PostGraphile's delete mutations (deleteXByRowId, deleteXByKeys, deleteX by
 * node id) fail with this plain Error when the DELETE matched no row: the
 * row does not exist, RLS hides it, or its DELETE policy refuses this caller.
 * A null payload is not reachable without rewriting every payload field's
 * plan, so it is answered as a typed NOT_FOUND, like the booking functions'
 * "no such record, or you may not see it". (Updates of such rows answer a
 * payload whose record is null, PostGraphile's own behaviour.)
 */
const nothingDeleted = /^No values were deleted in collection /;
const nothingDeletedError: { code: ErrorCode; message: string } = { code: "NOT_FOUND", message: "No such record, or you may not delete it." };

/** The code for an error about the request document itself (syntax, validation, variables). */
function requestErrorCode(message: string): ErrorCode {
  if (message.startsWith("Syntax Error")) return "GRAPHQL_PARSE_FAILED";
  if (message.startsWith("Parsing failed")) return "BAD_REQUEST";
  if (message.startsWith('Variable "$')) return "INVALID_INPUT";
  return "GRAPHQL_VALIDATION_FAILED";
}

/** Such errors are safe to show; this gives them a code when they have none. */
export function withRequestErrorCode(error: GraphQLError): GraphQLError {
  if (typeof error.extensions?.code === "string") return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
    extensions: { ...error.extensions, code: requestErrorCode(error.message) },
  });
}

/** The same for an error already serialized by grafserv. */
export function withFormattedErrorCode(error: GraphQLFormattedError): GraphQLFormattedError {
  if (typeof error.extensions?.code === "string") return error;
  return { ...error, extensions: { ...error.extensions, code: requestErrorCode(error.message) } };
}

export function makeMaskError(logger: Logger) {
  return function maskError(error: GraphQLError): GraphQLError {
    const original = error.originalError;
    if (!original) return withRequestErrorCode(error);
    const known = classifyDatabaseError(original);
    if (known) {
      const extensions = known.reason ? { code: known.code, reason: known.reason } : { code: known.code };
      return new GraphQLError(known.message, { nodes: error.nodes, positions: error.positions, path: error.path, source: error.source, extensions });
    }
    if (original instanceof Error && nothingDeleted.test(original.message)) {
      return new GraphQLError(nothingDeletedError.message, {
        nodes: error.nodes, positions: error.positions, path: error.path, source: error.source, extensions: { code: nothingDeletedError.code },
      });
    }
    if (original instanceof GraphQLError || isSafeError(original)) {
      // Raised on purpose by Grafast/PostGraphile about the client's input
      // (a malformed node id, a value that does not coerce): safe to show.
      const ext = (original as { extensions?: Record<string, unknown> }).extensions ?? {};
      return new GraphQLError(error.message, { nodes: error.nodes, positions: error.positions, path: error.path, source: error.source, extensions: { code: "INVALID_INPUT", ...ext } });
    }
    logger.error({ err: original, path: error.path }, "unexpected error in GraphQL request");
    reportError(original, { where: "graphql", tags: { graphql_path: error.path?.join(".") } });
    return new GraphQLError("An unexpected error occurred. It has been logged.", {
      nodes: error.nodes, positions: error.positions, path: error.path, source: error.source,
      extensions: { code: "INTERNAL" },
    });
  };
}

/**
 * The API serves no subscriptions (live updates come from the realtime
 * service), so a subscription operation is refused while validating, before
 * planning would fail on the missing Subscription type.
 */
export const noSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === "subscription" && !context.getSchema().getSubscriptionType()) {
      context.reportError(
        new GraphQLError("This API serves no subscriptions; live updates come from the realtime service (/realtime/v1).", {
          nodes: [node],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        }),
      );
    }
  },
});

/** The validation rules above, added to grafserv's (registered in server/graphql.ts). */
export const RequestErrorsPlugin: GraphileConfig.Plugin = {
  name: "KeeprRequestErrorsPlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
      setPreset(next, event) {
        event.validationRules.push(noSubscriptionsRule);
        return next();
      },
    },
  },
};

/** A non-GraphQL endpoint's error, in the same shape as the API's: { errors: [{ message, extensions: { code } }] }. */
export function sendError(res: { status(code: number): { json(body: unknown): unknown } }, status: number, code: ErrorCode, message: string): void {
  apiErrors.inc({ code });
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
