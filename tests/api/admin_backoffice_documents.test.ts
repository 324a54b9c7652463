// The back office's GraphQL documents (admin/src/features/{accounting,reports,revenue}/documents.ts:
// accounting, reports and exports, revenue and the rate calendar) are
// written by hand; here they are checked against the reviewed schema and
// the API's limits, like tests/api/admin_documents.test.ts does for the rest
// of the console, and every keyed mutation among them passes a required
// $idempotencyKey, while the mutations without one are those the API gives
// no key (CRUD of the revenue setup, requestExport, resolving a difference).
import { Kind, parse, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiSchema, apiValidationErrors } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { accountingDocuments, accountingKeyedMutations } from "../../admin/src/features/accounting/documents.ts";
import { reportsDocuments } from "../../admin/src/features/reports/documents.ts";
import { revenueDocuments, revenueKeyedMutations } from "../../admin/src/features/revenue/documents.ts";

const backofficeDocuments = [...accountingDocuments, ...reportsDocuments, ...revenueDocuments];
const backofficeKeyedMutations = [...accountingKeyedMutations, ...revenueKeyedMutations];


it.each(backofficeDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("operation names are unique across the back office", () => {
  const names = backofficeDocuments.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
});

it("each keyed mutation of the back office passes a required $idempotencyKey; the others take no key in the API", () => {
  const sent: string[] = [];
  const mutation = apiSchema.getMutationType()!;
  for (const document of backofficeDocuments) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      const op = definition as OperationDefinitionNode;
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const name = selection.name.value;
        const input = selection.arguments?.find((a) => a.name.value === "input")?.value;
        const key = input?.kind === Kind.OBJECT ? input.fields.find((f) => f.name.value === "idempotencyKey")?.value : undefined;
        if (!(keyedMutations as readonly string[]).includes(name)) {
          // Not keyed: the API's input has no idempotencyKey at all.
          const inputType = mutation.getFields()[name]!.args.find((a) => a.name === "input")!.type.toString().replace(/!$/, "");
          expect(Object.keys((apiSchema.getType(inputType) as unknown as { getFields(): object }).getFields())).not.toContain("idempotencyKey");
          continue;
        }
        sent.push(name);
        expect(key?.kind === Kind.VARIABLE ? key.name.value : null).toBe("idempotencyKey");
        expect(op.variableDefinitions?.find((v) => v.variable.name.value === "idempotencyKey")?.type.kind).toBe(Kind.NON_NULL_TYPE);
      }
    }
  }
  expect(sent.sort()).toEqual([...backofficeKeyedMutations].sort());
});
