// Languages: English and Portuguese, chosen from the browser's preferences
// (navigator.languages) unless the guest picked one with the switcher
// (kept in localStorage). The choice sets <html lang>, the words
// (messages.ts) and the locale that formats money and dates.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { formatMessage } from "../../shared/message-format.ts";
import { en, pt, type MessageKey } from "./messages.ts";

export type Language = "en" | "pt";
export const languages: Array<{ code: Language; name: string }> = [
  { code: "en", name: "English" },
  { code: "pt", name: "Português" },
];
const catalogs: Record<Language, Record<MessageKey, string>> = { en, pt };
const storageKey = "keepr.language";

export function detectLanguage(preferences: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  try {
    const chosen = localStorage.getItem(storageKey);
    if (chosen === "en" || chosen === "pt") return chosen;
  } catch {
    // no storage: fall back on the browser
  }
  for (const tag of preferences) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "pt" || base === "en") return base;
  }
  return "en";
}

/** The locale that formats numbers and dates: the browser's own variant when it speaks the language (en-US, pt-BR), else en-GB / pt-PT. */
function localeFor(language: Language): string {
  const own = (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().split("-")[0] === language && tag.includes("-"));
  return own ?? (language === "pt" ? "pt-PT" : "en-GB");
}

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

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
    document.documentElement.lang = language === "pt" ? "pt" : "en";
  }, [language]);
  const value = useMemo<I18n>(() => {
    const catalog = catalogs[language];
    const locale = localeFor(language);
    // Parameters and ICU plurals ("{count, plural, one {# night} other {# nights}}") by the locale's plural rules.
    const t: Translate = (key, params) => formatMessage(catalog[key] ?? en[key], params, locale);
    const tMaybe = (key: string, params?: Params) => (key in catalog ? formatMessage(catalog[key as MessageKey], params, locale) : null);
    return { language, locale, t, tMaybe, setLanguage };
  }, [language, setLanguage]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
