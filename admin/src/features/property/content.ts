// The property content editor's rules, as plain data and functions (no DOM,
// no React; tested by tests/api/admin_property_documents.test.ts):
// - the amenities the console offers: the codes the guest app translates
//   (web/src/messages*.ts, "amenity.<code>"); the database takes any code of
//   the right shape (app_hidden.valid_amenities), so a code outside this list
//   still shows, humanised, and can be removed;
// - each field's check as the table's constraints state it
//   (app_public.properties: properties_*_check, app_hidden.valid_photo_urls),
//   so the form names the field before the database refuses the whole row
//   with INVALID_INPUT;
// - the patch the save sends: trimmed, empty text as null;
// - (issue 22) the location as typed (two decimals in degrees, both or
//   neither) and the policies as choices, with amounts in the currency's
//   major units; what a choice makes irrelevant (a pet fee when pets are
//   not allowed, a parking price unless it is paid) is not sent.
import { parseMoney, moneyInputValue } from "../../ui/money.ts";
import type { ChargePer, ParkingLocation, ParkingPolicy, PetsPolicy, PropertyContentNode, PropertyContentValues, PropertyPlaceValues, SmokingPolicy } from "./documents.ts";

/** A policy choice as the form holds it: "" is "not stated". */
type Choice<T extends string> = T | "";

/** The location and policies as the form holds them: text as typed, choices. */
export interface PlaceForm {
  latitude: string;
  longitude: string;
  children: Choice<"yes" | "no">;
  childrenMinAge: string;
  petsPolicy: Choice<PetsPolicy>;
  petFee: string;
  petFeePer: ChargePer;
  parkingPolicy: Choice<ParkingPolicy>;
  parkingPrice: string;
  parkingPricePer: ChargePer;
  parkingLocation: ParkingLocation;
  parkingReservationRequired: boolean;
  smokingPolicy: Choice<SmokingPolicy>;
}

/** What the property page's form holds. */
export type ContentForm = Omit<PropertyContentValues, keyof PropertyPlaceValues> & PlaceForm;

/** The choices' words in the console (the guest app has its own, in three languages). */
export const petsLabels: Record<PetsPolicy, string> = { no: "Not allowed", yes: "Allowed", on_request: "On request" };
export const parkingLabels: Record<ParkingPolicy, string> = { none: "No parking", free: "Free", paid: "Paid" };
export const parkingLocationLabels: Record<ParkingLocation, string> = { on_site: "On site", nearby: "Nearby" };
export const smokingLabels: Record<SmokingPolicy, string> = { no: "Not allowed", designated_areas: "In designated areas only" };
export const chargePerLabels: Record<ChargePer, string> = { night: "per night", stay: "per stay" };

/** A degree value as typed ("38.7223", "-9.14"), or null when it is not a plain decimal number. */
export function parseDegrees(text: string): number | null {
  const t = text.trim();
  return /^-?\d{1,3}(\.\d{1,10})?$/.test(t) ? Number(t) : null;
}

/** The form's place fields from what the API gave. */
export function placeForm(p: PropertyPlaceValues, currency: string): PlaceForm {
  return {
    latitude: p.latitude === null ? "" : String(p.latitude),
    longitude: p.longitude === null ? "" : String(p.longitude),
    children: p.childrenAllowed === null ? "" : p.childrenAllowed ? "yes" : "no",
    childrenMinAge: p.childrenMinAge === null ? "" : String(p.childrenMinAge),
    petsPolicy: p.petsPolicy ?? "",
    petFee: moneyInputValue(p.petFeeAmount, currency),
    petFeePer: p.petFeePer ?? "night",
    parkingPolicy: p.parkingPolicy ?? "",
    parkingPrice: moneyInputValue(p.parkingPriceAmount, currency),
    parkingPricePer: p.parkingPricePer ?? "night",
    parkingLocation: p.parkingLocation ?? "on_site",
    parkingReservationRequired: p.parkingReservationRequired ?? false,
    smokingPolicy: p.smokingPolicy ?? "",
  };
}

/** The form from the saved property. */
export function contentForm(p: PropertyContentNode): ContentForm {
  return {
    description: p.description ?? "",
    photoUrls: [...p.photoUrls],
    amenities: [...p.amenities],
    checkInTime: p.checkInTime.slice(0, 5),
    checkOutTime: p.checkOutTime.slice(0, 5),
    contactEmail: p.contactEmail ?? "",
    contactPhone: p.contactPhone ?? "",
    arrivalInstructions: p.arrivalInstructions ?? "",
    language: p.language,
    ...placeForm(p, p.currency),
  };
}

/** The amenity codes the guest app translates, with their English words. */
export const amenityLabels: Readonly<Record<string, string>> = {
  wifi: "Wi-Fi",
  parking: "Parking",
  pool: "Swimming pool",
  restaurant: "Restaurant",
  bar: "Bar",
  gym: "Gym",
  spa: "Spa",
  sauna: "Sauna",
  elevator: "Lift",
  pets_allowed: "Pets allowed",
  airport_shuttle: "Airport shuttle",
  ski_storage: "Ski room",
  air_conditioning: "Air conditioning",
  heating: "Heating",
  tv: "TV",
  minibar: "Minibar",
  kitchen: "Kitchen",
  kitchenette: "Kitchenette",
  balcony: "Balcony",
  river_view: "River view",
  mountain_view: "Mountain view",
  sea_view: "Sea view",
  bathtub: "Bathtub",
  workspace: "Workspace",
  crib: "Cot on request",
};

export const amenityCodes = Object.keys(amenityLabels);

/** An amenity as guests read it in English: its label, else the code in words. */
export const amenityLabel = (code: string) => amenityLabels[code] ?? code.replace(/_/g, " ");

export const limits = { description: 5000, arrivalInstructions: 2000, photos: 20, photoUrl: 500, amenities: 40, email: 254 } as const;

/** A photo URL the database takes (app_hidden.valid_photo_urls): a path on this server or an https URL, no spaces or quotes, at most 500 characters. */
export const validPhotoUrl = (url: string) => url.length <= limits.photoUrl && /^(\/[^/\s"'<>\\]|https:\/\/)[^\s"'<>\\]+$/.test(url);

/** properties_contact_email_check. */
export const validEmail = (email: string) => email.length <= limits.email && /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(email);

/** properties_contact_phone_check. */
export const validPhone = (phone: string) => /^\+?[0-9][0-9 ()./-]{3,39}$/.test(phone);

/** "HH:MM" (or with seconds), 00:00 to 23:59. */
export const validTime = (time: string) => /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(time);

/** An amenity code's shape (app_hidden.valid_amenities). */
export const validAmenityCode = (code: string) => /^[a-z][a-z0-9_]{1,39}$/.test(code);

export type ContentField = keyof ContentForm;

/** An amount above zero in the currency, as typed; at most 1,000,000 major units (the table's 100,000,000 minor units for two decimals). */
const positiveAmount = (text: string, currency: string) => {
  const minor = parseMoney(text, currency);
  return minor !== null && BigInt(minor) > 0n && BigInt(minor) <= 100_000_000n ? minor : null;
};

/** What is wrong with each field, in words; empty when the database will take the row. */
export function contentProblems(values: ContentForm, currency: string): Partial<Record<ContentField, string>> {
  const problems: Partial<Record<ContentField, string>> = {};
  const description = values.description?.trim() ?? "";
  if (description.length > limits.description) problems.description = `At most ${limits.description.toLocaleString("en")} characters (${description.length.toLocaleString("en")} now).`;
  if (values.photoUrls.length > limits.photos) problems.photoUrls = `At most ${limits.photos} photos.`;
  else {
    const bad = values.photoUrls.findIndex((u) => !validPhotoUrl(u));
    if (bad >= 0) problems.photoUrls = `Photo ${bad + 1}: a path on this server (/photos/…) or an https:// address, without spaces or quotes, at most ${limits.photoUrl} characters.`;
    else if (new Set(values.photoUrls).size !== values.photoUrls.length) problems.photoUrls = "The same photo is listed twice.";
  }
  if (values.amenities.length > limits.amenities) problems.amenities = `At most ${limits.amenities} amenities.`;
  else if (values.amenities.some((c) => !validAmenityCode(c))) problems.amenities = "Amenity codes are lower case letters, digits and underscores.";
  if (!validTime(values.checkInTime)) problems.checkInTime = "A time of day, such as 15:00.";
  if (!validTime(values.checkOutTime)) problems.checkOutTime = "A time of day, such as 11:00.";
  const email = values.contactEmail?.trim() ?? "";
  if (email && !validEmail(email)) problems.contactEmail = "An email address, such as desk@example.com.";
  const phone = values.contactPhone?.trim() ?? "";
  if (phone && !validPhone(phone)) problems.contactPhone = "Digits, spaces and ( ) . / -, optionally starting with +: 4 to 40 characters.";
  const instructions = values.arrivalInstructions?.trim() ?? "";
  if (instructions.length > limits.arrivalInstructions) {
    problems.arrivalInstructions = `At most ${limits.arrivalInstructions.toLocaleString("en")} characters (${instructions.length.toLocaleString("en")} now).`;
  }
  const [lat, lon] = [values.latitude.trim(), values.longitude.trim()];
  if (lat || lon) {
    const [latitude, longitude] = [parseDegrees(lat), parseDegrees(lon)];
    if (!lat) problems.latitude = "Give the latitude too, or clear both.";
    else if (latitude === null || Math.abs(latitude) > 90) problems.latitude = "Degrees from -90 to 90, such as 38.7223 (north is positive).";
    if (!lon) problems.longitude = "Give the longitude too, or clear both.";
    else if (longitude === null || Math.abs(longitude) > 180) problems.longitude = "Degrees from -180 to 180, such as -9.1393 (east is positive).";
  }
  if (values.children === "yes" && values.childrenMinAge.trim()) {
    const age = values.childrenMinAge.trim();
    if (!/^\d{1,2}$/.test(age) || Number(age) < 1 || Number(age) > 17) problems.childrenMinAge = "A whole age from 1 to 17, or empty for any age.";
  }
  if ((values.petsPolicy === "yes" || values.petsPolicy === "on_request") && values.petFee.trim() && !positiveAmount(values.petFee, currency)) {
    problems.petFee = `An amount above zero in ${currency}, or empty when pets stay free.`;
  }
  if (values.parkingPolicy === "paid" && !positiveAmount(values.parkingPrice, currency)) problems.parkingPrice = `The price of a space in ${currency}, above zero.`;
  return problems;
}

const text = (value: string | null) => (value && value.trim() ? value.trim() : null);
const clock = (time: string) => (time.length === 5 ? `${time}:00` : time);

/** The location and policies the save sends: what the choices make relevant, amounts in minor units. */
export function placePatch(values: PlaceForm, currency: string): PropertyPlaceValues {
  const [latitude, longitude] = [parseDegrees(values.latitude), parseDegrees(values.longitude)];
  const located = latitude !== null && longitude !== null;
  const childrenAllowed = values.children === "" ? null : values.children === "yes";
  const petsAllowed = values.petsPolicy === "yes" || values.petsPolicy === "on_request";
  const petFee = petsAllowed && values.petFee.trim() ? positiveAmount(values.petFee, currency) : null;
  const parking = values.parkingPolicy === "" ? null : values.parkingPolicy;
  const hasParking = parking === "free" || parking === "paid";
  const parkingPrice = parking === "paid" ? positiveAmount(values.parkingPrice, currency) : null;
  return {
    latitude: located ? latitude : null,
    longitude: located ? longitude : null,
    childrenAllowed,
    childrenMinAge: childrenAllowed && /^\d{1,2}$/.test(values.childrenMinAge.trim()) ? Number(values.childrenMinAge.trim()) : null,
    petsPolicy: values.petsPolicy === "" ? null : values.petsPolicy,
    petFeeAmount: petFee,
    petFeePer: petFee ? values.petFeePer : null,
    parkingPolicy: parking,
    parkingPriceAmount: parkingPrice,
    parkingPricePer: parkingPrice ? values.parkingPricePer : null,
    parkingLocation: hasParking ? values.parkingLocation : null,
    parkingReservationRequired: hasParking ? values.parkingReservationRequired : null,
    smokingPolicy: values.smokingPolicy === "" ? null : values.smokingPolicy,
  };
}

/** The patch the save sends: every field, trimmed, empty text as null, times with seconds. */
export function contentPatch(values: ContentForm, currency: string): PropertyContentValues {
  return {
    ...placePatch(values, currency),
    description: text(values.description),
    photoUrls: values.photoUrls.map((u) => u.trim()).filter(Boolean),
    amenities: [...new Set(values.amenities)],
    checkInTime: clock(values.checkInTime),
    checkOutTime: clock(values.checkOutTime),
    contactEmail: text(values.contactEmail),
    contactPhone: text(values.contactPhone),
    arrivalInstructions: text(values.arrivalInstructions),
    language: values.language,
  };
}

/** Moves the photo at `from` to `to` (the first photo is the one guests see first). */
export function movePhoto(urls: readonly string[], from: number, to: number): string[] {
  if (from < 0 || from >= urls.length || to < 0 || to >= urls.length) return [...urls];
  const next = [...urls];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved!);
  return next;
}

/** The stay-over cleaning policy in words. */
export function stayoverPolicyLabel(nights: number): string {
  if (nights <= 0) return "Off: occupied rooms are cleaned only at check-out";
  if (nights === 1) return "Every night of a stay";
  return `Every ${nights} nights of a stay`;
}

/** The stated policies in the console's English, for the guest preview (the guest app words them in each language). */
export function policySummary(p: PropertyPlaceValues, money: (minor: string) => string): Array<[string, string]> {
  const per = (amount: string | null, unit: ChargePer | null) => (amount && unit ? `${money(amount)} ${chargePerLabels[unit]}` : null);
  const lines: Array<[string, string]> = [];
  if (p.childrenAllowed !== null) {
    lines.push(["Children", !p.childrenAllowed ? "Not allowed" : p.childrenMinAge ? `Welcome from ${p.childrenMinAge} years old` : "Welcome at any age"]);
  }
  if (p.petsPolicy) {
    const fee = per(p.petFeeAmount, p.petFeePer);
    lines.push(["Pets", p.petsPolicy === "no" ? petsLabels.no : `${petsLabels[p.petsPolicy]}, ${fee ?? "free"}`]);
  }
  if (p.parkingPolicy) {
    const where = p.parkingLocation ? parkingLocationLabels[p.parkingLocation].toLowerCase() : "";
    const reserve = p.parkingReservationRequired ? ", reserve ahead" : p.parkingReservationRequired === false ? ", no reservation needed" : "";
    lines.push(["Parking", p.parkingPolicy === "none" ? "None" : `${p.parkingPolicy === "free" ? "Free" : per(p.parkingPriceAmount, p.parkingPricePer) ?? "Paid"}, ${where}${reserve}`]);
  }
  if (p.smokingPolicy) lines.push(["Smoking", smokingLabels[p.smokingPolicy]]);
  return lines;
}
