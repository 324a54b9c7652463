// Renders a guest message with Handlebars (HTML-escaped by default), in the
// property's language, money in the property's currency and dates in its
// calendar. Compiled templates are cached by their source.
import Handlebars from "handlebars";
import { formatMessage } from "../../shared/message-format.ts";
import { formatMoney } from "../../shared/money.ts";
import { guestLanguageCodes, guestLanguageOf, localeOf as languageLocale, type GuestLanguage } from "../../shared/guest-languages.ts";
import { builtInTemplates, type Kind } from "./templates.ts";

export interface NotificationContext {
  language: string;
  code: string;
  guest: { name: string; email: string };
  property: { name: string; city: string; address: string | null; currency: string; time_zone: string; check_out_time?: string | null;
    /** The property's public contact (Reply-To of its guest emails) and how to get in. */
    contact_email?: string | null; contact_phone?: string | null; arrival_instructions?: string | null };
  /** child_ages: the children's ages when the booking has them (issue 22), else null. */
  stay: { arrival: string; departure: string; nights: number; adults: number; children: number; child_ages?: number[] | null };
  room_type: string;
  rate_plan: string;
  check_in_time: string;
  /** The booking's terms in words, as the quote wrote them (English): kept for the properties' own templates; Keepr's say them with `{{terms}}`. */
  cancellation_terms: string;
  /** Free cancellation until this moment (ISO 8601), or null (non-refundable). */
  free_cancellation_until?: string | null;
  /** What cancelling costs after that (minor units). */
  late_cancellation_penalty?: number | string | null;
  total: number;
  /** The extras booked with the stay: name, how many (when more than one), basis, amount (minor units); absent: none. */
  extras?: Array<{ name: string; times: number | null; basis: "per_stay" | "per_night" | "per_guest_night"; amount: number | string }> | null;
  penalty: number;
  refund: number;
  /** What the folio still owes (0 when paid). */
  balance: number;
  payment?: { amount: number; reason: string | null };
  /** Payment due: the booking is cancelled if still unpaid at this moment (ISO 8601), else absent. */
  payment_due_by?: string | null;
  /**
   * A room of a booking group: the group's code, name, this room's number, the rooms and their total. The rooms are
   * those not cancelled, but for a whole group's cancellation (`whole`), where they are the rooms it cancelled, each
   * with its fee and refund.
   */
  group?: {
    code: string;
    name: string | null;
    /** This message's room (a room changed or cancelled on its own is named by it). */
    room_no?: number;
    /** The message tells a change of the whole group (changeGroupDates, cancelGroup), not of this room alone. */
    whole?: boolean;
    total: number;
    /** A whole group's change of dates: the rooms' total before it (what were the rooms not cancelled), and total − before. */
    before?: number | string | null;
    difference?: number | string | null;
    /** A whole group's cancellation: the fees, and what is refunded, of the rooms it cancelled. */
    penalty?: number | string;
    refund?: number | string;
    rooms: Array<{
      room_no: number; room_type: string; guest_name: string | null; adults: number; children: number; child_ages?: number[] | null; code: string | null; total: number;
      arrival?: string; departure?: string; nights?: number; penalty?: number | string | null; refund?: number | string;
    }>;
  } | null;
  /** The guest's booking page (pay, change, cancel; the code filled in), when the worker knows the public URL. */
  manage_url?: string;
}

export interface Override {
  subject: string | null;
  body_text: string;
  body_html: string | null;
}

export interface Rendered {
  subject: string | null;
  text: string;
  html: string | null;
}

const hbs = Handlebars.create();
// The locale a language's dates and money are written in: a guest language's own (shared/guest-languages.ts),
// else the language itself where Intl knows it (a property's templates may be in any language of
// app_public.languages, e.g. de or fr), else British English.
const guestLocales = new Map<string, string>(guestLanguageCodes.map((l) => [l, languageLocale(l)]));
const localeFor = (language: string): string =>
  guestLocales.get(language) ?? (Intl.DateTimeFormat.supportedLocalesOf([language]).length > 0 ? language : "en-GB");
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
// Intl formatters are costly to build: one per language (and currency), kept.
const formats = new Map<string, { format(value: number | Date): string; digits: number }>();
function formatOf(kind: "date", language: string, currency: string) {
  const key = `${kind}:${language}:${currency}`;
  let format = formats.get(key);
  if (!format) {
    const locale = localeFor(language);
    const intl = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    format = { format: (value) => intl.format(value as Date), digits: 0 };
    formats.set(key, format);
  }
  return format;
}
// Money through the guest app's formatter: exact (a decimal string, never a
// float divided by 100), the currency's own digits (JPY 0, BHD 3).
hbs.registerHelper("money", function (this: NotificationContext, minor: number | string, options: Handlebars.HelperOptions) {
  const root = options.data.root as NotificationContext;
  return formatMoney(minor, root.property.currency, localeFor(root.language));
});
// A difference of money with its sign: "+€100.00", "-€40.00", "€0.00".
hbs.registerHelper("signedMoney", function (this: NotificationContext, minor: number | string, options: Handlebars.HelperOptions) {
  const root = options.data.root as NotificationContext;
  const text = formatMoney(minor, root.property.currency, localeFor(root.language));
  return BigInt(minor ?? 0) > 0n ? `+${text}` : text;
});
// A moment (ISO timestamp) in the property's time zone: "6 Dec 2026, 14:30".
const moments = new Map<string, Intl.DateTimeFormat>();
hbs.registerHelper("moment", (iso: string, options: Handlebars.HelperOptions) => {
  const root = options.data.root as NotificationContext;
  const key = `${root.language}:${root.property.time_zone}`;
  let format = moments.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(localeFor(root.language), { dateStyle: "medium", timeStyle: "short", timeZone: root.property.time_zone });
    moments.set(key, format);
  }
  return format.format(new Date(iso));
});
hbs.registerHelper("date", (isoDate: string, options: Handlebars.HelperOptions) => {
  const root = options.data.root as NotificationContext;
  return formatOf("date", root.language, "").format(new Date(`${isoDate}T00:00:00Z`));
});

// Text typed with line breaks (arrival instructions), each line escaped, joined with <br>: email clients that
// ignore CSS white-space still break the lines.
hbs.registerHelper("lines", (text: unknown) =>
  new hbs.SafeString(String(text ?? "").split(/\r\n|\r|\n/).map((line) => hbs.escapeExpression(line)).join("<br>")));
// A phone number as a tel: link wants it: "+351 21 000 0000" → "+351210000000".
hbs.registerHelper("tel", (phone: unknown) => String(phone ?? "").replace(/[^+0-9]/g, ""));

// Words with numbers, by the language's plural rules (shared/message-format.ts, the guest app's too).
type Words = Record<"nights" | "adults" | "children" | "ages" | "free" | "late" | "nonRefundable" | "per_stay" | "per_night" | "per_guest_night", string>;
/** English whole; another language may lack a word (said in English then; tests/worker/guest_languages.test.ts fails while one does). */
export const messageWords: { en: Words } & Record<GuestLanguage, Partial<Words>> = {
  en: {
    nights: "{count, plural, one {# night} other {# nights}}",
    adults: "{count, plural, one {# adult} other {# adults}}",
    children: "{count, plural, one {# child} other {# children}}",
    ages: "{count, plural, one {age {ages}} other {ages {ages}}}",
    free: "Free cancellation until {moment} ({property}'s local time). After that, cancelling costs {penalty}.",
    late: "The free-cancellation period is over: cancelling costs {penalty}.",
    nonRefundable: "Non-refundable: cancelling costs {penalty}.",
    per_stay: "per stay",
    per_night: "per night",
    per_guest_night: "per guest per night",
  },
  pt: {
    nights: "{count, plural, one {# noite} other {# noites}}",
    adults: "{count, plural, one {# adulto} other {# adultos}}",
    children: "{count, plural, one {# criança} other {# crianças}}",
    ages: "{count, plural, one {idade {ages}} other {idades {ages}}}",
    free: "Cancelamento gratuito até {moment} (hora local de {property}). Depois, cancelar custa {penalty}.",
    late: "O período de cancelamento gratuito terminou: cancelar custa {penalty}.",
    nonRefundable: "Não reembolsável: cancelar custa {penalty}.",
    per_stay: "por estadia",
    per_night: "por noite",
    per_guest_night: "por hóspede por noite",
  },
  es: {
    nights: "{count, plural, one {# noche} other {# noches}}",
    adults: "{count, plural, one {# adulto} other {# adultos}}",
    children: "{count, plural, one {# niño} other {# niños}}",
    ages: "{count, plural, one {edad {ages}} other {edades {ages}}}",
    free: "Cancelación gratuita hasta el {moment} (hora local de {property}). Después, cancelar cuesta {penalty}.",
    late: "El plazo de cancelación gratuita ha terminado: cancelar cuesta {penalty}.",
    nonRefundable: "No reembolsable: cancelar cuesta {penalty}.",
    per_stay: "por estancia",
    per_night: "por noche",
    per_guest_night: "por huésped y noche",
  },
};
const wordsOf = (root: NotificationContext): Words => ({ ...messageWords.en, ...messageWords[guestLanguageOf(root.language)] });
const localeOf = (root: NotificationContext) => localeFor(root.language);
hbs.registerHelper("nights", (count: number, options: Handlebars.HelperOptions) => {
  const root = options.data.root as NotificationContext;
  return formatMessage(wordsOf(root).nights, { count }, localeOf(root));
});
// "2 adults, 1 child", and the children's ages when given (issue 22, the guest app's StaySummary wording):
// "2 adults, 2 children (ages 4, 8)". `{{guests adults children}}` (a property's own template) still works.
hbs.registerHelper("guests", (adults: number, children: number, ...rest: unknown[]) => {
  const options = rest[rest.length - 1] as Handlebars.HelperOptions;
  const ages = rest.length > 1 ? rest[0] : null;
  const root = options.data.root as NotificationContext;
  const w = wordsOf(root);
  const a = formatMessage(w.adults, { count: adults }, localeOf(root));
  if (!(children > 0)) return a;
  const given = Array.isArray(ages) && ages.length === children && ages.every((g) => Number.isInteger(g));
  const agesText = given ? ` (${formatMessage(w.ages, { count: ages.length, ages: ages.join(", ") }, localeOf(root))})` : "";
  return `${a}, ${formatMessage(w.children, { count: children }, localeOf(root))}${agesText}`;
});
// An extra booked with the stay: "Breakfast × 2 (per guest per night): €120.00", the basis in the guest's language.
hbs.registerHelper("extraLine", (extra: NonNullable<NotificationContext["extras"]>[number], options: Handlebars.HelperOptions) => {
  const root = options.data.root as NotificationContext;
  const basis = wordsOf(root)[extra.basis] ?? extra.basis;
  return `${extra.name}${extra.times ? ` × ${extra.times}` : ""} (${basis}): ${formatMoney(extra.amount, root.property.currency, localeOf(root))}`;
});
// The cancellation terms in the guest's language, with amounts and the deadline in the property's time (a deadline
// already past is not offered).
const deadlines = new Map<string, Intl.DateTimeFormat>();
hbs.registerHelper("terms", (options: Handlebars.HelperOptions) => {
  const root = options.data.root as NotificationContext;
  const w = wordsOf(root);
  const penalty = formatMoney(root.late_cancellation_penalty ?? 0, root.property.currency, localeOf(root));
  const until = root.free_cancellation_until ? new Date(root.free_cancellation_until) : null;
  if (until && until.getTime() > Date.now()) {
    const key = `${localeOf(root)}:${root.property.time_zone}`;
    let format = deadlines.get(key);
    if (!format) deadlines.set(key, (format = new Intl.DateTimeFormat(localeOf(root), { dateStyle: "long", timeStyle: "short", timeZone: root.property.time_zone })));
    const moment = format.format(until);
    return formatMessage(w.free, { moment, property: root.property.name, penalty }, localeOf(root));
  }
  return formatMessage(until ? w.late : w.nonRefundable, { penalty }, localeOf(root));
});

const compiled = new Map<string, Handlebars.TemplateDelegate>();
function compile(source: string, escape: boolean): Handlebars.TemplateDelegate {
  const key = `${escape ? "h" : "t"}:${source}`;
  let template = compiled.get(key);
  if (!template) {
    template = hbs.compile(source, { noEscape: !escape, strict: false });
    compiled.set(key, template);
  }
  return template;
}

export class TemplateError extends Error {}

/** The message of a kind on a channel: the property's own wording if it has one, else Keepr's, in its language or English. */
export function render(kind: Kind, channel: "email" | "sms", context: NotificationContext, override?: Override): Rendered {
  try {
    if (override) {
      return {
        subject: override.subject === null ? null : compile(override.subject, false)(context).trim(),
        text: compile(override.body_text, false)(context),
        html: override.body_html === null ? null : compile(override.body_html, true)(context),
      };
    }
    // Keepr's wording: the property's language when Keepr speaks it, else English, and everything (<html lang>,
    // money, dates, plurals) in that one language. A message the language lacks is said in English.
    const language = guestLanguageOf(context.language);
    const own = language === context.language ? context : { ...context, language };
    const templates = builtInTemplates[language];
    if (channel === "sms") {
      const source = templates.sms[kind] ?? builtInTemplates.en.sms[kind];
      if (!source) throw new TemplateError(`no SMS template for ${kind}`);
      return { subject: null, text: compile(source, false)(own), html: null };
    }
    const email = templates.email[kind] ?? builtInTemplates.en.email[kind];
    if (!email) throw new TemplateError(`no email template for ${kind}`);
    return { subject: compile(email.subject, false)(own).trim(), text: compile(email.text, false)(own), html: compile(email.html, true)(own) };
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`template ${kind}/${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
