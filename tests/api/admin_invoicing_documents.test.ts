// The console's documents for legal invoices (admin/src/features/invoicing/documents.ts:
// legal details, bill-to, sending) are written by hand; here they are checked
// against the reviewed schema and the API's limits, and each keyed mutation
// passes a required $idempotencyKey.
import { Kind } from "postgraphile/graphql";
import { apiInputFields, apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { invoicingDocuments, invoicingKeyedMutations } from "../../admin/src/features/invoicing/documents.ts";


it.each(invoicingDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("operation names are unique across the invoicing documents", () => {
  const names = invoicingDocuments.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
});

it("each keyed mutation of the invoicing documents passes a required $idempotencyKey; the others take no key in the API", () => {
  const sent: string[] = [];
  for (const m of mutationsSent(invoicingDocuments)) {
    if (!(keyedMutations as readonly string[]).includes(m.name)) {
      // Not keyed: the API's input has no idempotencyKey at all.
      expect(apiInputFields(m.name)).not.toContain("idempotencyKey");
      continue;
    }
    sent.push(m.name);
    expect(m.keyVariable).toBe("idempotencyKey");
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
  }
  expect(sent.sort()).toEqual([...invoicingKeyedMutations].sort());
});
