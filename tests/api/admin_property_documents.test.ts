// The property page's GraphQL documents (admin/src/features/property/documents.ts)
// are written by hand; here they are checked against the reviewed schema and
// the API's limits, and its rules (content.ts) against the database's
// constraints they mirror and the guest app's words for amenities.
import { apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { propertyDocuments } from "../../admin/src/features/property/documents.ts";
import {
  amenityCodes, contentPatch, contentProblems, movePhoto, placeForm, placePatch, policySummary, stayoverPolicyLabel, validAmenityCode, validPhotoUrl, type ContentForm, type PlaceForm,
} from "../../admin/src/features/property/content.ts";
import { en, pt } from "../../web/src/messages.ts";
import { catalogs, translator } from "../../web/src/catalogs.ts";
import { guestCancellationText, guestPaymentText } from "../../admin/src/features/revenue/paymentTerms.ts";
import type { PropertyPlaceValues } from "../../admin/src/features/property/documents.ts";

it.each(propertyDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("the content is saved in one call (updatePropertyContent), a translation in one (setPropertyTranslation, setRoomTypeTranslation, setRatePlanTranslation, setFeeTranslation, setExtraTranslation: saving the same texts again is harmless), the stay-over policy in one update of the property (no keyed mutation)", () => {
  expect(mutationsSent(propertyDocuments).map((m) => m.name).sort()).toEqual([
    "setExtraTranslation", "setFeeTranslation", "setPropertyTranslation", "setRatePlanTranslation", "setRoomTypeTranslation", "updatePropertyByRowId", "updatePropertyContent",
  ]);
});

it("every amenity the console offers has the guest app's words for it, and a code the database takes", () => {
  for (const code of amenityCodes) {
    expect({ code, valid: validAmenityCode(code) }).toEqual({ code, valid: true });
    const key = `amenity.${code}`;
    expect({ code, en: typeof (en as Record<string, string>)[key], pt: typeof (pt as Record<string, string | undefined>)[key] }).toEqual({ code, en: "string", pt: "string" });
  }
});

/** Nothing stated (the form of a property without a location or policies). */
const unstatedForm: PlaceForm = {
  latitude: "", longitude: "", children: "", childrenMinAge: "", petsPolicy: "", petFee: "", petFeePer: "night", parkingPolicy: "", parkingPrice: "",
  parkingPricePer: "night", parkingLocation: "on_site", parkingReservationRequired: false, smokingPolicy: "",
};
const unstated: PropertyPlaceValues = {
  latitude: null, longitude: null, childrenAllowed: null, childrenMinAge: null, petsPolicy: null, petFeeAmount: null, petFeePer: null, parkingPolicy: null,
  parkingPriceAmount: null, parkingPricePer: null, parkingLocation: null, parkingReservationRequired: null, smokingPolicy: null,
};
const good: ContentForm = {
  description: "  A quiet hotel by the river.  ", photoUrls: ["/photos/a.jpg", "https://cdn.example.com/b.jpg"], amenities: ["wifi", "parking"],
  checkInTime: "15:00", checkOutTime: "11:00", contactEmail: " desk@example.com ", contactPhone: "", arrivalInstructions: "   ", language: "pt",
  ...unstatedForm,
};

it("content the database takes has no problems, and is sent trimmed, with empty text as null and times with seconds", () => {
  expect(contentProblems(good, "EUR")).toEqual({});
  expect(contentPatch(good, "EUR")).toEqual({
    ...unstated,
    description: "A quiet hotel by the river.", photoUrls: ["/photos/a.jpg", "https://cdn.example.com/b.jpg"], amenities: ["wifi", "parking"],
    checkInTime: "15:00:00", checkOutTime: "11:00:00", contactEmail: "desk@example.com", contactPhone: null, arrivalInstructions: null, language: "pt",
  });
});

it("each value the table's checks refuse is named on its field", () => {
  const problems = contentProblems({
    ...good,
    description: "x".repeat(5001),
    photoUrls: ["http://insecure.example.com/a.jpg"],
    amenities: ["Wi-Fi"],
    checkInTime: "25:00",
    checkOutTime: "",
    contactEmail: "not an email",
    contactPhone: "call me",
    arrivalInstructions: "y".repeat(2001),
  }, "EUR");
  expect(Object.keys(problems).sort()).toEqual(["amenities", "arrivalInstructions", "checkInTime", "checkOutTime", "contactEmail", "contactPhone", "description", "photoUrls"]);
  expect(problems.photoUrls).toMatch(/^Photo 1: /);
  expect(contentProblems({ ...good, photoUrls: Array.from({ length: 21 }, (_, i) => `/photos/${i}.jpg`) }, "EUR").photoUrls).toBe("At most 20 photos.");
  expect(validPhotoUrl("/photos/a b.jpg")).toBe(false);
  expect(validPhotoUrl("//evil.example.com/a.jpg")).toBe(false);
  expect(validPhotoUrl(`https://example.com/${"a".repeat(480)}`)).toBe(true);
  expect(validPhotoUrl(`https://example.com/${"a".repeat(490)}`)).toBe(false);
});

it("the location and policies are sent as the database takes them: both coordinates or neither, details only where the choice needs them, amounts in minor units", () => {
  const form: PlaceForm = {
    latitude: " 38.7075 ", longitude: "-9.1364", children: "yes", childrenMinAge: "12", petsPolicy: "on_request", petFee: "15", petFeePer: "stay",
    parkingPolicy: "paid", parkingPrice: "20.50", parkingPricePer: "night", parkingLocation: "nearby", parkingReservationRequired: true, smokingPolicy: "no",
  };
  const sent = placePatch(form, "EUR");
  expect(sent).toEqual({
    latitude: 38.7075, longitude: -9.1364, childrenAllowed: true, childrenMinAge: 12, petsPolicy: "on_request", petFeeAmount: "1500", petFeePer: "stay",
    parkingPolicy: "paid", parkingPriceAmount: "2050", parkingPricePer: "night", parkingLocation: "nearby", parkingReservationRequired: true, smokingPolicy: "no",
  });
  // Read back, the form is what was typed (amounts in major units).
  expect(placeForm(sent, "EUR")).toEqual({ ...form, latitude: "38.7075", parkingPrice: "20.50", petFee: "15.00" });
  // What a choice makes irrelevant is not sent.
  expect(placePatch({ ...form, children: "no", petsPolicy: "no", parkingPolicy: "none" }, "EUR")).toMatchObject({
    childrenAllowed: false, childrenMinAge: null, petsPolicy: "no", petFeeAmount: null, petFeePer: null,
    parkingPolicy: "none", parkingPriceAmount: null, parkingPricePer: null, parkingLocation: null, parkingReservationRequired: null,
  });
  expect(placePatch({ ...form, parkingPolicy: "free" }, "EUR")).toMatchObject({ parkingPriceAmount: null, parkingPricePer: null, parkingLocation: "nearby" });
  expect(placePatch(unstatedForm, "EUR")).toEqual(unstated);
  // Yen have no decimals.
  expect(placePatch({ ...form, petFee: "1500" }, "JPY").petFeeAmount).toBe("1500");
  expect(policySummary(sent, (m) => `€${Number(m) / 100}`)).toEqual([
    ["Children", "Welcome from 12 years old"], ["Pets", "On request, €15 per stay"], ["Parking", "€20.5 per night, nearby, reserve ahead"], ["Smoking", "Not allowed"],
  ]);
});

it("a bad location or policy detail is named on its field", () => {
  const problems = (p: Partial<PlaceForm>) => Object.keys(contentProblems({ ...good, ...p }, "EUR")).sort();
  expect(problems({ latitude: "38.7" })).toEqual(["longitude"]);
  expect(problems({ longitude: "-9.1" })).toEqual(["latitude"]);
  expect(problems({ latitude: "91", longitude: "0" })).toEqual(["latitude"]);
  expect(problems({ latitude: "0", longitude: "-180.5" })).toEqual(["longitude"]);
  expect(problems({ latitude: "38,7", longitude: "NaN" })).toEqual(["latitude", "longitude"]);
  expect(problems({ latitude: "-90", longitude: "180" })).toEqual([]);
  expect(problems({ children: "yes", childrenMinAge: "0" })).toEqual(["childrenMinAge"]);
  expect(problems({ children: "yes", childrenMinAge: "18" })).toEqual(["childrenMinAge"]);
  expect(problems({ children: "no", childrenMinAge: "18" })).toEqual([]);
  expect(problems({ petsPolicy: "yes", petFee: "0" })).toEqual(["petFee"]);
  expect(problems({ petsPolicy: "yes", petFee: "1.234" })).toEqual(["petFee"]);
  expect(problems({ petsPolicy: "yes", petFee: "1000000.01" })).toEqual(["petFee"]);
  expect(problems({ petsPolicy: "no", petFee: "abc" })).toEqual([]);
  expect(problems({ parkingPolicy: "paid", parkingPrice: "" })).toEqual(["parkingPrice"]);
  expect(problems({ parkingPolicy: "free", parkingPrice: "" })).toEqual([]);
});

it("photos move up and down; a move out of range changes nothing", () => {
  expect(movePhoto(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
  expect(movePhoto(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
  expect(movePhoto(["a", "b"], 0, -1)).toEqual(["a", "b"]);
});

it("the stay-over policy reads as people say it", () => {
  expect([0, 1, 3].map(stayoverPolicyLabel)).toEqual(["Off: occupied rooms are cleaned only at check-out", "Every night of a stay", "Every 3 nights of a stay"]);
});

it("the rate plan dialog's guest wording of a payment schedule is the guest app's English, word for word (web/src/planLabels.ts)", () => {
  const { t } = translator(catalogs.en, "en-GB");
  const cases: Array<[{ depositPercent: string; balanceDueDays: number }, string]> = [
    [{ depositPercent: "100", balanceDueDays: 7 }, t("book.payAll")],
    [{ depositPercent: "0", balanceDueDays: 0 }, t("book.payAtCheckIn")],
    [{ depositPercent: "0", balanceDueDays: 14 }, t("book.payLater", { when: t("book.whenDays", { days: 14 }) })],
    [{ depositPercent: "30", balanceDueDays: 0 }, t("book.payDeposit", { percent: 30, when: t("book.whenArrival") })],
    [{ depositPercent: "12.5", balanceDueDays: 1 }, t("book.payDeposit", { percent: "12.5", when: t("book.whenDays", { days: 1 }) })],
  ];
  for (const [plan, text] of cases) expect({ plan, text: guestPaymentText(plan) }).toEqual({ plan, text });
});

it("the rate plan dialog says the cancellation terms as the guest app's sentence, with the penalty as the quote words it", () => {
  expect(guestCancellationText({ isRefundable: true, freeCancellationDays: 2, cancellationPenaltyKind: "nights", cancellationPenaltyValue: 1 })).toBe(
    "Free cancellation until the check-in time 2 days before arrival (the property's time). After that, cancelling costs 1 night.",
  );
  expect(guestCancellationText({ isRefundable: true, freeCancellationDays: 0, cancellationPenaltyKind: "percent", cancellationPenaltyValue: 50 })).toBe(
    "Free cancellation until the check-in time on the day of arrival (the property's time). After that, cancelling costs 50% of the total.",
  );
  expect(guestCancellationText({ isRefundable: false, freeCancellationDays: 2, cancellationPenaltyKind: "nights", cancellationPenaltyValue: 1 })).toBe(en["book.nonRefundable"]);
});
