// npm run bench -- tokens [--verifications 20000] [--rounds 4]
//
// What checking a request's bearer token costs Keepr's thread (issue 23):
// core/auth.ts verifyToken (the secret as a key object made once, the
// signature, audience, issuer and expiry, then the claims' shape) against
// jsonwebtoken's verify given the secret's text, as Keepr called it before
// session 42 (jsonwebtoken first tries to read the text as a public key,
// which throws, at every call). A staff member's token (a session), signed
// as PostGraphile signs it; alternating rounds, the mean time of a
// verification in each, and the ratio.
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import jwt from "jsonwebtoken";
import { tokenAudience, tokenIssuer, verifyToken } from "../../core/auth.ts";

const { values: args } = parseArgs({
  options: { verifications: { type: "string", default: "20000" }, rounds: { type: "string", default: "4" } },
  strict: true,
});
const n = Number(args.verifications);
const rounds = Number(args.rounds);
const secret = randomBytes(32).toString("base64url");
const token = jwt.sign(
  { role: "keepr_staff", session_id: randomUUID(), sub: randomUUID(), exp: Math.floor(Date.now() / 1000) + 3600 },
  secret,
  { algorithm: "HS256", audience: tokenAudience, issuer: tokenIssuer },
);

const time = (verify: () => unknown) => {
  const started = performance.now();
  for (let i = 0; i < n; i++) verify();
  return ((performance.now() - started) / n) * 1000;
};
const text = () => jwt.verify(token, secret, { algorithms: ["HS256"], audience: tokenAudience, issuer: tokenIssuer });
const keepr = () => verifyToken(token, secret);
time(text); // warm-up, not counted
time(keepr);
let before = 0;
let after = 0;
for (let round = 1; round <= rounds; round++) {
  // The order turns every round.
  let a: number;
  let b: number;
  if (round % 2) {
    a = time(text);
    b = time(keepr);
  } else {
    b = time(keepr);
    a = time(text);
  }
  before += a;
  after += b;
  console.log(`round ${round}: jsonwebtoken given the secret's text ${a.toFixed(1)} µs, verifyToken ${b.toFixed(1)} µs a verification`);
}
console.log(`${n} verifications a round, ${rounds} rounds: ${(before / rounds).toFixed(1)} → ${(after / rounds).toFixed(1)} µs a token (${(before / after).toFixed(2)}× less)`);
