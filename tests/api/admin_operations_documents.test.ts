// Operations' GraphQL documents (admin/src/providers/documents/operations.ts:
// the housekeeping board and its actions, the channel manager) are written
// by hand; here they are checked against the reviewed schema and the API's
// limits, like tests/api/admin_documents.test.ts does for the rest of the
// console. None of them is a keyed mutation (none takes an idempotency key).
// The housekeeping board sends one query for every role: the stays without
// names, and the names only when the role may read reservations.
import { Kind, parse, print, type FieldNode, type OperationDefinitionNode } from "postgraphile/graphql";
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

it("the housekeeping board reads the day's stays from housekeepingStays (no name, no money) and guests' names only under @include(if: $withNames)", () => {
  const board = operationsDocuments.find((d) => d.name === "HousekeepingBoard")!;
  const operation = parse(board.source).definitions[0] as OperationDefinitionNode;
  const fields = new Map(
    operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((field) => [field.name.value, field]),
  );
  expect([...fields.keys()].sort()).toEqual(["allUnits", "frontDeskDay", "housekeepingBoard", "housekeepingStays"]);
  const directives = (name: string) => (fields.get(name)!.directives ?? []).map((d) => `@${d.name.value}(${(d.arguments ?? []).map(print).join(", ")})`);
  // Housekeeping (withNames false) sends the same query and reads no reservation.
  expect(directives("frontDeskDay")).toEqual(["@include(if: $withNames)"]);
  for (const name of ["allUnits", "housekeepingBoard", "housekeepingStays"]) expect(directives(name)).toEqual([]);
  const selected = (field: FieldNode): string[] =>
    (field.selectionSet?.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value, ...selected(s).map((n) => `${s.name.value}.${n}`)] : []));
  expect(selected(fields.get("frontDeskDay")!)).toEqual(["nodes", "nodes.rowId", "nodes.guest", "nodes.guest.fullName"]);
  expect(selected(fields.get("housekeepingStays")!)).toEqual([
    "nodes", "nodes.reservationId", "nodes.unitId", "nodes.arrival", "nodes.departure", "nodes.status", "nodes.adults", "nodes.children",
    "nodes.checkedInAt", "nodes.checkedOutAt",
  ]);
});
