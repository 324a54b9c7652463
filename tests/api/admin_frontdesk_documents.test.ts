// The front desk's GraphQL documents (admin/src/features/frontdesk/documents.ts:
// booking by phone, the tape chart, room moves and changed dates) are
// written by hand; here they are checked against the reviewed schema and
// the API's limits, like tests/api/admin_documents.test.ts does for the
// rest of the console, and every keyed mutation among them passes a
// required $idempotencyKey, while the one without (pinReservationUnit) is
// one the API gives no key.
import { Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiSchema, apiValidationErrors } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { frontDeskDocuments, frontDeskUnkeyedMutations } from "../../admin/src/features/frontdesk/documents.ts";


it.each(frontDeskDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("each keyed mutation of the front desk passes a required $idempotencyKey; the others take no key in the API", () => {
  const sent: string[] = [];
  const unkeyed: string[] = [];
  const mutation = apiSchema.getMutationType()!;
  for (const document of frontDeskDocuments) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      const op = definition as OperationDefinitionNode;
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        if ((frontDeskUnkeyedMutations as readonly string[]).includes(selection.name.value)) {
          // Not keyed: the API's input has no idempotencyKey at all.
          const inputType = mutation.getFields()[selection.name.value]!.args.find((a) => a.name === "input")!.type.toString().replace(/!$/, "");
          expect(Object.keys((apiSchema.getType(inputType) as unknown as { getFields(): object }).getFields())).not.toContain("idempotencyKey");
          expect((keyedMutations as readonly string[]).includes(selection.name.value)).toBe(false);
          unkeyed.push(selection.name.value);
          continue;
        }
        expect((keyedMutations as readonly string[]).includes(selection.name.value)).toBe(true);
        sent.push(selection.name.value);
        const input = selection.arguments?.find((a) => a.name.value === "input")?.value;
        const key = input?.kind === Kind.OBJECT ? input.fields.find((f) => f.name.value === "idempotencyKey")?.value : undefined;
        expect(key?.kind === Kind.VARIABLE ? key.name.value : null).toBe("idempotencyKey");
        expect(op.variableDefinitions?.find((v) => v.variable.name.value === "idempotencyKey")?.type.kind).toBe(Kind.NON_NULL_TYPE);
      }
    }
  }
  expect(sent.sort()).toEqual(["confirmBooking", "createHold", "modifyReservation", "moveUnit"]);
  expect(unkeyed).toEqual(["pinReservationUnit"]);
});
