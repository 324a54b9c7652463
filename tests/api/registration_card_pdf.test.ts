// The registration card over real HTTP: GET /registration-cards/<reservation
// id>.pdf with the caller's own token is a one-page PDF (read back with
// pdf.js) holding the stay, the guest's identity document as recorded and
// the signature line. The property's front office gets it; housekeeping,
// another property's staff, an anonymous caller and a reservation without a
// card get 404; a forged token 401.
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { readPdf } from "../helpers/pdf.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let other: Hotel;
let withCard: { id: string; code: string };
let withoutCard: string;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool);
  other = await createHotel(db.ownerPool);
  const today = localDate(h.timeZone);
  [withCard, withoutCard] = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const b = await book(c, h.ratePlanId, today, addDays(today, 2));
    await c.query(
      "select app_public.record_registration_card($1, 'Zoë Ångström-Łukasiewicz', 'passport', 'X9 876 543', 'SE', 'PL', '1990-04-01', '2021-05-02', '2031-05-01', 'Storgatan 1, Stockholm')",
      [b.reservation_id],
    );
    const none = await book(c, h.ratePlanId, addDays(today, 5), addDays(today, 6));
    return [{ id: b.reservation_id, code: b.confirmation_code }, none.reservation_id] as const;
  });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

async function staffToken(userId: string): Promise<string> {
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [userId])).rows[0].email;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [userId, fixturePassword]);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

const get = (path: string, token?: string) => fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

it("is the card as a PDF for the front desk: stay, guest, document, signature line", async () => {
  const res = await get(`/registration-cards/${withCard.id}.pdf`, await staffToken(h.frontDesk));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  expect(res.headers.get("content-disposition")).toBe(`inline; filename="registration-card-${withCard.code}.pdf"`);
  const { pages, text, title } = await readPdf(new Uint8Array(await res.arrayBuffer()));
  if (process.env.KEEPR_PRINT_PDF) console.log(text);
  expect(pages).toBe(1);
  expect(title).toBe(`Registration card ${withCard.code}`);
  for (const expected of [
    "Registration card", withCard.code, "Zoë Ångström-Łukasiewicz", "1 April 1990", "Poland (PL)", "Passport", "X9876543",
    "Sweden (SE)", "2 May 2021", "1 May 2031", "Storgatan 1, Stockholm", "Guest's signature", "Date", "Recorded by desk",
  ]) {
    expect(text).toContain(expected);
  }
});

it("is 404 for housekeeping, another property, an anonymous caller and a stay without a card; 401 for a forged token", async () => {
  expect((await get(`/registration-cards/${withCard.id}.pdf`, await staffToken(h.housekeeper))).status).toBe(404);
  expect((await get(`/registration-cards/${withCard.id}.pdf`, await staffToken(other.frontDesk))).status).toBe(404);
  const desk = await staffToken(h.frontDesk);
  expect((await get(`/registration-cards/${withoutCard}.pdf`, desk)).status).toBe(404);
  expect((await get(`/registration-cards/${withCard.id}`, desk)).status).toBe(404);
  expect((await get("/registration-cards/not-a-uuid.pdf", desk)).status).toBe(404);
  const anonymous = await get(`/registration-cards/${withCard.id}.pdf`);
  expect(anonymous.status).toBe(404);
  expect((await get(`/registration-cards/${withCard.id}.pdf`, "forged.token.here")).status).toBe(401);
  // The manager reads it too.
  expect((await get(`/registration-cards/${withCard.id}.pdf`, await staffToken(h.manager))).status).toBe(200);
});
