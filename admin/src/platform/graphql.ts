// The console's only way to the API: POST /graphql over fetch, with the
// session token. Every failure becomes an ApiError (react-admin's HttpError)
// carrying the API's code (docs/error_codes.md), the request id and a message
// a member of staff can act on.
import { HttpError } from "react-admin";
import type { Document } from "./documents.ts";

export const graphqlEndpoint = "/graphql";

export interface ApiErrorBody {
  /** extensions.code from the API, or a client-side code (NETWORK, BAD_RESPONSE). */
  code: string;
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
  get code(): string {
    return this.body.code;
  }
}

/**
 * The status react-admin reacts to for each API code: 401 signs the user
 * out (authProvider.checkError), 403 and 404 keep them in; the rest only
 * colour the message.
 */
const statusByCode: Record<string, number> = {
  INVALID_TOKEN: 401, TOKEN_EXPIRED: 401, LOGIN: 401,
  CREDS: 400,
  FORBIDDEN: 403, DNIED: 403,
  NTFND: 404, NOT_FOUND: 404,
  FOLIO_UNSETTLED: 409, CASH_SHIFT_REQUIRED: 409,
  CONFLICT: 409, INVALID_TRANSITION: 409, IDEMPOTENCY_KEY_REUSED: 409, SOLD_OUT: 409, UNIT_UNAVAILABLE: 409,
  UNIT_NOT_READY: 409, HOLD_EXPIRED: 409, QUOTE_EXPIRED: 409, FOLIO_CLOSED: 409, REFERENCE: 409,
  LEGAL_DETAILS_MISSING: 409,
  PAYMENT_DUE: 409, NO_SHOW_TOO_EARLY: 409, NO_CARD_ON_FILE: 409,
  TOO_MANY_ATTEMPTS: 429,
  RETRY: 503, UNAVAILABLE: 503,
  TIMEOUT: 504,
  INTERNAL: 500, LEDGER_UNBALANCED: 500,
};

/** Codes that mean the console itself sent something the API does not accept: a bug or an outdated page. */
const clientFaultCodes = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX", "BAD_REQUEST"]);

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown; reason?: unknown };
}

/** The ApiError for the first error of a GraphQL response. */
export function apiErrorOf(errors: readonly WireError[], httpStatus: number, requestId: string | undefined): ApiError {
  const first = errors[0] ?? {};
  const code = typeof first.extensions?.code === "string" ? first.extensions.code : httpStatus === 401 ? "INVALID_TOKEN" : "INTERNAL";
  const reason = typeof first.extensions?.reason === "string" ? first.extensions.reason : undefined;
  const serverMessage = typeof first.message === "string" && first.message ? first.message : "The request failed.";
  const reference = requestId ? ` Reference: ${requestId}.` : "";
  let message = serverMessage;
  if (clientFaultCodes.has(code)) {
    message = `This page sent a request the API does not accept (${serverMessage}). Reload the console; if it happens again, report it.${reference}`;
  } else if (code === "INTERNAL" || code === "LEDGER_UNBALANCED") {
    message = `${serverMessage}${reference}`;
  }
  const status = statusByCode[code] ?? (httpStatus >= 400 ? httpStatus : 400);
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
