// The app's only way to Keepr: GraphQL over fetch. Public queries (search,
// destinations, room details) go as GET /graphql?query=…, which the server
// answers with Cache-Control and an ETag (server/graphql-cache.ts), so the
// browser and any cache in front of Keepr reuse them; everything else is a
// POST. Every failure becomes an ApiError carrying the API's code
// (docs/error_codes.md), its reason and the request id.

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

export class ApiError extends Error {
  readonly code: string;
  readonly reason?: string;
  readonly requestId?: string;
  constructor(code: string, message: string, options: { reason?: string; requestId?: string } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = options.reason;
    this.requestId = options.requestId;
  }
}

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown; reason?: unknown };
}

export async function request<TData, TVariables>(
  document: Document<TData, TVariables>,
  variables: TVariables,
  options: { token?: string | null; signal?: AbortSignal } = {},
): Promise<TData> {
  const token = options.token ?? null;
  const asGet = document.cacheable === true && !token;
  const headers: Record<string, string> = { accept: "application/graphql-response+json, application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    if (asGet) {
      const params = new URLSearchParams({ query: document.source, operationName: document.name, variables: JSON.stringify(variables) });
      response = await fetch(`/graphql?${params}`, { method: "GET", headers, signal: options.signal });
    } else {
      headers["content-type"] = "application/json";
      response = await fetch("/graphql", {
        method: "POST",
        headers,
        body: JSON.stringify({ query: document.source, operationName: document.name, variables }),
        signal: options.signal,
      });
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError("NETWORK", "Cannot reach the server.");
  }
  const requestId = response.headers.get("x-request-id") ?? undefined;
  let body: { data?: unknown; errors?: unknown };
  try {
    body = (await response.json()) as { data?: unknown; errors?: unknown };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError("BAD_RESPONSE", `The server answered HTTP ${response.status} without a readable body.`, { requestId });
  }
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const first = (body.errors[0] ?? {}) as WireError;
    const code = typeof first.extensions?.code === "string" ? first.extensions.code : response.status === 401 ? "INVALID_TOKEN" : "INTERNAL";
    const reason = typeof first.extensions?.reason === "string" ? first.extensions.reason : undefined;
    const message = typeof first.message === "string" && first.message ? first.message : "The request failed.";
    throw new ApiError(code, message, { reason, requestId });
  }
  if (!response.ok || body.data === null || typeof body.data !== "object") {
    throw new ApiError("BAD_RESPONSE", `The server answered HTTP ${response.status} without data.`, { requestId });
  }
  return body.data as TData;
}

/** Whether an error is worth retrying as is (the request may not have arrived, or the server was busy). */
export const isTransient = (error: unknown) =>
  error instanceof ApiError && ["NETWORK", "BAD_RESPONSE", "RETRY", "UNAVAILABLE", "TIMEOUT"].includes(error.code);
