// Loads db/seed.sql (demo data) as the owner; it does nothing once any
// organization exists, so every start may call it.
import { readFileSync } from "node:fs";
import pg from "pg";

export const demoLogins = [
  { email: "owner@harbour.example", role: "owner of Harbour View Hotel and Harbour Annex" },
  { email: "desk@harbour.example", role: "front desk, Harbour View Hotel" },
  { email: "housekeeping@harbour.example", role: "housekeeping, Harbour View Hotel" },
  { email: "accounts@harbour.example", role: "accountant, Harbour View Hotel" },
  { email: "host@alpine.example", role: "owner of Chalet Edelweiss" },
  { email: "guest@example.com", role: "guest" },
] as const;
export const demoPassword = "keepr-demo-password";

export async function seedDemoData(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(readFileSync(new URL("./seed.sql", import.meta.url), "utf8"));
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
