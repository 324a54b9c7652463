// The GraphQL schema as SDL: `npm run db -- schema` writes it to
// server/schema.graphql (committed, reviewed with every change), and a test
// fails when the database and that file drift apart.
import type pg from "pg";
import { postgraphile } from "postgraphile";
import { printSchema } from "postgraphile/graphql";
import type { Config } from "../core/config.ts";
import { makePreset } from "./graphql.ts";
import { createLogger } from "../core/logger.ts";

export const schemaFile = new URL("./schema.graphql", import.meta.url);

export async function printApiSchema(config: Config, pool: pg.Pool): Promise<string> {
  // The secret only signs tokens at run time; it does not shape the schema.
  const pgl = postgraphile(makePreset({ config, pool, jwtSecret: "x".repeat(32), logger: createLogger("silent") }));
  try {
    return printSchema(await pgl.getSchema()) + "\n";
  } finally {
    await pgl.release();
  }
}
