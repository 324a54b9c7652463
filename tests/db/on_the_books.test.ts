// The on-the-books report (the revenue screen's pace and same time last
// year): what was booked at a moment, per night. A booking counts from its
// confirmation until it is cancelled or marked a no-show; its room amount is
// split over its nights, so the nights of a stay add up to its room amount.
import { asOwner, fileDatabase, inRollback, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate } from "../helpers/booking.ts";

const db = fileDatabase();

it("counts what was on the books at the moment asked, night by night, with each stay's room amount split over its nights", async () => {
  await inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.frontDesk);
    const from = localDate(h.timeZone, 10);
    const kept = await book(c, h.ratePlanId, from, addDays(from, 3)); // confirmed long ago, still booked
    const cancelledLater = await book(c, h.ratePlanId, from, addDays(from, 1)); // cancelled after the moment
    const cancelledBefore = await book(c, h.ratePlanId, addDays(from, 1), addDays(from, 2)); // cancelled before it
    const bookedAfter = await book(c, h.ratePlanId, addDays(from, 2), addDays(from, 3)); // confirmed after it
    await asOwner(c);
    const at = (id: string, column: string, when: string) =>
      c.query(`update app_public.reservations set ${column} = now() - $2::interval where id = $1`, [id, when]);
    for (const b of [kept, cancelledLater, cancelledBefore]) await at(b.reservation_id, "confirmed_at", "30 days");
    await at(bookedAfter.reservation_id, "confirmed_at", "1 day");
    await c.query("update app_public.reservations set status = 'cancelled', cancelled_at = now() - interval '2 days' where id = $1", [cancelledLater.reservation_id]);
    await c.query("update app_public.reservations set status = 'cancelled', cancelled_at = now() - interval '20 days' where id = $1", [cancelledBefore.reservation_id]);
    const room = (await c.query<{ id: string; room_amount: string }>("select id, room_amount from app_public.reservations where id = any($1)", [[kept.reservation_id, cancelledLater.reservation_id]])).rows;
    const amount = (id: string) => Number(room.find((r) => r.id === id)!.room_amount);

    await staff(c, h.manager);
    const { rows } = await c.query<{ date: string; units_sold: number; room_revenue: string }>(
      "select to_char(date, 'YYYY-MM-DD') as date, units_sold, room_revenue from app_public.on_the_books_report($1, $2::date, $3::date, now() - interval '10 days')",
      [h.propertyId, addDays(from, -1), addDays(from, 3)],
    );
    expect(rows.map((r) => [r.date, r.units_sold])).toEqual([
      [addDays(from, -1), 0],
      [from, 2], // kept and the one cancelled later
      [addDays(from, 1), 1], // kept (the other was cancelled before the moment)
      [addDays(from, 2), 1], // kept (the other was confirmed after the moment)
      [addDays(from, 3), 0], // kept's departure day
    ]);
    const revenue = rows.reduce((sum, r) => sum + Number(r.room_revenue), 0);
    expect(revenue).toBe(amount(kept.reservation_id) + amount(cancelledLater.reservation_id));

    // Today: the cancelled ones are gone, the later booking is there.
    const now = (await c.query<{ units_sold: number }>("select units_sold from app_public.on_the_books_report($1, $2::date, $2::date, now())", [h.propertyId, addDays(from, 2)])).rows;
    expect(now).toEqual([{ units_sold: 2 }]);
  });
});
