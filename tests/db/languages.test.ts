// The languages Keepr knows are data (issue 22): app_public.languages, read
// by everyone and written only by the owner (migrations). Every language
// column references it (no CHECK lists), and every function that takes a
// guest language asks it (app_hidden.is_guest_language), so adding a
// language is an INSERT (or turning guest_facing on): a translation and a
// reservation in it are then accepted with no other change. Each test runs
// in a transaction rolled back.
import type pg from "pg";
import { anonymous, asOwner, fileDatabase, inRollback, refusalOf, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

let daysAhead = 30;
/** A guest's hold made with the guest app's language `language` (the API's keepr.language from Keepr-Language). */
async function guestHold(c: pg.PoolClient, h: Hotel, language: string) {
  await anonymous(c);
  await c.query("select set_config('keepr.language', $1, true)", [language]);
  const arrival = addDays(localDate(h.timeZone), daysAhead++);
  const held = await hold(c, (await quote(c, h.ratePlanId, arrival, addDays(arrival, 1))).quote_token);
  await c.query("select set_config('keepr.language', '', true)");
  await asOwner(c);
  const { rows: [r] } = await c.query("select id, language from app_public.reservations where id = $1", [held.reservation_id]);
  return r as { id: string; language: string | null };
}

it("holds en, pt, es for guests and de, fr for properties only; everyone reads it, no API role writes it", () =>
  inRollback(db.ownerPool, async (c) => {
    await anonymous(c);
    const { rows } = await c.query("select code, english_name, own_name, guest_facing from app_public.languages order by code");
    expect(rows).toEqual([
      { code: "de", english_name: "German", own_name: "Deutsch", guest_facing: false },
      { code: "en", english_name: "English", own_name: "English", guest_facing: true },
      { code: "es", english_name: "Spanish", own_name: "Español", guest_facing: true },
      { code: "fr", english_name: "French", own_name: "Français", guest_facing: false },
      { code: "pt", english_name: "Portuguese", own_name: "Português", guest_facing: true },
    ]);
    await asOwner(c);
    const h = await createHotel(c);
    for (const act of [() => anonymous(c), () => staff(c, h.manager)]) {
      await act();
      expect(await sqlstateOf(c, "insert into app_public.languages (code, english_name, own_name, guest_facing) values ('it', 'Italian', 'Italiano', true)")).toBe("42501");
      expect(await sqlstateOf(c, "update app_public.languages set guest_facing = true where code = 'fr'")).toBe("42501");
      expect(await sqlstateOf(c, "delete from app_public.languages where code = 'de'")).toBe("42501");
    }
    await asOwner(c);
    // A code is a BCP 47 primary language subtag as Keepr writes it: two or three lower-case letters.
    for (const code of ["EN", "english", "e", "pt-BR", "", " it"]) {
      expect([code, await sqlstateOf(c, "insert into app_public.languages (code, english_name, own_name) values ($1, 'X', 'X')", [code])]).toEqual([code, "23514"]);
    }
    expect(await sqlstateOf(c, "insert into app_public.languages (code, english_name, own_name) values ('it', '', 'Italiano')")).toBe("23514");
    // A language something is written in cannot be deleted.
    expect(await sqlstateOf(c, "delete from app_public.languages where code = 'en'")).toBe("23503");
  }));

it("every language column references app_public.languages, and no CHECK lists languages", () =>
  inRollback(db.ownerPool, async (c) => {
    const { rows: columns } = await c.query(`
      select a.attrelid::regclass::text as "table",
             exists (select from pg_constraint k
                      where k.conrelid = a.attrelid and k.contype = 'f' and k.confrelid = 'app_public.languages'::regclass
                        and k.conkey = array[a.attnum]) as referenced
        from pg_attribute a join pg_class t on t.oid = a.attrelid join pg_namespace n on n.oid = t.relnamespace
       where a.attname = 'language' and not a.attisdropped and t.relkind in ('r', 'p')
         and n.nspname in ('app_public', 'app_private', 'app_hidden')
       order by 1`);
    expect(columns.length).toBeGreaterThanOrEqual(9);
    expect(columns.filter((col) => !col.referenced)).toEqual([]);
    const { rows: lists } = await c.query(`
      select conname from pg_constraint
       where contype = 'c' and pg_get_constraintdef(oid) ~ '''(en|pt|es)''::text'`);
    expect(lists).toEqual([]);
  }));

// 'it' is new (an INSERT); 'fr' is there for properties and becomes a guest language (an UPDATE).
it.each([
  ["it", "Camera doppia", "insert into app_public.languages (code, english_name, own_name, guest_facing) values ('it', 'Italian', 'Italiano', true)"],
  ["fr", "Chambre double", "update app_public.languages set guest_facing = true where code = 'fr'"],
])("adding %s is one statement: its translations, a reservation's language and a guest's sign-in email are accepted", (code, name, add) =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("update app_public.properties set language = 'en' where id = $1", [h.propertyId]);
    const { id } = await guestHold(c, h, "pt");
    const translate = "select language, name from app_public.set_room_type_translation($1, $2, $3, $4)";
    const setLanguage = "select language from app_public.set_reservation_language($1, $2)";
    const signIn = "select app_public.request_guest_sign_in('lingua@test.example', $1)";

    // Before: refused everywhere, with the typed error, and ignored as the guest app's language.
    await staff(c, h.manager);
    expect(await refusalOf(c, translate, [h.roomTypeId, code, name, null])).toBe("INVLD LANGUAGE");
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, setLanguage, [id, code])).toBe("INVLD LANGUAGE");
    await anonymous(c);
    expect(await refusalOf(c, signIn, [code])).toBe("INVLD LANGUAGE");
    expect((await guestHold(c, h, code)).language).toBeNull();

    await asOwner(c);
    await c.query(add);

    await staff(c, h.manager);
    expect((await c.query(translate, [h.roomTypeId, code, name, null])).rows).toEqual([{ language: code, name }]);
    await anonymous(c);
    const { rows: [read] } = await c.query("select app_public.room_types_name_in(t, $2) as name from app_public.room_types t where t.id = $1", [h.roomTypeId, code]);
    expect(read.name).toBe(name);
    await staff(c, h.frontDesk);
    expect((await c.query(setLanguage, [id, code])).rows).toEqual([{ language: code }]);
    await anonymous(c);
    expect(await refusalOf(c, signIn, [code])).toBe("ok");
    expect((await guestHold(c, h, code)).language).toBe(code);
  }));

it("an unknown code is refused where a language is written, and one withdrawn from guests keeps what was written in it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("update app_public.properties set language = 'en' where id = $1", [h.propertyId]);
    const { id } = await guestHold(c, h, "es");
    expect(await refusalOf(c, "update app_public.properties set language = 'xx' where id = $1", [h.propertyId])).toBe("23503");
    expect(await refusalOf(c, "update app_public.reservations set language = 'xx' where id = $1", [id])).toBe("23503");
    await staff(c, h.manager);
    for (const code of ["xx", "ES", "de", "es'; --", "x".repeat(10_000)]) {
      expect([code.slice(0, 12), await refusalOf(c, "select app_public.set_property_translation($1, $2, $3, null)", [h.propertyId, code, "Texto."])]).toEqual([code.slice(0, 12), "INVLD LANGUAGE"]);
    }
    // The message names the languages the table offers.
    await c.query("savepoint m");
    const message = await c.query("select app_public.set_property_translation($1, 'xx', 'Texto.', null)", [h.propertyId]).catch((e: Error) => e.message);
    await c.query("rollback to savepoint m");
    expect(message).toBe("Language: one the guest app speaks (en, es, pt).");

    await asOwner(c);
    await c.query("update app_public.languages set guest_facing = false where code = 'es'");
    expect((await c.query("select language from app_public.reservations where id = $1", [id])).rows).toEqual([{ language: "es" }]);
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select app_public.set_reservation_language($1, 'es')", [id])).toBe("INVLD LANGUAGE");
  }));
