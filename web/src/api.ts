// The app's only way to Keepr: GraphQL over fetch. Public queries (search,
// destinations, room details) go as GET /graphql?query=…, which the server
// answers with Cache-Control and an ETag (server/graphql-cache.ts), so the
// browser and any cache in front of Keepr reuse them; everything else is a
// POST (shared/graphql-http.ts). Every failure becomes an ApiError
// (shared/api-error.ts) carrying the API's code (docs/error_codes.md), its
// reason and the request id.
import { ApiError, type ApiFailure } from "../../shared/api-error.ts";
import { callGraphQL } from "../../shared/graphql-http.ts";

export interface Document<TData, TVariables> {
  name: string;
  source: string;
  /** Sent as GET (cacheable): only for public queries, never with a token. */
  cacheable?: boolean;
  /** Phantom fields: the types of the answer and of the variables. */
  readonly __types?: (variables: TVariables) => TData;
}

export function query<TData, TVariables>(name: string, source: string, options: { cacheable?: boolean } = {}): Document<TData, TVariables> {
  // One line: shorter GET URLs, and the same text (so the same cache entry) every time.
  return { name, source: source.replace(/\s+/g, " ").trim(), ...options };
}

/** The guest app's words for a failure that is not the API's own refusal. */
function failureError(failure: ApiFailure): ApiError {
  switch (failure.kind) {
    case "network":
      return new ApiError("NETWORK", "Cannot reach the server.");
    case "unreadable":
      return new ApiError("BAD_RESPONSE", `The server answered HTTP ${failure.status} without a readable body.`, { requestId: failure.requestId });
    case "no-data":
      return new ApiError("BAD_RESPONSE", `The server answered HTTP ${failure.status} without data.`, { requestId: failure.requestId });
    case "refused":
      return new ApiError(failure.code, failure.message, { reason: failure.reason, requestId: failure.requestId });
  }
}

// The language the guest reads the app in (i18n.tsx keeps it), sent with
// every POST: a hold made by the request records it as the reservation's
// language, which its emails are written in.
let requestLanguage: string | null = null;
export const setRequestLanguage = (language: string) => {
  requestLanguage = language;
};
/** The guest's language now (for a document that reads names in it). */
export const requestLanguageNow = () => requestLanguage;

export function request<TData, TVariables>(
  document: Document<TData, TVariables>,
  variables: TVariables,
  options: { token?: string | null; signal?: AbortSignal } = {},
): Promise<TData> {
  return callGraphQL<TData, TVariables>(
    { endpoint: "/graphql", document, variables, token: options.token, asGet: document.cacheable === true, signal: options.signal, language: requestLanguage },
    failureError,
  );
}

/** Whether an error is worth retrying as is (the request may not have arrived, the server was busy, or a booking waited too long for a lock: BUSY). */
export const isTransient = (error: unknown) =>
  error instanceof ApiError && ["NETWORK", "BAD_RESPONSE", "RETRY", "BUSY", "UNAVAILABLE", "TIMEOUT"].includes(error.code);

/**
 * Sends a keyed booking request again as it is (at most twice more) when the
 * answer was lost or the server was busy: with the same idempotency key, a
 * request that did arrive replays its first answer, so nothing happens twice.
 */
export async function withRetries<T>(send: () => Promise<T>, times = 2): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (isTransient(error) && attempt < times) continue;
      throw error;
    }
  }
}
