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
  /**
   * The guest's language (en, pt, es), sent with a POST as Keepr-Language: a
   * reservation made by the request records it, and the guest is written to
   * in it (docs/api.md). Not sent with a GET, whose answer is shared.
   */
  language?: string | null;
  signal?: AbortSignal;
  /** The fetch to use (tests); the global one by default. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * Read-your-writes with read replicas (docs/scaling.md): the answer to a
 * mutation carries the commit's WAL position (X-Keepr-Commit-Lsn); this
 * client sends the highest it has seen with every later request
 * (X-Keepr-Min-Lsn), and the server reads those requests only from a
 * replica that has replayed it. Kept per page (module state): each tab, and
 * each Node process, is one client.
 */
let readAfter: { text: string; value: bigint } | null = null;

/** A WAL position ("16/B374D848") as a number, or null. */
function lsnValue(text: string | null): bigint | null {
  const match = text === null ? null : /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  return match ? (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`) : null;
}

/** Remembers the commit position an answer carries, if it is past the last one. */
function noteCommit(response: Response): void {
  const text = response.headers.get("x-keepr-commit-lsn");
  const value = lsnValue(text);
  if (value !== null && (readAfter === null || value > readAfter.value)) readAfter = { text: text!.trim(), value };
}

/** The position this client's reads must see (tests reset it with null). */
export function readAfterLsn(reset?: null): string | null {
  if (reset === null) readAfter = null;
  return readAfter?.text ?? null;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A W3C traceparent for a new trace: random trace id and span id (never all zeros), sampled. */
export function newTraceparent(): string {
  const ids = new Uint8Array(24);
  do crypto.getRandomValues(ids);
  while (ids.subarray(0, 16).every((b) => b === 0) || ids.subarray(16).every((b) => b === 0));
  return `00-${hex(ids.subarray(0, 16))}-${hex(ids.subarray(16))}-01`;
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
  // Each call starts a trace (W3C Trace Context): the server continues it
  // when tracing is on, and takes its trace id as the request id either way
  // (logs, audit rows, the id an error shows).
  const headers: Record<string, string> = { accept: "application/graphql-response+json, application/json", traceparent: newTraceparent() };
  if (token) headers.authorization = `Bearer ${token}`;
  if (readAfter) headers["x-keepr-min-lsn"] = readAfter.text;
  let response: Response;
  try {
    if (call.asGet === true && !token) {
      const params = new URLSearchParams({ query: document.source, operationName: document.name, variables: JSON.stringify(variables) });
      response = await doFetch(`${call.endpoint}?${params}`, { method: "GET", headers, signal });
    } else {
      headers["content-type"] = "application/json";
      if (call.language) headers["keepr-language"] = call.language;
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
  noteCommit(response);
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
