// The staff console's GraphQL documents (admin/src/platform/documents.ts)
// are written by hand; here they are checked against the reviewed schema
// (server/schema.graphql), so an API change that breaks the console fails
// the suite instead of a screen. Also: every mutation that takes an
// idempotency key is known to the console, and the console never sends one
// without a key variable.
import { isNonNullType, Kind } from "postgraphile/graphql";
import { apiSchema, apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { allDocuments, keyedMutations } from "../../admin/src/platform/documents.ts";


it.each(allDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("the console's list of keyed mutations is every mutation that takes an idempotencyKey", () => {
  const mutation = apiSchema.getMutationType()!;
  const keyed = Object.values(mutation.getFields())
    .filter((field) => {
      const input = field.args.find((a) => a.name === "input")?.type;
      const inputType = input && isNonNullType(input) ? input.ofType : input;
      return inputType && "getFields" in inputType && "idempotencyKey" in (inputType.getFields() as Record<string, unknown>);
    })
    .map((field) => field.name)
    .sort();
  expect([...keyedMutations].sort()).toEqual(keyed);
});

it("each keyed mutation the console sends passes a required $idempotencyKey", () => {
  const sent: string[] = [];
  for (const m of mutationsSent(allDocuments)) {
    if (!(keyedMutations as readonly string[]).includes(m.name)) continue;
    sent.push(m.name);
    expect({ mutation: m.name, key: m.keyVariable }).toEqual({
      mutation: m.name,
      key: "idempotencyKey",
    });
    expect(m.keyDeclaration).toBe(Kind.NON_NULL_TYPE);
  }
  expect(sent.sort()).toEqual(["cancelReservation", "checkIn", "checkOut", "markNoShow", "modifyReservation"]);
});
