// The Guests screens' GraphQL documents (admin/src/features/guests/documents.ts)
// are written by hand; here they are checked against the reviewed schema and
// the API's limits, like tests/api/admin_documents.test.ts does for the rest
// of the console. Their two mutations take no idempotency key in the API
// (updateGuest writes the same values again as a no-op; mergeGuests answers
// a merge that is done with the kept profile).
import { apiInputFields, apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { guestsDocuments, guestsUnkeyedMutations } from "../../admin/src/features/guests/documents.ts";

it.each(guestsDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("the Guests mutations are the unkeyed updateGuest and mergeGuests", () => {
  const sent = mutationsSent(guestsDocuments).map((m) => m.name).sort();
  expect(sent).toEqual([...guestsUnkeyedMutations].sort());
  for (const name of sent) {
    expect(apiInputFields(name)).not.toContain("idempotencyKey");
    expect((keyedMutations as readonly string[]).includes(name)).toBe(false);
  }
});
