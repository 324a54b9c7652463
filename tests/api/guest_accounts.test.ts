// Guest accounts over real HTTP (issue 22, docs/security.md#guest-accounts):
// sign in by the emailed link (read from the dev outbox), book while signed
// in (the booking is the account's), attach a booking made without it, open
// one in Manage with a booking token; the link is single-use; the throttle
// counts sign-in requests and attach attempts per email, code and address;
// a staff token gets nothing of the guest functions and a guest account's
// token nothing of staff's; logout ends the session.
import { readdirSync } from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { readableEmail, signInLinkOf } from "../helpers/mail.ts";
import { startTestServer, type GraphQLResponse, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let hotel: Hotel;
let outbox: string;
let address = 0;
/** Each test speaks from its own client address (the server trusts X-Forwarded-For from loopback). */
const nextAddress = () => `198.51.100.${++address}`;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db, { TRUST_PROXY: "loopback" });
  hotel = await createHotel(db.ownerPool);
  outbox = newOutbox();
}, 120_000);
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

type Answer = GraphQLResponse & { code: string | undefined };
async function gql(document: string, variables: Record<string, unknown> = {}, options: { token?: string; from?: string } = {}): Promise<Answer> {
  const res = await server.graphql(document, variables, { token: options.token, headers: { "x-forwarded-for": options.from ?? "198.51.100.250" } });
  return { ...res, code: res.body.errors?.[0]?.extensions?.code };
}

const requestDoc = "mutation($e: String!) { requestGuestSignIn(input: {email: $e, language: \"en\"}) { result } }";
const completeDoc = "mutation($t: String!) { completeGuestSignIn(input: {token: $t}) { result } }";
const attachDoc = "mutation($c: String!, $e: String!) { attachBooking(input: {confirmationCode: $c, email: $e}) { result { rowId } } }";
const myBookingsDoc = "{ myBookings { nodes { rowId confirmationCode } } }";
const accountDoc = "{ currentGuestAccount { email fullName } }";

/** The newest sign-in link mailed to this address (the worker's job run as npm start would). */
async function mailedLink(email: string): Promise<string> {
  await runDueJobs(db, { OUTBOX_DIR: outbox, PUBLIC_URL: server.url });
  const files = readdirSync(outbox).filter((f) => f.startsWith("guest-sign-in-") && f.endsWith(".eml"));
  const links = files.map((f) => readableEmail(path.join(outbox, f))).filter((text) => text.includes(`To: ${email}`)).map(signInLinkOf);
  expect(links.length).toBeGreaterThan(0);
  return links[links.length - 1]!;
}
const secretOf = (link: string) => link.split("#token=")[1]!;

async function signIn(email: string): Promise<string> {
  const from = nextAddress();
  expect((await gql(requestDoc, { e: email }, { from })).body.data).toEqual({ requestGuestSignIn: { result: true } });
  const done = await gql(completeDoc, { t: secretOf(await mailedLink(email)) }, { from });
  expect(done.code).toBeUndefined();
  return done.body.data!.completeGuestSignIn.result as string;
}

/** quote → hold → confirm over the API, with the token given (or none). */
async function bookOverApi(token: string | undefined, offset: number, email: string): Promise<{ id: string; code: string }> {
  const arrival = localDate(hotel.timeZone, offset);
  const quoted = await gql(
    "query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 2, children: 0) { quoteToken } }",
    { p: hotel.ratePlanId, a: arrival, d: addDays(arrival, 1) },
  );
  const held = await gql(
    "mutation($q: String!, $k: String!) { createHold(input: {quoteToken: $q, idempotencyKey: $k}) { result { reservationId holdToken } } }",
    { q: quoted.body.data!.quote.quoteToken, k: newKey() },
    { token },
  );
  expect(held.code).toBeUndefined();
  const hold = held.body.data!.createHold.result;
  const confirmed = await gql(
    `mutation($r: UUID!, $k: String!, $e: String!, $h: String) {
      confirmBooking(input: {reservationId: $r, idempotencyKey: $k, fullName: "Ada Lovelace", email: $e, holdToken: $h}) { result { reservationId confirmationCode } }
    }`,
    { r: hold.reservationId, k: newKey(), e: email, h: hold.holdToken },
  );
  expect(confirmed.code).toBeUndefined();
  const result = confirmed.body.data!.confirmBooking.result;
  return { id: result.reservationId, code: result.confirmationCode };
}

it("signs in by the emailed link, once; books as the account; attaches an earlier booking; opens it in Manage; logout ends it", async () => {
  const anonymousBooking = await bookOverApi(undefined, 20, "ada.api@example.com");
  const token = await signIn("Ada.API@example.com");
  const claims = jwt.decode(token) as Record<string, unknown>;
  expect(claims.role).toBe("keepr_guest");
  expect((await gql(accountDoc, {}, { token })).body.data).toEqual({ currentGuestAccount: { email: "Ada.API@example.com", fullName: null } });

  const signedInBooking = await bookOverApi(token, 22, "ada.api@example.com");
  expect((await gql(myBookingsDoc, {}, { token })).body.data!.myBookings.nodes).toEqual([{ rowId: signedInBooking.id, confirmationCode: signedInBooking.code }]);

  const wrong = await gql(attachDoc, { c: anonymousBooking.code, e: "eve@example.com" }, { token, from: nextAddress() });
  expect(wrong.code).toBe("NOT_FOUND");
  const attached = await gql(attachDoc, { c: anonymousBooking.code, e: "ADA.api@example.com" }, { token, from: nextAddress() });
  expect(attached.body.data).toEqual({ attachBooking: { result: { rowId: anonymousBooking.id } } });
  const mine = (await gql(myBookingsDoc, {}, { token })).body.data!.myBookings.nodes as Array<{ rowId: string }>;
  expect(mine.map((b) => b.rowId).sort()).toEqual([anonymousBooking.id, signedInBooking.id].sort());

  // Manage: a booking token for it reads it through currentBooking.
  const manage = await gql("query($r: UUID!) { guestBookingToken(reservationId: $r) }", { r: anonymousBooking.id }, { token });
  const bookingToken = manage.body.data!.guestBookingToken as string;
  expect(jwt.decode(bookingToken)).toMatchObject({ role: "keepr_anonymous", reservation_id: anonymousBooking.id });
  expect((await gql("{ currentBooking { confirmationCode } }", {}, { token: bookingToken })).body.data).toEqual({ currentBooking: { confirmationCode: anonymousBooking.code } });

  expect((await gql("mutation { logout(input: {}) { result } }", {}, { token })).body.data).toEqual({ logout: { result: true } });
  expect((await gql(accountDoc, {}, { token })).body.data).toEqual({ currentGuestAccount: null });
  expect((await gql(myBookingsDoc, {}, { token })).body.data!.myBookings.nodes).toEqual([]);
});

it("a replayed, forged or made-up link is refused with SIGN_IN_LINK_INVALID; a forged guest JWT with INVALID_TOKEN", async () => {
  const from = nextAddress();
  await gql(requestDoc, { e: "replay@example.com" }, { from });
  const secret = secretOf(await mailedLink("replay@example.com"));
  expect((await gql(completeDoc, { t: secret }, { from })).code).toBeUndefined();
  expect((await gql(completeDoc, { t: secret }, { from })).code).toBe("SIGN_IN_LINK_INVALID");
  expect((await gql(completeDoc, { t: `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}` }, { from })).code).toBe("SIGN_IN_LINK_INVALID");
  const forged = jwt.sign({ role: "keepr_guest", session_id: newKey(), sub: newKey() }, "not-the-secret", { audience: "keepr", issuer: "keepr", expiresIn: 3600 });
  expect((await gql(accountDoc, {}, { token: forged })).code).toBe("INVALID_TOKEN");
});

it("asking for links is throttled per email (5 in 15 minutes) and per client address; unknown and known emails answer alike", async () => {
  const from = nextAddress();
  const answers: Answer[] = [];
  for (let i = 0; i < 7; i++) answers.push(await gql(requestDoc, { e: "throttled@example.com" }, { from: nextAddress() }));
  expect(answers.slice(0, 5).map((a) => a.body.data)).toEqual(Array(5).fill({ requestGuestSignIn: { result: true } }));
  expect(answers.slice(5).map((a) => [a.status, a.code])).toEqual([[429, "TOO_MANY_ATTEMPTS"], [429, "TOO_MANY_ATTEMPTS"]]);
  const perAddress: Answer[] = [];
  for (let i = 0; i < 31; i++) perAddress.push(await gql(requestDoc, { e: `someone-${i}@example.com` }, { from }));
  expect(perAddress.filter((a) => a.code === "TOO_MANY_ATTEMPTS")).toHaveLength(1);
  expect(new Set(perAddress.slice(0, 30).map((a) => JSON.stringify(a.body)))).toEqual(new Set([JSON.stringify({ data: { requestGuestSignIn: { result: true } } })]));
});

it("attaching is throttled per confirmation code, whatever the emails", async () => {
  const token = await signIn("guesser@example.com");
  const answers: Answer[] = [];
  for (let i = 0; i < 11; i++) answers.push(await gql(attachDoc, { c: "KPRNOPE1", e: `guess-${i}@example.com` }, { token, from: nextAddress() }));
  expect(answers.slice(0, 10).map((a) => a.code)).toEqual(Array(10).fill("NOT_FOUND"));
  expect(answers[10]!.code).toBe("TOO_MANY_ATTEMPTS");
});

it("a staff token gets nothing of the guest functions, and a guest account's token nothing of staff's", async () => {
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt('correct-horse-battery', gen_salt('bf', 4)))", [hotel.frontDesk]);
  const email = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [hotel.frontDesk])).rows[0]!.email;
  const login = await gql("mutation($e: String!) { login(input: {email: $e, password: \"correct-horse-battery\"}) { result } }", { e: email }, { from: nextAddress() });
  const staffToken = login.body.data!.login.result as string;
  expect(jwt.decode(staffToken)).toMatchObject({ role: "keepr_staff" });
  expect((await gql(accountDoc, {}, { token: staffToken })).body.data).toEqual({ currentGuestAccount: null });
  expect((await gql(myBookingsDoc, {}, { token: staffToken })).body.data!.myBookings.nodes).toEqual([]);
  expect((await gql(attachDoc, { c: "KPRNOPE2", e: "a@example.com" }, { token: staffToken, from: nextAddress() })).code).toBe("LOGIN_REQUIRED");

  const guestToken = await signIn("not-staff@example.com");
  expect((await gql("{ currentUser { rowId } }", {}, { token: guestToken })).body.data).toEqual({ currentUser: null });
  const staffOnly = await gql("query($p: UUID!) { searchReservations(propertyId: $p) { nodes { rowId } } }", { p: hotel.propertyId }, { token: guestToken });
  expect(staffOnly.code).toBe("FORBIDDEN");
  expect((await gql("{ allReservations { nodes { rowId } } }", {}, { token: guestToken })).body.data!.allReservations.nodes).toEqual([]);
});
