// Property › Content saved in one step (issue 21): app_public.update_property_content
// checks every field as the table does and names the refused one (reason),
// refuses a save made on a stale read (INVALID_TRANSITION, CHANGED) so two
// managers never silently undo each other, and lets only the property's
// owners and managers write. Each test runs in a transaction rolled back.
import type pg from "pg";
import { randomUUID } from "node:crypto";
import { asOwner, fileDatabase, inRollback, refusalOf, sqlstateOf, staff } from "../helpers/db.ts";
import { createHotel } from "../helpers/booking.ts";

const db = fileDatabase();

const save = `select * from app_public.update_property_content($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
type Values = [string | null, string[] | null, string[] | null, string | null, string | null, string | null, string | null, string | null, string | null];
const good: Values = ["  A quiet hotel by the river.  ", ["/photos/a.jpg", "https://cdn.example.com/b.jpg"], ["wifi", "parking"], "15:00", "11:00",
  " desk@example.com ", "+351 21 000 0000", "Keys at the desk.", "pt"];

/** The SQLSTATE and reason (hint) a save is refused with, or "ok". */
const refusal = (c: pg.PoolClient, params: unknown[]) => refusalOf(c, save, params);

it("a manager saves every field at once; blank texts are none; the row is what was saved", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    // As the API gives it: to the microsecond (a JS Date would keep milliseconds only).
    const before = (await c.query("select updated_at::text as at from app_public.properties where id = $1", [h.propertyId])).rows[0].at;
    const { rows: [saved] } = await c.query(save, [h.propertyId, before, ...good]);
    expect(saved).toMatchObject({ description: "A quiet hotel by the river.", photo_urls: good[1], amenities: good[2], check_in_time: "15:00:00",
      check_out_time: "11:00:00", contact_email: "desk@example.com", contact_phone: "+351 21 000 0000", arrival_instructions: "Keys at the desk.", language: "pt" });
    const { rows: [blank] } = await c.query(save, [h.propertyId, null, "  ", [], [], "14:00", "10:00", "", " ", "", "en"]);
    expect(blank).toMatchObject({ description: null, photo_urls: [], amenities: [], contact_email: null, contact_phone: null, arrival_instructions: null });
  }));

it("each refused field is named: INVALID_INPUT with the field as its reason, nothing written", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    const with_ = (i: number, v: unknown) => [h.propertyId, null, ...good.map((g, j) => (j === i ? v : g))];
    expect(await refusal(c, with_(0, "x".repeat(5001)))).toBe("INVLD DESCRIPTION");
    expect(await refusal(c, with_(1, ["javascript:alert(1)"]))).toBe("INVLD PHOTO_URLS");
    expect(await refusal(c, with_(1, Array(21).fill("/photos/a.jpg")))).toBe("INVLD PHOTO_URLS");
    expect(await refusal(c, with_(1, [null]))).toBe("INVLD PHOTO_URLS");
    expect(await refusal(c, with_(2, ["jacuzzi-on-the-moon"]))).toBe("INVLD AMENITIES");
    expect(await refusal(c, with_(3, null))).toBe("INVLD CHECK_IN_TIME");
    expect(await refusal(c, with_(4, null))).toBe("INVLD CHECK_OUT_TIME");
    expect(await refusal(c, with_(5, "not an address"))).toBe("INVLD CONTACT_EMAIL");
    expect(await refusal(c, with_(5, `${"a".repeat(250)}@example.com`))).toBe("INVLD CONTACT_EMAIL");
    expect(await refusal(c, with_(6, "call me maybe"))).toBe("INVLD CONTACT_PHONE");
    expect(await refusal(c, with_(7, "y".repeat(2001)))).toBe("INVLD ARRIVAL_INSTRUCTIONS");
    expect(await refusal(c, with_(8, "xx"))).toBe("INVLD LANGUAGE");
    expect(await refusal(c, with_(8, null))).toBe("INVLD LANGUAGE");
    // A time that is no time is refused by the API's types before the function (22008 here).
    expect(await sqlstateOf(c, save, with_(3, "25:61"))).toBe("22008");
    await asOwner(c);
    expect((await c.query("select description, language from app_public.properties where id = $1", [h.propertyId])).rows[0]).not.toMatchObject({ language: "pt" });
  }));

it("a save on a stale read is refused (CHANGED) and writes nothing; the fresh read saves", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    const read = (await c.query("select updated_at::text as at from app_public.properties where id = $1", [h.propertyId])).rows[0].at as string;
    // Another manager saved since (a second later).
    await asOwner(c);
    await c.query("update app_public.properties set description = 'Theirs', updated_at = $2::timestamptz + interval '1 second' where id = $1", [h.propertyId, read]);
    await staff(c, h.manager);
    expect(await refusal(c, [h.propertyId, read, ...good])).toBe("TRANS CHANGED");
    expect((await c.query("select description from app_public.properties where id = $1", [h.propertyId])).rows[0].description).toBe("Theirs");
    const fresh = (await c.query("select updated_at::text as at from app_public.properties where id = $1", [h.propertyId])).rows[0].at;
    expect(await refusal(c, [h.propertyId, fresh, ...good])).toBe("ok");
  }));

it("only the property's owners and managers: the desk and housekeeping are refused, another property's manager and a forged id find nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    await staff(c, h.frontDesk);
    expect(await refusal(c, [h.propertyId, null, ...good])).toBe("DNIED");
    await staff(c, h.housekeeper);
    expect(await refusal(c, [h.propertyId, null, ...good])).toBe("DNIED");
    await staff(c, other.manager);
    expect(await refusal(c, [h.propertyId, null, ...good])).toBe("NTFND");
    expect(await refusal(c, [randomUUID(), null, ...good])).toBe("NTFND");
    await asOwner(c);
    expect((await c.query("select language from app_public.properties where id = $1", [h.propertyId])).rows[0].language).not.toBe("pt");
  }));
