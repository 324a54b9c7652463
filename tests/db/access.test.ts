// Who may see and change what, enforced by Postgres itself: grants, RLS
// policies and role settings, exercised as each role with real claims.
import pg from "pg";
import { actAs, fileDatabase, inRollback, sqlstateOf } from "../helpers/db.ts";
import { createWorld } from "../helpers/fixtures.ts";

const db = fileDatabase();

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

describe("anonymous", () => {
  it("sees published properties and their published room types only", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_anonymous" });
      const props = await c.query("select id from app_public.properties where id = any($1)", [[w.propertyA, w.propertyB, w.propertyC]]);
      expect(ids(props.rows)).toEqual([w.propertyA, w.propertyB].sort());
      const types = await c.query("select id from app_public.room_types where id = any($1)", [[w.roomTypeA, w.roomTypeB, w.roomTypeC]]);
      expect(ids(types.rows)).toEqual([w.roomTypeA, w.roomTypeB].sort());
    }));

  it("cannot read units, memberships, users or anything private", () =>
    inRollback(db.ownerPool, async (c) => {
      await createWorld(c);
      await actAs(c, { role: "keepr_anonymous" });
      for (const table of ["app_public.units", "app_public.property_memberships", "app_public.users", "app_private.sessions", "app_private.user_secrets", "audit.events", "audit.shared_events"]) {
        expect([table, await sqlstateOf(c, `select * from ${table} limit 1`)]).toEqual([table, "42501"]);
      }
    }));
});

describe("staff", () => {
  it("of property A see A's units and colleagues but nothing of property B", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_staff", userId: w.staffA.id });
      const units = await c.query("select id from app_public.units where id = any($1)", [[w.unitA, w.unitB]]);
      expect(ids(units.rows)).toEqual([w.unitA]);
      const members = await c.query<{ user_id: string }>("select user_id from app_public.property_memberships where user_id = any($1)", [[w.staffA.id, w.managerA.id, w.ownerB.id]]);
      expect(members.rows.map((r) => r.user_id).sort()).toEqual([w.staffA.id, w.managerA.id].sort());
      const users = await c.query("select id from app_public.users where id = any($1)", [[w.staffA.id, w.managerA.id, w.ownerB.id, w.guest.id]]);
      expect(ids(users.rows)).toEqual([w.staffA.id, w.managerA.id].sort());
      const unpublished = await c.query("select id from app_public.properties where id = $1", [w.propertyC]);
      expect(unpublished.rowCount).toBe(0);
    }));

  it("of property A cannot change property B's rows", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_staff", userId: w.managerA.id });
      const updated = await c.query("update app_public.properties set name = 'Hijacked' where id = $1", [w.propertyB]);
      expect(updated.rowCount).toBe(0);
      const updatedUnits = await c.query("update app_public.units set name = 'X' where id = $1", [w.unitB]);
      expect(updatedUnits.rowCount).toBe(0);
      const deleted = await c.query("delete from app_public.room_types where id = $1", [w.roomTypeB]);
      expect(deleted.rowCount).toBe(0);
      expect(
        await sqlstateOf(c, "insert into app_public.units (property_id, room_type_id, name) values ($1, $2, 'sneaky')", [w.propertyB, w.roomTypeB]),
      ).toBe("42501");
      expect(
        await sqlstateOf(c, "insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'owner')", [w.propertyB, w.managerA.id]),
      ).toBe("42501");
      await c.query("reset role");
      const { rows } = await c.query("select name from app_public.properties where id = $1", [w.propertyB]);
      expect(rows[0].name).toBe("Property B");
    }));

  it("managers run their own property; front desk may not edit it; a manager cannot make an owner", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_staff", userId: w.managerA.id });
      expect((await c.query("update app_public.properties set description = 'Renovated' where id = $1", [w.propertyA])).rowCount).toBe(1);
      expect((await c.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, '102')", [w.propertyA, w.roomTypeA])).rowCount).toBe(1);
      expect(
        await sqlstateOf(c, "insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'owner')", [w.propertyA, w.guest.id]),
      ).toBe("42501");
      await actAs(c, { role: "keepr_staff", userId: w.staffA.id });
      expect((await c.query("update app_public.properties set description = 'Mine now' where id = $1", [w.propertyA])).rowCount).toBe(0);
    }));

  it("cannot change columns that have no update grant", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_staff", userId: w.managerA.id });
      expect(await sqlstateOf(c, "update app_public.properties set organization_id = $1 where id = $2", [w.orgB, w.propertyA])).toBe("42501");
      expect(await sqlstateOf(c, "update app_public.units set property_id = $1 where id = $2", [w.propertyB, w.unitA])).toBe("42501");
    }));
});

describe("guests", () => {
  it("cannot read staff-only tables", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_guest", userId: w.guest.id });
      expect(await sqlstateOf(c, "select * from app_public.units")).toBe("42501");
      expect(await sqlstateOf(c, "select * from app_public.property_memberships")).toBe("42501");
      expect(await sqlstateOf(c, "select * from app_private.sessions")).toBe("42501");
    }));

  it("see themselves only among users, and may rename themselves but not others", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_guest", userId: w.guest.id });
      const { rows } = await c.query("select id from app_public.users");
      expect(ids(rows)).toEqual([w.guest.id]);
      expect((await c.query("update app_public.users set display_name = 'G' where id = $1", [w.guest.id])).rowCount).toBe(1);
      expect((await c.query("update app_public.users set display_name = 'G' where id = $1", [w.staffA.id])).rowCount).toBe(0);
      expect(await sqlstateOf(c, "update app_public.users set email = 'x@y.example' where id = $1", [w.guest.id])).toBe("42501");
    }));

  it("lose their identity when the session is revoked (logout)", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_guest", userId: w.guest.id });
      expect((await c.query("select app_hidden.current_user_id() as id")).rows[0].id).toBe(w.guest.id);
      expect((await c.query("select app_public.logout() as ok")).rows[0].ok).toBe(true);
      expect((await c.query("select app_hidden.current_user_id() as id")).rows[0].id).toBeNull();
      expect((await c.query("select id from app_public.users")).rowCount).toBe(0);
    }));
});

describe("login roles", () => {
  it("the authenticator can do nothing until it switches role, and cannot become the owner", async () => {
    const client = new pg.Client({ connectionString: db.authenticatorUrl });
    await client.connect();
    try {
      await expect(client.query("select * from app_public.properties")).rejects.toMatchObject({ code: "42501" });
      await expect(client.query("set role keepr_owner")).rejects.toMatchObject({ code: "42501" });
      const { rows } = await client.query("select rolsuper, rolinherit from pg_roles where rolname = current_user");
      expect(rows[0]).toEqual({ rolsuper: false, rolinherit: false });
    } finally {
      await client.end();
    }
  });

  it("the analyst reads reporting views with masked emails, and every write fails", async () => {
    // Committed on purpose: the analyst reads through its own connection.
    const owner = await db.ownerPool.connect();
    const w = await createWorld(owner);
    owner.release();
    const analyst = new pg.Client({ connectionString: db.analystUrl });
    await analyst.connect();
    try {
      const props = await analyst.query("select id, name from reporting.properties where id = $1", [w.propertyC]);
      expect(props.rows).toEqual([{ id: w.propertyC, name: "Property C" }]);
      const users = await analyst.query<{ email_masked: string }>("select email_masked from reporting.users where id = $1", [w.guest.id]);
      expect(users.rows[0]!.email_masked).toMatch(/^g\*\*\*@test\.example$/);
      expect(JSON.stringify(users.rows)).not.toContain(w.guest.email);

      await expect(analyst.query("select * from app_public.users")).rejects.toMatchObject({ code: "42501" });
      await expect(analyst.query("select * from app_public.reservations")).rejects.toMatchObject({ code: "42501" });
      // Every reporting view is readable, and none carries a guest's identity.
      const views = await analyst.query<{ table_name: string }>("select table_name from information_schema.views where table_schema = 'reporting'");
      expect(views.rows.map((v) => v.table_name)).toEqual(expect.arrayContaining(["reservations", "inventory_claims", "rate_plans"]));
      for (const { table_name } of views.rows) {
        const result = await analyst.query(`select * from reporting.${table_name} limit 1`);
        expect([table_name, result.fields.map((f) => f.name).filter((n) => /^(email|phone|full_name|guest_id)$/.test(n))]).toEqual([table_name, []]);
      }
      // Every session is read-only, and no write grant exists anywhere.
      expect((await analyst.query("show transaction_read_only")).rows[0].transaction_read_only).toBe("on");
      await expect(analyst.query("create temp table scratch (id int)")).rejects.toMatchObject({ code: "25006" });
      for (const sql of [
        "delete from reporting.units",
        "update reporting.properties set name = 'x'",
        "insert into app_public.organizations (name, slug) values ('x', 'x')",
        "create table public.t (id int)",
      ]) {
        const code = await analyst.query(sql).then(() => null, (e: { code: string }) => e.code);
        // 42501 no privilege, 25006 read-only transaction, 55000 view not updatable
        expect({ sql, code }).toEqual({ sql, code: expect.stringMatching(/^(42501|25006|55000)$/) });
      }
      await analyst.query("begin read write");
      await expect(analyst.query("delete from reporting.units")).rejects.toMatchObject({ code: "42501" });
      await analyst.query("rollback");
    } finally {
      await analyst.end();
    }
  });
});

describe("audit log", () => {
  it("records who changed what, from which request, with old and new values", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      await actAs(c, { role: "keepr_staff", userId: w.managerA.id }, "req-audit-1");
      await c.query("update app_public.units set name = '101A' where id = $1", [w.unitA]);
      await c.query("reset role");
      const { rows } = await c.query(
        "select operation, actor_user_id, actor_role, request_id, property_id, old_values->>'name' as old_name, new_values->>'name' as new_name from audit.events where table_name = 'units' and row_id = $1 and operation = 'UPDATE'",
        [w.unitA],
      );
      expect(rows).toEqual([
        { operation: "UPDATE", actor_user_id: w.managerA.id, actor_role: "keepr_staff", request_id: "req-audit-1", property_id: w.propertyA, old_name: "101", new_name: "101A" },
      ]);
    }));

  it("keeps an insert and a delete whole, an update's changed columns only", () =>
    inRollback(db.ownerPool, async (c) => {
      const w = await createWorld(c);
      const unit = (await c.query("select * from app_public.units where id = $1", [w.unitA])).rows[0];
      await c.query("update app_public.units set name = '101A' where id = $1", [w.unitA]);
      await c.query("update app_public.units set name = name where id = $1", [w.unitA]);
      const copy = (await c.query(
        "insert into app_public.units (property_id, room_type_id, name) values ($1, $2, 'Copy') returning id", [w.propertyA, unit.room_type_id])).rows[0].id;
      await c.query("delete from app_public.units where id = $1", [copy]);
      const events = async (id: string) => (await c.query(
        "select operation, old_values, new_values from audit.events where table_name = 'units' and row_id = $1 order by id", [id])).rows;
      const updates = (await events(w.unitA)).filter((e) => e.operation === "UPDATE");
      expect(updates).toHaveLength(2);
      // The changed columns, old and new, nothing else: the name and the row's updated_at, then updated_at alone.
      expect(Object.keys(updates[0].old_values).sort()).toEqual(["name", "updated_at"]);
      expect(Object.keys(updates[0].new_values).sort()).toEqual(["name", "updated_at"]);
      expect([updates[0].old_values.name, updates[0].new_values.name]).toEqual(["101", "101A"]);
      expect(Object.keys(updates[1].new_values)).toEqual(["updated_at"]);
      expect(updates[1].old_values.updated_at).toBe(updates[0].new_values.updated_at);
      const [insert, remove] = await events(copy);
      expect(insert).toMatchObject({ operation: "INSERT", old_values: null, new_values: { id: copy, property_id: w.propertyA, name: "Copy" } });
      expect(remove).toMatchObject({ operation: "DELETE", new_values: null, old_values: { id: copy, property_id: w.propertyA, name: "Copy" } });
      expect(Object.keys(insert.new_values).sort()).toEqual(Object.keys(unit).sort());
    }));

  it("is append-only, even for the owner", () =>
    inRollback(db.ownerPool, async (c) => {
      await createWorld(c);
      expect(await sqlstateOf(c, "update audit.events set request_id = 'forged'")).toBe("APPND");
      expect(await sqlstateOf(c, "delete from audit.events")).toBe("APPND");
      expect(await sqlstateOf(c, "truncate audit.events")).toBe("APPND");
      // The audit of organisations, users and properties too.
      await c.query("update app_public.users set display_name = 'Audited' where id = (select id from app_public.users limit 1)");
      expect((await c.query("select count(*)::int as n from audit.shared_events where table_name = 'users' and operation = 'UPDATE' and new_values ->> 'display_name' = 'Audited'")).rows[0].n).toBe(1);
      expect(await sqlstateOf(c, "update audit.shared_events set request_id = 'forged'")).toBe("APPND");
      expect(await sqlstateOf(c, "delete from audit.shared_events")).toBe("APPND");
      expect(await sqlstateOf(c, "truncate audit.shared_events")).toBe("APPND");
    }));
});

describe("privileges", () => {
  it("PUBLIC holds no privilege on Keepr's schemas and functions", () =>
    inRollback(db.ownerPool, async (c) => {
      const { rows } = await c.query(`
        select n.nspname || '.' || p.proname as fn
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('app_public', 'app_hidden', 'app_private', 'audit', 'reporting')
           and has_function_privilege('public', p.oid, 'execute') is not false
           and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0)`);
      expect(rows).toEqual([]);
      const schemas = await c.query(`
        select nspname from pg_namespace
         where nspname in ('public', 'app_public', 'app_hidden', 'app_private', 'audit', 'reporting')
           and exists (select 1 from aclexplode(coalesce(nspacl, acldefault('n', nspowner))) a where a.grantee = 0)`);
      expect(schemas.rows).toEqual([]);
    }));

  it("every table in app_public has row level security enabled", () =>
    inRollback(db.ownerPool, async (c) => {
      const { rows } = await c.query(
        "select relname from pg_class where relnamespace = 'app_public'::regnamespace and relkind = 'r' and not relrowsecurity",
      );
      expect(rows).toEqual([]);
    }));

  it("no API role can reach app_private", () =>
    inRollback(db.ownerPool, async (c) => {
      const { rows } = await c.query(
        "select r from unnest(array['keepr_anonymous', 'keepr_guest', 'keepr_staff', 'keepr_authenticator']) r where has_schema_privilege(r, 'app_private', 'usage')",
      );
      expect(rows).toEqual([]);
    }));
});
