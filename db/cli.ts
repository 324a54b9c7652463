// Database chores on the same Postgres `npm start` uses (embedded by
// default, or DATABASE_URL):
//   node db/cli.ts migrate            apply committed migrations (+ worker schema)
//   node db/cli.ts seed               load the demo data if the database is empty
//   node db/cli.ts schema             write the GraphQL schema to server/schema.graphql
//   node db/cli.ts sql "<query>"      run one query as the owner and print its rows
//   node db/cli.ts revoke-sql         print the SQL an administrator runs once in
//                                     Keepr's database when Keepr has no superuser
//                                     (takes side-effect functions from PUBLIC)
//   node db/cli.ts gm <args...>       run graphile-migrate with the connection
//                                     strings set, e.g. `gm watch`, `gm commit`,
//                                     `gm uncommit`, `gm reset --erase`, `gm status`
import "../server/env.ts";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { printApiSchema, schemaFile } from "../server/schema.ts";
import { loadConfig } from "../server/config.ts";
import { openDatabase } from "./database.ts";
import { migrateDatabase } from "./migrate.ts";
import { sideEffectRevocation } from "./roles.ts";
import { seedDemoData } from "./seed.ts";

const [command, ...rest] = process.argv.slice(2);
if (command === "revoke-sql") {
  // Needs no database: printed for the administrator of an external Postgres.
  console.log(sideEffectRevocation() + ";");
  process.exit(0);
}
const config = loadConfig();
const quiet = () => {};
const db = await openDatabase(config, quiet);
let exitCode = 0;
try {
  switch (command) {
    case "migrate":
      await migrateDatabase(db, (_level, message) => console.log(message));
      break;
    case "seed":
      await seedDemoData(db.ownerUrl);
      break;
    case "schema": {
      const pool = new pg.Pool({ connectionString: db.authenticatorUrl, max: 2 });
      try {
        writeFileSync(schemaFile, await printApiSchema(config, pool));
      } finally {
        await pool.end();
      }
      console.log(`wrote ${fileURLToPath(schemaFile)}`);
      break;
    }
    case "sql": {
      const client = new pg.Client({ connectionString: db.ownerUrl });
      await client.connect();
      try {
        const result = await client.query(rest.join(" "));
        for (const r of [result].flat()) if (r.rows?.length) console.table(r.rows);
      } finally {
        await client.end();
      }
      break;
    }
    case "gm": {
      exitCode = await new Promise<number>((resolve) => {
        const child = spawn("graphile-migrate", rest, {
          stdio: "inherit",
          env: {
            ...process.env,
            DATABASE_URL: db.ownerUrl,
            SHADOW_DATABASE_URL: db.shadowUrl ?? "",
            ROOT_DATABASE_URL: db.superuserUrl ?? "",
          },
        });
        child.on("exit", (code) => resolve(code ?? 1));
      });
      break;
    }
    default:
      console.error("usage: node db/cli.ts migrate | seed | schema | sql <query> | revoke-sql | gm <graphile-migrate args>");
      exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await db.stop();
}
process.exit(exitCode);
