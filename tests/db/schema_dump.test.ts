// db/schema.sql is the reviewed shape of the database: it must match what
// the migrations build (as server/schema.graphql must match the API). And
// each file in functions/ is its function's current source: running it on
// the migrated database changes nothing.
import { readdirSync, readFileSync } from "node:fs";
import { keeprSchemas, printSchemaSql, schemaSqlFile } from "../../db/schema-sql.ts";
import { createTestDatabase, inRollback, type TestDatabase } from "../helpers/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** Where two texts part: the first differing line with a few lines around it, and how many lines differ. */
function firstDifference(committed: string, printed: string): string | null {
  if (committed === printed) return null;
  const a = committed.split("\n");
  const b = printed.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (lines: string[]) =>
    lines
      .slice(Math.max(0, i - 3), i + 6)
      .map((line, k) => `${String(Math.max(0, i - 3) + k + 1).padStart(6)}| ${line}`)
      .join("\n");
  return [
    `db/schema.sql differs from the migrated database from line ${i + 1} on`,
    `(committed ${a.length} lines, database ${b.length}). Update it with \`npm run -s db -- schema\`.`,
    "--- committed db/schema.sql",
    around(a),
    "+++ printed from the database",
    around(b),
  ].join("\n");
}

it("the committed db/schema.sql matches the migrated database (update it with `npm run -s db -- schema`)", async () => {
  const printed = await printSchemaSql(db.ownerPool);
  expect(firstDifference(readFileSync(schemaSqlFile, "utf8"), printed)).toBeNull();
});

it("prints the same text twice, and nothing of graphile-migrate's or graphile-worker's own schemas", async () => {
  const [first, second] = [await printSchemaSql(db.ownerPool), await printSchemaSql(db.ownerPool)];
  expect(second).toBe(first);
  expect(first).not.toMatch(/^(create|alter|grant|comment on) \S+ graphile_(worker|migrate)\./im);
  expect(first).toMatch(/^create table app_public\.reservations \($/m);
});

/** The named functions as the database has them: definition and comment, per signature. */
const definitions = `
  select p.oid::regprocedure::text as fn, pg_get_functiondef(p.oid) as definition, obj_description(p.oid, 'pg_proc') as comment
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname || '.' || p.proname = any($1)`;
type Definition = { fn: string; definition: string; comment: string | null };

it("every file in functions/ is its functions as the migrated database has them (a changed file goes into a migration with --! include)", async () => {
  const folder = new URL("../../functions/", import.meta.url);
  const files = readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".sql")).sort();
  expect(files.length).toBeGreaterThan(150);
  const differing: string[] = [];
  const inFiles = new Set<string>();
  for (const file of files) {
    const sql = readFileSync(new URL(file, folder), "utf8");
    const names = [...sql.matchAll(/create\s+or\s+replace\s+function\s+([a-z_]+\.[a-z_0-9]+)\s*\(/gi)].map((m) => m[1]!.toLowerCase());
    for (const name of names) inFiles.add(name);
    if (!names.length) differing.push(`functions/${file}: defines no function`);
    const problems = await inRollback(db.ownerPool, async (client) => {
      const before = new Map((await client.query<Definition>(definitions, [names])).rows.map((d) => [d.fn, d]));
      await client.query(sql);
      return (await client.query<Definition>(definitions, [names])).rows.flatMap((d) => {
        const was = before.get(d.fn);
        if (!was) return [`${d.fn} is not in the database`];
        return (["definition", "comment"] as const).filter((part) => was[part] !== d[part]).map((part) => `${d.fn}: its ${part} differs from the database's`);
      });
    }).catch((error: Error) => [`running it fails: ${error.message}`]);
    differing.push(...problems.map((problem) => `functions/${file}: ${problem}`));
  }
  expect(differing).toEqual([]);
  // ...and every function of Keepr's schemas has its file.
  const { rows } = await db.ownerPool.query<{ name: string }>(
    `select distinct n.nspname || '.' || p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = any($1) order by 1`,
    [keeprSchemas],
  );
  expect(rows.map((r) => r.name).filter((name) => !inFiles.has(name))).toEqual([]);
});
