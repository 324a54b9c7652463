// GraphQL over HTTP as Keepr's clients speak it (docs/api.md): one request,
// its answer read into data or into an ApiFailure. A POST by default; a GET
// (cacheable: the server answers public queries with Cache-Control and an
// ETag, server/graphql-cache.ts) when asked and no token goes with it.
// Runs in browsers and in Node (fetch, Response and AbortSignal are global
// in both).
import { refusalOf, type ApiFailure } from "./api-error.ts";

export interface GraphQLCall<TVariables> {
  /** The endpoint, "/graphql" in the apps. */
  endpoint: string;
  /** The operation: its name and its text. */
  document: { readonly name: string; readonly source: string };
  variables: TVariables;
  /** The bearer token, if any. */
  token?: string | null;
  /** Send as GET (cacheable); ignored when a token goes with it. */
  asGet?: boolean;
  signal?: AbortSignal;
  /** The fetch to use (tests); the global one by default. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * Sends one GraphQL operation and returns its data. Every failure is thrown
 * as `fail(failure)`, in the caller's words; a request the caller aborted
 * (signal) rejects with the abort itself, which is not a failure.
 */
export async function callGraphQL<TData, TVariables>(call: GraphQLCall<TVariables>, fail: (failure: ApiFailure) => Error): Promise<TData> {
  const { document, variables, signal } = call;
  const token = call.token ?? null;
  const doFetch = call.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const headers: Record<string, string> = { accept: "application/graphql-response+json, application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    if (call.asGet === true && !token) {
      const params = new URLSearchParams({ query: document.source, operationName: document.name, variables: JSON.stringify(variables) });
      response = await doFetch(`${call.endpoint}?${params}`, { method: "GET", headers, signal });
    } else {
      headers["content-type"] = "application/json";
      response = await doFetch(call.endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify({ query: document.source, operationName: document.name, variables }),
        signal,
      });
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw fail({ kind: "network" });
  }
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const about = { status: response.status, ...(requestId ? { requestId } : {}) };
  let body: { data?: unknown; errors?: unknown };
  try {
    body = (await response.json()) as { data?: unknown; errors?: unknown };
  } catch (error) {
    if (signal?.aborted) throw error;
    throw fail({ kind: "unreadable", ...about });
  }
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    throw fail({ kind: "refused", ...about, ...refusalOf(body.errors, response.status) });
  }
  if (!response.ok || body.data === null || typeof body.data !== "object") {
    throw fail({ kind: "no-data", ...about });
  }
  return body.data as TData;
}
