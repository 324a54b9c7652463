// The property page's GraphQL documents (admin/src/features/property/documents.ts)
// are written by hand; here they are checked against the reviewed schema and
// the API's limits, and its rules (content.ts) against the database's
// constraints they mirror and the guest app's words for amenities.
import { apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { propertyDocuments } from "../../admin/src/features/property/documents.ts";
import { amenityCodes, contentPatch, contentProblems, movePhoto, stayoverPolicyLabel, validAmenityCode, validPhotoUrl } from "../../admin/src/features/property/content.ts";
import { en, pt } from "../../web/src/messages.ts";
import { catalogs, translator } from "../../web/src/catalogs.ts";
import { guestCancellationText, guestPaymentText } from "../../admin/src/features/revenue/paymentTerms.ts";
import type { PropertyContentValues } from "../../admin/src/features/property/documents.ts";

it.each(propertyDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("the content is saved in one call (updatePropertyContent), a translation in one (setPropertyTranslation: saving the same texts again is harmless), the stay-over policy in one update of the property (no keyed mutation)", () => {
  expect(mutationsSent(propertyDocuments).map((m) => m.name).sort()).toEqual(["setPropertyTranslation", "updatePropertyByRowId", "updatePropertyContent"]);
});

it("every amenity the console offers has the guest app's words for it, and a code the database takes", () => {
  for (const code of amenityCodes) {
    expect({ code, valid: validAmenityCode(code) }).toEqual({ code, valid: true });
    const key = `amenity.${code}`;
    expect({ code, en: typeof (en as Record<string, string>)[key], pt: typeof (pt as Record<string, string | undefined>)[key] }).toEqual({ code, en: "string", pt: "string" });
  }
});

const good: PropertyContentValues = {
  description: "  A quiet hotel by the river.  ", photoUrls: ["/photos/a.jpg", "https://cdn.example.com/b.jpg"], amenities: ["wifi", "parking"],
  checkInTime: "15:00", checkOutTime: "11:00", contactEmail: " desk@example.com ", contactPhone: "", arrivalInstructions: "   ", language: "pt",
};

it("content the database takes has no problems, and is sent trimmed, with empty text as null and times with seconds", () => {
  expect(contentProblems(good)).toEqual({});
  expect(contentPatch(good)).toEqual({
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
  });
  expect(Object.keys(problems).sort()).toEqual(["amenities", "arrivalInstructions", "checkInTime", "checkOutTime", "contactEmail", "contactPhone", "description", "photoUrls"]);
  expect(problems.photoUrls).toMatch(/^Photo 1: /);
  expect(contentProblems({ ...good, photoUrls: Array.from({ length: 21 }, (_, i) => `/photos/${i}.jpg`) }).photoUrls).toBe("At most 20 photos.");
  expect(validPhotoUrl("/photos/a b.jpg")).toBe(false);
  expect(validPhotoUrl("//evil.example.com/a.jpg")).toBe(false);
  expect(validPhotoUrl(`https://example.com/${"a".repeat(480)}`)).toBe(true);
  expect(validPhotoUrl(`https://example.com/${"a".repeat(490)}`)).toBe(false);
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
