// server/graphql-row-identity.ts: a primary key tagged @rowIdentity names its
// rows by those columns in the API (the key itself carries property_id, for
// a distribution by property: tests/db/distribution.test.ts). The schema as a
// whole is checked by tests/api/schema.test.ts (node ids and …ByRowId fields
// unchanged); here, the plugin's refusals.
import { RowIdentityPlugin } from "../../server/graphql-row-identity.ts";

type Hook = (info: unknown, event: unknown) => void;
const hook = RowIdentityPlugin.gather!.hooks!.pgTables_unique as unknown as Hook;

function eventFor(tags: Record<string, unknown>, unique: { attributes: string[]; isPrimary?: boolean }) {
  return {
    serviceName: "main",
    pgClass: { relname: "reservations", getNamespace: () => ({ nspname: "app_public" }) },
    pgConstraint: { conname: "reservations_pkey", getTags: () => tags },
    unique,
  };
}

it("presents a tagged primary key by the columns the tag names", () => {
  const event = eventFor({ rowIdentity: "id" }, { attributes: ["id", "property_id"], isPrimary: true });
  hook({}, event);
  expect(event.unique).toEqual({ attributes: ["id"], isPrimary: true });
  const composite = eventFor({ rowIdentity: "feed_id,uid" }, { attributes: ["feed_id", "uid", "property_id"], isPrimary: true });
  hook({}, composite);
  expect(composite.unique.attributes).toEqual(["feed_id", "uid"]);
});

it("leaves an untagged key alone", () => {
  const event = eventFor({}, { attributes: ["id", "property_id"], isPrimary: true });
  hook({}, event);
  expect(event.unique.attributes).toEqual(["id", "property_id"]);
});

it("refuses a tag on a unique constraint, naming a column outside the key, the whole key, or nothing", () => {
  expect(() => hook({}, eventFor({ rowIdentity: "id" }, { attributes: ["id", "property_id"] }))).toThrow(/for primary keys: reservations_pkey on app_public\.reservations/);
  expect(() => hook({}, eventFor({ rowIdentity: "code" }, { attributes: ["id", "property_id"], isPrimary: true }))).toThrow(/must name some of its columns: id, property_id/);
  expect(() => hook({}, eventFor({ rowIdentity: "id,property_id" }, { attributes: ["id", "property_id"], isPrimary: true }))).toThrow(/must name some/);
  expect(() => hook({}, eventFor({ rowIdentity: true }, { attributes: ["id", "property_id"], isPrimary: true }))).toThrow(/must name some/);
});
