// Exports: staff ask for a CSV export their role allows; a job streams it
// into the export store; the download link serves it until it expires, and
// the hourly purge deletes the file after that. Run against both stores: a
// directory (streamed by the server) and an S3-compatible object store
// (s3rver; the link redirects to a pre-signed URL).
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { actAs, createTestDatabase, inCommit, sqlstateOf, type TestDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, book, confirmGroup, createHotel, holdGroup, localDate, quoteGroup, type Hotel } from "../helpers/booking.ts";
import { startObjectStore, type TestObjectStore } from "../helpers/object-store.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

describe.each(["directory", "s3"] as const)("exports to the %s store", (storeKind) => {
  let db: TestDatabase;
  let server: TestServer;
  let h: Hotel;
  let objectStore: TestObjectStore | undefined;
  const exportDir = mkdtempSync(path.join(tmpdir(), "keepr-exports-"));
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    objectStore = storeKind === "s3" ? await startObjectStore() : undefined;
    env = { EXPORT_DIR: exportDir, ...objectStore?.env };
    server = await startTestServer(db, env);
    h = await createHotel(db.ownerPool, { units: 3 });
  });
  afterAll(async () => {
    await server.close();
    await objectStore?.close();
    await db.drop();
  });

  const runJobs = () =>
    runDueJobs(db, { OUTBOX_DIR: newOutbox(), ...env });

  /** GET the download link; an S3 store answers with a redirect to a pre-signed URL, which is followed. */
  async function download(token: string): Promise<Response> {
    const res = await fetch(`${server.url}/exports/${token}`, { redirect: "manual" });
    if (storeKind === "directory" || res.status !== 303) return res;
    const location = res.headers.get("location")!;
    expect(location).toContain("X-Amz-Signature=");
    expect(location).toContain("X-Amz-Expires=300");
    return fetch(location);
  }

  const fileExists = async (key: string) => (objectStore ? objectStore.exists(`test/exports/${key}`) : existsSync(path.join(exportDir, key)));

  it("a reservations export streams every booking of the range to CSV, downloadable until the link expires", async () => {
    const arrival = localDate(h.timeZone, 10);
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      for (let i = 0; i < 3; i++) await book(c, h.ratePlanId, addDays(arrival, i), addDays(arrival, i + 2));
    });
    const requested = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      expect(await sqlstateOf(c, "select app_public.request_export($1, 'guests', $2, $3)", [h.propertyId, arrival, addDays(arrival, 30)])).toBe("DNIED");
      return (await c.query("select id, status from app_public.request_export($1, 'reservations', $2, $3)", [h.propertyId, arrival, addDays(arrival, 30)])).rows[0];
    });
    expect(requested.status).toBe("pending");
    await runJobs();
    const done = (await db.ownerPool.query("select status, row_count::int, byte_count::int, download_token from app_public.exports where id = $1", [requested.id])).rows[0];
    expect(done).toMatchObject({ status: "done", row_count: 3 });

    const res = await download(done.download_token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="hotel-[0-9a-f]+-reservations-.*\.csv"$/);
    const body = await res.text();
    expect(Buffer.byteLength(body)).toBe(done.byte_count);
    const rows = parse(body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.arrival)).toEqual([arrival, addDays(arrival, 1), addDays(arrival, 2)]);
    expect(rows[0]).toMatchObject({ status: "confirmed", nights: "2", channel: "front_desk", guest: "Ada Lovelace", currency: "EUR", total_amount: "200.00" });

    expect((await fetch(`${server.url}/exports/${"0".repeat(48)}`)).status).toBe(404);
    await db.ownerPool.query("update app_public.exports set expires_at = now() - interval '1 second' where id = $1", [requested.id]);
    expect((await fetch(`${server.url}/exports/${done.download_token}`)).status).toBe(410);
  });

  it("a reservations export carries each room's group code and room number; a booking alone has them empty", async () => {
    const arrival = localDate(h.timeZone, 60);
    const group = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId, guestName: "Ann Smith" }, { ratePlanId: h.ratePlanId, guestName: "Bob Smith" }], arrival, addDays(arrival, 2));
      const held = await holdGroup(c, q.quote_token, "Smith wedding");
      await confirmGroup(c, held.booking_group_id);
      await book(c, h.ratePlanId, addDays(arrival, 1), addDays(arrival, 2));
      return held;
    });
    const requested = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      return (await c.query("select id from app_public.request_export($1, 'reservations', $2, $3)", [h.propertyId, arrival, addDays(arrival, 1)])).rows[0];
    });
    await runJobs();
    const done = (await db.ownerPool.query("select status, download_token from app_public.exports where id = $1", [requested.id])).rows[0];
    expect(done.status).toBe("done");
    const rows = parse(await (await download(done.download_token)).text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.arrival, r.group_code, r.room_no])).toEqual([
      [arrival, group.group_code, "1"],
      [arrival, group.group_code, "2"],
      [addDays(arrival, 1), "", ""],
    ]);
  });

  it("a large ledger export streams (10,000 postings) and matches the ledger", async () => {
    await db.ownerPool.query(
      `select app_private.post_entry($1, 'adjustment', null, 'bulk-' || i, 'Bulk ' || i,
         jsonb_build_array(jsonb_build_object('purpose', 'guest_receivable', 'amount', i, 'currency', 'EUR'),
                           jsonb_build_object('purpose', 'room_revenue', 'amount', -i, 'currency', 'EUR')))
         from generate_series(1, 5000) i`,
      [h.propertyId],
    );
    const today = localDate(h.timeZone, 0);
    const requested = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      return (await c.query("select id from app_public.request_export($1, 'ledger', $2, $2)", [h.propertyId, today])).rows[0];
    });
    await runJobs();
    const done = (await db.ownerPool.query("select status, row_count::int, download_token from app_public.exports where id = $1", [requested.id])).rows[0];
    const postings = (await db.ownerPool.query("select count(*)::int as n from app_public.postings where property_id = $1", [h.propertyId])).rows[0].n;
    expect(done).toMatchObject({ status: "done", row_count: postings });
    expect(postings).toBeGreaterThanOrEqual(10_000);
    const rows = parse(await (await download(done.download_token)).text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(postings);
    // Amounts in euros with their cents ("12.34"), summed exactly.
    expect(rows.every((r) => /^-?\d+\.\d\d$/.test(r.amount!) && r.currency === "EUR")).toBe(true);
    expect(rows.reduce((sum, r) => sum + BigInt(r.amount!.replace(".", "")), 0n)).toBe(0n);
  });
});
