// Issue 22: the guest's confirmation and change emails list the extras booked
// with the stay (name, how many, the basis in the guest's language, the
// amount), rendered by the worker from a real booking; a booking without
// extras says nothing of them.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, createBookableExtra, createHotel, hold, localDate, newKey, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = () => runDueJobs(db, { OUTBOX_DIR: outbox, MAIL_FROM: "Keepr <bookings@keepr.example>" });

/** Every .eml of the outbox, decoded enough to read (quoted-printable soft breaks joined). */
const emails = () =>
  readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => Buffer.from(readFileSync(path.join(outbox, f), "utf8").replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"));

async function bookWithExtras(h: Hotel, offset: number, email: string, language: string, extras: Array<{ extraId: string; quantity: number }>) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    // The guest app's language, as the API passes it on (the reservation's language).
    await c.query("select set_config('keepr.language', $1, true)", [language]);
    const arrival = localDate(h.timeZone, offset);
    const q = (await c.query("select quote_token from app_public.quote($1, $2, $3, 2, 0, null, $4)",
      [h.ratePlanId, arrival, addDays(arrival, 2), extras.length ? JSON.stringify(extras) : null])).rows[0];
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null, hold_token => $4)",
      [held.reservation_id, newKey(), email, held.hold_token]);
    return rows[0].reservation_id as string;
  });
}

it("the confirmation and the change email list the extras, the basis in the guest's language; none without extras", async () => {
  const h = await createHotel(db.ownerPool);
  const breakfast = await createBookableExtra(db.ownerPool, h, "Breakfast", 1500, "per_guest_night");
  const parking = await createBookableExtra(db.ownerPool, h, "Parking", 1200, "per_night");
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query("select app_public.set_extra_translation($1, 'pt', 'Estacionamento')", [parking]);
  });

  const en = await bookWithExtras(h, 20, "en-extras@example.com", "en", [{ extraId: breakfast, quantity: 2 }, { extraId: parking, quantity: 1 }]);
  await bookWithExtras(h, 30, "pt-extras@example.com", "pt", [{ extraId: parking, quantity: 1 }]);
  await bookWithExtras(h, 40, "none@example.com", "en", []);
  await runJobs();
  const sent = emails();
  const to = (address: string) => sent.filter((e) => e.includes(`To: ${address}`));
  const confirmation = to("en-extras@example.com")[0]!;
  expect(confirmation).toContain("Extras:\n- Breakfast × 2 (per guest per night): €120.00\n- Parking (per night): €24.00\n");
  expect(confirmation).toContain("<p>Extras:<br>Breakfast × 2 (per guest per night): €120.00<br>Parking (per night): €24.00</p>");
  expect(to("pt-extras@example.com")[0]).toMatch(/- Estacionamento \(por noite\): 24,00\s?€/);
  expect(to("none@example.com")[0]).not.toContain("Extras");

  // One night more: the per-night extras follow, and the change email says so.
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, 20);
    await c.query("select app_public.modify_reservation($1, $2, departure => $3)", [en, newKey(), addDays(arrival, 3)]);
  });
  await runJobs();
  const changed = emails().filter((e) => e.includes("To: en-extras@example.com") && /was changed/.test(e));
  expect(changed).toHaveLength(1);
  expect(changed[0]).toContain("- Breakfast × 2 (per guest per night): €180.00\n- Parking (per night): €36.00\n");
});
