// The tokens realtime accepts: the socket's `apikey` and a channel's
// `access_token`. Same rules as server/auth.ts (HS256, audience and issuer
// "keepr", the same claims for staff, guest and booking tokens) plus the
// public anonymous key that web apps embed, which carries no claims and
// never expires. Every verified token becomes a SubscriberIdentity.
import jwt from "jsonwebtoken";
import { z } from "zod";
import { tokenAudience, tokenIssuer, type Identity } from "../server/auth.ts";
import type { SubscriberIdentity } from "./types.ts";

const userClaimsSchema = z.object({
  role: z.enum(["keepr_guest", "keepr_staff"]),
  session_id: z.string().uuid(),
  sub: z.string().uuid(),
  exp: z.number().int(),
});

const bookingClaimsSchema = z.object({
  role: z.literal("keepr_anonymous"),
  reservation_id: z.string().uuid(),
  exp: z.number().int(),
});

/** The anonymous key: no subject, no reservation (a malformed booking token must not pass as one). */
const anonymousClaimsSchema = z.object({
  role: z.literal("keepr_anonymous"),
  reservation_id: z.undefined().optional(),
  sub: z.undefined().optional(),
  exp: z.number().int().optional(),
});

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

/** Signs the public anonymous key (role keepr_anonymous, no expiry). Deterministic for a secret. */
export function anonKey(jwtSecret: string): string {
  return jwt.sign({ role: "keepr_anonymous" }, jwtSecret, {
    algorithm: "HS256",
    audience: tokenAudience,
    issuer: tokenIssuer,
    noTimestamp: true,
  });
}

/** Verifies a Keepr token of any kind; throws RealtimeTokenError when it is forged, malformed or expired. */
export function verifyRealtimeToken(token: string, jwtSecret: string): VerifiedToken {
  const payload = verifySignature(token, jwtSecret);
  const user = userClaimsSchema.safeParse(payload);
  if (user.success) {
    return withKey({ kind: "user", role: user.data.role, claims: user.data }, user.data.exp);
  }
  const booking = bookingClaimsSchema.safeParse(payload);
  if (booking.success) {
    return withKey({ kind: "booking", role: "keepr_anonymous", reservationId: booking.data.reservation_id }, booking.data.exp);
  }
  const anonymous = anonymousClaimsSchema.safeParse(payload);
  if (anonymous.success) {
    return withKey({ kind: "anonymous", role: "keepr_anonymous" }, anonymous.data.exp ?? null);
  }
  throw new RealtimeTokenError("INVALID_TOKEN", "The token does not carry the claims of a Keepr token");
}

/** The message the reference server uses, so clients that match on it keep working. */
export function expiredMessage(expiresAt: number, now = Date.now()): string {
  return `Token has expired ${Math.max(0, Math.floor(now / 1000) - expiresAt)} seconds ago`;
}

function verifySignature(token: string, jwtSecret: string): unknown {
  try {
    return jwt.verify(token, jwtSecret, { algorithms: ["HS256"], audience: tokenAudience, issuer: tokenIssuer });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new RealtimeTokenError("TOKEN_EXPIRED", expiredMessage(Math.floor(error.expiredAt.getTime() / 1000)));
    }
    throw new RealtimeTokenError("INVALID_TOKEN", "The token is not a valid Keepr token");
  }
}

function withKey(identity: Identity, expiresAt: number | null): VerifiedToken {
  return { identity: { ...identity, key: identityKey(identity) }, expiresAt };
}

/** Equal for tokens with equal role and claims, whatever their expiry. */
function identityKey(identity: Identity): string {
  switch (identity.kind) {
    case "user":
      return JSON.stringify([identity.role, identity.claims.sub, identity.claims.session_id]);
    case "booking":
      return JSON.stringify([identity.role, "reservation", identity.reservationId]);
    case "anonymous":
      return JSON.stringify([identity.role]);
  }
}
