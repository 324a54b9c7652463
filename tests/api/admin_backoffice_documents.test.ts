// The back office's GraphQL documents (admin/src/features/{accounting,reports,revenue}/documents.ts:
// accounting, reports and exports, revenue and the rate calendar) are
// written by hand; here they are checked against the reviewed schema and
// the API's limits, like tests/api/admin_documents.test.ts does for the rest
// of the console, and every keyed mutation among them passes a required
// $idempotencyKey, while the mutations without one are those the API gives
// no key (CRUD of the revenue setup, requestExport, resolving a difference).
import { Kind } from "postgraphile/graphql";
import { apiInputFields, apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
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
  for (const m of mutationsSent(backofficeDocuments)) {
    if (!(keyedMutations as readonly string[]).includes(m.name)) {
      // Not keyed: the API's input has no idempotencyKey at all.
      expect(apiInputFields(m.name)).not.toContain("idempotencyKey");
      continue;
    }
    sent.push(m.name);
    expect(m.keyVariable).toBe("idempotencyKey");
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
  }
  expect(sent.sort()).toEqual([...backofficeKeyedMutations].sort());
});
