// The languages Keepr speaks to guests: the guest app, its card form, the
// guest emails and SMS, the stay's .ics. This list is the one place a
// language is added; every catalogue is typed by it (a language listed here
// without its words fails typecheck), and each catalogue may leave keys out:
// what a language lacks is said in English (tests/web/messages.test.ts fails
// while any key is missing, so a release never relies on the fallback).
//
// `locale` formats dates, numbers and money when the browser gives no
// variant of its own (en-US, pt-BR, es-MX); `name` is what the language
// picker shows, in the language itself.
export const guestLanguages = {
  en: { name: "English", locale: "en-GB" },
  pt: { name: "Português", locale: "pt-PT" },
  es: { name: "Español", locale: "es-ES" },
} as const;

export type GuestLanguage = keyof typeof guestLanguages;

/** The languages in the picker's order. */
export const guestLanguageCodes = Object.keys(guestLanguages) as GuestLanguage[];

/** The language everything falls back to. */
export const fallbackLanguage: GuestLanguage = "en";

export const isGuestLanguage = (value: unknown): value is GuestLanguage =>
  typeof value === "string" && Object.prototype.hasOwnProperty.call(guestLanguages, value);

/** A language code as stored (a property's `language`: en, pt, de, fr, es), or English when Keepr does not speak it. */
export const guestLanguageOf = (value: string | null | undefined): GuestLanguage => (isGuestLanguage(value) ? value : fallbackLanguage);

/** The default locale of a language: "es" → "es-ES". */
export const localeOf = (language: GuestLanguage): string => guestLanguages[language].locale;

/** The first language of a preference list (BCP 47 tags, best first: navigator.languages) that Keepr speaks, or null. */
export function firstSpoken(preferences: readonly string[]): GuestLanguage | null {
  for (const tag of preferences) {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isGuestLanguage(base)) return base;
  }
  return null;
}

/**
 * An Accept-Language header as tags, best first (RFC 9110 §12.5.4: q-values,
 * ties in the order written; q=0 means "not this one"). Malformed entries are
 * left out; "*" too (it names no language).
 */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  const entries: Array<{ tag: string; q: number; at: number }> = [];
  header.split(",").forEach((part, at) => {
    const [rawTag, ...params] = part.split(";");
    const tag = rawTag!.trim();
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([01](\.\d{0,3})?)\s*$/i.exec(param);
      if (m) q = Math.min(1, Number(m[1]));
    }
    if (q > 0) entries.push({ tag, q, at });
  });
  return entries.sort((a, b) => b.q - a.q || a.at - b.at).map((e) => e.tag);
}
