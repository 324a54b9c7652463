// Operations' GraphQL documents (admin/src/providers/documents/operations.ts:
// the housekeeping board and its actions, the channel manager) are written
// by hand; here they are checked against the reviewed schema and the API's
// limits, like tests/api/admin_documents.test.ts does for the rest of the
// console. None of them is a keyed mutation (none takes an idempotency key).
import { Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiSchema, apiValidationErrors } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/providers/documents.ts";
import { operationsDocuments } from "../../admin/src/providers/documents/operations.ts";


it.each(operationsDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
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
