// The languages the console offers, read from the database (allLanguages:
// app_public.languages), so adding a language is a row, not a change here:
// a property's language (any language Keepr knows), the translations and a
// reservation's language (the guest-facing ones). Cached for the session:
// reference data changes with a migration.
import { useQuery } from "@tanstack/react-query";
import { useDataProvider } from "react-admin";
import { isGuestLanguage } from "../../../../shared/guest-languages.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { LanguageNode } from "./documents.ts";

export const languagesKey = ["languages"] as const;

export function useLanguages() {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const query = useQuery({ queryKey: languagesKey, queryFn: ({ signal }) => dataProvider.languages({ signal }), staleTime: 60 * 60_000 });
  const all = query.data ?? [];
  return {
    query,
    all,
    /** Offered to guests: translations, a reservation's language. */
    guestFacing: all.filter((l) => l.guestFacing),
    /** Its English name ("Portuguese"), or the code while the list loads. */
    name: (code: string) => all.find((l) => l.code === code)?.englishName ?? code,
  };
}

/**
 * A property language as the content form offers it: its English name, and
 * whether Keepr's own words (the emails' wording, shared/guest-languages.ts's
 * catalogues) exist in it yet; until they do, guests are written to in
 * English (worker/notifications/render.ts).
 */
export const propertyLanguageLabel = (language: LanguageNode) =>
  isGuestLanguage(language.code) ? language.englishName : `${language.englishName} (emails in English until Keepr's words exist in it)`;
