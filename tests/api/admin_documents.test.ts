// The staff console's GraphQL documents (admin/src/platform/documents.ts)
// are written by hand; here they are checked against the reviewed schema
// (server/schema.graphql), so an API change that breaks the console fails
// the suite instead of a screen. Also: every mutation that takes an
// idempotency key is known to the console, and the console never sends one
// without a key variable.
import { isNonNullType, Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiSchema, apiValidationErrors } from "../helpers/graphql-documents.ts";
import { allDocuments, keyedMutations } from "../../admin/src/platform/documents.ts";


it.each(allDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("the console's list of keyed mutations is every mutation that takes an idempotencyKey", () => {
  const mutation = apiSchema.getMutationType()!;
  const keyed = Object.values(mutation.getFields())
    .filter((field) => {
      const input = field.args.find((a) => a.name === "input")?.type;
      const inputType = input && isNonNullType(input) ? input.ofType : input;
      return inputType && "getFields" in inputType && "idempotencyKey" in (inputType.getFields() as Record<string, unknown>);
    })
    .map((field) => field.name)
    .sort();
  expect([...keyedMutations].sort()).toEqual(keyed);
});

it("each keyed mutation the console sends passes a required $idempotencyKey", () => {
  const sent: string[] = [];
  for (const document of allDocuments) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      const op = definition as OperationDefinitionNode;
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD || !(keyedMutations as readonly string[]).includes(selection.name.value)) continue;
        sent.push(selection.name.value);
        const input = selection.arguments?.find((a) => a.name.value === "input")?.value;
        const key = input?.kind === Kind.OBJECT ? input.fields.find((f) => f.name.value === "idempotencyKey")?.value : undefined;
        expect({ mutation: selection.name.value, key: key?.kind === Kind.VARIABLE ? key.name.value : null }).toEqual({
          mutation: selection.name.value,
          key: "idempotencyKey",
        });
        const declared = op.variableDefinitions?.find((v) => v.variable.name.value === "idempotencyKey");
        expect(declared?.type.kind).toBe(Kind.NON_NULL_TYPE);
      }
    }
  }
  expect(sent.sort()).toEqual(["cancelReservation", "checkIn", "checkOut", "markNoShow"]);
});
