// The guest app's sentences for a property's policies (web/src/policies.ts,
// issue 22): every code the database allows, in every guest language, reads
// as a sentence of that language (no key missing, no parameter left in
// braces), amounts in the property's currency as the locale writes them, and
// a policy not stated is null (the page then says "ask the property").
import { expect, it } from "@jest/globals";
import { formatMoney } from "../../shared/money.ts";
import { guestLanguageCodes, localeOf } from "../../shared/guest-languages.ts";
import { catalogs, translator } from "../../web/src/catalogs.ts";
import type { PropertyPlace } from "../../web/src/documents.ts";
import { policyTexts } from "../../web/src/policies.ts";

const unstated: PropertyPlace = {
  latitude: null, longitude: null, childrenAllowed: null, childrenMinAge: null, petsPolicy: null, petFeeAmount: null, petFeePer: null,
  parkingPolicy: null, parkingPriceAmount: null, parkingPricePer: null, parkingLocation: null, parkingReservationRequired: null, smokingPolicy: null,
};

const texts = (language: (typeof guestLanguageCodes)[number], place: Partial<PropertyPlace>, currency = "EUR") => {
  const locale = localeOf(language);
  return policyTexts({ ...unstated, ...place }, translator(catalogs[language], locale).t, (amount) => formatMoney(amount, currency, locale));
};

it("nothing stated is null for every policy", () => {
  expect(texts("en", {})).toEqual({ children: null, pets: null, parking: null, smoking: null });
});

it("every code in every language is a sentence with its values filled in", () => {
  const places: Array<Partial<PropertyPlace>> = [
    { childrenAllowed: true }, { childrenAllowed: true, childrenMinAge: 1 }, { childrenAllowed: true, childrenMinAge: 12 }, { childrenAllowed: false },
    { petsPolicy: "no" }, { petsPolicy: "yes" }, { petsPolicy: "yes", petFeeAmount: "1500", petFeePer: "night" }, { petsPolicy: "on_request", petFeeAmount: "2500", petFeePer: "stay" },
    { parkingPolicy: "none" }, { parkingPolicy: "free", parkingLocation: "on_site", parkingReservationRequired: false },
    { parkingPolicy: "free", parkingLocation: "nearby", parkingReservationRequired: true },
    { parkingPolicy: "paid", parkingPriceAmount: "1800", parkingPricePer: "night", parkingLocation: "on_site", parkingReservationRequired: true },
    { parkingPolicy: "paid", parkingPriceAmount: "1800", parkingPricePer: "stay", parkingLocation: "nearby", parkingReservationRequired: false },
    { smokingPolicy: "no" }, { smokingPolicy: "designated_areas" },
  ];
  for (const language of guestLanguageCodes) {
    const seen = new Set<string>();
    for (const place of places) {
      for (const sentence of Object.values(texts(language, place)).filter((s): s is string => s !== null)) {
        expect({ language, place, sentence }).toEqual({ language, place, sentence: expect.stringMatching(/^[^{}]+\.$/) });
        seen.add(sentence);
      }
    }
    // Each case says something different.
    expect({ language, distinct: seen.size }).toEqual({ language, distinct: places.length });
  }
});

it("reads as people write it: ages by plural rules, amounts in the currency and locale", () => {
  expect(texts("en", { childrenAllowed: true, childrenMinAge: 1 }).children).toBe("Children from 1 year old are welcome.");
  expect(texts("pt", { childrenAllowed: true, childrenMinAge: 12 }).children).toBe("Crianças a partir dos 12 anos são bem-vindas.");
  expect(texts("en", { petsPolicy: "yes" }).pets).toBe("Pets are welcome. No charge.");
  expect(texts("es", { petsPolicy: "on_request", petFeeAmount: "2500", petFeePer: "stay" }, "CHF").pets).toBe(
    `Mascotas bajo petición: pregunte al alojamiento antes de reservar. Tarifa: ${formatMoney("2500", "CHF", "es-ES")} por estancia.`,
  );
  expect(texts("en", { parkingPolicy: "paid", parkingPriceAmount: "1800", parkingPricePer: "night", parkingLocation: "nearby", parkingReservationRequired: true }).parking).toBe(
    "Parking nearby: €18.00 per night. Reserve a space ahead.",
  );
  expect(texts("pt", { parkingPolicy: "free", parkingLocation: "on_site", parkingReservationRequired: false }).parking).toBe("Estacionamento gratuito no local. Não é preciso reservar.");
});
