// No schema hints in production: with introspection off, graphql-js's
// "Did you mean …?" would still give field, argument and type names away a
// guess at a time. In production they are cut from every error message, on
// POST and GET; in development they stay (they help).
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { productionEnv } from "../helpers/production-env.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { withoutSuggestions } from "../../server/graphql-hints.ts";

let db: TestDatabase;
let prod: TestServer;
let dev: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  prod = await startTestServer(db, productionEnv(db.jwtSecret));
  dev = await startTestServer(db);
});
afterAll(async () => {
  await prod?.close();
  await dev?.close();
  await db?.drop();
});

interface Answer {
  status: number;
  errors: Array<{ message: string; extensions?: { code?: string } }>;
}

async function post(server: TestServer, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await server.graphql(query, variables);
  return { status: res.status, errors: res.body.errors ?? [] };
}

async function get(server: TestServer, query: string): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: "application/json" } });
  const body = (await res.json()) as { errors?: Answer["errors"] };
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  return { status: res.status, errors: body.errors ?? [] };
}

// Wrong names graphql-js answers with one, two, three and five suggestions.
const wrong = {
  field: "{ allReservation { totalCount } }", // "allReservations" or "reservation"
  nestedField: "{ allProperties { nodes { nam } } }", // "name"
  argument: "{ allProperties(firstt: 1) { totalCount } }", // "first"
  type: '{ node(id: "x") { ... on Propertyy { id } } }', // "Property", "PropertyEdge", or "PropertyKind"
  variableType: "query($c: PropertyConditio) { allProperties(condition: $c) { totalCount } }", // five
  subfields: "{ allProperties { nodes } }", // "nodes { ... }"
};

describe("production", () => {
  it.each(Object.entries(wrong))("%s: no suggestion over POST, the error itself kept with its code", async (_name, query) => {
    const answer = await post(prod, query);
    expect(answer.status).toBe(400);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]!.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(answer.errors[0]!.message).not.toMatch(/did you mean/i);
    expect(answer.errors[0]!.message).toMatch(/^(Cannot query field|Unknown argument|Unknown type|Field "nodes")/);
  });

  it.each(Object.entries(wrong))("%s: no suggestion over GET", async (_name, query) => {
    const answer = await get(prod, query);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]!.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(answer.errors[0]!.message).not.toMatch(/did you mean/i);
  });

  it("the exact messages: names the client sent, none it did not", async () => {
    expect((await post(prod, wrong.field)).errors[0]!.message).toBe('Cannot query field "allReservation" on type "Query".');
    expect((await get(prod, wrong.type)).errors[0]!.message).toBe('Unknown type "Propertyy".');
    expect((await post(prod, wrong.argument)).errors[0]!.message).toBe('Unknown argument "firstt" on field "Query.allProperties".');
  });

  it("several errors in one answer all lose their suggestions", async () => {
    const answer = await post(prod, "{ allReservation { totalCount } allPropertie { totalCount } allProperties(firstt: 1) { totalCount } }");
    expect(answer.errors.length).toBeGreaterThanOrEqual(3);
    for (const error of answer.errors) expect(error.message).not.toMatch(/did you mean/i);
  });

  it("a good query still answers", async () => {
    const res = await prod.graphql("{ allProperties { totalCount } }");
    expect(res.body.errors).toBeUndefined();
    expect(typeof res.body.data!.allProperties.totalCount).toBe("number");
  });
});

it("development keeps the suggestions (POST and GET)", async () => {
  expect((await post(dev, wrong.field)).errors[0]!.message).toBe(
    'Cannot query field "allReservation" on type "Query". Did you mean "allReservations", "reservation", "allReservationExtras", or "searchReservations"?',
  );
  expect((await get(dev, wrong.type)).errors[0]!.message).toMatch(/Did you mean "Property", "PropertyEdge", or "PropertyKind"\?$/);
});

describe("withoutSuggestions", () => {
  it.each([
    ['Cannot query field "x" on type "Query". Did you mean "y"?', 'Cannot query field "x" on type "Query".'],
    ['Cannot query field "x" on type "Query". Did you mean "a" or "b"?', 'Cannot query field "x" on type "Query".'],
    ['Unknown type "T". Did you mean "a", "b", or "c"?', 'Unknown type "T".'],
    ['Unknown type "T". Did you mean "a", "b", "c", "d", or "e"?', 'Unknown type "T".'],
    ['Cannot query field "x" on type "Node". Did you mean to use an inline fragment on "A" or "B"?', 'Cannot query field "x" on type "Node".'],
    ['Value "X" does not exist in "E" enum. Did you mean the enum value "Y"?', 'Value "X" does not exist in "E" enum.'],
    ['Field "nodes" of type "[P]!" must have a selection of subfields. Did you mean "nodes { ... }"?', 'Field "nodes" of type "[P]!" must have a selection of subfields.'],
    ['Syntax Error: Expected Name, found "?".', 'Syntax Error: Expected Name, found "?".'],
  ])("%s", (message, expected) => {
    expect(withoutSuggestions(message)).toBe(expected);
  });
});
