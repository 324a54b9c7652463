// Loads db/seed.sql (demo data) as the owner; it does nothing once any
// organization exists, so every start may call it.
import { readFileSync } from "node:fs";
import pg from "pg";
import { loadConfig, publishedDemoPassword } from "../core/config.ts";

export const demoLogins = [
  { email: "owner@harbour.example", role: "owner of Harbour View Hotel and Harbour Annex" },
  { email: "desk@harbour.example", role: "front desk, Harbour View Hotel" },
  { email: "housekeeping@harbour.example", role: "housekeeping, Harbour View Hotel" },
  { email: "supervisor@harbour.example", role: "housekeeping supervisor, Harbour View Hotel" },
  { email: "attendant@harbour.example", role: "housekeeping, Harbour View Hotel" },
  { email: "accounts@harbour.example", role: "accountant, Harbour View Hotel" },
  { email: "host@alpine.example", role: "owner of Chalet Edelweiss" },
  { email: "guest@example.com", role: "guest" },
] as const;
/** The demo accounts' password outside production (README.md, docs/api.md); never used in production. */
export const demoPassword = publishedDemoPassword;

/**
 * Loads the demo data into an empty database. The accounts get `password`,
 * by default the configured one (config.demoPassword: DEMO_PASSWORD, else
 * the published password outside production); in production without
 * DEMO_PASSWORD it refuses, so demo accounts never get the published
 * password there (`npm run db -- seed` included).
 */
export async function seedDemoData(ownerUrl: string, password?: string): Promise<void> {
  const secret = password ?? loadConfig().demoPassword;
  if (!secret) {
    throw new Error("DEMO_PASSWORD: required to load the demo data in production (at least 12 characters, never the published one)");
  }
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('keepr.demo_password', $1, true)", [secret]);
    await client.query(readFileSync(new URL("./seed.sql", import.meta.url), "utf8"));
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
