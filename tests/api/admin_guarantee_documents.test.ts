// The console's documents for the payment guarantee and the card on file
// (admin/src/features/guarantee/documents.ts) are written by hand; here
// they are checked against the reviewed schema and the API's limits, like
// tests/api/admin_documents.test.ts does for the rest of the console, and
// every mutation among them passes a required $idempotencyKey.
import { Kind } from "postgraphile/graphql";
import { apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { guaranteeDocuments } from "../../admin/src/features/guarantee/documents.ts";

it.each(guaranteeDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("each mutation of the payment guarantee is keyed and passes a required $idempotencyKey", () => {
  const sent: string[] = [];
  for (const m of mutationsSent(guaranteeDocuments)) {
    expect((keyedMutations as readonly string[]).includes(m.name)).toBe(true);
    sent.push(m.name);
    expect(m.keyVariable).toBe("idempotencyKey");
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
  }
  expect(sent.sort()).toEqual(["chargeCardOnFile", "extendPaymentDeadline", "waivePaymentGuarantee"]);
});
