// The tokens realtime accepts: the socket's `apikey` and a channel's
// `access_token`, verified by core/auth.ts as the API verifies them
// (sessions, booking tokens, and the public anonymous key web apps embed).
// Every verified token becomes a SubscriberIdentity; refusals carry the
// reference server's wording, which clients may match on.
import { AuthError, verifyToken, type Identity } from "../core/auth.ts";
import type { SubscriberIdentity } from "./types.ts";

export { anonKey } from "../core/auth.ts";

export class RealtimeTokenError extends Error {
  readonly code: "INVALID_TOKEN" | "TOKEN_EXPIRED";
  constructor(code: RealtimeTokenError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

export interface VerifiedToken {
  identity: SubscriberIdentity;
  /** When the token expires, in seconds since the epoch; null for the anonymous key. */
  expiresAt: number | null;
}

/** Verifies a Keepr token of any kind; throws RealtimeTokenError when it is forged, malformed or expired. */
export function verifyRealtimeToken(token: string, jwtSecret: string): VerifiedToken {
  try {
    const { identity, expiresAt } = verifyToken(token, jwtSecret);
    return { identity: { ...identity, key: identityKey(identity) }, expiresAt };
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.code === "TOKEN_EXPIRED") throw new RealtimeTokenError("TOKEN_EXPIRED", expiredMessage(error.expiredAt ?? 0));
    throw new RealtimeTokenError("INVALID_TOKEN", "The token is not a valid Keepr token");
  }
}

/** The message the reference server uses, so clients that match on it keep working. */
export function expiredMessage(expiresAt: number, now = Date.now()): string {
  return `Token has expired ${Math.max(0, Math.floor(now / 1000) - expiresAt)} seconds ago`;
}

/** Equal for tokens with equal role and claims, whatever their expiry. */
function identityKey(identity: Identity): string {
  switch (identity.kind) {
    case "user":
      return JSON.stringify([identity.role, identity.claims.sub, identity.claims.session_id]);
    case "booking":
      return JSON.stringify([identity.role, "reservation", identity.reservationId]);
    case "group":
      return JSON.stringify([identity.role, "booking_group", identity.bookingGroupId]);
    case "anonymous":
      return JSON.stringify([identity.role]);
  }
}
