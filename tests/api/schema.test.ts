// server/schema.graphql is the reviewed shape of the API: it must match what
// PostGraphile builds from the migrated database.
import { readFileSync } from "node:fs";
import { loadConfig } from "../../core/config.ts";
import { printApiSchema, schemaFile } from "../../server/schema.ts";
import { createTestDatabase, testPool, type TestDatabase } from "../helpers/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

it("the committed GraphQL schema matches the database (update it with `npm run db -- schema`)", async () => {
  const pool = testPool({ connectionString: db.authenticatorUrl, max: 2 });
  try {
    const printed = await printApiSchema(loadConfig({ NODE_ENV: "test" }), pool);
    expect(printed).toBe(readFileSync(schemaFile, "utf8"));
  } finally {
    await pool.end();
  }
});

it("exposes only app_public: nothing from app_private, app_hidden or audit", () => {
  const sdl = readFileSync(schemaFile, "utf8");
  expect(sdl).not.toMatch(/passwordHash|userSecret|session(s)?\b.*expiresAt|auditEvent|currentPropertyIds|currentSessionId/i);
  expect(sdl).toMatch(/type Mutation/);
  expect(sdl).toMatch(/\blogin\(/);
});
