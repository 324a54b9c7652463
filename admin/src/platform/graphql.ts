// The console's only way to the API: POST /graphql with the session token
// (shared/graphql-http.ts sends it and reads the answer). Every failure becomes an ApiError (react-admin's HttpError)
// carrying the API's code (docs/error_codes.md), the request id and a message
// a member of staff can act on.
import { HttpError } from "react-admin";
import type { ApiFailure, RefusalOf } from "../../../shared/api-error.ts";
import { errorCodeSpec, type ErrorCode, type ErrorKind } from "../../../shared/error-codes.ts";
import { callGraphQL } from "../../../shared/graphql-http.ts";
import type { Document } from "./documents.ts";

export const graphqlEndpoint = "/graphql";

/** A code of the registry, or the card form's `CARD_<provider's code>` (see CARD_REFUSED there). */
export type ConsoleErrorCode = ErrorCode | `CARD_${string}`;

export interface ApiErrorBody {
  /** extensions.code from the API, or a client-side code (NETWORK, BAD_RESPONSE, shared/error-codes.ts). */
  code: ConsoleErrorCode;
  /** extensions.reason, when the API gives one (RESTRICTED, INVALID_TRANSITION). */
  reason?: string;
  /** The x-request-id of the failed request: what the server logged it under. */
  requestId?: string;
}

/** An API failure, as react-admin expects it: message, HTTP-like status, body with the code. */
export class ApiError extends HttpError {
  declare body: ApiErrorBody;
  constructor(message: string, status: number, body: ApiErrorBody) {
    super(message, status, body);
    // HttpError's constructor pins its own prototype, which would make
    // `instanceof ApiError` false and drop `code`: restore the subclass.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "ApiError";
  }
  get code(): ConsoleErrorCode {
    return this.body.code;
  }
}

/**
 * The status react-admin reacts to for each kind of error (shared/error-codes.ts):
 * 401 signs the user out (authProvider.checkError), 403 and 404 keep them in;
 * the rest only colour the message. null (and a code this build does not
 * know): the HTTP status as answered, else 400. The console shows the API's message for every code (written for
 * people), except for the kinds handled below.
 */
const statusOfKind: Record<ErrorKind, number | null> = {
  input: 400,
  request: null,
  auth: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  throttled: 429,
  transient: 503,
  timeout: 504,
  internal: 500,
};

/** The ApiError for the API's refusal (its first error, as shared/api-error.ts reads it). */
export function apiErrorOf(refusal: RefusalOf, httpStatus: number, requestId: string | undefined): ApiError {
  const { code, reason, message: serverMessage } = refusal;
  const reference = requestId ? ` Reference: ${requestId}.` : "";
  const kind = errorCodeSpec(code)?.kind;
  let message = serverMessage;
  if (kind === "request") {
    // The console itself sent something the API does not accept: a bug or an outdated page.
    message = `This page sent a request the API does not accept (${serverMessage}). Reload the console; if it happens again, report it.${reference}`;
  } else if (kind === "internal") {
    message = `${serverMessage}${reference}`;
  }
  const status = (kind && statusOfKind[kind]) ?? (httpStatus >= 400 ? httpStatus : 400);
  return new ApiError(message, status, { code, ...(reason ? { reason } : {}), ...(requestId ? { requestId } : {}) });
}

export interface GraphQLClientOptions {
  endpoint?: string;
  /** The current session token, or null when signed out. */
  token: () => string | null;
  fetch?: typeof fetch;
}

export interface GraphQLClient {
  request<TData, TVariables>(document: Document<TData, TVariables>, variables: TVariables, options?: { signal?: AbortSignal }): Promise<TData>;
}

/** The console's words for a failed exchange (shared/graphql-http.ts reads the answer). */
function consoleError(failure: ApiFailure): ApiError {
  switch (failure.kind) {
    case "network":
      return new ApiError("Cannot reach the Keepr server. Check the connection, then try again.", 0, { code: "NETWORK" });
    case "unreadable":
      return new ApiError(`The Keepr server answered HTTP ${failure.status} without a readable body. Try again in a moment.`, failure.status || 502, {
        code: "BAD_RESPONSE",
        ...(failure.requestId ? { requestId: failure.requestId } : {}),
      });
    case "no-data":
      return new ApiError(`The Keepr server answered HTTP ${failure.status} without data.`, failure.status >= 400 ? failure.status : 502, {
        code: "BAD_RESPONSE",
        ...(failure.requestId ? { requestId: failure.requestId } : {}),
      });
    case "refused":
      return apiErrorOf(failure, failure.status, failure.requestId);
  }
}

export function createGraphQLClient(options: GraphQLClientOptions): GraphQLClient {
  const endpoint = options.endpoint ?? graphqlEndpoint;
  return {
    request(document, variables, requestOptions = {}) {
      // react-query cancelling a request (signal) rejects with the abort: not a failure.
      return callGraphQL({ endpoint, document, variables, token: options.token(), signal: requestOptions.signal, fetch: options.fetch }, consoleError);
    },
  };
}
