// A row's identity in the API, apart from its primary key (issue 20, ready
// to distribute by property). A tenant table's primary key carries
// property_id, (id, property_id), so a Citus-style distribution by property
// can enforce it shard by shard (tests/db/distribution.test.ts). The API
// keeps naming a row by its id alone, as it always has: node ids, the
// `…ByRowId` fields and the update/delete mutations by rowId stay what the
// apps hold. The primary key says which columns with its smart tag
//   comment on constraint reservations_pkey on app_public.reservations is E'@rowIdentity id';
// and this plugin hands PostGraphile that key with those columns. id is
// unique on its own (gen_random_uuid() or an identity); the database keeps
// enforcing the wider key, and a lookup by id uses the key's index (id first).
import "postgraphile";

export const RowIdentityPlugin: GraphileConfig.Plugin = {
  name: "KeeprRowIdentityPlugin",
  version: "1.0.0",
  description: "A primary key tagged @rowIdentity <columns> names its rows by those columns in the API",
  gather: {
    hooks: {
      pgTables_unique(_info, event) {
        const { unique, pgConstraint, pgClass } = event;
        const identity = pgConstraint.getTags().rowIdentity;
        if (identity === undefined) return;
        const columns = typeof identity === "string" ? identity.split(",").map((c) => c.trim()) : [];
        const where = `${pgClass.getNamespace()?.nspname}.${pgClass.relname}`;
        if (!unique.isPrimary) throw new Error(`@rowIdentity is for primary keys: ${pgConstraint.conname} on ${where}`);
        if (columns.length === 0 || !columns.every((c) => unique.attributes.includes(c)) || columns.length >= unique.attributes.length) {
          throw new Error(`@rowIdentity of ${pgConstraint.conname} on ${where} must name some of its columns: ${unique.attributes.join(", ")}`);
        }
        unique.attributes = columns;
      },
    },
  },
};
