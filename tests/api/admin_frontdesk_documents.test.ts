// The front desk's GraphQL documents (admin/src/features/frontdesk/documents.ts:
// booking by phone, the tape chart, room moves and changed dates) are
// written by hand; here they are checked against the reviewed schema and
// the API's limits, like tests/api/admin_documents.test.ts does for the
// rest of the console, and every keyed mutation among them passes a
// required $idempotencyKey, while the one without (pinReservationUnit) is
// one the API gives no key.
import { Kind } from "postgraphile/graphql";
import { apiInputFields, apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { frontDeskDocuments, frontDeskUnkeyedMutations } from "../../admin/src/features/frontdesk/documents.ts";


it.each(frontDeskDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("each keyed mutation of the front desk passes a required $idempotencyKey; the others take no key in the API", () => {
  const sent: string[] = [];
  const unkeyed: string[] = [];
  for (const m of mutationsSent(frontDeskDocuments)) {
    if ((frontDeskUnkeyedMutations as readonly string[]).includes(m.name)) {
      // Not keyed: the API's input has no idempotencyKey at all.
      expect(apiInputFields(m.name)).not.toContain("idempotencyKey");
      expect((keyedMutations as readonly string[]).includes(m.name)).toBe(false);
      unkeyed.push(m.name);
      continue;
    }
    expect((keyedMutations as readonly string[]).includes(m.name)).toBe(true);
    sent.push(m.name);
    expect(m.keyVariable).toBe("idempotencyKey");
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
  }
  expect(sent.sort()).toEqual(["confirmBooking", "createDeskHold", "createHold", "modifyReservation", "moveUnit"]);
  expect(unkeyed).toEqual(["setDoNotDisturb", "recordRegistrationCard", "pinReservationUnit", "setReservationLanguage"]);
});
