// Verifies the bearer JWT of a request and turns it into the Postgres role
// and claims of the request. A missing token means anonymous; a bad, forged
// or expired token is refused with 401 and a typed error rather than being
// silently downgraded, so clients notice and sign in again.
import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";

export const tokenAudience = "keepr";
export const tokenIssuer = "keepr";

const apiRoles = ["keepr_guest", "keepr_staff"] as const;

const claimsSchema = z.object({
  role: z.enum(apiRoles),
  session_id: z.string().uuid(),
  sub: z.string().uuid(),
  exp: z.number().int(),
});
export type Claims = z.infer<typeof claimsSchema>;

/** A booking-scoped token (lookupBooking): anonymous, but may read and cancel one reservation. */
const bookingClaimsSchema = z.object({
  role: z.literal("keepr_anonymous"),
  reservation_id: z.string().uuid(),
  booking_group_id: z.null().optional(),
  exp: z.number().int(),
});

/** A group-scoped token (lookupBooking with a group code): anonymous, but may read and change one booking group's rooms. */
const groupClaimsSchema = z.object({
  role: z.literal("keepr_anonymous"),
  booking_group_id: z.string().uuid(),
  exp: z.number().int(),
});

export type Identity =
  | { kind: "anonymous"; role: "keepr_anonymous" }
  | { kind: "booking"; role: "keepr_anonymous"; reservationId: string }
  | { kind: "group"; role: "keepr_anonymous"; bookingGroupId: string }
  | { kind: "user"; role: Claims["role"]; claims: Claims };

export class AuthError extends Error {
  readonly code: "INVALID_TOKEN" | "TOKEN_EXPIRED";
  /** For TOKEN_EXPIRED: when it expired, in seconds since the epoch. */
  readonly expiredAt?: number;
  constructor(code: AuthError["code"], message: string, expiredAt?: number) {
    super(message);
    this.code = code;
    this.expiredAt = expiredAt;
  }
}

/**
 * The public anonymous key (role keepr_anonymous, no subject, no expiry)
 * that web apps embed, e.g. as realtime's `apikey`. Deterministic for a
 * secret.
 */
export function anonKey(secret: string): string {
  return jwt.sign({ role: "keepr_anonymous" }, secret, { algorithm: "HS256", audience: tokenAudience, issuer: tokenIssuer, noTimestamp: true });
}

/** The anonymous key's claims: no subject, no reservation and no group (a malformed booking token must not pass as one). */
const anonymousClaimsSchema = z.object({
  role: z.literal("keepr_anonymous"),
  reservation_id: z.undefined().optional(),
  booking_group_id: z.undefined().optional(),
  sub: z.undefined().optional(),
  exp: z.number().int().optional(),
});

/**
 * The secret as a key object, made once per secret: given the text itself,
 * jsonwebtoken first tries to read it as a public key, which throws, on
 * every verification (about half of a staff request's token check, measured
 * by a CPU profile: docs/benchmarks.md "Staff statements without planning
 * their policies' helpers").
 */
const secretKeys = new Map<string, KeyObject>();
function secretKeyOf(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, "utf8"))));
  return key;
}

/**
 * Verifies a token Keepr signed (a session, a booking token or the
 * anonymous key): its identity and when it expires (seconds since the
 * epoch; null for the anonymous key). Throws AuthError when it is forged,
 * malformed, claims a role it may not, or has expired.
 */
export function verifyToken(token: string, secret: string): { identity: Identity; expiresAt: number | null } {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secretKeyOf(secret), { algorithms: ["HS256"], audience: tokenAudience, issuer: tokenIssuer });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new AuthError("TOKEN_EXPIRED", "Your session token has expired; sign in again.", Math.floor(error.expiredAt.getTime() / 1000));
    }
    throw new AuthError("INVALID_TOKEN", "The session token is not valid; sign in again.");
  }
  const claims = claimsSchema.safeParse(payload);
  if (claims.success) return { identity: { kind: "user", role: claims.data.role, claims: claims.data }, expiresAt: claims.data.exp };
  const booking = bookingClaimsSchema.safeParse(payload);
  if (booking.success) {
    return { identity: { kind: "booking", role: "keepr_anonymous", reservationId: booking.data.reservation_id }, expiresAt: booking.data.exp };
  }
  const group = groupClaimsSchema.safeParse(payload);
  if (group.success) {
    return { identity: { kind: "group", role: "keepr_anonymous", bookingGroupId: group.data.booking_group_id }, expiresAt: group.data.exp };
  }
  const anonymous = anonymousClaimsSchema.safeParse(payload);
  if (anonymous.success) return { identity: { kind: "anonymous", role: "keepr_anonymous" }, expiresAt: anonymous.data.exp ?? null };
  throw new AuthError("INVALID_TOKEN", "The session token is not valid; sign in again.");
}

/** The identity of a request's Authorization header: anonymous without one, else its verified bearer token. */
export function identify(authorization: string | undefined, secret: string): Identity {
  if (!authorization) return { kind: "anonymous", role: "keepr_anonymous" };
  const match = /^Bearer ([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)$/.exec(authorization.trim());
  if (!match) throw new AuthError("INVALID_TOKEN", "The Authorization header must be 'Bearer <token>'.");
  return verifyToken(match[1]!, secret).identity;
}

/**
 * Whether a request with these settings (pgSettingsFor's) is nobody in
 * particular: keepr_anonymous with no claim of its own, which is a request
 * without a token or with the public anonymous key; not a booking token (it
 * reads one reservation) nor any signed-in session. What such a request
 * reads is the same for every visitor, so this one predicate decides the
 * three things that follow from that: the public HTTP cache
 * (server/graphql-cache.ts) and the search cache
 * (server/graphql-search-cache.ts) keep its answers, and its queries take
 * turns in the guest lane (server/admission.ts).
 */
export function isAnonymous(settings: Readonly<Record<string, string>>): boolean {
  return settings.role === "keepr_anonymous" && !Object.keys(settings).some((key) => key.startsWith("jwt.claims."));
}

/** Transaction-local settings for a request: the role to SET and the claims policies read. */
export function pgSettingsFor(identity: Identity, requestId: string): Record<string, string> {
  const settings: Record<string, string> = { role: identity.role, "keepr.request_id": requestId };
  if (identity.kind === "user") {
    settings["jwt.claims.session_id"] = identity.claims.session_id;
    settings["jwt.claims.sub"] = identity.claims.sub;
    settings["jwt.claims.role"] = identity.claims.role;
  } else if (identity.kind === "booking") {
    settings["jwt.claims.reservation_id"] = identity.reservationId;
  } else if (identity.kind === "group") {
    settings["jwt.claims.booking_group_id"] = identity.bookingGroupId;
  }
  return settings;
}
