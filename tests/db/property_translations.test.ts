// The property's content in the other languages of the guest app (issues 21
// and 22): app_public.set_property_translation saves a language's description
// and arrival instructions (owners and managers; blank removes; a refusal
// names the field; the property's own language refused), and
// properties.description_in / arrival_instructions_in give a guest the
// text of their language with a fallback to the property's own. Each test
// runs in a transaction rolled back.
import type pg from "pg";
import { randomUUID } from "node:crypto";
import { anonymous, asOwner, fileDatabase, inRollback, refusalOf, staff } from "../helpers/db.ts";
import { createHotel } from "../helpers/booking.ts";

const db = fileDatabase();

const save = "select * from app_public.set_property_translation($1, $2, $3, $4)";
const readIn = `select app_public.properties_description_in(p, $2) as description, app_public.properties_arrival_instructions_in(p, $2) as instructions
                  from app_public.properties p where p.id = $1`;

/** The SQLSTATE and reason (hint) a save is refused with, or "ok". */
const refusal = (c: pg.PoolClient, params: unknown[]) => refusalOf(c, save, params);

/** A published hotel in English with its own description and instructions. */
async function englishHotel(c: pg.PoolClient) {
  const h = await createHotel(c);
  await c.query("update app_public.properties set language = 'en', description = 'A quiet hotel.', arrival_instructions = 'Keys at the desk.' where id = $1", [h.propertyId]);
  return h;
}

it("a manager saves a translation (trimmed; blank is none), saves it again unchanged, and blank both removes it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    await staff(c, h.manager);
    const { rows: [saved] } = await c.query(save, [h.propertyId, "pt", "  Um hotel sossegado.  ", " "]);
    expect(saved).toMatchObject({ property_id: h.propertyId, language: "pt", description: "Um hotel sossegado.", arrival_instructions: null });
    const { rows: [again] } = await c.query(save, [h.propertyId, "pt", "Um hotel sossegado.", ""]);
    expect(again).toMatchObject({ description: "Um hotel sossegado.", arrival_instructions: null, updated_at: saved.updated_at });
    const { rows: [changed] } = await c.query(save, [h.propertyId, "pt", "Um hotel sossegado.", "Chaves na receção."]);
    expect(changed.arrival_instructions).toBe("Chaves na receção.");
    const { rows: [removed] } = await c.query(save, [h.propertyId, "pt", "", null]);
    expect(removed).toMatchObject({ property_id: null });
    expect((await c.query("select count(*)::int as n from app_public.property_translations where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);
    // Removing what is not there is no error either.
    expect(await refusal(c, [h.propertyId, "es", null, null])).toBe("ok");
  }));

it("refusals name the field and write nothing: a language the guest app does not speak, the property's own, too long texts", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    await staff(c, h.manager);
    expect(await refusal(c, [h.propertyId, "de", "Ein Hotel.", null])).toBe("INVLD LANGUAGE");
    expect(await refusal(c, [h.propertyId, "PT", "Um hotel.", null])).toBe("INVLD LANGUAGE");
    expect(await refusal(c, [h.propertyId, null, "Um hotel.", null])).toBe("INVLD LANGUAGE");
    expect(await refusal(c, [h.propertyId, "en", "A hotel.", null])).toBe("INVLD LANGUAGE");
    expect(await refusal(c, [h.propertyId, "pt", "x".repeat(5001), null])).toBe("INVLD DESCRIPTION");
    expect(await refusal(c, [h.propertyId, "pt", null, "y".repeat(2001)])).toBe("INVLD ARRIVAL_INSTRUCTIONS");
    expect(await refusal(c, [h.propertyId, "pt", "x".repeat(5000), "y".repeat(2000)])).toBe("ok");
    await asOwner(c);
    expect((await c.query("select language from app_public.property_translations where property_id = $1", [h.propertyId])).rows).toEqual([{ language: "pt" }]);
  }));

it("only the property's owners and managers write: the desk and housekeeping are refused, another property's manager and a forged id find nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const other = await createHotel(c);
    await staff(c, h.frontDesk);
    expect(await refusal(c, [h.propertyId, "pt", "Um hotel.", null])).toBe("DNIED");
    await staff(c, h.housekeeper);
    expect(await refusal(c, [h.propertyId, "pt", "Um hotel.", null])).toBe("DNIED");
    await staff(c, other.manager);
    expect(await refusal(c, [h.propertyId, "pt", "Um hotel.", null])).toBe("NTFND");
    // Before the language is looked at: an outsider learns nothing, not even the property's language.
    expect(await refusal(c, [h.propertyId, "en", "A hotel.", null])).toBe("NTFND");
    expect(await refusal(c, [randomUUID(), "pt", "Um hotel.", null])).toBe("NTFND");
    await anonymous(c);
    expect(await refusal(c, [h.propertyId, "pt", "Um hotel.", null])).toBe("42501");
    // No one writes the table directly, not even its managers.
    await staff(c, h.manager);
    expect(await refusal(c, [h.propertyId, "pt", "Um hotel.", null])).toBe("ok");
    await c.query("savepoint direct");
    await expect(c.query("update app_public.property_translations set description = 'Mine' where property_id = $1", [h.propertyId])).rejects.toMatchObject({ code: "42501" });
    await c.query("rollback to savepoint direct");
    await asOwner(c);
    expect((await c.query("select count(*)::int as n from app_public.property_translations where property_id = $1", [h.propertyId])).rows[0].n).toBe(1);
  }));

it("a guest reads their language with a fallback to the property's own, field by field; the property's own language reads its own", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    await staff(c, h.manager);
    await c.query(save, [h.propertyId, "pt", "Um hotel sossegado.", null]);
    await c.query(save, [h.propertyId, "es", null, "Llaves en la recepción."]);
    await anonymous(c);
    const read = async (language: string | null) => (await c.query(readIn, [h.propertyId, language])).rows[0];
    expect(await read("pt")).toEqual({ description: "Um hotel sossegado.", instructions: "Keys at the desk." });
    expect(await read("es")).toEqual({ description: "A quiet hotel.", instructions: "Llaves en la recepción." });
    expect(await read("en")).toEqual({ description: "A quiet hotel.", instructions: "Keys at the desk." });
    expect(await read("fr")).toEqual({ description: "A quiet hotel.", instructions: "Keys at the desk." });
    expect(await read(null)).toEqual({ description: "A quiet hotel.", instructions: "Keys at the desk." });
    // The property switches to Portuguese: its own text is now the base for pt, the old pt translation is left unused.
    await asOwner(c);
    await c.query("update app_public.properties set language = 'pt' where id = $1", [h.propertyId]);
    await anonymous(c);
    expect(await read("pt")).toEqual({ description: "A quiet hotel.", instructions: "Keys at the desk." });
  }));

it("guests see the translations of published properties only; staff see their own property's, not another's unpublished one", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await englishHotel(c);
    const other = await createHotel(c);
    await staff(c, h.manager);
    await c.query(save, [h.propertyId, "pt", "Um hotel sossegado.", null]);
    await asOwner(c);
    await c.query("update app_public.properties set is_published = false where id = $1", [h.propertyId]);
    const visible = async () =>
      (await c.query("select language from app_public.property_translations where property_id = $1", [h.propertyId])).rows.map((r) => r.language);
    await anonymous(c);
    expect(await visible()).toEqual([]);
    await staff(c, other.manager);
    expect(await visible()).toEqual([]);
    await staff(c, h.housekeeper);
    expect(await visible()).toEqual(["pt"]);
    await asOwner(c);
    await c.query("update app_public.properties set is_published = true where id = $1", [h.propertyId]);
    await anonymous(c);
    expect(await visible()).toEqual(["pt"]);
  }));
