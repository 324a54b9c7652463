// The registration card (issue 21): the guest's identity document recorded
// at check-in (recordRegistrationCard). Validated field by field, readable
// by the property's front office only, masked for analysts and in the audit
// log that accountants read, never in the realtime publication; a property
// may require it before check-in.
import pg from "pg";
import { anonymous, asOwner, fileDatabase, inCommit, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, quote, hold } from "../helpers/booking.ts";
import { countryCodes } from "../../shared/countries.ts";

const db = fileDatabase();

const valid = {
  fullName: "Ada Lovelace", type: "passport", number: "p 1234 5678", country: "gb", nationality: "GB",
  birth: "1985-12-10", issued: "2020-03-01", expires: "2030-03-01" as string | null, address: "12 St James's Square, London" as string | null,
};
type Card = typeof valid;

const record = (c: pg.PoolClient, reservationId: string, card: Partial<Card> = {}) => {
  const x = { ...valid, ...card };
  return c.query(
    "select * from app_public.record_registration_card($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    [reservationId, x.fullName, x.type, x.number, x.country, x.nationality, x.birth, x.issued, x.expires, x.address],
  );
};
const refusal = async (c: pg.PoolClient, reservationId: string, card: Partial<Card>) => {
  await c.query("savepoint probe");
  try {
    await record(c, reservationId, card);
    await c.query("release savepoint probe");
    return null;
  } catch (error) {
    await c.query("rollback to savepoint probe");
    const e = error as { code?: string; hint?: string };
    return e.hint ? `${e.code} ${e.hint}` : e.code;
  }
};

async function accountant(c: pg.PoolClient, propertyId: string): Promise<string> {
  await asOwner(c);
  const id = (await c.query("insert into app_public.users (email, display_name) values ($1, 'Accounts') returning id", [`acc-${newKey()}@test.example`])).rows[0].id as string;
  await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [propertyId, id]);
  return id;
}

it("the front desk records the card of a confirmed stay, normalised; giving it again replaces it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    const stay = await book(c, h.ratePlanId, today, addDays(today, 2));
    const card = (await record(c, stay.reservation_id)).rows[0];
    expect(card).toMatchObject({ document_number: "P12345678", issuing_country: "GB", nationality: "GB", recorded_by: h.frontDesk, document_type: "passport" });
    const again = (await record(c, stay.reservation_id, { number: "P87654321", type: "national_id", expires: null, address: null })).rows[0];
    expect(again.id).toBe(card.id);
    expect(again).toMatchObject({ document_number: "P87654321", document_type: "national_id", expires_on: null, address: null });
    expect((await c.query("select count(*)::int as n from app_public.registration_cards where reservation_id = $1", [stay.reservation_id])).rows[0].n).toBe(1);
    // Readable on the reservation, by the desk and the manager.
    await staff(c, h.manager);
    expect((await c.query("select document_number from app_public.registration_cards where reservation_id = $1", [stay.reservation_id])).rows).toEqual([{ document_number: "P87654321" }]);
  }));

it("each wrong field is INVALID_ID_DOCUMENT naming it, never INTERNAL", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    const id = (await book(c, h.ratePlanId, today, addDays(today, 1))).reservation_id;
    const cases: Array<[Partial<Card>, string]> = [
      [{ fullName: " " }, "INVNM"],
      [{ fullName: "x".repeat(201) }, "INVNM"],
      [{ number: "12" }, "IDDOC NUMBER"],
      [{ number: "AB12;drop table" }, "IDDOC NUMBER"],
      [{ number: "9".repeat(31) }, "IDDOC NUMBER"],
      [{ country: "XX" }, "IDDOC COUNTRY"],
      [{ country: "GBR" }, "IDDOC COUNTRY"],
      [{ country: "EU" }, "IDDOC COUNTRY"],
      [{ nationality: "ZZ" }, "IDDOC NATIONALITY"],
      [{ birth: "1899-12-31" }, "IDDOC BIRTH"],
      [{ birth: addDays(today, 1) }, "IDDOC BIRTH"],
      [{ issued: "1980-01-01" }, "IDDOC ISSUED"],
      [{ issued: addDays(today, 1) }, "IDDOC ISSUED"],
      [{ expires: addDays(today, -1) }, "IDDOC EXPIRED"],
      [{ issued: "2020-03-01", expires: "2020-03-01" }, "IDDOC EXPIRED"],
      [{ address: "a".repeat(501) }, "IDDOC ADDRESS"],
    ];
    for (const [card, code] of cases) expect([card, await refusal(c, id, card)]).toEqual([card, code]);
    // A type outside the list is refused by its enum (INVALID_INPUT once mapped), an impossible date by Postgres.
    expect(await refusal(c, id, { type: "library_card" })).toBe("22P02");
    expect(await refusal(c, id, { birth: "1985-02-30" })).toBe("22008");
    // Kosovo's documents say XK; the expiry may be today.
    expect(await refusal(c, id, { country: "XK", nationality: "XK", expires: today })).toBeNull();
  }));

it("only the property's front office records and reads cards: not housekeeping, accountants, another property or guests", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    const accounts = await accountant(c, h.propertyId);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    const id = (await book(c, h.ratePlanId, today, addDays(today, 1))).reservation_id;
    await record(c, id);
    const seen = async () => (await c.query("select count(*)::int as n from app_public.registration_cards")).rows[0].n as number;
    await staff(c, h.housekeeper);
    expect(await refusal(c, id, {})).toBe("DNIED");
    expect(await seen()).toBe(0);
    await staff(c, accounts);
    expect(await refusal(c, id, {})).toBe("DNIED");
    expect(await seen()).toBe(0);
    await staff(c, other.frontDesk);
    expect(await refusal(c, id, {})).toBe("NTFND");
    expect(await seen()).toBe(0);
    expect(await refusal(c, "00000000-0000-4000-8000-000000000000", {})).toBe("NTFND");
    await anonymous(c);
    expect(await refusal(c, id, {})).toBe("42501");
    expect(await sqlstateOf(c, "select * from app_public.registration_cards")).toBe("42501");
    // A hold has no guest to register yet.
    await staff(c, h.frontDesk);
    const held = await hold(c, (await quote(c, h.ratePlanId, addDays(today, 3), addDays(today, 4))).quote_token);
    expect(await refusal(c, held.reservation_id, {})).toBe("TRANS held");
  }));

it("the audit log and the reservation's history keep the card masked: number, year of birth, no address", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const accounts = await accountant(c, h.propertyId);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    const id = (await book(c, h.ratePlanId, today, addDays(today, 1))).reservation_id;
    await record(c, id);
    await record(c, id, { number: "P00000042" });
    await staff(c, accounts);
    const events = (await c.query("select operation, old_values, new_values from app_public.reservation_history($1) where table_name = 'registration_cards'", [id])).rows;
    expect(events.map((e) => e.operation)).toEqual(["INSERT", "UPDATE"]);
    expect(events[0].new_values).toMatchObject({ document_number: "*******78", birth_year: 1985, address: "(recorded)", nationality: "GB" });
    expect(events[1].old_values.document_number).toBe("*******78");
    expect(events[1].new_values.document_number).toBe("*******42");
    const words = (await c.query("select summary from app_public.reservation_timeline($1) where summary like 'Registration card%'", [id])).rows.map((r) => r.summary);
    expect(words).toEqual(["Registration card recorded (passport *******78)", "Registration card corrected (passport *******42)"]);
    const text = JSON.stringify([events, words]);
    for (const secret of ["P12345678", "P00000042", "1985-12-10", "St James"]) expect(text).not.toContain(secret);
    // Nothing of it anywhere in the audit log.
    await asOwner(c);
    const raw = (await c.query("select count(*)::int as n from audit.events where reservation_id = $1 and (old_values::text || new_values::text) ~ '12345678|1985-12-10|James'", [id])).rows[0].n;
    expect(raw).toBe(0);
  }));

it("is not in the realtime publication", () =>
  inRollback(db.ownerPool, async (c) => {
    const { rows } = await c.query("select tablename from pg_publication_tables where pubname = 'keepr_realtime' and tablename = 'registration_cards'");
    expect(rows).toEqual([]);
  }));

it("a property that requires the card refuses check-in without it with REGISTRATION_CARD_REQUIRED", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const today = localDate(h.timeZone);
    await staff(c, h.manager);
    await c.query("update app_public.properties set registration_card_required = true where id = $1", [h.propertyId]);
    await staff(c, h.frontDesk);
    const id = (await book(c, h.ratePlanId, today, addDays(today, 1))).reservation_id;
    expect(await sqlstateOf(c, "select app_public.check_in($1, $2)", [id, newKey()])).toBe("IDREQ");
    await record(c, id);
    expect((await c.query("select status from app_public.check_in($1, $2)", [id, newKey()])).rows[0].status).toBe("checked_in");
    // The card can still be corrected once in house.
    expect((await record(c, id, { number: "P11112222" })).rows[0].document_number).toBe("P11112222");
  }));

it("analysts read the cards masked, and never the table", async () => {
  const { id } = await inCommit(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    const stay = await book(c, h.ratePlanId, today, addDays(today, 1));
    await record(c, stay.reservation_id);
    return { id: stay.reservation_id };
  });
  const analyst = new pg.Client({ connectionString: db.analystUrl });
  await analyst.connect();
  try {
    const { rows } = await analyst.query("select * from reporting.registration_cards where reservation_id = $1", [id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ document_type: "passport", issuing_country: "GB", nationality: "GB", document_number_masked: "*******78", birth_year: 1985 });
    expect(Object.keys(rows[0])).not.toEqual(expect.arrayContaining(["document_number"]));
    expect(Object.keys(rows[0])).not.toContain("full_name");
    expect(Object.keys(rows[0])).not.toContain("date_of_birth");
    await expect(analyst.query("select * from app_public.registration_cards")).rejects.toMatchObject({ code: "42501" });
  } finally {
    await analyst.end();
  }
});

it("the database and the console know the same country codes: every pair of letters agrees", () =>
  inRollback(db.ownerPool, async (c) => {
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const pairs = [...letters].flatMap((a) => [...letters].map((b) => a + b));
    const { rows } = await c.query<{ code: string }>("select code from unnest($1::text[]) code where app_hidden.is_country_code(code) order by code", [pairs]);
    expect(rows.map((r) => r.code)).toEqual([...countryCodes].sort());
    expect(countryCodes).toHaveLength(250);
  }));
