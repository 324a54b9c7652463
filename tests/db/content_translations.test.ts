// Translations of a property's room types, rate plans and fees (issues 21
// and 22): set_room_type_translation, set_rate_plan_translation and
// set_fee_translation save a language's texts with the rights and typed
// refusals of set_property_translation; nameIn/descriptionIn (and the search
// with its `language`) read the guest's language with the
// fallback to the row's own text, field by field; a translation is visible
// exactly when its room type, rate plan or fee is. And the reservation's
// language: the guest app's (keepr.language) when a guest books, the desk's
// choice with set_reservation_language. Each test runs in a transaction
// rolled back.
import type pg from "pg";
import { randomUUID } from "node:crypto";
import { anonymous, asOwner, fileDatabase, inRollback, refusalOf, staff } from "../helpers/db.ts";
import { addDays, confirm, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

/** A published English hotel (room type "Double", rate plan "Flexible") with a description on each and a cleaning fee. */
async function englishHotel(c: pg.PoolClient) {
  const h = await createHotel(c);
  await c.query("update app_public.properties set language = 'en' where id = $1", [h.propertyId]);
  await c.query("update app_public.room_types set description = 'A bright double room.' where id = $1", [h.roomTypeId]);
  await c.query("update app_public.rate_plans set description = 'Free cancellation.' where id = $1", [h.ratePlanId]);
  const { rows: [fee] } = await c.query(
    "insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_stay', 2500, 'EUR') returning id",
    [h.propertyId],
  );
  return { ...h, feeId: fee.id as string };
}
type EnglishHotel = Hotel & { feeId: string };

// The three setters, each with what it saves: [id of the row, a save's SQL, its texts (name, description when it has one)].
const kinds = {
  roomType: { id: (h: EnglishHotel) => h.roomTypeId, save: "select * from app_public.set_room_type_translation($1, $2, $3, $4)", texts: 2 },
  ratePlan: { id: (h: EnglishHotel) => h.ratePlanId, save: "select * from app_public.set_rate_plan_translation($1, $2, $3, $4)", texts: 2 },
  fee: { id: (h: EnglishHotel) => h.feeId, save: "select * from app_public.set_fee_translation($1, $2, $3)", texts: 1 },
} as const;
type Kind = keyof typeof kinds;
const kindNames = Object.keys(kinds) as Kind[];
const params = (kind: Kind, id: string, language: string | null, name: string | null, description: string | null = null) =>
  kinds[kind].texts === 2 ? [id, language, name, description] : [id, language, name];

it.each(kindNames)("%s: a manager saves a translation (trimmed; blank is none), again unchanged, and blank removes it", (kind) =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const { id, save, texts } = kinds[kind];
    await staff(c, h.manager);
    const { rows: [saved] } = await c.query(save, params(kind, id(h), "pt", "  Duplo  ", " "));
    expect(saved).toMatchObject({ property_id: h.propertyId, language: "pt", name: "Duplo" });
    if (texts === 2) expect(saved.description).toBeNull();
    const { rows: [again] } = await c.query(save, params(kind, id(h), "pt", "Duplo", ""));
    expect(again.updated_at).toEqual(saved.updated_at);
    if (texts === 2) {
      const { rows: [described] } = await c.query(save, params(kind, id(h), "pt", null, "Só a descrição."));
      expect(described).toMatchObject({ name: null, description: "Só a descrição." });
    }
    const { rows: [removed] } = await c.query(save, params(kind, id(h), "pt", "", null));
    expect(removed.language).toBeNull();
    expect(await refusalOf(c, save, params(kind, id(h), "es", null, null))).toBe("ok");
    await asOwner(c);
    const table = { roomType: "room_type_translations", ratePlan: "rate_plan_translations", fee: "fee_translations" }[kind];
    expect((await c.query(`select count(*)::int as n from app_public.${table} where property_id = $1`, [h.propertyId])).rows[0].n).toBe(0);
  }));

it.each(kindNames)("%s: refusals name the field and write nothing (languages, too long texts)", (kind) =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const { id, save, texts } = kinds[kind];
    await staff(c, h.manager);
    for (const language of ["de", "PT", null, "en", "pt-BR", "x".repeat(10_000)]) {
      expect([language, await refusalOf(c, save, params(kind, id(h), language, "Duplo"))]).toEqual([language, "INVLD LANGUAGE"]);
    }
    expect(await refusalOf(c, save, params(kind, id(h), "pt", "n".repeat(201)))).toBe("INVLD NAME");
    expect(await refusalOf(c, save, params(kind, id(h), "pt", "n".repeat(200)))).toBe("ok");
    if (texts === 2) {
      expect(await refusalOf(c, save, params(kind, id(h), "pt", null, "d".repeat(5001)))).toBe("INVLD DESCRIPTION");
      expect(await refusalOf(c, save, params(kind, id(h), "pt", null, "d".repeat(5000)))).toBe("ok");
    }
  }));

it.each(kindNames)("%s: only the property's owners and managers write; the desk and housekeeping are refused, another property's manager and forged ids find nothing", (kind) =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const other = await englishHotel(c);
    const { id, save } = kinds[kind];
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, save, params(kind, id(h), "pt", "Duplo"))).toBe("DNIED");
    await staff(c, h.housekeeper);
    expect(await refusalOf(c, save, params(kind, id(h), "pt", "Duplo"))).toBe("DNIED");
    await staff(c, other.manager);
    expect(await refusalOf(c, save, params(kind, id(h), "pt", "Duplo"))).toBe("NTFND");
    // An outsider learns nothing, not even the property's language.
    expect(await refusalOf(c, save, params(kind, id(h), "en", "Double"))).toBe("NTFND");
    expect(await refusalOf(c, save, params(kind, randomUUID(), "pt", "Duplo"))).toBe("NTFND");
    expect(await refusalOf(c, save, params(kind, null as unknown as string, "pt", "Duplo"))).toBe("NTFND");
    await anonymous(c);
    expect(await refusalOf(c, save, params(kind, id(h), "pt", "Duplo"))).toBe("42501");
    await staff(c, h.manager);
    const table = { roomType: "room_type_translations", ratePlan: "rate_plan_translations", fee: "fee_translations" }[kind];
    expect(await refusalOf(c, `insert into app_public.${table} (property_id, ${table.replace("_translations", "_id")}, language, name) values ($1, $2, 'es', 'Mío')`, [h.propertyId, id(h)])).toBe("42501");
    // The owner of another property cannot attach a translation to this one's row either: the setter takes the property from the row.
    await staff(c, other.manager);
    expect(await refusalOf(c, save, params(kind, id(h), "es", "Doble"))).toBe("NTFND");
  }));

it("a guest reads their language with the fallback field by field, in lists and in search results; the property's own language reads its own", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    await staff(c, h.manager);
    await c.query(kinds.roomType.save, [h.roomTypeId, "pt", "Quarto duplo", null]);
    await c.query(kinds.roomType.save, [h.roomTypeId, "es", "Habitación doble", "Una habitación luminosa."]);
    await c.query(kinds.ratePlan.save, [h.ratePlanId, "es", "Flexible (es)", null]);
    await c.query(kinds.fee.save, [h.feeId, "pt", "Limpeza"]);
    await anonymous(c);
    const read = async (language: string | null) => {
      const { rows: [r] } = await c.query(
        `select app_public.room_types_name_in(rt, $2) as room, app_public.room_types_description_in(rt, $2) as room_text,
                app_public.rate_plans_name_in(rp, $2) as plan, app_public.rate_plans_description_in(rp, $2) as plan_text,
                app_public.fees_name_in(f, $2) as fee
           from app_public.room_types rt join app_public.rate_plans rp on rp.room_type_id = rt.id
           join app_public.fees f on f.property_id = rt.property_id
          where rt.id = $1`,
        [h.roomTypeId, language],
      );
      return r;
    };
    expect(await read("pt")).toEqual({ room: "Quarto duplo", room_text: "A bright double room.", plan: "Flexible", plan_text: "Free cancellation.", fee: "Limpeza" });
    expect(await read("es")).toEqual({ room: "Habitación doble", room_text: "Una habitación luminosa.", plan: "Flexible (es)", plan_text: "Free cancellation.", fee: "Cleaning" });
    const own = { room: "Double", room_text: "A bright double room.", plan: "Flexible", plan_text: "Free cancellation.", fee: "Cleaning" };
    for (const language of ["en", "fr", null, "' or 1=1 --"]) expect(await read(language)).toEqual(own);
    const arrival = addDays(localDate(h.timeZone), 10);
    const names = async (language: string | null) =>
      (await c.query("select room_type_name as room, rate_plan_name as plan from app_public.search_availability($1, $2, 2, 0, $3, language => $4)",
        [arrival, addDays(arrival, 2), h.propertyId, language])).rows;
    expect(await names("es")).toEqual([{ room: "Habitación doble", plan: "Flexible (es)" }]);
    expect(await names("pt")).toEqual([{ room: "Quarto duplo", plan: "Flexible" }]);
    for (const language of ["en", "fr", null, "' or 1=1 --"]) expect(await names(language)).toEqual([{ room: "Double", plan: "Flexible" }]);
    // The property switches to Spanish: its own texts are the Spanish ones now, the old es translation is kept but unused.
    await asOwner(c);
    await c.query("update app_public.properties set language = 'es' where id = $1", [h.propertyId]);
    await anonymous(c);
    expect(await read("es")).toEqual(own);
    expect((await read("pt")).room).toBe("Quarto duplo");
  }));

it("a translation is visible exactly when its room type, rate plan or fee is: not to guests once unpublished, always to the property's staff, never to another property's", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const other = await englishHotel(c);
    await staff(c, h.manager);
    await c.query(kinds.roomType.save, [h.roomTypeId, "pt", "Quarto duplo", null]);
    await c.query(kinds.ratePlan.save, [h.ratePlanId, "pt", "Flexível", null]);
    await c.query(kinds.fee.save, [h.feeId, "pt", "Limpeza"]);
    const visible = async () => ({
      room: (await c.query("select count(*)::int as n from app_public.room_type_translations where property_id = $1", [h.propertyId])).rows[0].n,
      plan: (await c.query("select count(*)::int as n from app_public.rate_plan_translations where property_id = $1", [h.propertyId])).rows[0].n,
      fee: (await c.query("select count(*)::int as n from app_public.fee_translations where property_id = $1", [h.propertyId])).rows[0].n,
    });
    await anonymous(c);
    expect(await visible()).toEqual({ room: 1, plan: 1, fee: 1 });
    await asOwner(c);
    await c.query("update app_public.rate_plans set is_published = false where id = $1", [h.ratePlanId]);
    await anonymous(c);
    expect(await visible()).toEqual({ room: 1, plan: 0, fee: 1 });
    // The readers read translations without the tables' policies, so they check visibility themselves:
    // a row value made up with the unpublished rate plan's id reads its own made-up name, not the translation.
    const forged = async (reader: string, type: string, id: string) =>
      (await c.query(`select app_public.${reader}(jsonb_populate_record(null::app_public.${type}, jsonb_build_object('id', $1::uuid, 'property_id', $2::uuid, 'name', 'made up')), 'pt') as name`,
        [id, h.propertyId])).rows[0].name;
    expect(await forged("rate_plans_name_in", "rate_plans", h.ratePlanId)).toBe("made up");
    expect(await forged("room_types_name_in", "room_types", h.roomTypeId)).toBe("Quarto duplo");
    await staff(c, h.frontDesk);
    expect(await forged("rate_plans_name_in", "rate_plans", h.ratePlanId)).toBe("Flexível");
    await staff(c, other.manager);
    expect(await forged("rate_plans_name_in", "rate_plans", h.ratePlanId)).toBe("made up");
    await anonymous(c);
    await asOwner(c);
    await c.query("update app_public.properties set is_published = false where id = $1", [h.propertyId]);
    await anonymous(c);
    expect(await visible()).toEqual({ room: 0, plan: 0, fee: 0 });
    await staff(c, other.manager);
    expect(await visible()).toEqual({ room: 0, plan: 0, fee: 0 });
    await staff(c, h.housekeeper);
    expect(await visible()).toEqual({ room: 1, plan: 0, fee: 1 }); // housekeeping does not see rate plans at all
    await staff(c, h.frontDesk);
    expect(await visible()).toEqual({ room: 1, plan: 1, fee: 1 });
    // A fee deleted takes its translations with it.
    await asOwner(c);
    await c.query("delete from app_public.fees where id = $1", [h.feeId]);
    expect((await c.query("select count(*)::int as n from app_public.fee_translations where fee_id = $1", [h.feeId])).rows[0].n).toBe(0);
  }));

it("the search in a language names each result in it where translated, else by its own name; an unpublished item's translation never appears", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const other = await englishHotel(c);
    // A second rate plan with no translation, and a third, translated but unpublished.
    const plan = async (name: string, published: boolean) =>
      (await c.query("insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_published) values ($1, $2, $3, 'EUR', 12000, 2, $4) returning id",
        [h.propertyId, h.roomTypeId, name, published])).rows[0].id as string;
    const plain = await plan("Non-refundable", true);
    const hidden = await plan("Secret", false);
    await staff(c, h.manager);
    await c.query(kinds.roomType.save, [h.roomTypeId, "es", "Habitación doble", null]);
    await c.query(kinds.ratePlan.save, [h.ratePlanId, "es", "Flexible (es)", null]);
    await c.query(kinds.ratePlan.save, [hidden, "es", "Secreta", null]);
    const arrival = addDays(localDate(h.timeZone), 12);
    const search = async (language: string | null, propertyId: string | null = h.propertyId) =>
      (await c.query(
        `select rate_plan_id as id, room_type_name as room, rate_plan_name as plan
           from app_public.search_availability($1, $2, 2, 0, $3, include_unavailable => true, language => $4)`,
        [arrival, addDays(arrival, 2), propertyId, language],
      )).rows.map((r) => ({ ...r })).sort((a, b) => a.plan.localeCompare(b.plan));
    await anonymous(c);
    expect(await search("es")).toEqual([
      { id: h.ratePlanId, room: "Habitación doble", plan: "Flexible (es)" },
      { id: plain, room: "Habitación doble", plan: "Non-refundable" },
    ]);
    expect((await search(null)).map((r) => r.plan)).toEqual(["Flexible", "Non-refundable"]);
    // The property's staff see the unpublished plan, named in Spanish; another property's manager does not.
    await staff(c, h.manager);
    expect((await search("es")).map((r) => r.plan)).toEqual(["Flexible (es)", "Non-refundable", "Secreta"]);
    await staff(c, other.manager);
    expect((await search("es")).map((r) => r.plan)).toEqual(["Flexible (es)", "Non-refundable"]);
    // Unpublish the room type, then the property: the guest's search names nothing of it in any language.
    await asOwner(c);
    await c.query("update app_public.room_types set is_published = false where id = $1", [h.roomTypeId]);
    await anonymous(c);
    expect(await search("es")).toEqual([]);
    await asOwner(c);
    await c.query("update app_public.room_types set is_published = true where id = $1", [h.roomTypeId]);
    await c.query("update app_public.properties set is_published = false where id = $1", [h.propertyId]);
    await anonymous(c);
    expect(await search("es")).toEqual([]);
    // A search across every property (no filter) never carries the unpublished one's names either.
    const everywhere = await search("es", null);
    expect(everywhere.some((r) => ["Secreta", "Habitación doble", "Flexible (es)"].includes(r.plan) || r.room === "Habitación doble")).toBe(false);
  }));

describe("the reservation's language", () => {
  let daysAhead = 7;
  async function guestHold(c: pg.PoolClient, h: Hotel, language: string | null) {
    await anonymous(c);
    if (language !== null) await c.query("select set_config('keepr.language', $1, true)", [language]);
    const arrival = addDays(localDate(h.timeZone), daysAhead++);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, 1));
    const held = await hold(c, q.quote_token);
    await c.query("select set_config('keepr.language', '', true)");
    return held;
  }
  const languageOf = async (c: pg.PoolClient, id: string) => {
    await asOwner(c);
    return (await c.query("select language from app_public.reservations where id = $1", [id])).rows[0].language;
  };

  it("is the guest app's language of the request that holds (kept through confirmation); anything else is no language", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await englishHotel(c);
      const held = await guestHold(c, h, "es");
      await anonymous(c);
      await confirm(c, held);
      expect(await languageOf(c, held.reservation_id)).toBe("es");
      for (const language of [null, "de", "ES", "", "es'; drop table x; --"]) {
        expect([language, await languageOf(c, (await guestHold(c, h, language)).reservation_id)]).toEqual([language, null]);
      }
    }));

  it("the front desk sets and clears it; housekeeping is refused, another property's desk and forged ids find nothing, other languages are refused", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await englishHotel(c);
      const other = await englishHotel(c);
      const { reservation_id: id } = await guestHold(c, h, null);
      const set = "select id, language from app_public.set_reservation_language($1, $2)";
      await staff(c, h.frontDesk);
      expect((await c.query(set, [id, "pt"])).rows[0]).toEqual({ id, language: "pt" });
      expect((await c.query(set, [id, "pt"])).rows[0]).toEqual({ id, language: "pt" });
      expect(await refusalOf(c, set, [id, "fr"])).toBe("INVLD LANGUAGE");
      expect(await refusalOf(c, set, [id, "PT"])).toBe("INVLD LANGUAGE");
      await staff(c, h.housekeeper);
      expect(await refusalOf(c, set, [id, "es"])).toBe("DNIED");
      await staff(c, other.frontDesk);
      expect(await refusalOf(c, set, [id, "es"])).toBe("NTFND");
      expect(await refusalOf(c, set, [randomUUID(), "es"])).toBe("NTFND");
      await anonymous(c);
      expect(await refusalOf(c, set, [id, "es"])).toBe("42501");
      expect(await languageOf(c, id)).toBe("pt");
      await staff(c, h.manager);
      expect((await c.query(set, [id, null])).rows[0]).toEqual({ id, language: null });
    }));
});
