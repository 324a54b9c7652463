// Operations' GraphQL documents (admin/src/providers/documents/operations.ts:
// the housekeeping board and its actions, the channel manager) are written
// by hand; here they are checked against the reviewed schema and the API's
// limits, like tests/api/admin_documents.test.ts does for the rest of the
// console. None of them is a keyed mutation (none takes an idempotency key).
import { readFileSync } from "node:fs";
import { depthLimit } from "@graphile/depth-limit";
import { buildSchema, Kind, parse, specifiedRules, validate, type OperationDefinitionNode } from "postgraphile/graphql";
import { keyedMutations } from "../../admin/src/providers/documents.ts";
import { operationsDocuments } from "../../admin/src/providers/documents/operations.ts";
import { loadConfig } from "../../server/config.ts";
import { maxFieldsRule } from "../../server/graphql.ts";
import { schemaFile } from "../../server/schema.ts";

const schema = buildSchema(readFileSync(schemaFile, "utf8"));
const config = loadConfig({ NODE_ENV: "test" });
const apiRules = [
  ...specifiedRules,
  depthLimit({ maxDepth: config.GRAPHQL_MAX_DEPTH, maxListDepth: config.GRAPHQL_MAX_LIST_DEPTH, maxSelfReferentialDepth: 2 }),
  maxFieldsRule(300),
];

it.each(operationsDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  const errors = validate(schema, parse(document.source), apiRules);
  expect(errors.map((e) => e.message)).toEqual([]);
});

it("operations send no mutation that would need an idempotency key", () => {
  const sent: string[] = [];
  for (const document of operationsDocuments) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      for (const selection of (definition as OperationDefinitionNode).selectionSet.selections) {
        if (selection.kind === Kind.FIELD) sent.push(selection.name.value);
      }
    }
  }
  expect(sent.filter((name) => (keyedMutations as readonly string[]).includes(name))).toEqual([]);
  expect(sent.sort()).toEqual([
    "createChannelFeed", "createHousekeepingTask", "deleteChannelFeedByRowId", "resolveChannelConflict", "setUnitStatus", "syncChannelFeedNow",
    "updateChannelFeedByRowId", "updateHousekeepingTask",
  ]);
});
