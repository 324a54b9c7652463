// The guest app's words in every guest language (shared/guest-languages.ts):
// each catalogue has every key English has and no other, keeps each message's
// {parameters} and plural arguments, and reads well through the app's own
// translator (plurals by the language's rules). A key missing in one language
// fails here, though the app would say it in English.
import { describe, expect, it } from "@jest/globals";
import { guestLanguageCodes, guestLanguages, localeOf, type GuestLanguage } from "../../shared/guest-languages.ts";
import { catalogs, translator } from "../../web/src/catalogs.ts";
import { en, type MessageKey } from "../../web/src/messages.ts";

const keys = Object.keys(en) as MessageKey[];
const others = guestLanguageCodes.filter((l): l is Exclude<GuestLanguage, "en"> => l !== "en");

/** The names of a message's arguments, plain or plural, nested ones too: "{count, plural, one {# x} other {# y}} {name}" → count, name. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  // (Not a plural option's words: "one {is}".)
  for (const m of message.matchAll(/(?<!(?:zero|one|two|few|many|other|=\d+)\s*)\{\s*(\w+)\s*(?:,\s*plural\s*,|\})/g)) names.add(m[1]!);
  return [...names].sort();
}

it("the registry lists English, Portuguese and Spanish, each with a locale Intl knows", () => {
  expect(guestLanguageCodes).toEqual(["en", "pt", "es"]);
  for (const code of guestLanguageCodes) {
    expect(Intl.DateTimeFormat.supportedLocalesOf([localeOf(code)])).toEqual([localeOf(code)]);
    expect(guestLanguages[code].name.length).toBeGreaterThan(0);
  }
});

describe.each(others)("%s", (language) => {
  const catalog = catalogs[language];

  it("has every key English has, and no key English lacks", () => {
    const missing = keys.filter((k) => typeof catalog[k] !== "string" || catalog[k]!.trim() === "");
    const extra = Object.keys(catalog).filter((k) => !(k in en));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it("keeps every {parameter} and plural argument of the English message", () => {
    const differ = keys
      .filter((k) => catalog[k] !== undefined)
      .filter((k) => JSON.stringify(argumentsOf(catalog[k]!)) !== JSON.stringify(argumentsOf(en[k])))
      .map((k) => `${k}: ${argumentsOf(en[k]).join(",")} → ${argumentsOf(catalog[k]!).join(",")}`);
    expect(differ).toEqual([]);
  });

  it("every message formats completely (plurals have `other`, braces balance) for 0, 1, 2 and 1,000,000", () => {
    const { t } = translator(catalog, localeOf(language));
    const broken: string[] = [];
    for (const key of keys) {
      const params = Object.fromEntries(argumentsOf(en[key]).map((name) => [name, 0]));
      for (const n of [0, 1, 2, 1_000_000]) {
        for (const name of Object.keys(params)) params[name] = n;
        const text = t(key, params);
        if (/[{}]/.test(text)) broken.push(`${key} (${n}): ${text}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

it("plurals follow each language's rules", () => {
  const say = (language: GuestLanguage, count: number) => translator(catalogs[language], localeOf(language)).t("stay.nights", { count });
  expect([say("en", 1), say("en", 2), say("pt", 1), say("pt", 2), say("es", 1), say("es", 3), say("es", 1_000_000)])
    .toEqual(["1 night", "2 nights", "1 noite", "2 noites", "1 noche", "3 noches", "1.000.000 noches"]);
  const found = (language: GuestLanguage) => translator(catalogs[language], localeOf(language)).t("search.found", { count: 1, nights: 2 });
  expect([found("es"), found("pt")]).toEqual(["1 habitación disponible para 2 noches.", "1 quarto disponível para 2 noites."]);
});

it("a key a language lacks is said in English; a key no language has is null", () => {
  const { t, tMaybe } = translator({ "search.title": "Encuentre su estancia" }, "es-ES");
  expect(t("search.title")).toBe("Encuentre su estancia");
  expect(t("stay.nights", { count: 3 })).toBe("3 nights");
  expect(tMaybe("restriction.SOLD_OUT")).toBe(en["restriction.SOLD_OUT"]);
  expect(tMaybe("restriction.NO_SUCH_CODE")).toBeNull();
});
