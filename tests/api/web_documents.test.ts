// The guest app's GraphQL documents (web/src/documents.ts) are written by
// hand, like the console's; here every one of them is checked against the
// reviewed schema (server/schema.graphql) and the API's limits, so an API
// change that breaks the guest app fails the suite instead of a booking.
import { readFileSync } from "node:fs";
import { Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiValidationErrors } from "../helpers/graphql-documents.ts";
import type { Document } from "../../web/src/api.ts";
import * as webDocuments from "../../web/src/documents.ts";

/** Every document the module exports (a new one is checked without being listed). */
const documents = Object.values(webDocuments as Record<string, unknown>).filter(
  (value): value is Document<unknown, unknown> =>
    typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string" && typeof (value as { source?: unknown }).source === "string",
);

const operationOf = (document: Document<unknown, unknown>): OperationDefinitionNode => {
  const operations = parse(document.source).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  expect(operations).toHaveLength(1);
  return operations[0]!;
};

it("the guest app's documents are all found", () => {
  // As many as the module makes with query(…).
  const made = readFileSync(new URL("../../web/src/documents.ts", import.meta.url), "utf8").match(/= query</g) ?? [];
  expect(made.length).toBeGreaterThan(0);
  expect(documents.length).toBe(made.length);
  expect(new Set(documents.map((d) => d.name)).size).toBe(documents.length);
});

it.each(documents.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it.each(documents.map((d) => [d.name, d] as const))("%s is one operation named as the app sends it (operationName)", (name, document) => {
  expect(operationOf(document).name?.value).toBe(name);
});

it("only queries are sent as cacheable GETs", () => {
  const cacheable = documents.filter((d) => d.cacheable).map((d) => [d.name, operationOf(d).operation]);
  expect(cacheable.length).toBeGreaterThan(0);
  expect(cacheable).toEqual(cacheable.map(([name]) => [name, "query"]));
});
