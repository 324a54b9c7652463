// Reports: occupancy, ADR, RevPAR, pickup and revenue by channel, one
// definition (reporting views) read by staff through functions and by
// analysts directly.
import pg from "pg";
import { actAs, fileDatabase, inRollback, sqlstateOf } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate } from "../helpers/booking.ts";

const db = fileDatabase();

it("occupancy, ADR and RevPAR per night, pickup per booking day and channel, revenue by channel", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 2, ratePlan: { base_price: 10000 } });
    const arrival = localDate(h.timeZone, 10);
    await actAs(c, { role: "keepr_anonymous" });
    await book(c, h.ratePlanId, arrival, addDays(arrival, 2)); // web, 2 nights
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await book(c, h.ratePlanId, addDays(arrival, 1), addDays(arrival, 2)); // by phone, 1 night
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    const occupancy = (await c.query("select date::text, units_available, units_sold, occupancy::text, room_revenue::int, adr::int, revpar::int from app_public.occupancy_report($1, $2, $3)", [h.propertyId, arrival, addDays(arrival, 2)])).rows;
    expect(occupancy).toEqual([
      { date: arrival, units_available: 2, units_sold: 1, occupancy: "0.5000", room_revenue: 10000, adr: 10000, revpar: 5000 },
      { date: addDays(arrival, 1), units_available: 2, units_sold: 2, occupancy: "1.0000", room_revenue: 20000, adr: 10000, revpar: 10000 },
      { date: addDays(arrival, 2), units_available: 2, units_sold: 0, occupancy: "0.0000", room_revenue: 0, adr: null, revpar: 0 },
    ]);
    const today = localDate(h.timeZone, 0);
    expect((await c.query("select booked_on::text, channel, bookings, room_nights, room_revenue::int from app_public.pickup_report($1, $2, $2)", [h.propertyId, today])).rows).toEqual([
      { booked_on: today, channel: "front_desk", bookings: 1, room_nights: 1, room_revenue: 10000 },
      { booked_on: today, channel: "web", bookings: 1, room_nights: 2, room_revenue: 20000 },
    ]);
    expect((await c.query("select channel, bookings, room_nights, room_revenue::int from app_public.channel_revenue_report($1, $2, $3)", [h.propertyId, arrival, addDays(arrival, 30)])).rows).toEqual([
      { channel: "front_desk", bookings: 1, room_nights: 1, room_revenue: 10000 },
      { channel: "web", bookings: 1, room_nights: 2, room_revenue: 20000 },
    ]);
    expect(await sqlstateOf(c, "select * from app_public.occupancy_report($1, $2, $3)", [h.propertyId, arrival, addDays(arrival, 500)])).toBe("DATES");
    await actAs(c, { role: "keepr_staff", userId: h.housekeeper });
    expect(await sqlstateOf(c, "select * from app_public.occupancy_report($1, $2, $2)", [h.propertyId, arrival])).toBe("DNIED");
  }));

it("analysts read the same figures from the reporting views", async () => {
  const h = await createHotel(db.ownerPool, { units: 2 });
  const arrival = localDate(h.timeZone, 10);
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    await actAs(client, { role: "keepr_anonymous" });
    await book(client, h.ratePlanId, arrival, addDays(arrival, 3));
    await client.query("commit");
  } finally {
    client.release();
  }
  const analyst = new pg.Client({ connectionString: db.analystUrl });
  await analyst.connect();
  try {
    const { rows } = await analyst.query("select sum(units_sold)::int as sold, sum(room_revenue)::int as revenue from reporting.occupancy where property_id = $1", [h.propertyId]);
    expect(rows[0]).toEqual({ sold: 3, revenue: 30000 });
    expect((await analyst.query("select sum(room_nights)::int as n from reporting.revenue_by_channel where property_id = $1 and channel = 'web'", [h.propertyId])).rows[0].n).toBe(3);
  } finally {
    await analyst.end();
  }
});
