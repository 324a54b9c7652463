// db/schema.sql: the whole database schema as it is after migrating, read
// from the catalogue and printed for people rather than for pg_restore. Each
// table comes with everything about it (columns, constraints, indexes, row
// level security and policies, triggers, replica identity, grants down to
// columns, comments), then each schema's views, types, sequences and
// functions; publications last. Everything is sorted by name and nothing
// volatile is printed (no oids, sequence positions or grantors), so the diff
// of db/schema.sql shows exactly what a migration changed.
//   npm run -s db -- schema     writes it (with server/schema.graphql)
//   tests/db/schema_dump.test.ts checks the committed file against a fresh database
import pg from "pg";

export const schemaSqlFile = new URL("./schema.sql", import.meta.url);

/** Schemas Keepr creates, in the order they are printed (the API first): everything in them is printed. */
export const keeprSchemas = ["app_public", "app_hidden", "app_private", "audit", "reporting"];
/** Owned by the libraries that create them (graphile-migrate, graphile-worker): left out. */
const librarySchemas = ["graphile_migrate", "graphile_worker"];

type Db = Pick<pg.Pool, "query">;
type Grant = { object: string; grantee: string; privilege: string; grantable: boolean };

const ident = (name: string) => pg.escapeIdentifier(name).replace(/^"([a-z_][a-z0-9_$]*)"$/, "$1");
const rule = (title: string, char = "-") => `-- ${char.repeat(76)}\n-- ${title}\n-- ${char.repeat(76)}`;

async function rows<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T & pg.QueryResultRow>(sql, params)).rows;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * "grant select, update on ..." per grantee (sorted), from exploded ACL rows;
 * columns (when given) make it "grant insert (a, b), update (b) on ...".
 * The owner's own rights are implied and left out.
 */
function grantStatements(grants: Grant[], on: string, owner: string, columnOrder?: string[]): string[] {
  const out: string[] = [];
  const mine = grants.filter((g) => g.grantee !== owner);
  for (const [key, list] of [...groupBy(mine, (g) => `${g.grantee}\u0000${g.grantable}`)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [grantee, grantable] = key.split("\u0000");
    let privileges: string;
    if (columnOrder) {
      const byPrivilege = groupBy(list, (g) => g.privilege);
      privileges = [...byPrivilege.keys()]
        .sort()
        .map((p) => {
          const columns = byPrivilege.get(p)!.map((g) => g.object);
          columns.sort((a, b) => columnOrder.indexOf(a) - columnOrder.indexOf(b));
          return `${p} (${columns.map(ident).join(", ")})`;
        })
        .join(", ");
    } else {
      privileges = [...new Set(list.map((g) => g.privilege))].sort().join(", ");
    }
    out.push(`grant ${privileges} on ${on} to ${grantee === "-" ? "public" : ident(grantee!)}${grantable === "true" ? " with grant option" : ""};`);
  }
  return out;
}

/** ACL rows of every object of one catalogue, keyed by object; `acldefault` stands in for a null ACL (so PUBLIC's default EXECUTE shows). */
const aclSql = (catalog: string, oidColumn: string, aclColumn: string, ownerColumn: string, kind: string, where: string) => `
  select o.${oidColumn}::text as key, coalesce(nullif(a.grantee, 0)::regrole::text, '-') as grantee,
         lower(a.privilege_type) as privilege, a.is_grantable as grantable
  from ${catalog} o, aclexplode(coalesce(o.${aclColumn}, acldefault('${kind}', o.${ownerColumn}))) a
  where ${where}`;

export async function printSchemaSql(db: Db): Promise<string> {
  const { version } = (await rows<{ version: string }>(db, "select current_setting('server_version_num')::int / 10000 as version"))[0]!;
  const out: string[] = [];
  const emit = (...lines: string[]) => out.push(...lines);

  emit(
    "-- db/schema.sql: Keepr's database schema as the migrations leave it, read from",
    "-- the catalogue by db/schema-sql.ts. GENERATED: do not edit. After changing",
    "-- migrations/current.sql (or functions/), run `npm run -s db -- schema`;",
    "-- tests/db/schema_dump.test.ts fails while this file and a freshly migrated",
    "-- database differ. Review a migration by its diff here.",
    "--",
    "-- Holds what Keepr creates: the schemas " + keeprSchemas.join(", ") + ",",
    "-- the grants on schema public, default privileges, extensions (not what they",
    "-- bring) and publications. Left out: graphile-migrate's and graphile-worker's",
    "-- own schemas (" + librarySchemas.join(", ") + "), roles (core/roles.ts), the",
    "-- database's settings.",
    "--",
    "-- Order: contents (every name), extensions, schema public's grants, default",
    "-- privileges; then schema by schema (the API first): every table with all of",
    "-- its parts (columns, constraints, indexes, row level security and policies,",
    "-- triggers, replica identity, grants, comments), then views, types, sequences",
    "-- and functions, each by name; publications last. Everything belongs to",
    "-- keepr_owner unless an `owner to` says otherwise; the owner's own privileges",
    "-- are implied. Printed by PostgreSQL " + version + ".",
    "",
  );

  const contentsAt = out.length;

  // ----- extensions
  const extensions = await rows<{ name: string; schema: string }>(
    db,
    "select extname as name, extnamespace::regnamespace::text as schema from pg_extension where extname <> 'plpgsql' order by extname",
  );
  emit(rule("extensions", "="));
  for (const e of extensions) emit(`create extension ${ident(e.name)} with schema ${ident(e.schema)};`);
  emit("");

  // ----- schema public: only what Keepr does to it
  const schemaGrants = await rows<Grant & { key: string }>(
    db,
    aclSql("pg_namespace", "nspname", "nspacl", "nspowner", "n", `o.nspname = any($1)`),
    [[...keeprSchemas, "public"]],
  );
  const grantsBySchema = groupBy(schemaGrants, (g) => g.key);
  emit(rule("schema public (Postgres creates it; Keepr sets its grants and installs extensions there)", "="));
  emit(...grantStatements(grantsBySchema.get("public") ?? [], "schema public", "pg_database_owner"), "");

  // ----- default privileges
  const defaults = await rows<{ role: string; schema: string | null; kind: string; acl: string[]; defaults: string[] }>(
    db,
    `select defaclrole::regrole::text as role, nullif(defaclnamespace, 0)::regnamespace::text as schema,
            defaclobjtype as kind,
            array(select coalesce(nullif(grantee, 0)::regrole::text, 'public') || ' ' || lower(privilege_type) from aclexplode(defaclacl) order by 1) as acl,
            array(select coalesce(nullif(grantee, 0)::regrole::text, 'public') || ' ' || lower(privilege_type)
                  from aclexplode(acldefault(case defaclobjtype when 'r' then 'r' when 'S' then 's' when 'f' then 'f' when 'T' then 'T' when 'n' then 'n' end::"char", defaclrole)) order by 1) as defaults
     from pg_default_acl order by 1, 2 nulls first, 3`,
  );
  if (defaults.length) {
    emit(rule("default privileges", "="));
    const kindName: Record<string, string> = { r: "tables", S: "sequences", f: "functions", T: "types", n: "schemas" };
    for (const d of defaults) {
      const prefix = `alter default privileges for role ${ident(d.role)}${d.schema ? ` in schema ${ident(d.schema)}` : ""}`;
      for (const entry of d.defaults.filter((x) => !d.acl.includes(x))) {
        const [grantee, privilege] = entry.split(" ");
        if (grantee !== d.role) emit(`${prefix} revoke ${privilege} on ${kindName[d.kind]} from ${grantee};`);
      }
      for (const entry of d.acl.filter((x) => !d.defaults.includes(x))) {
        const [grantee, privilege] = entry.split(" ");
        emit(`${prefix} grant ${privilege} on ${kindName[d.kind]} to ${grantee};`);
      }
    }
    emit("");
  }

  // ----- catalogue reads, all at once; grouped by relation below
  const relations = await rows<{
    oid: string; schema: string; name: string; kind: string; owner: string; persistence: string;
    options: string[] | null; rls: boolean; force_rls: boolean; replident: string; viewdef: string | null; comment: string | null;
  }>(
    db,
    `select c.oid::text, n.nspname as schema, c.relname as name, c.relkind as kind, pg_get_userbyid(c.relowner) as owner,
            c.relpersistence as persistence, c.reloptions as options, c.relrowsecurity as rls, c.relforcerowsecurity as force_rls,
            c.relreplident as replident,
            case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as viewdef,
            obj_description(c.oid, 'pg_class') as comment
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm')
     order by n.nspname, c.relname`,
    [keeprSchemas],
  );
  const columns = await rows<{
    relid: string; name: string; type: string; not_null: boolean; default: string | null; identity: string; generated: string;
    collation: string | null; comment: string | null;
  }>(
    db,
    `select a.attrelid::text as relid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
            pg_get_expr(d.adbin, d.adrelid) as default, a.attidentity as identity, a.attgenerated as generated,
            case when a.attcollation <> t.typcollation then (select quote_ident(collname) from pg_collation where oid = a.attcollation) end as collation,
            col_description(a.attrelid, a.attnum) as comment
     from pg_attribute a
     join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     join pg_type t on t.oid = a.atttypid
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'c') and a.attnum > 0 and not a.attisdropped
     order by a.attrelid, a.attnum`,
    [keeprSchemas],
  );
  const constraints = await rows<{ relid: string; name: string; def: string; comment: string | null }>(
    db,
    `select k.conrelid::text as relid, k.conname as name, pg_get_constraintdef(k.oid, true) as def,
            obj_description(k.oid, 'pg_constraint') as comment
     from pg_constraint k join pg_namespace n on n.oid = k.connamespace
     where n.nspname = any($1) and k.conrelid <> 0 and k.contype not in ('t', 'n')
     order by k.conrelid, k.conname`,
    [keeprSchemas],
  );
  const indexes = await rows<{ relid: string; schema: string; name: string; def: string; replident: boolean; comment: string | null }>(
    db,
    `select i.indrelid::text as relid, n.nspname as schema, c.relname as name, pg_get_indexdef(i.indexrelid) as def,
            i.indisreplident as replident, obj_description(i.indexrelid, 'pg_class') as comment
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1)
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x'))
     order by i.indrelid, c.relname`,
    [keeprSchemas],
  );
  const constraintIndexes = await rows<{ relid: string; name: string; replident: boolean }>(
    db,
    `select i.indrelid::text as relid, c.relname as name, i.indisreplident as replident
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1) and i.indisreplident`,
    [keeprSchemas],
  );
  const policies = await rows<{
    relid: string; name: string; permissive: boolean; cmd: string; roles: string[]; using: string | null; check: string | null; comment: string | null;
  }>(
    db,
    `select p.polrelid::text as relid, p.polname as name, p.polpermissive as permissive, p.polcmd as cmd,
            array(select case when r = 0 then 'public' else quote_ident(r::regrole::text) end from unnest(p.polroles) r order by 1) as roles,
            pg_get_expr(p.polqual, p.polrelid, true) as using, pg_get_expr(p.polwithcheck, p.polrelid, true) as check,
            obj_description(p.oid, 'pg_policy') as comment
     from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1)
     order by p.polrelid, p.polname`,
    [keeprSchemas],
  );
  const triggers = await rows<{ relid: string; name: string; def: string; enabled: string; comment: string | null }>(
    db,
    `select t.tgrelid::text as relid, t.tgname as name, pg_get_triggerdef(t.oid, true) as def, t.tgenabled as enabled,
            obj_description(t.oid, 'pg_trigger') as comment
     from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1) and not t.tgisinternal
     order by t.tgrelid, t.tgname`,
    [keeprSchemas],
  );
  const relationGrants = await rows<Grant & { key: string }>(
    db,
    aclSql("pg_class", "oid", "relacl", "relowner", "r", `o.relnamespace = any(select oid from pg_namespace where nspname = any($1)) and o.relkind in ('r', 'p', 'v', 'm')`),
    [keeprSchemas],
  );
  const columnGrants = await rows<Grant & { key: string }>(
    db,
    `select x.attrelid::text as key, x.attname as object, coalesce(nullif(a.grantee, 0)::regrole::text, '-') as grantee,
            lower(a.privilege_type) as privilege, a.is_grantable as grantable
     from pg_attribute x join pg_class c on c.oid = x.attrelid join pg_namespace n on n.oid = c.relnamespace,
          aclexplode(x.attacl) a
     where n.nspname = any($1) and x.attacl is not null and not x.attisdropped`,
    [keeprSchemas],
  );

  const columnsOf = groupBy(columns, (c) => c.relid);
  const constraintsOf = groupBy(constraints, (c) => c.relid);
  const indexesOf = groupBy(indexes, (i) => i.relid);
  const policiesOf = groupBy(policies, (p) => p.relid);
  const triggersOf = groupBy(triggers, (t) => t.relid);
  const grantsOf = groupBy(relationGrants, (g) => g.key);
  const columnGrantsOf = groupBy(columnGrants, (g) => g.key);
  const replicaIndexOf = new Map([...indexes, ...constraintIndexes].filter((i) => i.replident).map((i) => [i.relid, i.name]));

  const commandOf: Record<string, string> = { r: "select", a: "insert", w: "update", d: "delete", "*": "all" };
  const enabledOf: Record<string, string> = { D: "disable trigger", R: "enable replica trigger", A: "enable always trigger" };

  /** What every object may have after its definition: an owner other than keepr_owner, grants, a comment. */
  function tail(word: string, qualified: string, owner: string, grants: Grant[] | undefined, comment: string | null, grantOn = `${word} ${qualified}`, moreGrants: string[] = []): void {
    if (owner !== "keepr_owner") emit(`alter ${word} ${qualified} owner to ${ident(owner)};`);
    emit(...grantStatements(grants ?? [], grantOn, owner), ...moreGrants);
    if (comment !== null) emit(`comment on ${word} ${qualified} is ${pg.escapeLiteral(comment)};`);
  }

  /** Everything that belongs to a table or view once it exists: indexes, policies, triggers, grants, comments. */
  function relationParts(rel: (typeof relations)[number], qualified: string, kindWord: string): void {
    const cols = columnsOf.get(rel.oid) ?? [];
    const order = cols.map((c) => c.name);
    for (const i of indexesOf.get(rel.oid) ?? []) {
      emit(`${i.def};`);
      if (i.comment !== null) emit(`comment on index ${ident(i.schema)}.${ident(i.name)} is ${pg.escapeLiteral(i.comment)};`);
    }
    if (rel.rls) emit(`alter table ${qualified} enable row level security;`);
    if (rel.force_rls) emit(`alter table ${qualified} force row level security;`);
    for (const p of policiesOf.get(rel.oid) ?? []) {
      const lines = [`create policy ${ident(p.name)} on ${qualified}${p.permissive ? "" : " as restrictive"} for ${commandOf[p.cmd]} to ${p.roles.join(", ")}`];
      if (p.using !== null) lines.push(`  using (${p.using})`);
      if (p.check !== null) lines.push(`  with check (${p.check})`);
      emit(lines.join("\n") + ";");
      if (p.comment !== null) emit(`comment on policy ${ident(p.name)} on ${qualified} is ${pg.escapeLiteral(p.comment)};`);
    }
    for (const t of triggersOf.get(rel.oid) ?? []) {
      emit(`${t.def};`);
      if (enabledOf[t.enabled]) emit(`alter table ${qualified} ${enabledOf[t.enabled]} ${ident(t.name)};`);
      if (t.comment !== null) emit(`comment on trigger ${ident(t.name)} on ${qualified} is ${pg.escapeLiteral(t.comment)};`);
    }
    if (rel.kind === "r" || rel.kind === "p") {
      const identity: Record<string, string> = { f: "full", n: "nothing" };
      if (identity[rel.replident]) emit(`alter table ${qualified} replica identity ${identity[rel.replident]};`);
      if (rel.replident === "i") emit(`alter table ${qualified} replica identity using index ${ident(replicaIndexOf.get(rel.oid)!)};`);
    }
    const columnGrants = grantStatements(columnGrantsOf.get(rel.oid) ?? [], qualified, rel.owner, order);
    tail(kindWord, qualified, rel.owner, grantsOf.get(rel.oid), rel.comment, qualified, columnGrants);
    for (const c of cols) if (c.comment !== null) emit(`comment on column ${qualified}.${ident(c.name)} is ${pg.escapeLiteral(c.comment)};`);
    for (const k of constraintsOf.get(rel.oid) ?? []) {
      if (k.comment !== null) emit(`comment on constraint ${ident(k.name)} on ${qualified} is ${pg.escapeLiteral(k.comment)};`);
    }
  }

  // ----- types, sequences, functions: read once, printed per schema
  const types = await rows<{ oid: string; schema: string; name: string; kind: string; relid: string | null; labels: string[] | null; domain: string | null; comment: string | null; owner: string }>(
    db,
    `select t.oid::text, n.nspname as schema, t.typname as name, t.typtype as kind, nullif(t.typrelid, 0)::text as relid,
            case when t.typtype = 'e' then array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as labels,
            case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod)
              || coalesce(' default ' || t.typdefault, '') || case when t.typnotnull then ' not null' else '' end
              || coalesce((select string_agg(E'\n  constraint ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid, true), '' order by k.conname)
                           from pg_constraint k where k.contypid = t.oid), '') end as domain,
            obj_description(t.oid, 'pg_type') as comment, pg_get_userbyid(t.typowner) as owner
     from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where n.nspname = any($1)
       and (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
     order by n.nspname, t.typname`,
    [keeprSchemas],
  );
  const typeGrants = await rows<Grant & { key: string }>(
    db,
    aclSql("pg_type", "oid", "typacl", "typowner", "T", `o.typnamespace = any(select oid from pg_namespace where nspname = any($1)) and o.typacl is not null`),
    [keeprSchemas],
  );
  const sequences = await rows<{ oid: string; schema: string; name: string; def: string; owned_by: string | null; comment: string | null; owner: string }>(
    db,
    `select c.oid::text, n.nspname as schema, c.relname as name,
            format('as %s increment by %s minvalue %s maxvalue %s start with %s cache %s%s',
                   format_type(s.seqtypid, null), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
                   case when s.seqcycle then ' cycle' else '' end) as def,
            (select quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) || '.' || quote_ident(a.attname)
             from pg_depend d join pg_class tc on tc.oid = d.refobjid join pg_namespace tn on tn.oid = tc.relnamespace
             join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
             where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.deptype = 'a') as owned_by,
            obj_description(c.oid, 'pg_class') as comment, pg_get_userbyid(c.relowner) as owner
     from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
     where n.nspname = any($1) and c.relkind = 'S'
       and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i')
     order by n.nspname, c.relname`,
    [keeprSchemas],
  );
  const sequenceGrants = await rows<Grant & { key: string }>(
    db,
    aclSql("pg_class", "oid", "relacl", "relowner", "s", `o.relnamespace = any(select oid from pg_namespace where nspname = any($1)) and o.relkind = 'S'`),
    [keeprSchemas],
  );
  const functions = await rows<{ oid: string; schema: string; name: string; signature: string; kind: string; def: string | null; comment: string | null; owner: string }>(
    db,
    `select p.oid::text, n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as signature,
            p.prokind as kind, case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end as def,
            obj_description(p.oid, 'pg_proc') as comment, pg_get_userbyid(p.proowner) as owner
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = any($1)
       and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
     order by n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)`,
    [keeprSchemas],
  );
  const functionGrants = await rows<Grant & { key: string }>(
    db,
    aclSql("pg_proc", "oid", "proacl", "proowner", "f", `o.pronamespace = any(select oid from pg_namespace where nspname = any($1))`),
    [keeprSchemas],
  );
  const schemaComments = new Map(
    (await rows<{ name: string; comment: string | null; owner: string }>(
      db,
      "select nspname as name, obj_description(oid, 'pg_namespace') as comment, pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = any($1)",
      [keeprSchemas],
    )).map((s) => [s.name, s]),
  );

  const typeGrantsOf = groupBy(typeGrants, (g) => g.key);
  const sequenceGrantsOf = groupBy(sequenceGrants, (g) => g.key);
  const functionGrantsOf = groupBy(functionGrants, (g) => g.key);
  const relationsOf = groupBy(relations, (r) => r.schema);
  const typesOf = groupBy(types, (t) => t.schema);
  const sequencesOf = groupBy(sequences, (s) => s.schema);
  const functionsOf = groupBy(functions, (f) => f.schema);

  // ----- contents, at the top: every object's name, to find it with a search
  const contents: string[] = [rule("contents", "=")];
  const wrap = (label: string, names: string[]) => {
    if (!names.length) return;
    let line = `--   ${label}:`;
    for (const [i, name] of names.entries()) {
      const word = ` ${name}${i < names.length - 1 ? "," : ""}`;
      if (line.length + word.length > 80) {
        contents.push(line);
        line = `--     ${word.trimStart()}`;
      } else line += word;
    }
    contents.push(line);
  };
  for (const schema of keeprSchemas) {
    contents.push(`-- ${schema}`);
    const rels = relationsOf.get(schema) ?? [];
    wrap("tables", rels.filter((r) => r.kind === "r" || r.kind === "p").map((r) => r.name));
    wrap("views", rels.filter((r) => r.kind === "v" || r.kind === "m").map((r) => r.name));
    wrap("types", (typesOf.get(schema) ?? []).map((t) => t.name));
    wrap("sequences", (sequencesOf.get(schema) ?? []).map((q) => q.name));
    wrap("functions", [...new Set((functionsOf.get(schema) ?? []).map((f) => f.name))]);
  }
  out.splice(contentsAt, 0, ...contents, "");

  for (const schema of keeprSchemas) {
    const info = schemaComments.get(schema);
    if (!info) continue;
    emit(rule(`schema ${schema}`, "="));
    emit(`create schema ${ident(schema)};`);
    tail("schema", ident(schema), info.owner, grantsBySchema.get(schema), info.comment);
    emit("");

    for (const rel of (relationsOf.get(schema) ?? []).filter((r) => r.kind === "r" || r.kind === "p")) {
      const qualified = `${ident(schema)}.${ident(rel.name)}`;
      emit(rule(`table ${schema}.${rel.name}`));
      const body: string[] = [];
      for (const c of columnsOf.get(rel.oid) ?? []) {
        let line = `  ${ident(c.name)} ${c.type}`;
        if (c.collation) line += ` collate ${c.collation}`;
        if (c.generated === "s") line += ` generated always as (${c.default}) stored`;
        else if (c.default !== null) line += ` default ${c.default}`;
        if (c.identity === "a") line += " generated always as identity";
        if (c.identity === "d") line += " generated by default as identity";
        if (c.not_null && !c.identity) line += " not null";
        body.push(line);
      }
      for (const k of constraintsOf.get(rel.oid) ?? []) body.push(`  constraint ${ident(k.name)} ${k.def}`);
      const persistence = rel.persistence === "u" ? "unlogged " : "";
      const options = rel.options ? ` with (${rel.options.join(", ")})` : "";
      emit(`create ${persistence}table ${qualified} (\n${body.join(",\n")}\n)${options};`);
      relationParts(rel, qualified, "table");
      emit("");
    }

    for (const rel of (relationsOf.get(schema) ?? []).filter((r) => r.kind === "v" || r.kind === "m")) {
      const qualified = `${ident(schema)}.${ident(rel.name)}`;
      const kindWord = rel.kind === "m" ? "materialized view" : "view";
      emit(rule(`${kindWord} ${schema}.${rel.name}`));
      const options = rel.options ? ` with (${rel.options.join(", ")})` : "";
      emit(`create ${kindWord} ${qualified}${options} as\n${rel.viewdef!.replace(/;\s*$/, "")};`);
      relationParts(rel, qualified, kindWord);
      emit("");
    }

    const schemaTypes = typesOf.get(schema) ?? [];
    if (schemaTypes.length) {
      emit(rule(`types of ${schema}`));
      for (const t of schemaTypes) {
        const qualified = `${ident(schema)}.${ident(t.name)}`;
        if (t.kind === "e") emit(`create type ${qualified} as enum (${t.labels!.map((l) => pg.escapeLiteral(l)).join(", ")});`);
        else if (t.kind === "d") emit(`create domain ${qualified} as ${t.domain};`);
        else if (t.kind === "c") {
          const attrs = (columnsOf.get(t.relid!) ?? []).map((c) => `  ${ident(c.name)} ${c.type}${c.collation ? ` collate ${c.collation}` : ""}`);
          emit(`create type ${qualified} as (\n${attrs.join(",\n")}\n);`);
          for (const c of columnsOf.get(t.relid!) ?? []) {
            if (c.comment !== null) emit(`comment on column ${qualified}.${ident(c.name)} is ${pg.escapeLiteral(c.comment)};`);
          }
        } else emit(`-- range type ${qualified} (printed by name only)`);
        tail(t.kind === "d" ? "domain" : "type", qualified, t.owner, typeGrantsOf.get(t.oid), t.comment);
      }
      emit("");
    }

    const schemaSequences = sequencesOf.get(schema) ?? [];
    if (schemaSequences.length) {
      emit(rule(`sequences of ${schema}`));
      for (const s of schemaSequences) {
        const qualified = `${ident(schema)}.${ident(s.name)}`;
        emit(`create sequence ${qualified} ${s.def};`);
        if (s.owned_by) emit(`alter sequence ${qualified} owned by ${s.owned_by};`);
        tail("sequence", qualified, s.owner, sequenceGrantsOf.get(s.oid), s.comment);
      }
      emit("");
    }

    for (const f of functionsOf.get(schema) ?? []) {
      const qualified = `${ident(schema)}.${ident(f.name)}(${f.signature})`;
      const word = f.kind === "p" ? "procedure" : f.kind === "a" ? "aggregate" : "function";
      emit(rule(`${word} ${schema}.${f.name}(${f.signature})`));
      emit(f.def !== null ? `${f.def.trimEnd()};` : `-- aggregate ${qualified} (printed by name only)`);
      tail(word, qualified, f.owner, functionGrantsOf.get(f.oid), f.comment);
      emit("");
    }
  }

  // ----- publications
  const publications = await rows<{ name: string; options: string; tables: string[]; schemas: string[]; all: boolean; comment: string | null }>(
    db,
    `select p.pubname as name, p.puballtables as all,
            format('publish = %L, publish_via_partition_root = %s',
                   concat_ws(', ', case when p.pubinsert then 'insert' end, case when p.pubupdate then 'update' end,
                             case when p.pubdelete then 'delete' end, case when p.pubtruncate then 'truncate' end),
                   case when p.pubviaroot then 'true' else 'false' end) as options,
            array(select quote_ident(n.nspname) || '.' || quote_ident(c.relname)
                         || coalesce(' (' || (select string_agg(quote_ident(a.attname), ', ' order by k.ord)
                                              from unnest(r.prattrs::int2[]) with ordinality k(attnum, ord)
                                              join pg_attribute a on a.attrelid = r.prrelid and a.attnum = k.attnum) || ')', '')
                         || coalesce(' where (' || pg_get_expr(r.prqual, r.prrelid, true) || ')', '')
                  from pg_publication_rel r join pg_class c on c.oid = r.prrelid join pg_namespace n on n.oid = c.relnamespace
                  where r.prpubid = p.oid order by n.nspname, c.relname) as tables,
            array(select quote_ident(n.nspname) from pg_publication_namespace pn join pg_namespace n on n.oid = pn.pnnspid
                  where pn.pnpubid = p.oid order by 1) as schemas,
            obj_description(p.oid, 'pg_publication') as comment
     from pg_publication p order by p.pubname`,
  );
  if (publications.length) {
    emit(rule("publications", "="));
    for (const p of publications) {
      const what = p.all
        ? " for all tables"
        : p.schemas.length
          ? ` for tables in schema ${p.schemas.join(", ")}`
          : p.tables.length
            ? ` for table\n  ${p.tables.join(",\n  ")}\n`
            : "";
      emit(`create publication ${ident(p.name)}${what}${what.endsWith("\n") ? "" : " "}with (${p.options});`);
      if (p.comment !== null) emit(`comment on publication ${ident(p.name)} is ${pg.escapeLiteral(p.comment)};`);
    }
    emit("");
  }

  return out.join("\n").replace(/\n+$/, "\n");
}
