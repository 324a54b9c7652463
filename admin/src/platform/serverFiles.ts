// Documents Keepr serves outside GraphQL (an invoice's HTML or PDF), fetched
// with the user's token so the server reads them with the user's rights.
import type { ErrorCode } from "../../../shared/error-codes.ts";
import { ApiError, type ConsoleErrorCode } from "./graphql.ts";
import type { RequestOptions } from "./results.ts";
import { getToken } from "./session.ts";

/** The error a non-GraphQL endpoint of Keepr answered with ({errors: [{message, extensions: {code}}]}), as an ApiError. */
async function httpError(response: Response, fallback: string): Promise<ApiError> {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  let message = fallback;
  let code: ConsoleErrorCode = response.status === 404 ? "NOT_FOUND" : response.status === 401 ? "INVALID_TOKEN" : "BAD_RESPONSE";
  try {
    const body = (await response.json()) as { errors?: Array<{ message?: string; extensions?: { code?: string } }> };
    const first = body.errors?.[0];
    if (first?.message) message = first.message;
    if (first?.extensions?.code) code = first.extensions.code as ErrorCode; // an unknown one passes through as is
  } catch {
    // not JSON: keep the fallback
  }
  return new ApiError(message, response.status || 502, { code, ...(requestId ? { requestId } : {}) });
}

/** GET path as the signed-in user; a refusal becomes an ApiError with the server's message, else `fallback`. */
export async function fetchServerFile(path: string, accept: string, fallback: string, options: RequestOptions = {}): Promise<Response> {
  const token = getToken();
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError("Cannot reach the Keepr server. Check the connection, then try again.", 0, { code: "NETWORK" });
  }
  if (!response.ok) throw await httpError(response, fallback);
  return response;
}
