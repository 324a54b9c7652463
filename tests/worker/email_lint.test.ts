// Every guest email Keepr writes (every kind, every guest language), its HTML
// linted against the email clients' support data of caniemail.com
// (@jsx-email/doiuse-email, all 32 clients it knows: Apple Mail, Gmail,
// Outlook, Yahoo, Samsung, Thunderbird, Proton, Fastmail, …). A feature a
// client does not support fails the test, but for three, each with its
// reason: they cost a reader there nothing.
import { doIUseEmail } from "@jsx-email/doiuse-email";
import { guestLanguageCodes } from "../../shared/guest-languages.ts";
import { render, type NotificationContext } from "../../worker/notifications/render.ts";
import { kinds } from "../../worker/notifications/templates.ts";

/** Unsupported somewhere, and harmless: why each may stay. */
const accepted: Array<{ feature: RegExp; why: string }> = [
  // Every HTML document has a <body>; clients that drop it lose nothing: the styles are on the table inside it.
  { feature: /^`<body> element` is not supported by /, why: "nothing is set on <body>" },
  // <html lang> tells screen readers the language; a client that drops it reads in its own default language.
  { feature: /^`lang attribute` is not supported by /, why: "a hint for screen readers" },
  // Orange's iOS app opens a contact card for mailto: the address is written out as the link's text.
  { feature: /^`mailto: links` is not supported by `orange\.ios`$/, why: "the address is the link's text" },
];

/** A context with everything a message can say: every optional part shown. */
const context = (language: string): NotificationContext => ({
  language,
  code: "ABCD2345",
  guest: { name: "Ada <Lovelace> & Co", email: "ada@example.com" },
  property: {
    name: "Harbour \"View\" Hotel", city: "Lisboa", address: "Rua do Cais 12", currency: "EUR", time_zone: "Europe/Lisbon", check_out_time: "11:00",
    contact_email: "desk@harbour.example", contact_phone: "+351 21 000 0000", arrival_instructions: "Key in the safe, code by SMS.\nSecond door on the left.",
  },
  stay: { arrival: "2027-03-10", departure: "2027-03-13", nights: 3, adults: 2, children: 1 },
  room_type: "Double Room",
  rate_plan: "Flexible",
  check_in_time: "15:00",
  cancellation_terms: "",
  free_cancellation_until: "2099-03-08T15:00:00+00:00",
  late_cancellation_penalty: 12000,
  total: 36000,
  penalty: 12000,
  refund: 24000,
  balance: 5000,
  payment: { amount: 12000, reason: "The card was declined." },
  payment_due_by: "2099-03-01T10:00:00Z",
  manage_url: "https://book.example/manage?code=ABCD2345",
  group: {
    code: "G-ABCD2345", name: "Smith <wedding>", total: 72000,
    rooms: [
      { room_no: 1, room_type: "Double Room", guest_name: "Ann & Bob", adults: 2, children: 1, code: "ABCD2345", total: 36000 },
      { room_no: 2, room_type: "Double Room", guest_name: null, adults: 1, children: 0, code: "EFGH6789", total: 36000 },
    ],
  },
});

describe.each(guestLanguageCodes)("%s", (language) => {
  it.each(kinds)("%s: no feature an email client lacks, but the accepted three", (kind) => {
    const html = render(kind, "email", context(language)).html!;
    const result = doIUseEmail(html, { emailClients: ["*"] });
    const errors = result.success ? [] : result.errors;
    expect(errors.filter((e) => !accepted.some((a) => a.feature.test(e)))).toEqual([]);
    // What the lint reads is the message: its words are there, escaped.
    expect(html).toContain("Ada &lt;Lovelace&gt; &amp; Co");
    expect(html).toContain("+351210000000");
  });
  // A change of a whole group (changeGroupDates, cancelGroup) is its own wording: every room, the totals, the fees.
  const whole = (kind: "modification" | "cancellation"): NotificationContext => {
    const c = context(language);
    const rooms = c.group!.rooms.map((r) => ({ ...r, arrival: "2027-03-11", departure: "2027-03-14", nights: 3, penalty: kind === "cancellation" ? 12000 : null, refund: "0" }));
    return { ...c, group: { ...c.group!, room_no: 1, whole: true, rooms, before: "60000", difference: "12000", penalty: "24000", refund: 48000 } };
  };
  it.each(["modification", "cancellation"] as const)("%s of a whole group: no feature an email client lacks, but the accepted three", (kind) => {
    const rendered = render(kind, "email", whole(kind));
    const result = doIUseEmail(rendered.html!, { emailClients: ["*"] });
    const errors = result.success ? [] : result.errors;
    expect(errors.filter((e) => !accepted.some((a) => a.feature.test(e)))).toEqual([]);
    expect(rendered.html).toContain("G-ABCD2345");
    expect(rendered.subject).toContain("G-ABCD2345");
    // The money: the difference with its sign, or the fees' total and the refund.
    if (kind === "modification") expect(rendered.text).toMatch(/\+(€\s?)?120[.,]00/);
    else expect(rendered.text).toMatch(/240[.,]00[^\n]*\n[^\n]*480[.,]00/);
    // Every room, by its own code, in the text and the HTML.
    for (const code of ["ABCD2345", "EFGH6789"]) {
      expect(rendered.text).toContain(code);
      expect(rendered.html).toContain(code);
    }
  });
});

it("the lint fails what clients lack: a style on <body>, white-space, a <style> with a class", () => {
  const failing = doIUseEmail(
    `<!doctype html><html><head><style>.x{white-space:pre-line}</style></head><body style="white-space:pre-line"><p class="x">a</p></body></html>`,
    { emailClients: ["*"] },
  );
  expect(failing.success).toBe(false);
  const errors = failing.success ? [] : failing.errors;
  expect(errors.some((e) => e.startsWith("`white-space` is not supported by `outlook.windows`"))).toBe(true);
});
