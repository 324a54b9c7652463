// Hostile and careless input over real HTTP: whoever sends it (anonymous, a
// guest, staff), every answer is a typed error (extensions.code other than
// INTERNAL) with no stack trace, or data. Covers deletes of rows the caller
// may not see, negative page sizes, NUL characters, subscriptions, and the
// usual suspects (wrong JSON types, huge numbers, bad ids and dates, deep
// objects, lone surrogates, very long strings).
import { randomBytes, randomUUID } from "node:crypto";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from "postgraphile/graphql";
import { loadConfig } from "../../core/config.ts";
import { printApiSchema } from "../../server/schema.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { createWorld, fixturePassword, type World } from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLResponse, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let world: World;
const tokens: Record<"anonymous" | "guest" | "staff", string | undefined> = { anonymous: undefined, guest: undefined, staff: undefined };

async function login(email: string): Promise<string> {
  const res = await server.graphql("mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }", { e: email, p: fixturePassword });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.login.result as string;
}

beforeAll(async () => {
  db = await createTestDatabase();
  world = await createWorld(db.ownerPool);
  server = await startTestServer(db);
  tokens.guest = await login(world.guest.email);
  tokens.staff = await login(world.managerA.email);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const codes = (res: GraphQLResponse) => res.body.errors?.map((e) => e.extensions?.code);
const nodeId = (type: string, ...keys: string[]) => Buffer.from(JSON.stringify([type, ...keys])).toString("base64");

/** Every error typed, none INTERNAL, no stack trace or Postgres detail anywhere in the body. */
function expectTyped(label: string, res: GraphQLResponse): void {
  const text = JSON.stringify(res.body);
  expect({ label, status: res.status < 500 }).toEqual({ label, status: true });
  for (const error of res.body.errors ?? []) {
    expect({ label, code: typeof error.extensions?.code }).toEqual({ label, code: "string" });
    expect({ label, code: error.extensions!.code }).not.toEqual({ label, code: "INTERNAL" });
  }
  expect(text).not.toMatch(/\bat [^ ]+ \(|\.ts:\d+|\.js:\d+|"stack"|DETAIL|invalid byte sequence|LIMIT must not/);
}

describe("deleting or updating a row you may not see", () => {
  it("every delete mutation answers NOT_FOUND (not INTERNAL) for a row that is not there or not yours, for every caller", async () => {
    // The schema this database gives (not the committed file, which may lag a migration).
    const schema = buildSchema(await printApiSchema(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), server.apiPool));
    const sample = (type: GraphQLInputType): unknown => {
      if (isNonNullType(type)) return sample(type.ofType);
      if (isListType(type)) return [sample(type.ofType)];
      const named = getNamedType(type);
      if (isEnumType(named)) return named.getValues()[0]!.name;
      if (isInputObjectType(named)) {
        return Object.fromEntries(Object.values(named.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
      }
      return ({ UUID: randomUUID(), Date: "2030-01-01", Int: 1, BigInt: "1", BigFloat: "1", Boolean: true } as Record<string, unknown>)[named.name] ?? "x";
    };
    const deletes = Object.entries(schema.getMutationType()!.getFields()).filter(([name]) => name.startsWith("delete"));
    expect(deletes.length).toBeGreaterThanOrEqual(30);
    const answers: string[] = [];
    for (const [name, field] of deletes) {
      const inputType = getNamedType(field.args[0]!.type);
      const input = sample(field.args[0]!.type) as Record<string, unknown>;
      // deleteUnit(input: {id}) takes a node id: one of the right type for a row that does not exist.
      const byNodeId = "id" in input;
      if (byNodeId) input.id = nodeId(name.slice("delete".length), randomUUID());
      for (const [who, token] of Object.entries(tokens)) {
        const res = await server.graphql(`mutation($input: ${inputType.name}!) { ${name}(input: $input) { clientMutationId } }`, { input }, { token });
        expectTyped(`${name} as ${who}`, res);
        answers.push(`${name} ${who} ${codes(res)?.join(",") ?? "null payload"}`);
        if (who === "staff" && !byNodeId) {
          expect({ name, codes: codes(res), data: res.body.data }).toEqual({ name, codes: ["NOT_FOUND"], data: { [name]: null } });
          expect(res.body.errors![0]!.message).toBe("No such record, or you may not delete it.");
        }
      }
    }
    expect(answers.filter((a) => a.includes("INTERNAL"))).toEqual([]);
  });

  it("a unit of another property cannot be deleted by row id or node id: NOT_FOUND, and it is still there", async () => {
    const byRowId = await server.graphql("mutation($id: UUID!) { deleteUnitByRowId(input: {rowId: $id}) { unit { rowId } } }", { id: world.unitB }, { token: tokens.staff });
    expect(byRowId.body).toMatchObject({ data: { deleteUnitByRowId: null }, errors: [{ extensions: { code: "NOT_FOUND" } }] });
    const byNode = await server.graphql("mutation($id: ID!) { deleteUnit(input: {id: $id}) { unit { rowId } } }", { id: nodeId("Unit", world.unitB) }, { token: tokens.staff });
    expect(byNode.body).toMatchObject({ data: { deleteUnit: null }, errors: [{ extensions: { code: "NOT_FOUND" } }] });
    expect((await db.ownerPool.query("select count(*)::int as n from app_public.units where id = $1", [world.unitB])).rows[0].n).toBe(1);
  });

  it("updating a row you may not see answers a payload whose record is null (by row id, node id or keys), and changes nothing", async () => {
    const byRowId = await server.graphql(
      "mutation($id: UUID!) { updateUnitByRowId(input: {rowId: $id, unitPatch: {name: \"Mine\"}}) { unit { name } } }",
      { id: world.unitB },
      { token: tokens.staff },
    );
    expect(byRowId.body).toEqual({ data: { updateUnitByRowId: { unit: null } } });
    const byNode = await server.graphql(
      "mutation($id: ID!) { updateUnit(input: {id: $id, unitPatch: {name: \"Mine\"}}) { unit { name } } }",
      { id: nodeId("Unit", world.unitB) },
      { token: tokens.staff },
    );
    expectTyped("updateUnit", byNode);
    expect(byNode.body.errors).toBeUndefined();
    expect(byNode.body.data!.updateUnit?.unit ?? null).toBeNull();
    const byKeys = await server.graphql(
      "mutation($p: UUID!) { updateUnitByPropertyIdAndName(input: {propertyId: $p, name: \"B1\", unitPatch: {name: \"Mine\"}}) { unit { name } } }",
      { p: world.propertyB },
      { token: tokens.staff },
    );
    expect(byKeys.body).toEqual({ data: { updateUnitByPropertyIdAndName: { unit: null } } });
    expect((await db.ownerPool.query("select name from app_public.units where id = $1", [world.unitB])).rows[0].name).toBe("B1");
  });
});

describe("paging arguments", () => {
  const list = "query($first: Int, $last: Int, $offset: Int) { allProperties(first: $first, last: $last, offset: $offset) { nodes { rowId } } }";
  const fn = "query($p: UUID, $first: Int, $offset: Int) { journalEntriesBetween(propertyId: $p, first: $first, offset: $offset) { nodes { rowId } } }";

  it("negative first, last or offset is INVALID_INPUT, on a table's connection and on a function's", async () => {
    for (const variables of [{ first: -1 }, { last: -1 }, { offset: -1 }, { first: -2147483648 }]) {
      const res = await server.graphql(list, variables);
      expectTyped(JSON.stringify(variables), res);
      expect({ variables, codes: codes(res) }).toEqual({ variables, codes: ["INVALID_INPUT"] });
      expect(res.body.errors![0]!.message).toMatch(/must not be negative/);
    }
    for (const variables of [{ first: -1 }, { offset: -1 }]) {
      const res = await server.graphql(fn, { p: world.propertyA, ...variables }, { token: tokens.staff });
      expect({ variables, codes: codes(res) }).toEqual({ variables, codes: ["INVALID_INPUT"] });
    }
    const literal = await server.graphql("{ allProperties(first: -1) { nodes { rowId } } }");
    expect(codes(literal)).toEqual(["INVALID_INPUT"]);
  });

  it("a huge first reads what there is; one beyond Int is refused before it runs", async () => {
    const max = await server.graphql(list, { first: 2147483647 });
    expect(max.body.errors).toBeUndefined();
    expect(max.body.data!.allProperties.nodes.length).toBeGreaterThanOrEqual(2);
    const tooBig = await server.graphql(list, { first: 2147483648 });
    expect(tooBig.status).toBe(400);
    expect(codes(tooBig)).toEqual(["INVALID_INPUT"]);
    const literal = await server.graphql("{ allProperties(first: 99999999999) { nodes { rowId } } }");
    expect(literal.status).toBe(400);
    expect(codes(literal)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });
});

describe("a NUL character (\\u0000) in a string argument", () => {
  const nul = "a\u0000b";
  const cases: Array<[string, string, () => Record<string, unknown>, keyof typeof tokens]> = [
    ["login email", "mutation($v: String!) { login(input: {email: $v, password: \"whatever-password\"}) { result } }", () => ({ v: `x${nul}@test.example` }), "anonymous"],
    ["login password", "mutation($e: String!, $v: String!) { login(input: {email: $e, password: $v}) { result } }", () => ({ e: world.guest.email, v: nul }), "anonymous"],
    ["register name", "mutation($v: String!) { register(input: {email: \"nul-name@test.example\", password: \"a-long-password\", displayName: $v}) { result } }", () => ({ v: nul }), "anonymous"],
    ["lookup code", "mutation($v: String!) { lookupBooking(input: {confirmationCode: $v, email: \"a@test.example\"}) { result } }", () => ({ v: nul }), "anonymous"],
    ["idempotency key", "mutation($p: UUID!, $v: String!) { setRates(input: {ratePlanId: $p, firstDate: \"2030-01-01\", lastDate: \"2030-01-01\", idempotencyKey: $v, price: \"100\"}) { result } }", () => ({ p: randomUUID(), v: `${"k".repeat(20)}${nul}` }), "staff"],
    ["unit name", "mutation($id: UUID!, $v: String!) { updateUnitByRowId(input: {rowId: $id, unitPatch: {name: $v}}) { unit { name } } }", () => ({ id: world.unitA, v: nul }), "staff"],
    ["condition", "query($v: String!) { allProperties(condition: {slug: $v}) { totalCount } }", () => ({ v: nul }), "anonymous"],
  ];
  it.each(cases)("%s: INVALID_INPUT that says why", async (_label, query, variables, who) => {
    const res = await server.graphql(query, variables(), { token: tokens[who] });
    expectTyped(_label, res);
    expect(codes(res)).toEqual(["INVALID_INPUT"]);
    expect(res.body.errors![0]!.message).toMatch(/NUL/);
  });

  it("over GET as well", async () => {
    const params = new URLSearchParams({ query: "query($v: String!) { allProperties(condition: {slug: $v}) { totalCount } }", variables: JSON.stringify({ v: nul }) });
    const res = await fetch(`${server.url}/graphql?${params}`, { headers: { accept: "application/json" } });
    const body = (await res.json()) as GraphQLResponse["body"];
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(["INVALID_INPUT"]);
  });
});

describe("subscriptions", () => {
  it("subscription { __typename } is refused as a typed validation error: none are served", async () => {
    for (const query of ["subscription { __typename }", "subscription S { anything }"]) {
      const res = await server.graphql(query);
      expectTyped(query, res);
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(res.body.errors![0]!.message).toMatch(/no subscriptions/i);
    }
  });
});

describe("everything else a careless or hostile client sends", () => {
  const byId = "query($id: UUID!) { propertyByRowId(rowId: $id) { name } }";
  const node = "query($id: ID!) { node(id: $id) { id } }";
  const quote = "query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { totalAmount } }";
  const slug = "query($v: String!) { allProperties(condition: {slug: $v}) { totalCount } }";
  const lowercase = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join("");
  const cases: Array<[string, string, () => Record<string, unknown>, keyof typeof tokens, string[] | null]> = [
    ["a UUID sent as a number", byId, () => ({ id: 123 }), "anonymous", ["INVALID_INPUT"]],
    ["a UUID sent as an object", byId, () => ({ id: { a: 1 } }), "anonymous", ["INVALID_INPUT"]],
    ["a malformed UUID", byId, () => ({ id: "00000000-0000-4000-8000-00000000000g" }), "anonymous", ["INVALID_INPUT"]],
    ["an Int sent as a string", "query($n: Int) { allProperties(first: $n) { totalCount } }", () => ({ n: "10" }), "anonymous", ["INVALID_INPUT"]],
    ["an Int sent as a float", "query($n: Int) { allProperties(first: $n) { totalCount } }", () => ({ n: 1.5 }), "anonymous", ["INVALID_INPUT"]],
    ["an Int beyond 2^53", "query($n: Int) { allProperties(first: $n) { totalCount } }", () => ({ n: 1e300 }), "anonymous", ["INVALID_INPUT"]],
    ["a String sent as a list", slug, () => ({ v: ["a"] }), "anonymous", ["INVALID_INPUT"]],
    ["a deeply nested object for a String", slug, () => ({ v: JSON.parse(`${"{\"a\":".repeat(500)}1${"}".repeat(500)}`) }), "anonymous", ["INVALID_INPUT"]],
    ["a deeply nested condition", "query($c: PropertyCondition) { allProperties(condition: $c) { totalCount } }", () => ({ c: { slug: { a: { b: { c: {} } } } } }), "anonymous", ["INVALID_INPUT"]],
    ["an unknown field in an input object", "query($c: PropertyCondition) { allProperties(condition: $c) { totalCount } }", () => ({ c: { nope: 1 } }), "anonymous", ["INVALID_INPUT"]],
    ["a garbage node id", node, () => ({ id: "garbage" }), "anonymous", null],
    ["a node id of no type", node, () => ({ id: nodeId("Nope", randomUUID()) }), "staff", null],
    ["a node id with a bad key", node, () => ({ id: nodeId("Unit", "not-a-uuid") }), "staff", null],
    ["a node id that is JSON but not a list", node, () => ({ id: Buffer.from("{\"a\":1}").toString("base64") }), "staff", null],
    ["a garbage cursor", "{ allProperties(after: \"garbage\") { totalCount } }", () => ({}), "anonymous", ["INVALID_INPUT"]],
    ["February 30th", quote, () => ({ p: randomUUID(), a: "2030-02-30", d: "2030-03-02" }), "anonymous", ["INVALID_INPUT"]],
    ["a date that is not one", quote, () => ({ p: randomUUID(), a: "not-a-date", d: "2030-03-02" }), "anonymous", ["INVALID_INPUT"]],
    ["a date as an object", quote, () => ({ p: randomUUID(), a: { y: 2030 }, d: "2030-03-02" }), "anonymous", ["INVALID_INPUT"]],
    ["minus infinity", quote, () => ({ p: randomUUID(), a: "-infinity", d: "2030-03-02" }), "anonymous", null],
    ["a date far in the future", "query($p: UUID!, $a: Date!, $d: Date!) { rateGrid(propertyId: $p, fromDate: $a, toDate: $d) { nodes { date } } }", () => ({ p: world.propertyA, a: "2030-01-01", d: "5874897-12-31" }), "staff", ["INVALID_DATES"]],
    ["a BigInt that is not a number", "mutation($p: UUID!) { setRates(input: {ratePlanId: $p, firstDate: \"2030-01-01\", lastDate: \"2030-01-01\", idempotencyKey: \"0123456789abcdef0123\", price: \"abc\"}) { result } }", () => ({ p: randomUUID() }), "staff", ["INVALID_INPUT"]],
    ["a BigInt beyond 64 bits", "mutation($p: UUID!) { setRates(input: {ratePlanId: $p, firstDate: \"2030-01-01\", lastDate: \"2030-01-01\", idempotencyKey: \"0123456789abcdef0124\", price: \"99999999999999999999999\"}) { result } }", () => ({ p: randomUUID() }), "staff", ["INVALID_INPUT"]],
    ["a lone surrogate", slug, () => ({ v: "a\ud800b" }), "anonymous", null],
    ["a very long string", slug, () => ({ v: "x".repeat(90_000) }), "anonymous", null],
    ["a very long slug (too large to index)", "mutation($id: UUID!, $v: String!) { updatePropertyByRowId(input: {rowId: $id, propertyPatch: {slug: $v}}) { property { slug } } }", () => ({ id: world.propertyA, v: lowercase(60_000) }), "staff", ["INVALID_INPUT"]],
    ["a very long unit name", "mutation($id: UUID!, $v: String!) { updateUnitByRowId(input: {rowId: $id, unitPatch: {name: $v}}) { unit { name } } }", () => ({ id: world.unitA, v: lowercase(60_000) }), "staff", ["INVALID_INPUT"]],
    ["variables that are not an object", "{ __typename }", () => "x" as unknown as Record<string, unknown>, "anonymous", ["GRAPHQL_VALIDATION_FAILED"]],
  ];
  it.each(cases)("%s", async (label, query, variables, who, expected) => {
    const res = await server.graphql(query, variables(), { token: tokens[who] });
    expectTyped(label, res);
    if (expected) expect(codes(res)).toEqual(expected);
  });

  it("a body over the limit is 413 BAD_REQUEST, and a body that is not UTF-8 JSON is typed", async () => {
    const big = await server.graphql("query($v: String!) { allProperties(condition: {slug: $v}) { totalCount } }", { v: "x".repeat(200_000) });
    expect(big.status).toBe(413);
    expect(codes(big)).toEqual(["BAD_REQUEST"]);
    const bytes = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.from([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(bytes.status).toBe(400);
    const body = (await bytes.json()) as GraphQLResponse["body"];
    expect(body.errors?.[0]?.extensions?.code).toEqual(expect.any(String));
    expect(body.errors?.[0]?.extensions?.code).not.toBe("INTERNAL");
  });
});
