// Money through the API: a guest with a booking token sees and pays their
// payment with a card token from the provider's card form; staff issue the
// invoice; the printable invoice is served with the caller's own rights.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let other: Hotel;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool);
  other = await createHotel(db.ownerPool);
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 30, balance_due_days = 3 where id = $1", [h.ratePlanId]);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) => res.body.errors?.[0]?.extensions?.code;

async function staffToken(userId: string): Promise<string> {
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [userId])).rows[0].email;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [userId, fixturePassword]);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

it("a guest pays the deposit with a card token; staff invoice the folio; the printable invoice follows RLS", async () => {
  const arrival = localDate(h.timeZone, 20);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, { p: h.ratePlanId, a: arrival, d: addDays(arrival, 2) });
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, { t: q.body.data!.quote.quoteToken, k: newKey() });
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $h: String!) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Ada Lovelace", email: "ada@example.com", holdToken: $h}) { result { confirmationCode } } }`,
    { id: reservationId, k: newKey(), h: holdToken },
  );
  const code = confirmed.body.data!.confirmBooking.result.confirmationCode;
  const lookup = await server.graphql(`mutation($c: String!) { lookupBooking(input: {confirmationCode: $c, email: "ada@example.com"}) { result } }`, { c: code });
  const guest = lookup.body.data!.lookupBooking.result as string;

  const intents = await server.graphql(`{ allPaymentIntents { nodes { rowId kind amount status } } }`, {}, { token: guest });
  expect(intents.body.errors).toBeUndefined();
  const nodes = (intents.body.data!.allPaymentIntents.nodes as Array<{ kind: string; rowId: string }>).sort((a, b) => (a.kind === "deposit" ? -1 : b.kind === "deposit" ? 1 : 0));
  expect(nodes).toEqual([
    { rowId: expect.any(String), kind: "deposit", amount: "6000", status: "requires_payment" },
    { rowId: expect.any(String), kind: "balance", amount: "14000", status: "requires_payment" },
  ]);
  const deposit = nodes[0]!.rowId;

  // The card number goes to the provider's card form, never to Keepr.
  const tokenResponse = await fetch(`${server.url}/simulated-provider/v1/tokens`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 1, cvc: "123" }),
  });
  const card = (await tokenResponse.json()) as { id: string; last4: string };
  expect(card.last4).toBe("4242");
  const pay = `mutation($i: UUID!, $t: String!, $k: String!) { pay(input: {intentId: $i, paymentToken: $t, idempotencyKey: $k}) { result { status amount } } }`;
  const refused = await server.graphql(pay, { i: deposit, t: "4242424242424242", k: newKey() }, { token: guest });
  expect(codeOf(refused)).toBe("INVALID_INPUT");
  const paid = await server.graphql(pay, { i: deposit, t: card.id, k: newKey() }, { token: guest });
  expect(paid.body.data!.pay.result).toEqual({ status: "pending", amount: "6000" });
  const twice = await server.graphql(pay, { i: deposit, t: card.id, k: newKey() }, { token: guest });
  expect(codeOf(twice)).toBe("INVALID_TRANSITION");
  // The card token is never readable through the API.
  const leak = await server.graphql(`{ allPaymentAttempts { nodes { paymentToken } } }`, {}, { token: guest });
  expect(codeOf(leak)).toBe("GRAPHQL_VALIDATION_FAILED");

  const desk = await staffToken(h.frontDesk);
  const folio = await server.graphql(`{ allFolios { nodes { rowId status } } }`, {}, { token: desk });
  const folioId = folio.body.data!.allFolios.nodes[0].rowId;
  const issued = await server.graphql(
    `mutation($f: UUID!, $k: String!) { issueInvoice(input: {folioId: $f, idempotencyKey: $k}) { result { rowId documentNumber totalAmount } } }`,
    { f: folioId, k: newKey() }, { token: desk },
  );
  expect(issued.body.data!.issueInvoice.result).toMatchObject({ documentNumber: "INV-000001", totalAmount: "20000" });
  const invoiceId = issued.body.data!.issueInvoice.result.rowId;

  const html = (token: string) => fetch(`${server.url}/invoices/${invoiceId}`, { headers: { authorization: `Bearer ${token}` } });
  for (const token of [desk, guest]) {
    const page = await html(token);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("Invoice INV-000001");
    expect(text).toContain("Ada Lovelace");
    expect(text).toContain("€200.00");
  }
  expect((await html(await staffToken(other.manager))).status).toBe(404);
  expect((await fetch(`${server.url}/invoices/${invoiceId}`)).status).toBe(404);
  expect((await html("not-a-token")).status).toBe(401);
});
