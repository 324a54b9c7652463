// app_private.room_type_units_left (what search, quote and the hold offer),
// as a property: on random claims of every kind (blocks, live and expired
// holds, confirmed stays, released claims, claims on inactive units) at two
// hotels of several room types and a vacation rental, for random stays and
// property sets, with and without one room type asked for, it answers what
// a plain count says:
//   - a hotel room type: its active units less, on the stay's busiest night,
//     the live claims on them (released or expired holds do not count);
//   - a vacation rental's room type: its active units less those with a
//     live claim on any night of the stay;
//   - room types without an active unit are not listed.
// The function reads the live claims per property from the covering index
// (migration 000056); the count below reads them unit by unit and night
// by night, as the function did before. The seed is printed;
// KEEPR_TEST_SEED replays a run.
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { addDays, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";
import { between, pick, seededRandom, testSeed } from "../helpers/random.ts";

const db = fileDatabase();

const HORIZON = 20;

/** The same answer, counted plainly: per room type, night by night (hotels) or unit by unit (vacation rentals). */
const reference = `
  with units as (
    select u.id, u.room_type_id, p.kind
      from app_public.units u join app_public.properties p on p.id = u.property_id
     where u.property_id = any ($1::uuid[]) and u.is_active and ($3::uuid is null or u.room_type_id = $3)
  ), live as (
    select c.unit_id, c.stay from app_public.inventory_claims c
     where c.property_id = any ($1::uuid[]) and c.released_at is null and (c.expires_at is null or c.expires_at > now())
  ), nights as (
    select n::date as night from generate_series(lower($2::daterange), upper($2::daterange) - 1, interval '1 day') n
  )
  select t.room_type_id,
         (count(*) - case min(t.kind::text)
            when 'hotel' then coalesce((select max(taken) from (
                select count(*) as taken from nights n join live l on l.stay @> n.night join units u2 on u2.id = l.unit_id
                 where u2.room_type_id = t.room_type_id group by n.night) x), 0)
            else (select count(distinct u2.id) from units u2 join live l on l.unit_id = u2.id and l.stay && $2::daterange
                   where u2.room_type_id = t.room_type_id)
          end)::integer as units_left
    from units t
   group by t.room_type_id
   order by t.room_type_id`;

test("units left per room type are what a night-by-night count of the live claims says, for any stay and properties", async () => {
  const next = seededRandom(testSeed("units left"));
  const hotels: Hotel[] = [];
  const roomTypes: Array<{ propertyId: string; roomTypeId: string; unitIds: string[] }> = [];
  await inCommit(db.ownerPool, async (c) => {
    for (const [kind, units] of [["hotel", 4], ["hotel", 2], ["vacation_rental", 3]] as const) {
      const h = await createHotel(c, { kind, units });
      hotels.push(h);
      roomTypes.push({ propertyId: h.propertyId, roomTypeId: h.roomTypeId, unitIds: h.unitIds });
    }
    // A second room type at the first hotel, one of its units inactive.
    const h = hotels[0]!;
    const second = (await c.query<{ id: string }>("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 2) returning id", [h.propertyId])).rows[0]!.id;
    const unitIds: string[] = [];
    for (const name of ["201", "202", "203"]) {
      unitIds.push((await c.query<{ id: string }>("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, $3) returning id", [h.propertyId, second, name])).rows[0]!.id);
    }
    await c.query("update app_public.units set is_active = false where id = $1", [unitIds[2]]);
    roomTypes.push({ propertyId: h.propertyId, roomTypeId: second, unitIds });
    // A room type whose only unit is inactive: not listed.
    const none = (await c.query<{ id: string }>("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Closed', 2) returning id", [h.propertyId])).rows[0]!.id;
    await c.query("insert into app_public.units (property_id, room_type_id, name, is_active) values ($1, $2, '301', false)", [h.propertyId, none]);
  });
  const today = localDate(hotels[0]!.timeZone);

  // Blocks of every kind on random units (some released), where the unit is free.
  await inCommit(db.ownerPool, async (c) => {
    for (let i = 0; i < 60; i++) {
      const rt = pick(next, roomTypes);
      const unitId = pick(next, rt.unitIds);
      const from = between(next, 0, HORIZON - 1);
      const to = Math.min(HORIZON + 3, from + between(next, 1, 5));
      const kind = pick(next, ["owner_block", "maintenance_block", "ota_block"] as const);
      const inserted = await c.query(
        `insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note)
         select $1, $2, daterange($3::date, $4::date), $5, 'units left test'
          where not exists (select 1 from app_public.inventory_claims c where c.property_id = $1 and c.unit_id = $2 and c.released_at is null and c.stay && daterange($3::date, $4::date))
         returning id`,
        [rt.propertyId, unitId, addDays(today, from), addDays(today, to), kind],
      );
      if (inserted.rows.length && next() < 0.25) await c.query("update app_public.inventory_claims set released_at = now() where id = $1", [inserted.rows[0]!.id]);
    }
  });
  // Holds and stays through the booking functions, some holds expired since.
  for (let i = 0; i < 25; i++) {
    const h = pick(next, hotels);
    const from = between(next, 1, HORIZON - 2);
    const to = from + between(next, 1, 4);
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_anonymous" });
      const q = await quote(c, h.ratePlanId, addDays(today, from), addDays(today, to)).catch(() => null);
      if (q?.quote_token) await hold(c, q.quote_token).catch(() => null);
    });
  }
  await db.ownerPool.query(
    "update app_public.inventory_claims set expires_at = now() - interval '1 minute' where kind = 'hold' and released_at is null and property_id = any ($1::uuid[]) and random() < 0.5",
    [hotels.map((h) => h.propertyId)],
  );
  const kinds = (await db.ownerPool.query<{ kind: string; n: number }>(
    "select kind::text, count(*)::int as n from app_public.inventory_claims where property_id = any ($1::uuid[]) group by 1",
    [hotels.map((h) => h.propertyId)],
  )).rows;
  // The data has what the property is about: blocks, holds, released claims.
  expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(["owner_block", "hold"]));

  let compared = 0;
  for (let i = 0; i < 120; i++) {
    const from = between(next, 0, HORIZON);
    const stay = `[${addDays(today, from)},${addDays(today, from + between(next, 1, 8))})`;
    const properties = hotels.filter(() => next() < 0.7);
    if (!properties.length) properties.push(pick(next, hotels));
    const ids = properties.map((h) => h.propertyId);
    const only = next() < 0.3 ? pick(next, roomTypes.filter((rt) => ids.includes(rt.propertyId))).roomTypeId : null;
    const expected = (await db.ownerPool.query(reference, [ids, stay, only])).rows;
    const actual = (await db.ownerPool.query(
      "select room_type_id, units_left from app_private.room_type_units_left($1::uuid[], $2::daterange, $3::uuid) order by room_type_id",
      [ids, stay, only],
    )).rows;
    expect({ stay, ids, only, rows: actual }).toEqual({ stay, ids, only, rows: expected });
    compared += actual.length;
  }
  expect(compared).toBeGreaterThan(100);
});
