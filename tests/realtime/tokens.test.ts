// The tokens realtime accepts and the identities they become.
import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { anonKey, RealtimeTokenError, verifyRealtimeToken } from "../../realtime/tokens.ts";

const secret = "a-test-secret-of-at-least-thirty-two-characters";
const sign = (claims: Record<string, unknown>, options: jwt.SignOptions = {}) =>
  jwt.sign(claims, secret, { algorithm: "HS256", audience: "keepr", issuer: "keepr", ...options });

function refusal(token: string): RealtimeTokenError {
  try {
    verifyRealtimeToken(token, secret);
  } catch (error) {
    if (error instanceof RealtimeTokenError) return error;
    throw error;
  }
  throw new Error("the token was accepted");
}

it("the anon key is stable, never expires and stands for the anonymous identity", () => {
  expect(anonKey(secret)).toBe(anonKey(secret));
  expect(verifyRealtimeToken(anonKey(secret), secret)).toEqual({
    identity: { kind: "anonymous", role: "keepr_anonymous", key: '["keepr_anonymous"]' },
    expiresAt: null,
  });
});

it("a session token becomes a user identity whose key ignores the expiry", () => {
  const claims = { role: "keepr_staff", sub: randomUUID(), session_id: randomUUID() };
  const early = verifyRealtimeToken(sign(claims, { expiresIn: 60 }), secret);
  const late = verifyRealtimeToken(sign(claims, { expiresIn: 600 }), secret);
  expect(early.identity).toMatchObject({ kind: "user", role: "keepr_staff", claims: { sub: claims.sub, session_id: claims.session_id } });
  expect(late.expiresAt! - early.expiresAt!).toBeGreaterThanOrEqual(539);
  expect(late.identity.key).toBe(early.identity.key);
  const otherSession = verifyRealtimeToken(sign({ ...claims, session_id: randomUUID() }, { expiresIn: 60 }), secret);
  expect(otherSession.identity.key).not.toBe(early.identity.key);
});

it("a booking token becomes a booking identity", () => {
  const reservationId = randomUUID();
  const { identity } = verifyRealtimeToken(sign({ role: "keepr_anonymous", reservation_id: reservationId }, { expiresIn: 60 }), secret);
  expect(identity).toEqual({ kind: "booking", role: "keepr_anonymous", reservationId, key: expect.stringContaining(reservationId) });
});

it.each([
  ["another secret", jwt.sign({ role: "keepr_anonymous" }, "another-secret-of-at-least-thirty-two-chars", { audience: "keepr", issuer: "keepr" })],
  ["another audience", sign({ role: "keepr_anonymous" }, { audience: "elsewhere" })],
  ["a role Keepr does not sign", sign({ role: "postgres" })],
  ["a booking token with a malformed reservation", sign({ role: "keepr_anonymous", reservation_id: "42" }, { expiresIn: 60 })],
  ["a session token without its session", sign({ role: "keepr_guest", sub: randomUUID() }, { expiresIn: 60 })],
  ["no JWT at all", "not-a-token"],
])("%s is refused as INVALID_TOKEN", (_case, token) => {
  expect(refusal(token).code).toBe("INVALID_TOKEN");
});

it("an expired token is refused as TOKEN_EXPIRED with the reference server's message", () => {
  const error = refusal(sign({ role: "keepr_guest", sub: randomUUID(), session_id: randomUUID() }, { expiresIn: -30 }));
  expect(error.code).toBe("TOKEN_EXPIRED");
  expect(error.message).toMatch(/^Token has expired 3\d seconds ago$/);
});
