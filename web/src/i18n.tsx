// Languages: those of shared/guest-languages.ts (English, Portuguese,
// Spanish), chosen from the browser's preferences (navigator.languages, the
// list the browser sends as Accept-Language) unless the guest picked one with
// the picker (kept in localStorage). The choice sets <html lang>, the words
// (a catalogue per language: messages.ts, messages-es.ts; a key a catalogue
// lacks is said in English) and the locale that formats money and dates.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { fallbackLanguage, firstSpoken, guestLanguageCodes, guestLanguages, isGuestLanguage, localeOf, type GuestLanguage } from "../../shared/guest-languages.ts";
import { catalogs, translator, type Params, type Translate } from "./catalogs.ts";
import { setRequestLanguage } from "./api.ts";

export type Language = GuestLanguage;
export const languages: Array<{ code: Language; name: string }> = guestLanguageCodes.map((code) => ({ code, name: guestLanguages[code].name }));
const storageKey = "keepr.language";

export function detectLanguage(preferences: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  try {
    const chosen = localStorage.getItem(storageKey);
    if (isGuestLanguage(chosen)) return chosen;
  } catch {
    // no storage: fall back on the browser
  }
  return firstSpoken(preferences) ?? fallbackLanguage;
}

/** The locale that formats numbers and dates: the browser's own variant when it speaks the language (en-US, pt-BR, es-MX), else the language's default (en-GB, pt-PT, es-ES). */
function localeFor(language: Language): string {
  const own = (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().split("-")[0] === language && tag.includes("-"));
  return own ?? localeOf(language);
}

export type { Params, Translate };

export interface I18n {
  language: Language;
  locale: string;
  t: Translate;
  /** A message by a key built at run time (an API code), or null when there is none. */
  tMaybe: (key: string, params?: Params) => string | null;
  setLanguage(language: Language): void;
}

const Context = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => detectLanguage());
  const setLanguage = useCallback((next: Language) => {
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // not remembered; still switched
    }
    setLanguageState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  // Set while rendering, not in an effect: the first request (a hold) must already carry it.
  setRequestLanguage(language);
  const value = useMemo<I18n>(() => {
    const locale = localeFor(language);
    // Parameters and ICU plurals ("{count, plural, one {# night} other {# nights}}") by the locale's plural rules;
    // a key the language lacks is said in English.
    const { t, tMaybe } = translator(catalogs[language], locale);
    return { language, locale, t, tMaybe, setLanguage };
  }, [language, setLanguage]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
