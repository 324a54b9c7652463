// Issue 22: the confirmation and change emails say the children's ages where the booking has them, in the guest's
// language and the guest app's wording ("2 children (ages 4, 8)"), and a group's emails say them per room. A
// booking without ages (or without children) says what it said before. Rendered by the real worker from real
// bookings; the message as stored in app_public.notifications is read back.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, confirmGroup, createHotel, hold, holdGroup, localDate, newKey, quoteGroup, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = () => runDueJobs(db, { OUTBOX_DIR: outbox });
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);
const asGuest = async (c: pg.PoolClient, language: string) => {
  await actAs(c, { role: "keepr_anonymous" });
  await c.query("select set_config('keepr.language', $1, true)", [language]);
};

/** One room booked by a guest in `language`, with `children` and their ages (or none). */
async function book(h: Hotel, offset: number, language: string, email: string, children: number, ages: number[] | null) {
  return committed(async (c) => {
    await asGuest(c, language);
    const arrival = localDate(h.timeZone, offset);
    const q = (await c.query("select quote_token from app_public.quote($1, $2, $3, 2, $4, null, null, $5)",
      [h.ratePlanId, arrival, addDays(arrival, 2), children, ages])).rows[0];
    const held = await hold(c, q.quote_token);
    await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null, hold_token => $4)",
      [held.reservation_id, newKey(), email, held.hold_token]);
    return held.reservation_id as string;
  });
}

const messages = async (email: string, template: string) =>
  (await db.ownerPool.query<{ subject: string; body_text: string }>(
    `select subject, body_text from app_public.notifications
      where recipient = $1 and template = $2 and channel = 'email' and status = 'sent' order by created_at`, [email, template])).rows;
/** The HTML part of the emails sent to an address (the outbox's .eml, quoted-printable decoded). */
const htmlTo = (email: string) =>
  readdirSync(outbox).filter((f) => f.endsWith(".eml"))
    .map((f) => Buffer.from(readFileSync(path.join(outbox, f), "utf8").replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"))
    .filter((e) => e.includes(`To: ${email}`)).join("\n");

it("a booking's confirmation and change emails say the children's ages in the guest's language", async () => {
  const h = await createHotel(db.ownerPool, { maxOccupancy: 4 });
  const en = await book(h, 20, "en", "ages-en@example.com", 2, [4, 8]);
  await book(h, 24, "pt", "ages-pt@example.com", 1, [5]);
  await book(h, 28, "es", "ages-es@example.com", 2, [3, 11]);
  await book(h, 32, "en", "no-ages@example.com", 0, null);
  await runJobs();

  const [confirmation] = await messages("ages-en@example.com", "confirmation");
  expect(confirmation!.body_text).toContain("2 adults, 2 children (ages 4, 8)");
  expect(htmlTo("ages-en@example.com")).toContain("2 adults, 2 children (ages 4, 8)</p>");
  expect((await messages("ages-pt@example.com", "confirmation"))[0]!.body_text).toContain("2 adultos, 1 criança (idade 5)");
  expect((await messages("ages-es@example.com", "confirmation"))[0]!.body_text).toContain("2 adultos, 2 niños (edades 3, 11)");
  const none = (await messages("no-ages@example.com", "confirmation"))[0]!.body_text;
  expect(none).toContain("2 adults");
  expect(none).not.toMatch(/child|ages? /);

  // One child fewer: the change email says the child left and its age.
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.modify_reservation($1, $2, children => 1, child_ages => $3)", [en, newKey(), [9]]);
  });
  await runJobs();
  const changed = await messages("ages-en@example.com", "modification");
  expect(changed).toHaveLength(1);
  expect(changed[0]!.body_text).toContain("2 adults, 1 child (age 9)");
  // The age alone corrected (the same count, the same price on this plan): a change the guest is told of too.
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.modify_reservation($1, $2, child_ages => $3)", [en, newKey(), [10]]);
  });
  await runJobs();
  const again = await messages("ages-en@example.com", "modification");
  expect(again).toHaveLength(2);
  expect(again[1]!.body_text).toContain("2 adults, 1 child (age 10)");
});

it("a group's confirmation says each room's children's ages", async () => {
  const h = await createHotel(db.ownerPool, { maxOccupancy: 4, units: 3 });
  await committed(async (c) => {
    await asGuest(c, "pt");
    const arrival = localDate(h.timeZone, 40);
    const q = await quoteGroup(c, [
      { ratePlanId: h.ratePlanId, adults: 2, guestName: "Ana Silva" },
      { ratePlanId: h.ratePlanId, adults: 1, children: 2, childAges: [2, 7] },
      { ratePlanId: h.ratePlanId, adults: 2, children: 1, childAges: [10] },
    ], arrival, addDays(arrival, 2));
    const held = await holdGroup(c, q.quote_token, "Família Silva");
    await confirmGroup(c, held, newKey(), "ages-group@example.com");
  });
  await runJobs();
  const sent = await messages("ages-group@example.com", "confirmation");
  expect(sent).toHaveLength(1);
  const text = sent[0]!.body_text;
  expect(text).toMatch(/Quarto 1: [^\n]*· 2 adultos · Ana Silva/);
  expect(text).toMatch(/Quarto 2: [^\n]*· 1 adulto, 2 crianças \(idades 2, 7\) ·/);
  expect(text).toMatch(/Quarto 3: [^\n]*· 2 adultos, 1 criança \(idade 10\) ·/);
  expect(htmlTo("ages-group@example.com")).toContain("1 adulto, 2 crianças (idades 2, 7)");
});
