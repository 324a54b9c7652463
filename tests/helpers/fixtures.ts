// A small world for tests, written as the owner: two organizations, three
// properties (A and B published, C not), staff of each, and a guest. Emails
// get a random suffix so several worlds can live in one database.
import { randomBytes } from "node:crypto";
import type pg from "pg";

export const fixturePassword = "correct-horse-battery";

export interface World {
  orgA: string; orgB: string;
  propertyA: string; propertyB: string; propertyC: string;
  roomTypeA: string; roomTypeB: string; roomTypeC: string;
  unitA: string; unitB: string;
  staffA: { id: string; email: string };
  managerA: { id: string; email: string };
  ownerB: { id: string; email: string };
  guest: { id: string; email: string };
}

export async function createWorld(client: Pick<pg.ClientBase, "query">): Promise<World> {
  const tag = randomBytes(4).toString("hex");
  const one = async (sql: string, params: unknown[]) => (await client.query<{ id: string }>(sql, params)).rows[0]!.id;
  const org = (name: string) =>
    one("insert into app_public.organizations (name, slug) values ($1, $2) returning id", [name, `${name.toLowerCase().replace(/\s+/g, "-")}-${tag}`]);
  const property = (orgId: string, name: string, published: boolean) =>
    one(
      `insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, is_published)
       values ($1, $2, $3, 'hotel', 'Europe/Lisbon', 'EUR', 'PT', 'Lisbon', $4) returning id`,
      [orgId, name, `${name.toLowerCase().replace(/\s+/g, "-")}-${tag}`, published],
    );
  const roomType = (propertyId: string, name: string) =>
    one("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, $2, 2) returning id", [propertyId, name]);
  const unit = (propertyId: string, roomTypeId: string, name: string) =>
    one("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, $3) returning id", [propertyId, roomTypeId, name]);
  const user = async (name: string) => {
    const email = `${name}-${tag}@test.example`;
    const id = await one("insert into app_public.users (email, display_name) values ($1, $2) returning id", [email, name]);
    await client.query(
      "insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))",
      [id, fixturePassword],
    );
    return { id, email };
  };
  const member = (propertyId: string, userId: string, role: string) =>
    client.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, $3)", [propertyId, userId, role]);

  const orgA = await org("Org A");
  const orgB = await org("Org B");
  const propertyA = await property(orgA, "Property A", true);
  const propertyB = await property(orgB, "Property B", true);
  const propertyC = await property(orgB, "Property C", false);
  const roomTypeA = await roomType(propertyA, "Double");
  const roomTypeB = await roomType(propertyB, "Suite");
  const roomTypeC = await roomType(propertyC, "Studio");
  const unitA = await unit(propertyA, roomTypeA, "101");
  const unitB = await unit(propertyB, roomTypeB, "B1");
  const staffA = await user("staff-a");
  const managerA = await user("manager-a");
  const ownerB = await user("owner-b");
  const guest = await user("guest");
  await member(propertyA, staffA.id, "front_desk");
  await member(propertyA, managerA.id, "manager");
  await member(propertyB, ownerB.id, "owner");
  await member(propertyC, ownerB.id, "owner");
  return { orgA, orgB, propertyA, propertyB, propertyC, roomTypeA, roomTypeB, roomTypeC, unitA, unitB, staffA, managerA, ownerB, guest };
}
