// GET /calendar/<reservation id>.ics over real HTTP (issue 22): the guest's
// proof of access is the booking token that the confirmation code and email
// give (lookupBooking), as the Manage page holds it. With it: the stay's
// .ics, the same file the last email carried (byte for byte but DTSTAMP), in
// the language asked for; after a change SEQUENCE 1 and the new dates,
// after the guest cancels METHOD:CANCEL with SEQUENCE 2. Without it, with another booking's token, for a
// hold, for a malformed or unknown id: 404 NOT_FOUND, the same answer
// whether the booking exists or not; a forged token 401; a bad language 400
// INVALID_INPUT. Never INTERNAL.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { calendarPartOf, expectRfc5545Lines, parseStay } from "../helpers/ics.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let other: Hotel;
let mine: { id: string; code: string; arrival: string };
let theirs: { id: string; code: string; arrival: string };
let held: string;

async function book(hotel: Hotel, email: string, offset: number) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, offset);
    const q = await quote(c, hotel.ratePlanId, arrival, addDays(arrival, 2));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null)", [held.reservation_id, newKey(), email]);
    return { id: rows[0].reservation_id as string, code: rows[0].confirmation_code as string, arrival };
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db, { PUBLIC_URL: "http://keepr.test", MAIL_FROM: "Keepr <bookings@keepr.example>" });
  h = await createHotel(db.ownerPool, { timeZone: "Europe/Lisbon" });
  other = await createHotel(db.ownerPool);
  await db.ownerPool.query(
    `update app_public.properties set name = 'Hotel Ribeira, Porto; Vinho & Azulejos 🍷', address = 'Cais da Ribeira 1, Porto', contact_phone = '+351 22 000 0000',
            arrival_instructions = E'Recepção 24h; estacionamento no n.º 3,\nà direita.' where id = $1`,
    [h.propertyId],
  );
  mine = await book(h, "ada@example.com", 15);
  theirs = await book(other, "eve@example.com", 15);
  held = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, 40);
    return (await hold(c, (await quote(c, h.ratePlanId, arrival, addDays(arrival, 1))).quote_token)).reservation_id;
  });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

async function bookingToken(code: string, email: string): Promise<string | null> {
  const res = await server.graphql(`mutation($c: String!, $e: String!) { lookupBooking(input: {confirmationCode: $c, email: $e}) { result } }`, { c: code, e: email });
  return (res.body.data?.lookupBooking as { result: string | null } | undefined)?.result ?? null;
}

const get = (file: string, token?: string) => fetch(`${server.url}/calendar/${file}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

it("with the booking token from code + email: the stay's .ics, the same file the confirmation email carried", async () => {
  const token = await bookingToken(mine.code, "ADA@example.com");
  expect(token).toBeTruthy();
  const res = await get(`${mine.id}.ics`, token!);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8; method=PUBLISH");
  expect(res.headers.get("content-disposition")).toBe(`attachment; filename="stay-${mine.code}.ics"`);
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  const text = await res.text();
  expectRfc5545Lines(text);
  const stay = parseStay(text);
  expect(stay).toMatchObject({
    method: "PUBLISH", uid: `${mine.id}@keepr`, sequence: 0, status: "CONFIRMED",
    summary: "Stay at Hotel Ribeira, Porto; Vinho & Azulejos 🍷", startTzid: "Europe/Lisbon", startLocal: `${mine.arrival.replace(/-/g, "")}T150000`,
    url: `http://keepr.test/manage?code=${mine.code}`, organizer: "mailto:bookings@keepr.example",
  });
  expect(stay.description).toContain("Arrival instructions: Recepção 24h; estacionamento no n.º 3,\nà direita.");

  // The email's attachment: the same calendar but its DTSTAMP.
  const outbox = newOutbox();
  await runDueJobs(db, { OUTBOX_DIR: outbox, MAIL_FROM: "Keepr <bookings@keepr.example>", PUBLIC_URL: "http://keepr.test" });
  const confirmation = readdirSync(outbox).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(path.join(outbox, f), "utf8")))
    .find((m: { subject: string }) => m.subject.includes(mine.code) && m.subject.includes("confirmed"));
  const attached = calendarPartOf(readFileSync(path.join(outbox, `${confirmation.id}.eml`), "utf8"))!.text;
  const withoutStamp = (ics: string) => ics.replace(/^DTSTAMP:.*\r\n/m, "");
  expect(withoutStamp(attached)).toBe(withoutStamp(text));

  // In the language the guest reads the page in.
  const pt = parseStay(await (await get(`${mine.id}.ics?lang=pt`, token!)).text());
  expect(pt.summary).toBe("Estadia em Hotel Ribeira, Porto; Vinho & Azulejos 🍷");
  expect(pt.description).toContain(`Código de confirmação: ${mine.code}`);
});

it("a wrong code or email gives no token; without one, with another booking's, or for a hold: 404, the same as a booking that does not exist", async () => {
  expect(await bookingToken(mine.code, "eve@example.com")).toBeNull();
  expect(await bookingToken("ZZZZ2222", "ada@example.com")).toBeNull();
  const token = (await bookingToken(mine.code, "ada@example.com"))!;
  const theirToken = (await bookingToken(theirs.code, "eve@example.com"))!;
  const unknown = await get(`${"7d1e0c3a-5b8f-4c2d-9e6a-1f2b3c4d5e6f"}.ics`, token);
  const expected = { status: 404, body: { errors: [{ message: "No such booking, or you cannot see it.", extensions: { code: "NOT_FOUND" } }] } };
  expect({ status: unknown.status, body: await unknown.json() }).toEqual(expected);
  for (const [file, bearer] of [
    [`${theirs.id}.ics`, token], // another guest's booking, with my proof
    [`${mine.id}.ics`, theirToken], // mine, with theirs
    [`${mine.id}.ics`, undefined], // no proof at all
    [`${held}.ics`, token], // a hold has no calendar
  ] as const) {
    const res = await get(file, bearer);
    expect([file, res.status, await res.json()]).toEqual([file, expected.status, expected.body]);
  }
});

it("malformed requests get typed errors, never INTERNAL: a bad id 404, a bad language 400 INVALID_INPUT, a forged token 401", async () => {
  const token = (await bookingToken(mine.code, "ada@example.com"))!;
  for (const file of ["abc.ics", `${mine.id}.pdf`, `${mine.id}`, `${mine.id}.ics.ics`, "'%20or%201=1--.ics", `${mine.id.toUpperCase()}x.ics`,
    `..%2F..%2Fetc%2Fpasswd.ics`, `${"a".repeat(4000)}.ics`, `${mine.id}%00.ics`]) {
    const res = await get(file, token);
    expect([file, res.status, ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([file, 404, "NOT_FOUND"]);
  }
  // The id in capitals is the same booking.
  expect((await get(`${mine.id.toUpperCase()}.ics`, token)).status).toBe(200);
  const lang = await get(`${mine.id}.ics?lang=xx`, token);
  expect([lang.status, ((await lang.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([400, "INVALID_INPUT"]);
  const forged = await get(`${mine.id}.ics`, `${token.slice(0, -4)}AAAA`);
  expect(forged.status).toBe(401);
  expect(((await forged.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("INVALID_TOKEN");
});

it("the download follows the booking: a change is SEQUENCE 1 with the new dates, the cancellation METHOD:CANCEL with SEQUENCE 2", async () => {
  const b = await book(h, "linus@example.com", 25);
  const token = (await bookingToken(b.code, "linus@example.com"))!;
  const arrival = addDays(b.arrival, 2);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.modify_reservation($1, $2, arrival => $3::date, departure => $4::date)", [b.id, newKey(), arrival, addDays(arrival, 4)]);
  });
  const changed = parseStay(await (await get(`${b.id}.ics`, token)).text());
  expect(changed).toMatchObject({ method: "PUBLISH", uid: `${b.id}@keepr`, sequence: 1, startLocal: `${arrival.replace(/-/g, "")}T150000`, endLocal: `${addDays(arrival, 4).replace(/-/g, "")}T110000` });
  const res = await server.graphql(`mutation($id: UUID!, $k: String!) { cancelReservation(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id: b.id, k: newKey() }, { token });
  expect(res.body.errors).toBeUndefined();
  const download = await get(`${b.id}.ics`, token);
  expect(download.headers.get("content-type")).toBe("text/calendar; charset=utf-8; method=CANCEL");
  expect(parseStay(await download.text())).toMatchObject({ method: "CANCEL", status: "CANCELLED", uid: `${b.id}@keepr`, sequence: 2 });
});
