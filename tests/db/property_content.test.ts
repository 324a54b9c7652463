// Property › Content saved in one step (issue 21): app_public.update_property_content
// checks every field as the table does and names the refused one (reason),
// refuses a save made on a stale read (INVALID_TRANSITION, CHANGED) so two
// managers never silently undo each other, and lets only the property's
// owners and managers write. Issue 22: where the property is (both
// coordinates or neither) and its policies as codes, checked the same way,
// and read by guests with a published property. Each test runs in a
// transaction rolled back.
import type pg from "pg";
import { randomUUID } from "node:crypto";
import { anonymous, asOwner, fileDatabase, inRollback, refusalOf, sqlstateOf, staff } from "../helpers/db.ts";
import { createHotel } from "../helpers/booking.ts";

const db = fileDatabase();

const save = `select * from app_public.update_property_content($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
  $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`;
type Values = [string | null, string[] | null, string[] | null, string | null, string | null, string | null, string | null, string | null, string | null];
const good: Values = ["  A quiet hotel by the river.  ", ["/photos/a.jpg", "https://cdn.example.com/b.jpg"], ["wifi", "parking"], "15:00", "11:00",
  " desk@example.com ", "+351 21 000 0000", "Keys at the desk.", "pt"];
/** Issue 22's fields, in the function's order after language. */
interface Place {
  latitude: number | string | null; longitude: number | string | null;
  childrenAllowed: boolean | null; childrenMinAge: number | null;
  petsPolicy: string | null; petFeeAmount: string | number | null; petFeePer: string | null;
  parkingPolicy: string | null; parkingPriceAmount: string | number | null; parkingPricePer: string | null;
  parkingLocation: string | null; parkingReservationRequired: boolean | null;
  smokingPolicy: string | null;
}
const place: Place = { latitude: 38.7075, longitude: -9.1364, childrenAllowed: true, childrenMinAge: 12, petsPolicy: "on_request", petFeeAmount: 1500,
  petFeePer: "night", parkingPolicy: "paid", parkingPriceAmount: 2000, parkingPricePer: "night", parkingLocation: "nearby",
  parkingReservationRequired: true, smokingPolicy: "designated_areas" };
/** Nothing stated: no location, no policies. */
const unstated: Place = { latitude: null, longitude: null, childrenAllowed: null, childrenMinAge: null, petsPolicy: null, petFeeAmount: null, petFeePer: null,
  parkingPolicy: null, parkingPriceAmount: null, parkingPricePer: null, parkingLocation: null, parkingReservationRequired: null, smokingPolicy: null };
const placeParams = (p: Place) => Object.values(p);
const args = (propertyId: string, expected: string | null, values: readonly unknown[] = good, p: Place = place) => [propertyId, expected, ...values, ...placeParams(p)];

/** The SQLSTATE and reason (hint) a save is refused with, or "ok". */
const refusal = (c: pg.PoolClient, params: unknown[]) => refusalOf(c, save, params);

it("a manager saves every field at once; blank texts are none; the row is what was saved", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    // As the API gives it: to the microsecond (a JS Date would keep milliseconds only).
    const before = (await c.query("select updated_at::text as at from app_public.properties where id = $1", [h.propertyId])).rows[0].at;
    const { rows: [saved] } = await c.query(save, args(h.propertyId, before));
    expect(saved).toMatchObject({ description: "A quiet hotel by the river.", photo_urls: good[1], amenities: good[2], check_in_time: "15:00:00",
      check_out_time: "11:00:00", contact_email: "desk@example.com", contact_phone: "+351 21 000 0000", arrival_instructions: "Keys at the desk.", language: "pt" });
    const { rows: [blank] } = await c.query(save, args(h.propertyId, null, ["  ", [], [], "14:00", "10:00", "", " ", "", "en"], unstated));
    expect(blank).toMatchObject({ description: null, photo_urls: [], amenities: [], contact_email: null, contact_phone: null, arrival_instructions: null });
  }));

it("each refused field is named: INVALID_INPUT with the field as its reason, nothing written", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    const with_ = (i: number, v: unknown) => args(h.propertyId, null, good.map((g, j) => (j === i ? v : g)));
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
    expect(await refusal(c, args(h.propertyId, read))).toBe("TRANS CHANGED");
    expect((await c.query("select description from app_public.properties where id = $1", [h.propertyId])).rows[0].description).toBe("Theirs");
    const fresh = (await c.query("select updated_at::text as at from app_public.properties where id = $1", [h.propertyId])).rows[0].at;
    expect(await refusal(c, args(h.propertyId, fresh))).toBe("ok");
  }));

it("only the property's owners and managers: the desk and housekeeping are refused, another property's manager and a forged id find nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    await staff(c, h.frontDesk);
    expect(await refusal(c, args(h.propertyId, null))).toBe("DNIED");
    await staff(c, h.housekeeper);
    expect(await refusal(c, args(h.propertyId, null))).toBe("DNIED");
    await staff(c, other.manager);
    expect(await refusal(c, args(h.propertyId, null))).toBe("NTFND");
    expect(await refusal(c, args(randomUUID(), null))).toBe("NTFND");
    await asOwner(c);
    expect((await c.query("select language from app_public.properties where id = $1", [h.propertyId])).rows[0].language).not.toBe("pt");
  }));

it("the location and policies are saved as given, and the whole set can be cleared to not stated", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    const { rows: [saved] } = await c.query(save, args(h.propertyId, null));
    expect(saved).toMatchObject({ latitude: 38.7075, longitude: -9.1364, children_allowed: true, children_min_age: 12, pets_policy: "on_request",
      pet_fee_amount: "1500", pet_fee_per: "night", parking_policy: "paid", parking_price_amount: "2000", parking_price_per: "night",
      parking_location: "nearby", parking_reservation_required: true, smoking_policy: "designated_areas" });
    // Free parking on site, no pets, children of any age, the edges of the map.
    const other: Place = { ...unstated, latitude: -90, longitude: 180, childrenAllowed: true, petsPolicy: "no", parkingPolicy: "free",
      parkingLocation: "on_site", parkingReservationRequired: false, smokingPolicy: "no" };
    expect(await refusal(c, args(h.propertyId, null, good, other))).toBe("ok");
    const { rows: [cleared] } = await c.query(save, args(h.propertyId, null, good, unstated));
    expect(cleared).toMatchObject({ latitude: null, longitude: null, children_allowed: null, pets_policy: null, parking_policy: null, smoking_policy: null });
  }));

it("a bad location or policy is refused with the field as its reason, and nothing is written", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    const bad = (p: Partial<Place>) => refusal(c, args(h.propertyId, null, good, { ...place, ...p }));
    expect(await bad({ latitude: 90.0001 })).toBe("INVLD LATITUDE");
    expect(await bad({ latitude: -91 })).toBe("INVLD LATITUDE");
    expect(await bad({ latitude: "NaN" })).toBe("INVLD LATITUDE");
    expect(await bad({ longitude: "Infinity" })).toBe("INVLD LONGITUDE");
    expect(await bad({ longitude: 180.5 })).toBe("INVLD LONGITUDE");
    expect(await bad({ latitude: null })).toBe("INVLD LATITUDE");
    expect(await bad({ longitude: null })).toBe("INVLD LONGITUDE");
    expect(await bad({ childrenMinAge: 0 })).toBe("INVLD CHILDREN_MIN_AGE");
    expect(await bad({ childrenMinAge: 18 })).toBe("INVLD CHILDREN_MIN_AGE");
    expect(await bad({ childrenAllowed: false })).toBe("INVLD CHILDREN_MIN_AGE");
    expect(await bad({ childrenAllowed: null })).toBe("INVLD CHILDREN_MIN_AGE");
    expect(await bad({ petsPolicy: "cats only" })).toBe("INVLD PETS");
    expect(await bad({ petsPolicy: "no" })).toBe("INVLD PET_FEE");
    expect(await bad({ petsPolicy: null })).toBe("INVLD PET_FEE");
    expect(await bad({ petFeeAmount: 0 })).toBe("INVLD PET_FEE");
    expect(await bad({ petFeeAmount: -5 })).toBe("INVLD PET_FEE");
    expect(await bad({ petFeeAmount: "100000001" })).toBe("INVLD PET_FEE");
    expect(await bad({ petFeePer: null })).toBe("INVLD PET_FEE");
    expect(await bad({ petFeePer: "week" })).toBe("INVLD PET_FEE");
    expect(await bad({ petFeeAmount: null })).toBe("INVLD PET_FEE");
    expect(await bad({ parkingPolicy: "valet" })).toBe("INVLD PARKING");
    expect(await bad({ parkingPolicy: null })).toBe("INVLD PARKING");
    expect(await bad({ parkingPolicy: "free" })).toBe("INVLD PARKING_PRICE");
    expect(await bad({ parkingPriceAmount: null })).toBe("INVLD PARKING_PRICE");
    expect(await bad({ parkingPriceAmount: 0 })).toBe("INVLD PARKING_PRICE");
    expect(await bad({ parkingPricePer: "hour" })).toBe("INVLD PARKING_PRICE");
    expect(await bad({ parkingLocation: null })).toBe("INVLD PARKING_LOCATION");
    expect(await bad({ parkingLocation: "moon" })).toBe("INVLD PARKING_LOCATION");
    expect(await bad({ parkingReservationRequired: null })).toBe("INVLD PARKING_RESERVATION");
    expect(await bad({ parkingPolicy: "none", parkingPriceAmount: null, parkingPricePer: null })).toBe("INVLD PARKING_LOCATION");
    expect(await bad({ parkingPolicy: "none", parkingPriceAmount: null, parkingPricePer: null, parkingLocation: null })).toBe("INVLD PARKING_RESERVATION");
    expect(await bad({ smokingPolicy: "everywhere" })).toBe("INVLD SMOKING");
    // A number too large for the column is refused by the API's types before the function (22003 here).
    expect(await sqlstateOf(c, save, args(h.propertyId, null, good, { ...place, petFeeAmount: "99999999999999999999" }))).toBe("22003");
    await asOwner(c);
    expect((await c.query("select latitude, pets_policy from app_public.properties where id = $1", [h.propertyId])).rows[0]).toEqual({ latitude: null, pets_policy: null });
  }));

it("the table refuses what the function would, for a write that goes around it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const set = (sql: string) => sqlstateOf(c, `update app_public.properties set ${sql} where id = $1`, [h.propertyId]);
    expect(await set("latitude = 10")).toBe("23514");
    expect(await set("latitude = 'NaN', longitude = 0")).toBe("23514");
    expect(await set("children_min_age = 5")).toBe("23514");
    expect(await set("pets_policy = 'no', pet_fee_amount = 100, pet_fee_per = 'night'")).toBe("23514");
    expect(await set("parking_policy = 'paid', parking_location = 'on_site', parking_reservation_required = false")).toBe("23514");
    expect(await set("parking_location = 'on_site'")).toBe("23514");
    expect(await set("smoking_policy = 'yes'")).toBe("23514");
    expect(await set("latitude = 1, longitude = 2, parking_policy = 'free', parking_location = 'nearby', parking_reservation_required = true")).toBe(null);
  }));

it("guests read a published property's location and policies; staff cannot write them around the function", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    await c.query(save, args(h.propertyId, null));
    await asOwner(c);
    await c.query("update app_public.properties set is_published = true where id = $1", [h.propertyId]);
    await anonymous(c);
    const { rows: [seen] } = await c.query("select latitude, longitude, pets_policy, parking_price_amount from app_public.properties where id = $1", [h.propertyId]);
    expect(seen).toEqual({ latitude: 38.7075, longitude: -9.1364, pets_policy: "on_request", parking_price_amount: "2000" });
    await staff(c, h.manager);
    expect(await sqlstateOf(c, "update app_public.properties set pets_policy = 'no', pet_fee_amount = null, pet_fee_per = null where id = $1", [h.propertyId])).toBe("42501");
  }));
