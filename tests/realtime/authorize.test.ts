// Realtime authorization judges replicated rows with the API's own RLS
// policies and column privileges, on the row values at commit: staff of one
// property never see another's rows, whatever the table holds now.
import pg from "pg";
import { createRowAuthorizer, type RowAuthorizer } from "../../realtime/authorize.ts";
import { createTestDatabase, testPool, type TestDatabase } from "../helpers/db.ts";
import { createHotel, type Hotel } from "../helpers/booking.ts";

let db: TestDatabase;
let apiPool: pg.Pool;
let authorizer: RowAuthorizer;
let a: Hotel;
let b: Hotel;
const sessions: Record<string, string> = {};
beforeAll(async () => {
  db = await createTestDatabase();
  apiPool = testPool({ connectionString: db.authenticatorUrl, max: 3 });
  authorizer = createRowAuthorizer({ pool: apiPool });
  a = await createHotel(db.ownerPool);
  b = await createHotel(db.ownerPool);
  for (const [name, userId] of [["deskA", a.frontDesk], ["deskB", b.frontDesk], ["housekeeperA", a.housekeeper]] as const) {
    sessions[name] = (await db.ownerPool.query("insert into app_private.sessions (user_id) values ($1) returning id", [userId])).rows[0].id;
  }
});
afterAll(async () => {
  await apiPool.end();
  await db.drop();
});

const staff = (name: string) => ({ role: "keepr_staff", "jwt.claims.session_id": sessions[name]!, "jwt.claims.role": "keepr_staff" });
const reservation = (propertyId: string) => ({
  id: crypto.randomUUID(), property_id: propertyId, status: "confirmed", stay: "[2026-12-01,2026-12-03)", adults: "2", confirmation_code: "KPR-TEST",
});

it("staff see the rows of their own property only, judged on the replicated values", async () => {
  const rows = [reservation(a.propertyId), reservation(b.propertyId), reservation(a.propertyId)];
  expect(await authorizer.visibleRows(staff("deskA"), "app_public", "reservations", rows)).toEqual([true, false, true]);
  expect(await authorizer.visibleRows(staff("deskB"), "app_public", "reservations", rows)).toEqual([false, true, false]);
  // The rows do not exist in the table: only their values count.
  expect((await db.ownerPool.query("select count(*)::int as n from app_public.reservations where id = any($1)", [rows.map((r) => r.id)])).rows[0].n).toBe(0);
});

it("anonymous callers and a revoked session see nothing of staff tables", async () => {
  const rows = [reservation(a.propertyId)];
  expect(await authorizer.visibleRows({ role: "keepr_anonymous" }, "app_public", "reservations", rows)).toEqual([false]);
  await db.ownerPool.query("update app_private.sessions set revoked_at = now() where id = $1", [sessions.housekeeperA]);
  expect(await authorizer.visibleRows(staff("housekeeperA"), "app_public", "reservations", rows)).toEqual([false]);
});

it("columns follow the role's SELECT privileges: card tokens never reach staff", async () => {
  const columns = await authorizer.visibleColumns("keepr_staff", "app_public", "payment_attempts");
  expect(columns).toEqual(expect.arrayContaining(["id", "property_id", "amount", "status"]));
  expect(columns).not.toContain("payment_token");
  // Booking-token holders (anonymous) read their own payments, without the token either.
  expect(await authorizer.visibleColumns("keepr_anonymous", "app_public", "payment_attempts")).not.toContain("payment_token");
  expect(await authorizer.visibleColumns("keepr_anonymous", "app_private", "sessions")).toEqual([]);
});

it("published catalog rows are visible to anonymous callers, unpublished ones are not", async () => {
  const property = (published: boolean) => ({ id: crypto.randomUUID(), name: "Anywhere", is_published: published ? "t" : "f" });
  expect(await authorizer.visibleRows({ role: "keepr_anonymous" }, "app_public", "properties", [property(true), property(false)])).toEqual([true, false]);
});
