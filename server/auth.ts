// Verifies the bearer JWT of a request and turns it into the Postgres role
// and claims of the request. A missing token means anonymous; a bad, forged
// or expired token is refused with 401 and a typed error rather than being
// silently downgraded, so clients notice and sign in again.
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
  exp: z.number().int(),
});

export type Identity =
  | { kind: "anonymous"; role: "keepr_anonymous" }
  | { kind: "booking"; role: "keepr_anonymous"; reservationId: string }
  | { kind: "user"; role: Claims["role"]; claims: Claims };

export class AuthError extends Error {
  readonly code: "INVALID_TOKEN" | "TOKEN_EXPIRED";
  constructor(code: AuthError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

export function identify(authorization: string | undefined, secret: string): Identity {
  if (!authorization) return { kind: "anonymous", role: "keepr_anonymous" };
  const match = /^Bearer ([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)$/.exec(authorization.trim());
  if (!match) throw new AuthError("INVALID_TOKEN", "The Authorization header must be 'Bearer <token>'.");
  let payload: unknown;
  try {
    payload = jwt.verify(match[1]!, secret, {
      algorithms: ["HS256"],
      audience: tokenAudience,
      issuer: tokenIssuer,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new AuthError("TOKEN_EXPIRED", "Your session token has expired; sign in again.");
    }
    throw new AuthError("INVALID_TOKEN", "The session token is not valid; sign in again.");
  }
  const claims = claimsSchema.safeParse(payload);
  if (claims.success) return { kind: "user", role: claims.data.role, claims: claims.data };
  const booking = bookingClaimsSchema.safeParse(payload);
  if (booking.success) return { kind: "booking", role: "keepr_anonymous", reservationId: booking.data.reservation_id };
  throw new AuthError("INVALID_TOKEN", "The session token is not valid; sign in again.");
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
  }
  return settings;
}
