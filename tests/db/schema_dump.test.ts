// db/schema.sql is the reviewed shape of the database: it must match what
// the migrations build (as server/schema.graphql must match the API).
import { readFileSync } from "node:fs";
import { printSchemaSql, schemaSqlFile } from "../../db/schema-sql.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

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
