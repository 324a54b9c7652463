// A property's stated policies (issue 22) as sentences in the guest's
// language: children, pets (with their fee), parking (free or its price,
// where, whether to reserve) and smoking, from the codes the staff chose on
// Property › Content. No React: the search results use it, and
// tests/api/web_policies.test.ts reads every code in every language.
import type { PropertyPlace } from "./documents.ts";
import type { Translate } from "./catalogs.ts";

/** The stated policies as sentences, or null where the property has not stated one. */
export function policyTexts(
  place: PropertyPlace,
  t: Translate,
  money: (amount: string) => string,
): { children: string | null; pets: string | null; parking: string | null; smoking: string | null } {
  const price = (amount: string | null, per: "night" | "stay" | null) => (amount && per ? t(`policy.per.${per}`, { amount: money(amount) }) : null);
  const children =
    place.childrenAllowed === null ? null
    : !place.childrenAllowed ? t("policy.children.no")
    : place.childrenMinAge ? t("policy.children.from", { age: place.childrenMinAge })
    : t("policy.children.yes");
  const petFee = price(place.petFeeAmount, place.petFeePer);
  const pets =
    place.petsPolicy === null ? null
    : place.petsPolicy === "no" ? t("policy.pets.no")
    : `${t(`policy.pets.${place.petsPolicy}`)} ${petFee ? t("policy.petFee", { price: petFee }) : t("policy.petsFree")}`;
  const where = place.parkingLocation ?? "on_site";
  const reserve = place.parkingReservationRequired ? ` ${t("policy.parkingReserve")}` : place.parkingReservationRequired === false ? ` ${t("policy.parkingNoReserve")}` : "";
  const parking =
    place.parkingPolicy === null ? null
    : place.parkingPolicy === "none" ? t("policy.parking.none")
    : place.parkingPolicy === "free" ? `${t(`policy.parkingFree.${where}`)}${reserve}`
    : `${t(`policy.parkingPaid.${where}`, { price: price(place.parkingPriceAmount, place.parkingPricePer) ?? "" })}${reserve}`;
  const smoking = place.smokingPolicy === null ? null : t(`policy.smoking.${place.smokingPolicy}`);
  return { children, pets, parking, smoking };
}
