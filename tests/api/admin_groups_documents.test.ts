// The group booking screens' GraphQL documents (admin/src/features/groups/documents.ts)
// are written by hand; here they are checked against the reviewed schema and
// the API's limits, like tests/api/admin_documents.test.ts does for the rest
// of the console. createGroupHold, confirmGroup and cancelGroup pass a
// required $idempotencyKey; setRoomGuestName sets a value and takes none.
import { Kind } from "postgraphile/graphql";
import { apiInputFields, apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { groupsDocuments, groupsUnkeyedMutations } from "../../admin/src/features/groups/documents.ts";

it.each(groupsDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("each keyed group mutation passes a required $idempotencyKey; setRoomGuestName takes no key in the API", () => {
  const keyed: string[] = [];
  const unkeyed: string[] = [];
  for (const m of mutationsSent(groupsDocuments)) {
    if ((groupsUnkeyedMutations as readonly string[]).includes(m.name)) {
      expect(apiInputFields(m.name)).not.toContain("idempotencyKey");
      expect((keyedMutations as readonly string[]).includes(m.name)).toBe(false);
      unkeyed.push(m.name);
      continue;
    }
    expect((keyedMutations as readonly string[]).includes(m.name)).toBe(true);
    expect(m.keyVariable).toBe("idempotencyKey");
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
    keyed.push(m.name);
  }
  expect(keyed.sort()).toEqual(["addGroupRoom", "cancelGroup", "changeGroupDates", "confirmGroup", "createGroupHold"]);
  expect(unkeyed).toEqual(["setRoomGuestName"]);
});
