// Every guest language's words (shared/guest-languages.ts lists the
// languages; messages.ts holds English, the reference, and Portuguese;
// messages-es.ts Spanish) and the translator the app uses: parameters and
// ICU plurals by the locale's rules, a key the language lacks said in
// English. Plain TypeScript (no React), so tests read the very catalogues
// and translator the app runs.
import { formatMessage } from "../../shared/message-format.ts";
import type { GuestLanguage } from "../../shared/guest-languages.ts";
import { en, pt, type Catalog, type MessageKey } from "./messages.ts";
import { es } from "./messages-es.ts";

/** A language added to shared/guest-languages.ts fails typecheck here until it has a catalogue. */
export const catalogs: Record<GuestLanguage, Catalog> = { en, pt, es };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(catalog: Catalog, locale: string): { t: Translate; tMaybe: (key: string, params?: Params) => string | null } {
  const t: Translate = (key, params) => formatMessage(catalog[key] ?? en[key], params, locale);
  // A key built at run time (an API code): null when English has no such key either.
  const tMaybe = (key: string, params?: Params) => (Object.prototype.hasOwnProperty.call(en, key) ? t(key as MessageKey, params) : null);
  return { t, tMaybe };
}
