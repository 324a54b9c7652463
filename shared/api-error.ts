// What a failed call to Keepr's API is, in every client (the guest app, the
// staff console, scripts and tests under Node): the API's code
// (docs/error_codes.md) or a client-side one (NETWORK, BAD_RESPONSE), the
// reason the API gave, and the request id the server logged it under. Each
// app words a failure for its own users; what the failure is, is decided
// here once.

import type { ErrorCode } from "./error-codes.ts";

/** A failed API call: its code, its message, and what the server said about it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly reason?: string;
  readonly requestId?: string;
  constructor(code: ErrorCode, message: string, options: { reason?: string; requestId?: string } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = options.reason;
    this.requestId = options.requestId;
  }
}

/** How one exchange with the API went wrong, before an app words it for its users. */
export type ApiFailure =
  /** Nothing arrived: the server could not be reached (or the connection broke). */
  | { kind: "network" }
  /** An answer arrived whose body is not JSON. */
  | { kind: "unreadable"; status: number; requestId?: string }
  /** A JSON answer without the data asked for, and without errors. */
  | { kind: "no-data"; status: number; requestId?: string }
  /** The API refused: the first of its errors. */
  | ({ kind: "refused"; status: number; requestId?: string } & RefusalOf);

/** The code, reason and message of an API error as clients read them. */
export interface RefusalOf {
  /**
   * extensions.code; when absent, INVALID_TOKEN for HTTP 401, else INTERNAL.
   * Typed by the registry; a code this build does not know (a newer
   * server's) passes through as is and reads as the API's message.
   */
  code: ErrorCode;
  /** extensions.reason, when the API gives one (RESTRICTED, INVALID_TRANSITION). */
  reason?: string;
  /** The server's message ("The request failed." when it gave none). */
  message: string;
}

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown; reason?: unknown };
}

/** The first error of an `errors` array (GraphQL's, or one of Keepr's HTTP endpoints') as a refusal. */
export function refusalOf(errors: readonly unknown[], httpStatus: number): RefusalOf {
  const first = (errors[0] ?? {}) as WireError;
  const code = typeof first.extensions?.code === "string" ? (first.extensions.code as ErrorCode) : httpStatus === 401 ? "INVALID_TOKEN" : "INTERNAL";
  const reason = typeof first.extensions?.reason === "string" ? first.extensions.reason : undefined;
  const message = typeof first.message === "string" && first.message ? first.message : "The request failed.";
  return { code, ...(reason ? { reason } : {}), message };
}
