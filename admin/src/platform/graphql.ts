// The console's only way to the API: POST /graphql over fetch, with the
// session token. Every failure becomes an ApiError (react-admin's HttpError)
// carrying the API's code (docs/error_codes.md), the request id and a message
// a member of staff can act on.
import { HttpError } from "react-admin";
import { errorCodeSpec, type ErrorCode, type ErrorKind } from "../../../shared/error-codes.ts";
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

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown; reason?: unknown };
}

/** The ApiError for the first error of a GraphQL response. */
export function apiErrorOf(errors: readonly WireError[], httpStatus: number, requestId: string | undefined): ApiError {
  const first = errors[0] ?? {};
  // Typed by the registry; a code this build does not know (a newer server's) passes through as is.
  const code = typeof first.extensions?.code === "string" ? (first.extensions.code as ErrorCode) : httpStatus === 401 ? "INVALID_TOKEN" : "INTERNAL";
  const reason = typeof first.extensions?.reason === "string" ? first.extensions.reason : undefined;
  const serverMessage = typeof first.message === "string" && first.message ? first.message : "The request failed.";
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

export function createGraphQLClient(options: GraphQLClientOptions): GraphQLClient {
  const endpoint = options.endpoint ?? graphqlEndpoint;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return {
    async request<TData, TVariables>(document: Document<TData, TVariables>, variables: TVariables, requestOptions: { signal?: AbortSignal } = {}): Promise<TData> {
      const token = options.token();
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json, application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ query: document.source, operationName: document.name, variables }),
          signal: requestOptions.signal,
        });
      } catch (error) {
        if (requestOptions.signal?.aborted) throw error; // react-query cancelled it; not a failure
        throw new ApiError("Cannot reach the Keepr server. Check the connection, then try again.", 0, { code: "NETWORK" });
      }
      const requestId = response.headers.get("x-request-id") ?? undefined;
      let body: { data?: unknown; errors?: unknown };
      try {
        body = (await response.json()) as { data?: unknown; errors?: unknown };
      } catch (error) {
        if (requestOptions.signal?.aborted) throw error;
        throw new ApiError(`The Keepr server answered HTTP ${response.status} without a readable body. Try again in a moment.`, response.status || 502, {
          code: "BAD_RESPONSE",
          ...(requestId ? { requestId } : {}),
        });
      }
      if (Array.isArray(body.errors) && body.errors.length > 0) {
        throw apiErrorOf(body.errors as WireError[], response.status, requestId);
      }
      if (!response.ok || body.data === null || typeof body.data !== "object") {
        throw new ApiError(`The Keepr server answered HTTP ${response.status} without data.`, response.status >= 400 ? response.status : 502, {
          code: "BAD_RESPONSE",
          ...(requestId ? { requestId } : {}),
        });
      }
      return body.data as TData;
    },
  };
}
