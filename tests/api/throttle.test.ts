// Throttling of login, lookupBooking and register over real HTTP
// (server/throttle.ts): per account and per client address, counted before
// the operation runs, so concurrency lets no extra attempt through.
//
// The server here trusts X-Forwarded-For from loopback (TRUST_PROXY), so each
// test speaks from its own client address and the 15-minute windows of one
// test never touch another's. A second server, trusting no proxy, shows that
// the header is then ignored.
import express from "express";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { createWorld, fixturePassword, type World } from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLResponse, type TestServer } from "../helpers/server.ts";
import { createLogger } from "../../core/logger.ts";
import { addressKey, graphqlThrottle, throttledFields, trustProxyOf } from "../../server/throttle.ts";

let db: TestDatabase;
let world: World;
let server: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await createWorld(db.ownerPool);
  server = await startTestServer(db, { TRUST_PROXY: "loopback" });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

type Answer = GraphQLResponse & { code: string | undefined };

const loginDocument = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }";
const lookupDocument = "mutation($c: String!, $e: String!) { lookupBooking(input: {confirmationCode: $c, email: $e}) { result } }";

async function send(document: string, variables: Record<string, unknown>, address: string, target: TestServer = server): Promise<Answer> {
  const res = await target.graphql(document, variables, { headers: { "x-forwarded-for": address } });
  return { ...res, code: res.body.errors?.[0]?.extensions?.code };
}
const login = (email: string, password: string, address: string) => send(loginDocument, { e: email, p: password }, address);

/** `total` requests made by `make`, `concurrency` at a time (each wave answered before the next starts). */
async function inWaves(total: number, concurrency: number, make: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let start = 0; start < total; start += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, total - start) }, (_, j) => make(start + j));
    answers.push(...(await Promise.all(wave)));
  }
  return answers;
}

const count = (answers: Answer[], code: string | undefined) => answers.filter((a) => a.code === code).length;

/** A refusal: 429, Retry-After, TOO_MANY_ATTEMPTS with retryAfter, and nothing run (no data). */
function expectRefused(answer: Answer, maxSeconds = 15 * 60) {
  expect(answer.status).toBe(429);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  const error = answer.body.errors![0]! as { message: string; extensions: { code: string; retryAfter: number } };
  expect(error.extensions.code).toBe("TOO_MANY_ATTEMPTS");
  expect(error.extensions.retryAfter).toBeGreaterThan(0);
  expect(error.extensions.retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(answer.headers.get("retry-after")).toBe(String(error.extensions.retryAfter));
}

/** Ends the current window of every key of a limiter, as if its time had passed. */
async function windowPasses(limiter: string) {
  await db.ownerPool.query("update app_private.rate_limits set expire = $1 where key like $2", [Date.now() - 1, `${limiter}:%`]);
}

describe("login", () => {
  it("120 wrong passwords for one account: at most 10 reach the database; then the right one is refused too, until the window passes", async () => {
    const address = "198.51.100.1";
    // Twelve at a time: concurrent attempts are counted atomically.
    const answers = await inWaves(120, 12, () => login(world.guest.email, "wrong-password-1", address));
    expect(count(answers, "INVALID_CREDENTIALS")).toBeLessThanOrEqual(10);
    expect(count(answers, "INVALID_CREDENTIALS")).toBeGreaterThan(0);
    expect(count(answers, "INVALID_CREDENTIALS") + count(answers, "TOO_MANY_ATTEMPTS")).toBe(120);
    for (const refused of answers.filter((a) => a.code === "TOO_MANY_ATTEMPTS")) expectRefused(refused);

    // The right password: refused too, from this address and from any other,
    // however the email is written.
    expectRefused(await login(world.guest.email, fixturePassword, address));
    expectRefused(await login(world.guest.email, fixturePassword, "198.51.100.2"));
    expectRefused(await login(`  ${world.guest.email.toUpperCase()} `, fixturePassword, "198.51.100.3"));

    // Another account from the same client is still allowed.
    const other = await login(world.staffA.email, fixturePassword, address);
    expect(other.body.errors).toBeUndefined();
    expect(typeof other.body.data!.login.result).toBe("string");

    // A malformed document is grafserv's to answer, throttled or not.
    const malformed = await send(`mutation { login(input: {email: "${world.guest.email}", password: "x"}) { result }`, {}, address);
    expect(malformed.status).toBe(400);
    expect(malformed.code).toBe("GRAPHQL_PARSE_FAILED");

    // The account's row, found by its email as docs/security.md shows operators.
    const row = await db.ownerPool.query(
      `select points from app_private.rate_limits
        where key = 'loginAccount:' || translate(rtrim(encode(sha256(convert_to(lower(btrim($1)), 'UTF8')), 'base64'), '='), '+/', '-_')`,
      [world.guest.email],
    );
    expect(row.rows).toEqual([{ points: 10 }]);

    await windowPasses("loginAccount");
    const after = await login(world.guest.email, fixturePassword, address);
    expect(after.body.errors).toBeUndefined();
    expect(typeof after.body.data!.login.result).toBe("string");
  });

  it("one client address is allowed 100 attempts in 15 minutes, whatever the accounts; other addresses are not affected", async () => {
    const address = "198.51.100.20";
    const answers = await inWaves(100, 10, (i) => login(`nobody-${i}@test.example`, "wrong-password-1", address));
    expect(count(answers, "INVALID_CREDENTIALS")).toBe(100);

    // The 101st: refused, even for an account never tried, with its right password.
    expectRefused(await login(world.managerA.email, fixturePassword, address));
    const elsewhere = await login(world.managerA.email, fixturePassword, "198.51.100.21");
    expect(elsewhere.body.errors).toBeUndefined();
  });

  it("a successful login resets the account's counter", async () => {
    const address = "198.51.100.30";
    const first = await inWaves(9, 1, () => login(world.ownerB.email, "wrong-password-1", address));
    expect(count(first, "INVALID_CREDENTIALS")).toBe(9);
    const right = await login(world.ownerB.email, fixturePassword, address);
    expect(right.body.errors).toBeUndefined();

    // Ten more wrong passwords reach the database; the eleventh does not.
    const again = await inWaves(10, 1, () => login(world.ownerB.email, "wrong-password-1", address));
    expect(count(again, "INVALID_CREDENTIALS")).toBe(10);
    expectRefused(await login(world.ownerB.email, "wrong-password-1", address));
  });

  it("counts every login field of a document, aliased, in fragments or from variables; a refused document runs none of them", async () => {
    const address = "198.51.100.40";
    const email = world.managerA.email;
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: login(input: {email: $e, password: "wrong-password-${i}"}) { result }`).join(" ");
    const eleven = await send(`mutation($e: String!) { ${aliases} }`, { e: email }, address);
    expectRefused(eleven);

    // None of the eleven ran or was counted: three in one document are three INVALID_CREDENTIALS, ...
    const three = await send(
      `mutation Three($input: LoginInput!, $e: String = "${email}") {
         first: login(input: $input) { result }
         ...More
         ... on Mutation { third: login(input: {email: $e, password: "wrong-password-3"}) { result } }
       }
       fragment More on Mutation { second: login(input: {email: "${email}", password: "wrong-password-2"}) { result } }`,
      { input: { email, password: "wrong-password-1" } },
      address,
    );
    expect(three.status).toBe(200);
    expect(three.body.errors?.map((e) => e.extensions?.code)).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS"]);
    // ... so seven more reach the database, and the eighth is refused.
    const seven = await inWaves(7, 1, () => login(email, "wrong-password-1", address));
    expect(count(seven, "INVALID_CREDENTIALS")).toBe(7);
    expectRefused(await login(email, "wrong-password-1", address));
  });
});

describe("lookupBooking", () => {
  it("50 concurrent lookups with a wrong code: at most 10 are looked up, the rest refused", async () => {
    const address = "198.51.100.50";
    const email = "concurrent-guesser@test.example";
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(lookupDocument, { c: "KPWRONG1", e: email }, address)));
    const looked = answers.filter((a) => a.code === undefined);
    for (const a of looked) expect(a.body.data).toEqual({ lookupBooking: { result: null } });
    expect(looked.length).toBeLessThanOrEqual(10);
    expect(looked.length).toBeGreaterThan(0);
    const refused = answers.filter((a) => a.code !== undefined);
    expect(refused).toHaveLength(50 - looked.length);
    for (const r of refused) expectRefused(r);
    const failures = await db.ownerPool.query("select count(*)::int as n from app_private.lookup_failures where email = $1", [email]);
    expect(failures.rows[0].n).toBeLessThanOrEqual(10);
  });

  it("a confirmation code is tried at most 10 times in 15 minutes, with any emails", async () => {
    const address = "198.51.100.60";
    const answers = await inWaves(10, 1, (i) => send(lookupDocument, { c: "kpguess2 ", e: `guesser-${i}@test.example` }, address));
    expect(answers.every((a) => a.code === undefined)).toBe(true);
    expectRefused(await send(lookupDocument, { c: "KPGUESS2", e: "guesser-x@test.example" }, address));
  });
});

describe("register", () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer(db);
  });
  afterAll(async () => {
    await plain?.close();
  });

  it("20 per client address per hour; without TRUST_PROXY, X-Forwarded-For does not make a new client", async () => {
    const register = (i: number) =>
      send(
        "mutation($e: String!) { register(input: {email: $e, password: \"a-long-password-1\", displayName: \"Guest\"}) { result } }",
        { e: `registered-${i}@test.example` },
        `203.0.113.${i + 1}`,
        plain,
      );
    const answers = await inWaves(20, 1, register);
    expect(answers.map((a) => a.code)).toEqual(Array(20).fill(undefined));
    expectRefused(await register(20), 60 * 60);
  });
});

describe("the throttle itself", () => {
  it("finds the throttled fields of the operation that runs, and nothing in what grafserv would refuse", () => {
    const json = (body: unknown) => Buffer.from(JSON.stringify(body));
    expect(throttledFields("application/json; charset=utf-8", json({
      query: `mutation A($c: String!, $r: RegisterInput!) { x: lookupBooking(input: {confirmationCode: $c, email: "E@x"}) { result } register(input: $r) { result } }
              mutation B { login(input: {email: "b@x", password: "p"}) { result } }`,
      operationName: "A",
      variables: { r: { email: "r@x", password: "p", displayName: "R" } },
    }))).toEqual([
      { operation: "lookupBooking", responseKey: "x", email: "E@x" },
      { operation: "register", responseKey: "register", email: "r@x" },
    ]);
    expect(throttledFields("application/graphql", Buffer.from('mutation { login(input: {email: "g@x", password: "p"}) { result } }'))).toEqual([
      { operation: "login", responseKey: "login", email: "g@x" },
    ]);
    // Spelled with JSON escapes, the field is still found (the query's text is read decoded).
    expect(throttledFields("application/json", Buffer.from('{"query":"mutation { \\u006cogin(input: {email: \\"u@x\\", password: \\"p\\"}) { result } }"}'))).toEqual([
      { operation: "login", responseKey: "login", email: "u@x" },
    ]);
    // A query's field named login, a nested one, an ambiguous document, bad JSON, bad syntax, another media type.
    expect(throttledFields("application/json", json({ query: '{ login(input: {email: "q@x"}) { result } }' }))).toEqual([]);
    expect(throttledFields("application/json", json({ query: "mutation { createHold(input: {}) { login { result } } }" }))).toEqual([]);
    expect(throttledFields("application/json", json({ query: 'mutation A { login(input: {email: "a@x"}) { result } } mutation B { __typename }' }))).toEqual([]);
    expect(throttledFields("application/json", Buffer.from("{nope"))).toEqual([]);
    expect(throttledFields("application/json", json([{ query: 'mutation { login(input: {email: "a@x"}) { result } }' }]))).toEqual([]);
    expect(throttledFields("application/json", json({ query: 'mutation { login(input: {email: "a@x"}) { result }' }))).toEqual([]);
    expect(throttledFields("text/plain", Buffer.from('mutation { login(input: {email: "a@x"}) { result } }'))).toEqual([]);
  });

  it("keys IPv6 clients by their /64 and reads TRUST_PROXY as express does", () => {
    expect(addressKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:bbbb::9"));
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
    expect(addressKey(undefined)).toBe("unknown");
    expect([undefined, "", "false", "0", "1", "true", "loopback, 10.0.0.0/8"].map(trustProxyOf)).toEqual([false, false, false, false, 1, true, "loopback, 10.0.0.0/8"]);
  });

  it("fails closed: when the counters cannot be reached, a throttled mutation is refused (503 UNAVAILABLE) and runs nothing; other requests pass", async () => {
    const pool = new pg.Pool({ connectionString: "postgres://nobody:nothing@127.0.0.1:1/none", connectionTimeoutMillis: 2_000 });
    const ran: string[] = [];
    const app = express();
    app.use(express.raw({ type: () => true }));
    app.use(graphqlThrottle({ pool, logger: createLogger("silent") }));
    app.use((req, res) => {
      ran.push((req.body as Buffer).toString());
      res.json({ data: {} });
    });
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    const { port } = listening.address() as { port: number };
    const post = (query: string) =>
      fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    try {
      const refused = await post('mutation { login(input: {email: "a@x", password: "p"}) { result } }');
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: "UNAVAILABLE" } }] });
      expect(ran).toEqual([]);
      const other = await post("{ __typename }");
      expect(other.status).toBe(200);
      expect(ran).toHaveLength(1);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
      await pool.end();
    }
  });
});
