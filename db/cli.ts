// Database chores on the same Postgres `npm start` uses (embedded by
// default, or DATABASE_URL):
//   node db/cli.ts migrate            apply committed migrations (+ worker schema)
//   node db/cli.ts seed               load the demo data if the database is empty
//   node db/cli.ts schema             write the GraphQL schema to server/schema.graphql
//                                     and the database schema to db/schema.sql
//                                     (the GraphQL one by server/print-schema.ts)
//   node db/cli.ts sql "<query>"      run one query as the owner and print its rows
//   node db/cli.ts revoke-sql         print the SQL an administrator runs once in
//                                     Keepr's database when Keepr has no superuser
//                                     (takes side-effect functions from PUBLIC)
//   node db/cli.ts gm <args...>       run graphile-migrate with the connection
//                                     strings set, e.g. `gm watch`, `gm commit`,
//                                     `gm uncommit`, `gm reset --erase`, `gm status`
import "../core/env.ts";
import { spawn } from "node:child_process";
import pg from "pg";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../core/config.ts";
import { openDatabase } from "../core/database.ts";
import { migrateDatabase } from "../core/migrate.ts";
import { sideEffectRevocation } from "../core/roles.ts";
import { printSchemaSql, schemaSqlFile } from "./schema-sql.ts";
import { seedDemoData } from "./seed.ts";

const [command, ...rest] = process.argv.slice(2);

/** Runs a command with this database's connection strings in its environment; resolves to its exit code. */
function run(file: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}
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
      exitCode = await run(process.execPath, ["server/print-schema.ts"], { DATABASE_URL: db.ownerUrl, AUTH_DATABASE_URL: db.authenticatorUrl });
      const owner = new pg.Client({ connectionString: db.ownerUrl });
      await owner.connect();
      try {
        writeFileSync(schemaSqlFile, await printSchemaSql(owner));
      } finally {
        await owner.end();
      }
      console.log(`wrote ${fileURLToPath(schemaSqlFile)}`);
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
    case "gm":
      exitCode = await run("graphile-migrate", rest, {
        DATABASE_URL: db.ownerUrl,
        SHADOW_DATABASE_URL: db.shadowUrl ?? "",
        ROOT_DATABASE_URL: db.superuserUrl ?? "",
      });
      break;
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
