// `node server/print-schema.ts`: writes the GraphQL schema of the database
// in DATABASE_URL / AUTH_DATABASE_URL (or the embedded one) to
// server/schema.graphql. `npm run db -- schema` runs it with the database it
// opened, so the database chores never import the HTTP process.
import "../core/env.ts";
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import pg from "pg";
import { loadConfig } from "../core/config.ts";
import { openDatabase } from "../core/database.ts";
import { printApiSchema, schemaFile } from "./schema.ts";

const config = loadConfig();
const db = await openDatabase(config, () => {});
const pool = new pg.Pool({ connectionString: db.authenticatorUrl, max: 2 });
try {
  writeFileSync(schemaFile, await printApiSchema(config, pool));
  console.log(`wrote ${fileURLToPath(schemaFile)}`);
} finally {
  await pool.end();
  await db.stop();
}
