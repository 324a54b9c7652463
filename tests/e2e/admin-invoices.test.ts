// Legal invoices in the console, in a real browser (Debian chromium): an
// accountant of a property without legal details is refused an invoice
// with the missing fields named, fills in Accounting › Legal details,
// addresses the folio's invoice to a company (bill-to with tax id), issues
// it, downloads its PDF (parsed back with pdf.js) and sends it by email
// (the job delivers it to the outbox with the PDF; the viewer shows it
// sent). On a desktop (1366 × 860) and a 390 × 844 phone, with screenshots
// and the axe check.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { readPdf } from "../helpers/pdf.ts";
import { runDueJobs } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
let outbox: string;
let accountantEmail: string;
let deskEmail: string;
const stays: Record<string, { id: string; code: string; folioId: string }> = {};
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-invoices-${name}.png`), animations: "disabled", fullPage: true });

function books(arrivalOffset: number, nights: number, fullName: string) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, nights));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query<{ confirmation_code: string }>(
      "select confirmation_code from app_public.confirm_booking($1, $2, $3, $4, '+351 21 000 0000', hold_token => $5)",
      [held.reservation_id, newKey(), fullName, `${fullName.split(" ")[0]!.toLowerCase()}@example.com`, held.hold_token],
    );
    await c.query("reset role");
    const folioId = (await c.query<{ id: string }>("select id from app_public.folios where reservation_id = $1", [held.reservation_id])).rows[0]!.id;
    return { id: held.reservation_id, code: rows[0]!.confirmation_code, folioId };
  });
}

async function signIn(userEmail: string, phone = false): Promise<{ page: Page; errors: string[] }> {
  const context = phone
    ? // A 390 px wide window (not an emulated mobile browser: the folio page's payment table is wider than a phone,
      // and a mobile browser then lays the page out wider and zooms it out).
      await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: "en-GB", timezoneId: "UTC", acceptDownloads: true })
    : await newContext(browser);
  contexts.push(context);
  return signInToConsole(context, server.url, userEmail);
}

const pdfText = async (data: Uint8Array): Promise<string> => (await readPdf(data)).text;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  outbox = mkdtempSync(path.join(tmpdir(), "keepr-invoices-outbox-"));
  server = await startTestServer(db, { OUTBOX_DIR: outbox });
  h = await createHotel(db.ownerPool, { units: 4, legalDetails: false });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  await db.ownerPool.query(
    `insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees)
     values ($1, 'VAT', 'percent_of_room', 6, null, 'EUR', true, true), ($1, 'Lisbon city tax', 'per_person_night', null, 200, 'EUR', false, false)`,
    [h.propertyId],
  );
  const accountantId = (
    await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Aaron Accounts') returning id", [`accounts-${newKey()}@test.example`])
  ).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountantId]);
  accountantEmail = await withPassword(db.ownerPool, accountantId, "Aaron Accounts");
  deskEmail = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");
  stays.ada = await books(5, 3, "Ada Lovelace");
  stays.grace = await books(9, 2, "Grace Hopper");
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("an accountant on a desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn(accountantEmail));
  });

  it("is refused the first invoice with the missing legal details named, fills them in under Accounting › Legal details", async () => {
    await page.goto(`${server.url}/admin/accounting/folios/${stays.ada!.folioId}`);
    await page.locator('[data-action="issue-invoice"]').click();
    await page.locator('[data-confirm="issue-invoice"]').click();
    const dialog = page.getByTestId("issue-invoice");
    await dialog.getByText("Missing: legal name, street address, postal code, city, country, VAT id").waitFor();
    await shot(page, "legal-missing");
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });

    await page.goto(`${server.url}/admin/accounting/legal-details`);
    const form = page.getByTestId("legal-details");
    await form.getByTestId("legal-details-missing").waitFor();
    await form.getByLabel("Legal name").fill("Harbour Hotels Lda");
    await form.getByLabel("Street address").fill("Rua do Cais 12");
    await form.getByLabel("Postal code").fill("1100-001");
    await form.getByLabel("City").fill("Lisboa");
    await form.getByLabel("Country").fill("pt");
    await form.getByLabel("VAT id").fill("PT509999990");
    await form.getByLabel("Company registration").fill("CRC Lisboa 509999990");
    await form.getByLabel("Invoice footer").fill("IBAN PT50 0002 0123 1234 5678 9015 4 · BIC BPIPPTPL · Payable on receipt.");
    await form.locator('[data-action="save-legal-details"]').click();
    await form.getByText("Complete: invoices can be issued.").waitFor();
    expect(await form.getByLabel("Country").inputValue()).toBe("PT");
    await shot(page, "legal-details");
    await expectAccessible(page);
    expect((await db.ownerPool.query("select legal_name, country_code, vat_id from app_public.property_legal_details where property_id = $1", [h.propertyId])).rows).toEqual([
      { legal_name: "Harbour Hotels Lda", country_code: "PT", vat_id: "PT509999990" },
    ]);
  });

  it("addresses the folio's invoice to a company, issues it, downloads its PDF and sends it by email", async () => {
    await page.goto(`${server.url}/admin/accounting/folios/${stays.ada!.folioId}`);
    const billTo = page.getByTestId("bill-to");
    await billTo.getByTestId("bill-to-name").getByText("Ada Lovelace").waitFor();
    await billTo.getByText("The guest").waitFor();
    await billTo.locator('[data-action="edit-bill-to"]').click();
    const dialog = page.getByTestId("bill-to-dialog");
    await dialog.getByLabel("Name").fill("Acme GmbH");
    await dialog.getByLabel("Street address").fill("Hauptstraße 1");
    await dialog.getByLabel("Address line 2").fill("c/o Ada Lovelace");
    await dialog.getByLabel("Postal code").fill("10115");
    await dialog.getByLabel("City").fill("Berlin");
    await dialog.getByLabel("Country").fill("de");
    await dialog.getByLabel("Tax id").fill("DE123456789");
    await dialog.getByLabel("Email").fill("billing@acme.example");
    await shot(page, "bill-to");
    await expectAccessible(page);
    await page.locator('[data-confirm="bill-to-dialog"]').click();
    await dialog.waitFor({ state: "detached" });
    await billTo.getByTestId("bill-to-name").getByText("Acme GmbH").waitFor();
    await billTo.getByText("Tax id DE123456789").waitFor();

    await page.locator('[data-action="issue-invoice"]').click();
    await page.locator('[data-confirm="issue-invoice"]').click();
    await page.getByTestId("issue-invoice").waitFor({ state: "detached" });
    const invoice = (await db.ownerPool.query<{ id: string; document_number: string; bill_to: { name: string; tax_id: string } }>(
      "select id, document_number, bill_to from app_public.invoices where folio_id = $1", [stays.ada!.folioId],
    )).rows[0]!;
    expect(invoice.bill_to).toMatchObject({ name: "Acme GmbH", tax_id: "DE123456789" });

    await page.locator(`[data-document="${invoice.document_number}"] [data-action="view-invoice"]`).click();
    const viewer = page.getByTestId("invoice-viewer");
    const frame = page.frameLocator('[data-testid="invoice-frame"]');
    await frame.getByText(`Invoice ${invoice.document_number}`).waitFor();
    await frame.getByText("VAT id PT509999990").waitFor();
    await frame.getByText("Acme GmbH").waitFor();
    await frame.getByText("VAT summary").waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), viewer.locator('[data-action="download-pdf"]').click()]);
    expect(download.suggestedFilename()).toBe(`${invoice.document_number}.pdf`);
    const file = await download.path();
    const pdf = new Uint8Array(readFileSync(file));
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
    const text = await pdfText(pdf);
    for (const expected of ["Harbour Hotels Lda", "VAT id PT509999990", "Acme GmbH", "Tax id DE123456789", "Double · Night", "Lisbon city tax", "Amount due"]) {
      expect([expected, text.includes(expected)]).toEqual([expected, true]);
    }

    await viewer.locator('[data-action="send-invoice"]').click();
    const send = page.getByTestId("send-invoice");
    expect(await send.getByRole("textbox", { name: "Email" }).inputValue()).toBe("billing@acme.example");
    await page.locator('[data-confirm="send-invoice"]').click();
    await send.waitFor({ state: "detached" });
    await viewer.locator('[data-delivery="pending"]').waitFor();
    await runDueJobs(db, { OUTBOX_DIR: outbox });
    await viewer.locator('[data-delivery="sent"]').getByText("Sent to billing@acme.example").waitFor({ timeout: 15_000 });
    await shot(page, "viewer");
    await expectAccessible(page);
    const sent = readdirSync(outbox).filter((f) => f.startsWith("invoice-") && f.endsWith(".eml"));
    expect(sent).toHaveLength(1);
    expect(readFileSync(path.join(outbox, sent[0]!), "utf8")).toMatch(/Content-Type: application\/pdf; name=INV-000001\.pdf/);
    expect(errors).toEqual([]);
  });
});

describe("on a 390 × 844 phone", () => {
  it("an accountant reads and edits the legal details; the page does not scroll sideways", async () => {
    const { page, errors } = await signIn(accountantEmail, true);
    await page.goto(`${server.url}/admin/accounting/legal-details`);
    const form = page.getByTestId("legal-details");
    await form.getByText("Complete: invoices can be issued.").waitFor();
    expect(await form.getByLabel("Legal name").inputValue()).toBe("Harbour Hotels Lda");
    await shot(page, "phone-legal-details");
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(1);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("a front-desk user edits the bill-to, issues and opens the invoice with Download PDF and Send by email", async () => {
    const { page, errors } = await signIn(deskEmail, true);
    await page.goto(`${server.url}/admin/accounting/folios/${stays.grace!.folioId}`);
    const billTo = page.getByTestId("bill-to");
    await billTo.getByTestId("bill-to-name").getByText("Grace Hopper").waitFor();
    await billTo.locator('[data-action="edit-bill-to"]').click();
    const dialog = page.getByTestId("bill-to-dialog");
    await dialog.getByLabel("Name").fill("Hopper Consulting Ltd");
    await dialog.getByLabel("Tax id").fill("GB123456789");
    await dialog.getByLabel("Country").fill("GB");
    await page.locator('[data-confirm="bill-to-dialog"]').click();
    await dialog.waitFor({ state: "detached" });
    await billTo.getByTestId("bill-to-name").getByText("Hopper Consulting Ltd").waitFor();
    await shot(page, "phone-folio");
    await expectAccessible(page);

    await page.locator('[data-action="issue-invoice"]').click();
    await page.locator('[data-confirm="issue-invoice"]').click();
    await page.getByTestId("issue-invoice").waitFor({ state: "detached" });
    await page.locator('[data-action="view-invoice"]').first().click();
    const viewer = page.getByTestId("invoice-viewer");
    await page.frameLocator('[data-testid="invoice-frame"]').getByText("Hopper Consulting Ltd").waitFor();
    await viewer.locator('[data-action="download-pdf"]').waitFor();
    await viewer.locator('[data-action="send-invoice"]').waitFor();
    await shot(page, "phone-viewer");
    expect(errors).toEqual([]);
  });
});
