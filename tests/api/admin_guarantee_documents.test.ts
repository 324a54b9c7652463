// The console's documents for the payment guarantee and the card on file
// (admin/src/features/guarantee/documents.ts) are written by hand; here
// they are checked against the reviewed schema and the API's limits, like
// tests/api/admin_documents.test.ts does for the rest of the console, and
// every mutation among them passes a required $idempotencyKey.
import { Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiValidationErrors } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { guaranteeDocuments } from "../../admin/src/features/guarantee/documents.ts";

it.each(guaranteeDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("each mutation of the payment guarantee is keyed and passes a required $idempotencyKey", () => {
  const sent: string[] = [];
  for (const document of guaranteeDocuments) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      const op = definition as OperationDefinitionNode;
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        expect((keyedMutations as readonly string[]).includes(selection.name.value)).toBe(true);
        sent.push(selection.name.value);
        const input = selection.arguments?.find((a) => a.name.value === "input")?.value;
        const key = input?.kind === Kind.OBJECT ? input.fields.find((f) => f.name.value === "idempotencyKey")?.value : undefined;
        expect(key?.kind === Kind.VARIABLE ? key.name.value : null).toBe("idempotencyKey");
        expect(op.variableDefinitions?.find((v) => v.variable.name.value === "idempotencyKey")?.type.kind).toBe(Kind.NON_NULL_TYPE);
      }
    }
  }
  expect(sent.sort()).toEqual(["chargeCardOnFile", "extendPaymentDeadline", "waivePaymentGuarantee"]);
});
