// The invoice as a PDF over real HTTP, and by email: GET /invoices/:id.pdf
// with the caller's own token is a PDF (parsed back with pdf.js) that holds
// the seller's legal name and VAT id, the bill-to, each night, the VAT
// summary, the payments and the totals; staff of another property get 404.
// sendInvoice's job mails it through the outbox with the PDF attached.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { readPdf } from "../helpers/pdf.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let other: Hotel;
let invoiceId: string;
let arrival: string;
let confirmationCode: string;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool);
  other = await createHotel(db.ownerPool);
  arrival = localDate(h.timeZone, 20);
  invoiceId = await inCommit(db.ownerPool, async (c) => {
    await c.query("insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_stay', 3000, 'EUR')", [h.propertyId]);
    await c.query(
      `insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees)
       values ($1, 'VAT', 'percent_of_room', 6, null, 'EUR', true, true), ($1, 'Lisbon city tax', 'per_person_night', null, 200, 'EUR', false, false)`,
      [h.propertyId],
    );
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query(
      `select app_public.set_property_legal_details($1, 'Harbour Hotels Lda', 'Rua do Cais 12', '2.º andar', '1100-001', 'Lisboa', 'PT', 'PT509999990',
              'CRC Lisboa 509999990', 'IBAN PT50 0002 0123 1234 5678 9015 4 · BIC BPIPPTPL', 'accounts@harbour.example', null, $2)`,
      [h.propertyId, newKey()],
    );
    const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 3));
    confirmationCode = b.confirmation_code;
    const folio = (await c.query("select id from app_public.folios where reservation_id = $1", [b.reservation_id])).rows[0].id;
    await c.query("select app_public.set_folio_bill_to($1, 'Łukasz Żółć GmbH', 'Hauptstraße 1', null, '10115', 'Berlin', 'DE', 'DE123456789', 'billing@acme.example', $2)", [folio, newKey()]);
    return (await c.query("select id from app_public.issue_invoice($1, $2)", [folio, newKey()])).rows[0].id as string;
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

const day = (date: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));

it("GET /invoices/:id.pdf is the invoice as a PDF: seller's legal details, bill-to, each night with VAT, the VAT summary, the totals", async () => {
  const desk = await staffToken(h.frontDesk);
  const res = await fetch(`${server.url}/invoices/${invoiceId}.pdf`, { headers: { authorization: `Bearer ${desk}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  expect(res.headers.get("content-disposition")).toBe('inline; filename="INV-000001.pdf"');
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  const body = new Uint8Array(await res.arrayBuffer());
  expect(Buffer.from(body.subarray(0, 5)).toString()).toBe("%PDF-");

  const { pages, text, title } = await readPdf(body);
  if (process.env.KEEPR_PRINT_PDF) console.log(text);
  expect(pages).toBe(1);
  expect(title).toBe("Invoice INV-000001");
  for (const expected of [
    "Harbour Hotels Lda", "Rua do Cais 12", "1100-001 Lisboa", "Portugal", "VAT id PT509999990", "CRC Lisboa 509999990",
    "Invoice", "INV-000001", "BILL TO", "Łukasz Żółć GmbH", "Hauptstraße 1", "10115 Berlin", "Germany", "Tax id DE123456789",
    `Booking ${confirmationCode}`,
    // 3 nights × €100.00 (VAT 6 % inside), cleaning €30.00, city tax 2 × 3 × €2.00 on top: €342.00.
    // (The date is in its own column: the description does not repeat it.)
    `${day(arrival)} Double · Night €94.34 6 % €5.66 €100.00`, `${day(addDays(arrival, 1))} Double · Night €94.34`, `${day(addDays(arrival, 2))} Double · Night €94.34`,
    "Cleaning", "Lisbon city tax (per person per night)", "6 %", "VAT SUMMARY", "Total €342.00", "Lisbon city tax (per person per night), no VAT €12.00",
    "PAYMENTS RECEIVED", "Amount due €342.00", "IBAN PT50 0002 0123 1234 5678 9015 4", "page 1 of 1",
  ]) {
    expect([expected, text.includes(expected)]).toEqual([expected, true]);
  }
  // Net €311.32 + VAT round(33000 × 6 / 106) = €18.68 of the €330.00 inside the prices.
  expect(text).toMatch(/Net €311\.32/);
  expect(text).toMatch(/VAT 6 % €18\.68/);

  const download = await fetch(`${server.url}/invoices/${invoiceId}.pdf?download`, { headers: { authorization: `Bearer ${desk}` } });
  expect(download.headers.get("content-disposition")).toBe('attachment; filename="INV-000001.pdf"');
  await download.arrayBuffer();
});

it("is read with the caller's rights: another property's staff and no token get 404, a bad token 401; the HTML shows the same document", async () => {
  const stranger = await staffToken(other.manager);
  for (const suffix of [".pdf", ""]) {
    const denied = await fetch(`${server.url}/invoices/${invoiceId}${suffix}`, { headers: { authorization: `Bearer ${stranger}` } });
    expect(denied.status).toBe(404);
    expect(((await denied.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("NOT_FOUND");
    expect((await fetch(`${server.url}/invoices/${invoiceId}${suffix}`)).status).toBe(404);
    expect((await fetch(`${server.url}/invoices/${invoiceId}${suffix}`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  }
  expect((await fetch(`${server.url}/invoices/not-a-uuid.pdf`, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(404);
  const desk = await staffToken(h.frontDesk);
  const html = await (await fetch(`${server.url}/invoices/${invoiceId}`, { headers: { authorization: `Bearer ${desk}` } })).text();
  for (const expected of ["Harbour Hotels Lda", "VAT id PT509999990", "Łukasz Żółć GmbH", "Tax id DE123456789", "VAT summary", "Amount due", "€342.00"]) {
    expect([expected, html.includes(expected)]).toEqual([expected, true]);
  }
});

it("sendInvoice mails the PDF through the outbox once, and records the delivery as sent", async () => {
  const outbox = newOutbox();
  const desk = await staffToken(h.frontDesk);
  const sent = await server.graphql(
    `mutation($i: UUID!, $k: String!) { sendInvoice(input: {invoiceId: $i, email: null, idempotencyKey: $k}) { result { rowId recipient status } } }`,
    { i: invoiceId, k: newKey() }, { token: desk },
  );
  expect(sent.body.errors).toBeUndefined();
  const delivery = sent.body.data!.sendInvoice.result as { rowId: string; recipient: string; status: string };
  expect(delivery).toMatchObject({ recipient: "billing@acme.example", status: "pending" });
  const stranger = await staffToken(other.manager);
  const refused = await server.graphql(
    `mutation($i: UUID!, $k: String!) { sendInvoice(input: {invoiceId: $i, email: "x@example.com", idempotencyKey: $k}) { result { rowId } } }`,
    { i: invoiceId, k: newKey() }, { token: stranger },
  );
  expect(refused.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

  await runDueJobs(db, { OUTBOX_DIR: outbox });
  // (The booking's own confirmation mail goes to the outbox too.)
  const files = readdirSync(outbox).filter((f) => f.startsWith("invoice-")).sort();
  expect(files).toEqual([`invoice-${delivery.rowId}.eml`, `invoice-${delivery.rowId}.json`]);
  const eml = readFileSync(path.join(outbox, `invoice-${delivery.rowId}.eml`), "utf8");
  expect(eml).toMatch(/^To: billing@acme\.example$/m);
  expect(eml).toMatch(/^Subject: (=\?UTF-8\?Q\?)?Invoice[_ ]INV-000001[_ ]/m);
  expect(eml).toMatch(/Content-Type: application\/pdf; name=INV-000001\.pdf/);
  expect(eml).toMatch(/Content-Disposition: attachment; filename=INV-000001\.pdf/);
  // The attachment is the PDF, base64 in the message.
  const base64 = eml.split(/Content-Disposition: attachment; filename=INV-000001\.pdf\r?\n\r?\n/)[1]!.split(/\r?\n--/)[0]!.replace(/\s+/g, "");
  const attached = Buffer.from(base64, "base64");
  expect(attached.subarray(0, 5).toString()).toBe("%PDF-");
  expect((await readPdf(new Uint8Array(attached))).text).toContain("Harbour Hotels Lda");
  const summary = JSON.parse(readFileSync(path.join(outbox, `invoice-${delivery.rowId}.json`), "utf8"));
  expect(summary.attachments).toEqual([{ filename: "INV-000001.pdf", contentType: "application/pdf", size: attached.length }]);
  const row = (await db.ownerPool.query("select status, attempts, provider_message_id from app_public.invoice_deliveries where id = $1", [delivery.rowId])).rows[0];
  expect(row).toEqual({ status: "sent", attempts: 1, provider_message_id: `<invoice-${delivery.rowId}@keepr.local>` });
  // Run again: nothing more is sent.
  await runDueJobs(db, { OUTBOX_DIR: outbox });
  expect(readdirSync(outbox).filter((f) => f.startsWith("invoice-")).sort()).toEqual(files);
});

it("a credit note is a PDF of its own (negative, naming the invoice and the reason); hostile text in the bill-to is escaped in HTML and printed as text in the PDF", async () => {
  const { noteId, longId } = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    const note = (await c.query("select id from app_public.issue_credit_note($1, 'Billed to the wrong company', $2)", [invoiceId, newKey()])).rows[0].id as string;
    // A long stay billed to a name full of markup and symbols.
    const start = addDays(arrival, 40);
    const b = await book(c, h.ratePlanId, start, addDays(start, 45));
    const folio = (await c.query("select id from app_public.folios where reservation_id = $1", [b.reservation_id])).rows[0].id;
    await c.query("select app_public.set_folio_bill_to($1, $2, '<script>alert(1)</script>', null, null, null, null, null, null, $3)", [
      folio, `<img src=x onerror=alert(1)> Zoë "Q" & Co 😀`, newKey(),
    ]);
    const long = (await c.query("select id from app_public.issue_invoice($1, $2)", [folio, newKey()])).rows[0].id as string;
    return { noteId: note, longId: long };
  });
  const desk = await staffToken(h.frontDesk);
  const get = (id: string, suffix = ".pdf") => fetch(`${server.url}/invoices/${id}${suffix}`, { headers: { authorization: `Bearer ${desk}` } });

  const note = await readPdf(new Uint8Array(await (await get(noteId)).arrayBuffer()));
  expect(note.title).toBe("Credit note CN-000001");
  for (const expected of ["Credit note", "CN-000001", "Credits invoice INV-000001", "Reason: Billed to the wrong company", "Total -€342.00", "Łukasz Żółć GmbH"]) {
    expect([expected, note.text.includes(expected)]).toEqual([expected, true]);
  }
  expect(note.text).not.toContain("PAYMENTS RECEIVED");

  const html = await (await get(longId, "")).text();
  expect(html).not.toContain("<script>alert(1)</script>");
  expect(html).not.toContain("<img src=x");
  expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; Zoë &quot;Q&quot; &amp; Co 😀");
  const long = await readPdf(new Uint8Array(await (await get(longId)).arrayBuffer()));
  // 45 nights: the lines go on to a second page, each page with the document's number and page count.
  expect(long.pages).toBe(2);
  expect(long.text).toContain("<img src=x onerror=alert(1)> Zoë \"Q\" & Co");
  expect(long.text).toContain("<script>alert(1)</script>");
  expect(long.text).toContain("INV-000002 · page 1 of 2");
  expect(long.text).toContain("INV-000002 · page 2 of 2");
});

it("is written in the property's language: a Portuguese hotel's invoice says Fatura, NIF, IVA and Valor em dívida, in euros as Portugal writes them", async () => {
  const ptInvoice = await inCommit(db.ownerPool, async (c) => {
    await c.query("update app_public.properties set language = 'pt' where id = $1", [h.propertyId]);
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const start = addDays(arrival, 100);
    const b = await book(c, h.ratePlanId, start, addDays(start, 2));
    const folio = (await c.query("select id from app_public.folios where reservation_id = $1", [b.reservation_id])).rows[0].id;
    const id = (await c.query("select id from app_public.issue_invoice($1, $2)", [folio, newKey()])).rows[0].id as string;
    await c.query("reset role");
    await c.query("update app_public.properties set language = 'en' where id = $1", [h.propertyId]);
    return id;
  });
  const desk = await staffToken(h.frontDesk);
  // The language is the one it was issued in, though the property has since gone back to English.
  const { text, title } = await readPdf(new Uint8Array(await (await fetch(`${server.url}/invoices/${ptInvoice}.pdf`, { headers: { authorization: `Bearer ${desk}` } })).arrayBuffer()));
  expect(title).toMatch(/^Fatura INV-/);
  for (const expected of ["Fatura", "NIF PT509999990", "FATURAR A", "Reserva", "Double · Noite", "IVA 6 %", "(por pessoa e noite)", "RESUMO DO IVA", "Valor em dívida", "Portugal", "página 1 de 1"]) {
    expect([expected, text.includes(expected)]).toEqual([expected, true]);
  }
  expect(text).toMatch(/Total 2\d{2},00 €/);
  const html = await (await fetch(`${server.url}/invoices/${ptInvoice}`, { headers: { authorization: `Bearer ${desk}` } })).text();
  expect(html).toContain('<html lang="pt">');
  expect(html).toContain("Valor em dívida");
});

it("a mail server that cannot be reached leaves the sending pending with its error, and the job is tried again later", async () => {
  const desk = await staffToken(h.frontDesk);
  const sent = await server.graphql(
    `mutation($i: UUID!, $k: String!) { sendInvoice(input: {invoiceId: $i, email: "ap@acme.example", idempotencyKey: $k}) { result { rowId } } }`,
    { i: invoiceId, k: newKey() }, { token: desk },
  );
  const deliveryId = sent.body.data!.sendInvoice.result.rowId as string;
  // Port 9 (discard) on this machine: nothing listens, the connection is refused.
  await runDueJobs(db, { SMTP_URL: "smtp://127.0.0.1:9" });
  const row = (await db.ownerPool.query("select status, attempts, last_error, sent_at from app_public.invoice_deliveries where id = $1", [deliveryId])).rows[0];
  expect(row).toMatchObject({ status: "pending", attempts: 1, sent_at: null });
  expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
  const job = (await db.ownerPool.query("select attempts, run_at > now() as later from graphile_worker.jobs where key = $1", [`invoice_delivery:${deliveryId}`])).rows[0];
  expect(job).toEqual({ attempts: 1, later: true });
});
