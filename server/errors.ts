// Every error leaves the API as a typed GraphQL error: extensions.code plus a
// human message. Postgres DETAIL/HINT, constraint names of other tenants'
// rows and stack traces never reach a client. The codes are listed in
// docs/error_codes.md.
import "postgraphile";
import { isSafeError } from "postgraphile/grafast";
import { GraphQLError, type GraphQLFormattedError, type ValidationRule } from "postgraphile/graphql";
import type { Logger } from "../core/logger.ts";

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  hint?: unknown;
}

/**
 * Keepr's own SQLSTATEs (raised by our functions) and the code each has in
 * the API; their messages are written for users. A hint, when our function
 * gives one, is a machine-readable reason (e.g. MIN_STAY) and goes out as
 * extensions.reason.
 */
export const keeprCodes: Record<string, string> = {
  CREDS: "CREDS", LOGIN: "LOGIN", EMTKN: "EMTKN", WEAKP: "WEAKP", INVEM: "INVEM", INVNM: "INVNM", INVPH: "INVPH",
  INVTZ: "INVTZ", NTFND: "NTFND", DNIED: "DNIED", APPND: "APPND",
  SOLDO: "SOLD_OUT",
  RSTRC: "RESTRICTED",
  HLDEX: "HOLD_EXPIRED",
  TRANS: "INVALID_TRANSITION",
  IDKEY: "IDEMPOTENCY_KEY_REUSED",
  IDKRQ: "IDEMPOTENCY_KEY_INVALID",
  QUOTE: "QUOTE_INVALID",
  QTEXP: "QUOTE_EXPIRED",
  DATES: "INVALID_DATES",
  GUEST: "INVALID_GUESTS",
  INVLD: "INVALID_INPUT",
  UNRDY: "UNIT_NOT_READY",
  UNAVL: "UNIT_UNAVAILABLE",
  LIMIT: "TOO_MANY_ATTEMPTS",
  FOLUN: "FOLIO_UNSETTLED",
  CSHRQ: "CASH_SHIFT_REQUIRED",
  UNBAL: "LEDGER_UNBALANCED",
  FOLCL: "FOLIO_CLOSED",
  OWNER: "LAST_OWNER",
  LEGAL: "LEGAL_DETAILS_MISSING",
  PAYDU: "PAYMENT_DUE",
  NSHOW: "NO_SHOW_TOO_EARLY",
  NOCRD: "NO_CARD_ON_FILE",
};

/** Standard SQLSTATEs mapped to a stable code and a message that reveals nothing. */
const postgresCodes: Record<string, { code: string; message: string }> = {
  "23505": { code: "CONFLICT", message: "That would duplicate an existing record." },
  "23503": { code: "REFERENCE", message: "That refers to a record that does not exist or is still in use." },
  "23502": { code: "INVALID_INPUT", message: "A required value is missing." },
  "23514": { code: "INVALID_INPUT", message: "A value is out of the allowed range or format." },
  "23P01": { code: "CONFLICT", message: "That overlaps with an existing record." },
  "22P02": { code: "INVALID_INPUT", message: "A value has the wrong format." },
  "22007": { code: "INVALID_INPUT", message: "A date or time has the wrong format." },
  "22008": { code: "INVALID_INPUT", message: "A date or time is out of range." },
  "22003": { code: "INVALID_INPUT", message: "A number is out of range." },
  "22001": { code: "INVALID_INPUT", message: "A value is too long." },
  "22023": { code: "INVALID_INPUT", message: "A parameter has an invalid value." },
  // A NUL character (\u0000) in a string argument: Postgres text cannot hold it.
  "22021": { code: "INVALID_INPUT", message: "A text value contains a character that is not allowed (NUL, \\u0000)." },
  "22P05": { code: "INVALID_INPUT", message: "A text value contains a character that is not allowed (NUL, \\u0000)." },
  // first/last/offset of a connection below zero reach SQL as LIMIT/OFFSET.
  "2201W": { code: "INVALID_INPUT", message: "first and last must not be negative." },
  "2201X": { code: "INVALID_INPUT", message: "offset must not be negative." },
  // An index row too large to store (e.g. an enormous unique value).
  "54000": { code: "INVALID_INPUT", message: "A value is too long." },
  "42501": { code: "FORBIDDEN", message: "You are not allowed to do that." },
  "57014": { code: "TIMEOUT", message: "The request took too long and was cancelled." },
  "40001": { code: "RETRY", message: "The request conflicted with another; please retry." },
  "40P01": { code: "RETRY", message: "The request conflicted with another; please retry." },
  "55P03": { code: "RETRY", message: "The record is busy; please retry." },
  "53300": { code: "UNAVAILABLE", message: "The service is busy; please retry shortly." },
  "57P01": { code: "UNAVAILABLE", message: "The database is restarting; please retry shortly." },
};

/** The typed form of a database error, or null when it is not one. */
export function classifyDatabaseError(error: unknown): { code: string; message: string; reason?: string } | null {
  const e = error as PgLikeError | null;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string") return null;
  const keeprCode = Object.hasOwn(keeprCodes, e.code) ? keeprCodes[e.code] : undefined;
  if (keeprCode) {
    return typeof e.hint === "string" ? { code: keeprCode, message: e.message, reason: e.hint } : { code: keeprCode, message: e.message };
  }
  // RLS refusing an INSERT/UPDATE raises 42501 too; both read as FORBIDDEN.
  return postgresCodes[e.code] ?? null;
}

/**
 * PostGraphile's delete mutations (deleteXByRowId, deleteXByKeys, deleteX by
 * node id) fail with this plain Error when the DELETE matched no row: the
 * row does not exist, RLS hides it, or its DELETE policy refuses this caller.
 * A null payload is not reachable without rewriting every payload field's
 * plan, so it is answered as a typed NTFND, like the booking functions'
 * "no such record, or you may not see it". (Updates of such rows answer a
 * payload whose record is null, PostGraphile's own behaviour.)
 */
const nothingDeleted = /^No values were deleted in collection /;
const nothingDeletedError = { code: "NTFND", message: "No such record, or you may not delete it." };

/** The code for an error about the request document itself (syntax, validation, variables). */
function requestErrorCode(message: string): string {
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
export function sendError(res: { status(code: number): { json(body: unknown): unknown } }, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
