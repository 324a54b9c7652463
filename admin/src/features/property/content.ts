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
// - the patch the save sends: trimmed, empty text as null.
import type { GuestLanguage, PropertyContentValues } from "./documents.ts";

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

export const languages: ReadonlyArray<{ code: GuestLanguage; label: string }> = [
  { code: "en", label: "English" },
  { code: "pt", label: "Portuguese" },
  { code: "de", label: "German (emails in English until its templates exist)" },
  { code: "fr", label: "French (emails in English until its templates exist)" },
  { code: "es", label: "Spanish (emails in English until its templates exist)" },
];

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

export type ContentField = keyof PropertyContentValues;

/** What is wrong with each field, in words; empty when the database will take the row. */
export function contentProblems(values: PropertyContentValues): Partial<Record<ContentField, string>> {
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
  return problems;
}

const text = (value: string | null) => (value && value.trim() ? value.trim() : null);
const clock = (time: string) => (time.length === 5 ? `${time}:00` : time);

/** The patch the save sends: every field, trimmed, empty text as null, times with seconds. */
export function contentPatch(values: PropertyContentValues): PropertyContentValues {
  return {
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
