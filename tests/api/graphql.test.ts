// The GraphQL API over real HTTP: identity, access and every kind of bad
// input answered with a typed error, never a 500 or a leaked detail.
import jwt from "jsonwebtoken";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { createWorld, fixturePassword, type World } from "../helpers/fixtures.ts";
import { productionEnv } from "../helpers/production-env.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let world: World;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await createWorld(db.ownerPool);
  server = await startTestServer(db);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

async function login(email: string, password = fixturePassword): Promise<string> {
  const res = await server.graphql("mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { result } }", { email, password });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.login.result as string;
}

const codes = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) => res.body.errors?.map((e) => e.extensions?.code);

describe("health", () => {
  it("/healthz says alive and /readyz says the database is reachable and migrated", async () => {
    const alive = await fetch(`${server.url}/healthz`);
    expect(alive.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "current" } });
  });

  it("unknown paths get a typed 404", async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: [{ message: "No such endpoint.", extensions: { code: "NOT_FOUND" } }] });
  });
});

describe("anonymous", () => {
  it("lists published properties, never unpublished ones", async () => {
    const res = await server.graphql("{ allProperties { nodes { rowId name currency timeZone } } }");
    expect(res.status).toBe(200);
    const ids = res.body.data!.allProperties.nodes.map((p: { rowId: string }) => p.rowId);
    expect(ids).toEqual(expect.arrayContaining([world.propertyA, world.propertyB]));
    expect(ids).not.toContain(world.propertyC);
  });

  it("is refused staff-only data with FORBIDDEN", async () => {
    const res = await server.graphql("{ allUnits { nodes { name } } }");
    expect(codes(res)).toEqual(["FORBIDDEN"]);
  });
});

describe("accounts", () => {
  it("register signs in a new guest; logout ends the session at once", async () => {
    const reg = await server.graphql(
      `mutation { register(input: {email: "new-guest@test.example", password: "a-long-password", displayName: "New Guest"}) { result } }`,
    );
    expect(reg.body.errors).toBeUndefined();
    const token = reg.body.data!.register.result as string;
    expect(jwt.verify(token, db.jwtSecret, { audience: "keepr", issuer: "keepr" })).toMatchObject({ role: "keepr_guest" });

    const me = await server.graphql("{ currentUser { email displayName } }", {}, { token });
    expect(me.body.data!.currentUser).toEqual({ email: "new-guest@test.example", displayName: "New Guest" });

    const out = await server.graphql("mutation { logout(input: {}) { result } }", {}, { token });
    expect(out.body.data!.logout.result).toBe(true);
    const after = await server.graphql("{ currentUser { email } }", {}, { token });
    expect(after.body.data!.currentUser).toBeNull();
  });

  it("register refuses a taken email, a weak password and a bad email with their codes", async () => {
    const attempt = (email: string, password: string) =>
      server.graphql("mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p, displayName: \"X\"}) { result } }", { e: email, p: password });
    expect(codes(await attempt(world.guest.email, "a-long-password"))).toEqual(["EMAIL_TAKEN"]);
    expect(codes(await attempt("fresh@test.example", "short"))).toEqual(["WEAK_PASSWORD"]);
    expect(codes(await attempt("not-an-email", "a-long-password"))).toEqual(["INVALID_EMAIL"]);
  });

  it("login with a wrong password or unknown email is INVALID_CREDENTIALS, the same for both", async () => {
    const wrong = await server.graphql(`mutation { login(input: {email: "${world.guest.email}", password: "nope-nope-nope"}) { result } }`);
    const unknown = await server.graphql(`mutation { login(input: {email: "nobody@test.example", password: "nope-nope-nope"}) { result } }`);
    expect(codes(wrong)).toEqual(["INVALID_CREDENTIALS"]);
    expect(wrong.body.errors).toEqual(unknown.body.errors);
  });

  it("staff get a staff token and see their own property's units only", async () => {
    const token = await login(world.staffA.email);
    expect(jwt.decode(token)).toMatchObject({ role: "keepr_staff", sub: world.staffA.id });
    const res = await server.graphql("{ allUnits { nodes { rowId } } }", {}, { token });
    expect(res.body.data!.allUnits.nodes.map((u: { rowId: string }) => u.rowId)).toEqual([world.unitA]);
  });

  it("a manager of property A cannot change property B through the API", async () => {
    const token = await login(world.managerA.email);
    const res = await server.graphql(
      "mutation($id: UUID!) { updatePropertyByRowId(input: {rowId: $id, propertyPatch: {name: \"Hijacked\"}}) { property { name } } }",
      { id: world.propertyB },
      { token },
    );
    // A row you cannot see is, to you, a row that does not exist.
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { updatePropertyByRowId: { property: null } } });
    const check = await db.ownerPool.query("select name from app_public.properties where id = $1", [world.propertyB]);
    expect(check.rows[0].name).toBe("Property B");
  });
});

describe("bad input gets a typed error and never a 500", () => {
  it("malformed GraphQL is GRAPHQL_PARSE_FAILED", async () => {
    const res = await server.graphql("{ allProperties { nodes { name } ");
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("an unknown field is GRAPHQL_VALIDATION_FAILED", async () => {
    const res = await server.graphql("{ allPropertiez { nodes { name } } }");
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  it("a variable of the wrong type is INVALID_INPUT", async () => {
    const res = await server.graphql("query($id: UUID!) { propertyByRowId(rowId: $id) { name } }", { id: "not-a-uuid" });
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(["INVALID_INPUT"]);
  });

  it("an unknown id is simply not found (null), not an error", async () => {
    const res = await server.graphql("query($id: UUID!) { propertyByRowId(rowId: $id) { name } }", { id: "00000000-0000-4000-8000-000000000000" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { propertyByRowId: null } });
  });

  it("a constraint violation is CONFLICT without Postgres' DETAIL", async () => {
    const token = await login(world.managerA.email);
    const res = await server.graphql(
      "mutation($p: UUID!, $t: UUID!) { createUnit(input: {unit: {propertyId: $p, roomTypeId: $t, name: \"101\"}}) { unit { rowId } } }",
      { p: world.propertyA, t: world.roomTypeA },
      { token },
    );
    expect(codes(res)).toEqual(["CONFLICT"]);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/Key \(|units_property_id_name_key|already exists|stack/i);
  });

  it("a check violation and an unknown time zone are typed", async () => {
    const token = await login(world.managerA.email);
    const bad = await server.graphql(
      "mutation($id: UUID!) { updatePropertyByRowId(input: {rowId: $id, propertyPatch: {currency: \"euro\"}}) { property { name } } }",
      { id: world.propertyA },
      { token },
    );
    expect(codes(bad)).toEqual(["INVALID_INPUT"]);
    const tz = await server.graphql(
      "mutation($id: UUID!) { updatePropertyByRowId(input: {rowId: $id, propertyPatch: {timeZone: \"Mars/Olympus\"}}) { property { name } } }",
      { id: world.propertyA },
      { token },
    );
    expect(codes(tz)).toEqual(["INVALID_TIME_ZONE"]);
  });

  it("a query deeper than the limit is refused before it runs", async () => {
    let selection = "name";
    for (let i = 0; i < 8; i++) selection = `organizationByOrganizationId { propertiesByOrganizationId { nodes { ${selection} } } }`;
    const res = await server.graphql(`{ allProperties { nodes { ${selection} } } }`);
    expect(res.status).toBe(400);
    expect(codes(res)?.[0]).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.body.errors![0]!.message).toMatch(/depth|nest/i);
  });

  it("an alias flood is refused as QUERY_TOO_COMPLEX", async () => {
    const fields = Array.from({ length: 400 }, (_, i) => `a${i}: __typename`).join(" ");
    const res = await server.graphql(`{ ${fields} }`);
    expect(codes(res)).toContain("QUERY_TOO_COMPLEX");
  });

  it("a body that is not JSON is BAD_REQUEST", async () => {
    const res = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe("BAD_REQUEST");
  });

  it("an expired token is 401 TOKEN_EXPIRED", async () => {
    const token = jwt.sign(
      { role: "keepr_guest", session_id: "00000000-0000-4000-8000-000000000000", sub: world.guest.id, exp: Math.floor(Date.now() / 1000) - 60 },
      db.jwtSecret,
      { audience: "keepr", issuer: "keepr" },
    );
    const res = await server.graphql("{ currentUser { email } }", {}, { token });
    expect(res.status).toBe(401);
    expect(codes(res)).toEqual(["TOKEN_EXPIRED"]);
  });

  it("a forged token (wrong key, alg none, or a role it may not claim) is 401 INVALID_TOKEN", async () => {
    const claims = { role: "keepr_staff", session_id: "00000000-0000-4000-8000-000000000000", sub: world.staffA.id };
    const wrongKey = jwt.sign(claims, "some-other-secret-that-is-long-enough!!", { audience: "keepr", issuer: "keepr", expiresIn: 60 });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const algNone = `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, aud: "keepr", iss: "keepr", exp: 9999999999 })}.x`;
    const ownerRole = jwt.sign({ ...claims, role: "keepr_owner" }, db.jwtSecret, { audience: "keepr", issuer: "keepr", expiresIn: 60 });
    for (const token of [wrongKey, algNone, ownerRole, "garbage"]) {
      const res = await server.graphql("{ currentUser { email } }", {}, { token });
      expect({ token, status: res.status, codes: codes(res) }).toEqual({ token, status: 401, codes: ["INVALID_TOKEN"] });
    }
  });
});

describe("requests", () => {
  it("echo a sane x-request-id and make one up otherwise", async () => {
    const given = await server.graphql("{ __typename }", {}, { headers: { "x-request-id": "trace-abc-12345" } });
    expect(given.headers.get("x-request-id")).toBe("trace-abc-12345");
    const made = await server.graphql("{ __typename }", {}, { headers: { "x-request-id": "<script>" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("in production, introspection is off and GraphiQL is not served", async () => {
    const prod = await startTestServer(db, productionEnv(db.jwtSecret));
    try {
      const res = await prod.graphql("{ __schema { types { name } } }");
      expect(res.status).toBe(400);
      expect(new Set(codes(res))).toEqual(new Set(["GRAPHQL_VALIDATION_FAILED"]));
      expect(res.body.errors![0]!.message).toMatch(/introspection/i);
      expect((await fetch(`${prod.url}/graphiql`)).status).toBe(404);
      const ok = await prod.graphql("{ allProperties { totalCount } }");
      expect(ok.body.data!.allProperties.totalCount).toBeGreaterThanOrEqual(2);
    } finally {
      await prod.close();
    }
  });
});
