// The desk's folio documents (admin/src/features/folio/documents.ts: the
// folios of a stay, extras, charges, allowances, corrections, cash and bank
// payments and refunds, splitting and routing, the city ledger, AR aging,
// the cash drawer) are written by hand; here they are checked against the
// reviewed schema and the API's limits like the console's other documents,
// and every keyed mutation among them passes a required $idempotencyKey.
import { Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiValidationErrors } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { deskDocuments, deskKeyedMutations } from "../../admin/src/features/folio/documents.ts";

it.each(deskDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("operation names are unique among the desk's documents", () => {
  const names = deskDocuments.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
});

it("each keyed mutation of the desk passes a required $idempotencyKey, and the console knows it is keyed", () => {
  const sent: string[] = [];
  for (const document of deskDocuments) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      const op = definition as OperationDefinitionNode;
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD || !(keyedMutations as readonly string[]).includes(selection.name.value)) continue;
        sent.push(selection.name.value);
        const input = selection.arguments?.find((a) => a.name.value === "input")?.value;
        const key = input?.kind === Kind.OBJECT ? input.fields.find((f) => f.name.value === "idempotencyKey")?.value : undefined;
        expect(key?.kind === Kind.VARIABLE ? key.name.value : null).toBe("idempotencyKey");
        expect(op.variableDefinitions?.find((v) => v.variable.name.value === "idempotencyKey")?.type.kind).toBe(Kind.NON_NULL_TYPE);
      }
    }
  }
  expect(sent.sort()).toEqual([...deskKeyedMutations].sort());
});
