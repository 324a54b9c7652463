// The desk's folio documents (admin/src/features/folio/documents.ts: the
// folios of a stay, extras, charges, allowances, corrections, cash and bank
// payments and refunds, splitting and routing, the city ledger, AR aging,
// the cash drawer) are written by hand; here they are checked against the
// reviewed schema and the API's limits like the console's other documents,
// and every keyed mutation among them passes a required $idempotencyKey.
import { Kind } from "postgraphile/graphql";
import { apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
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
  for (const m of mutationsSent(deskDocuments)) {
    if (!(keyedMutations as readonly string[]).includes(m.name)) continue;
    sent.push(m.name);
    expect(m.keyVariable).toBe("idempotencyKey");
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
  }
  expect(sent.sort()).toEqual([...deskKeyedMutations].sort());
});
