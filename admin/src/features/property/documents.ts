// The property page's GraphQL operations: the guest-facing content of a
// property (description, photos, amenities, times, contact, arrival
// instructions, language; where it is and its policies, issue 22) and its housekeeping policy, read with
// propertyByRowId and saved in one updatePropertyByRowId (the column grants
// and the update_manager policy of app_public.properties: owners and
// managers). Written by hand against server/schema.graphql and checked
// against it by tests/api/admin_property_documents.test.ts. No DOM or React.
import { operation, updateRow, type Timestamp, type Uuid } from "../../platform/documents.ts";

/** A language's code: a row of app_public.languages (allLanguages; adding a language is data, not a change here). */
export type GuestLanguage = string;

/** A language Keepr knows (app_public.languages); guestFacing ones are offered to guests. */
export interface LanguageNode {
  code: string;
  englishName: string;
  ownName: string;
  guestFacing: boolean;
}

/** Every language Keepr knows (reference data: an INSERT adds one), for the console's language lists. */
export const allLanguages = operation<{ allLanguages: { nodes: Array<LanguageNode | null> } | null }>(
  "PropertyLanguages",
  `query PropertyLanguages { allLanguages(orderBy: CODE_ASC) { nodes { code englishName ownName guestFacing } } }`,
);

export type ChargePer = "night" | "stay";
export type PetsPolicy = "no" | "yes" | "on_request";
export type ParkingPolicy = "none" | "free" | "paid";
export type ParkingLocation = "on_site" | "nearby";
export type SmokingPolicy = "no" | "designated_areas";

/**
 * Where the property is and its policies (issue 22; the checks of
 * properties_location_check, _children_check, _pets_check, _parking_check,
 * _smoking_check): codes the guest app words; null is "not stated".
 * Amounts in minor units of the property's currency.
 */
export interface PropertyPlaceValues {
  latitude: number | null;
  longitude: number | null;
  childrenAllowed: boolean | null;
  childrenMinAge: number | null;
  petsPolicy: PetsPolicy | null;
  petFeeAmount: string | null;
  petFeePer: ChargePer | null;
  parkingPolicy: ParkingPolicy | null;
  parkingPriceAmount: string | null;
  parkingPricePer: ChargePer | null;
  parkingLocation: ParkingLocation | null;
  parkingReservationRequired: boolean | null;
  smokingPolicy: SmokingPolicy | null;
}

/** What a manager edits on the property page, as the save sends it. */
export interface PropertyContentValues extends PropertyPlaceValues {
  description: string | null;
  photoUrls: string[];
  amenities: string[];
  /** "HH:MM" or "HH:MM:SS", the property's local time. */
  checkInTime: string;
  checkOutTime: string;
  contactEmail: string | null;
  contactPhone: string | null;
  arrivalInstructions: string | null;
  language: GuestLanguage;
}

export interface PropertyContentNode extends PropertyContentValues {
  rowId: Uuid;
  currency: string;
  name: string;
  city: string;
  address: string | null;
  isPublished: boolean;
  stayoverCleanNights: number;
  updatedAt: Timestamp;
}

const contentFields = `rowId name city address currency isPublished description photoUrls amenities checkInTime checkOutTime contactEmail contactPhone
  arrivalInstructions language latitude longitude childrenAllowed childrenMinAge petsPolicy petFeeAmount petFeePer parkingPolicy
  parkingPriceAmount parkingPricePer parkingLocation parkingReservationRequired smokingPolicy stayoverCleanNights updatedAt`;

export const propertyContent = operation<{ propertyByRowId: PropertyContentNode | null }, { propertyId: Uuid }>(
  "PropertyContent",
  `query PropertyContent($propertyId: UUID!) { propertyByRowId(rowId: $propertyId) { ${contentFields} } }`,
);

/**
 * The content in one call (app_public.update_property_content): every field
 * at once, so a save is all or nothing; a refused field is INVALID_INPUT
 * with the field as its reason; expectedUpdatedAt (what the editor read)
 * makes a save after someone else's INVALID_TRANSITION (CHANGED), never a
 * silent overwrite.
 */
export const updatePropertyContent = operation<
  { updatePropertyContent: { result: PropertyContentNode | null } | null },
  PropertyContentValues & { propertyId: Uuid; expectedUpdatedAt: Timestamp }
>(
  "PropertyUpdateContent",
  `mutation PropertyUpdateContent($propertyId: UUID!, $expectedUpdatedAt: Datetime!, $description: String, $photoUrls: [String]!,
    $amenities: [String]!, $checkInTime: Time!, $checkOutTime: Time!, $contactEmail: String, $contactPhone: String,
    $arrivalInstructions: String, $language: String!, $latitude: Float, $longitude: Float, $childrenAllowed: Boolean, $childrenMinAge: Int,
    $petsPolicy: String, $petFeeAmount: BigInt, $petFeePer: String, $parkingPolicy: String, $parkingPriceAmount: BigInt,
    $parkingPricePer: String, $parkingLocation: String, $parkingReservationRequired: Boolean, $smokingPolicy: String) {
    updatePropertyContent(input: {propertyId: $propertyId, expectedUpdatedAt: $expectedUpdatedAt, description: $description,
      photoUrls: $photoUrls, amenities: $amenities, checkInTime: $checkInTime, checkOutTime: $checkOutTime,
      contactEmail: $contactEmail, contactPhone: $contactPhone, arrivalInstructions: $arrivalInstructions, language: $language,
      latitude: $latitude, longitude: $longitude, childrenAllowed: $childrenAllowed, childrenMinAge: $childrenMinAge,
      petsPolicy: $petsPolicy, petFeeAmount: $petFeeAmount, petFeePer: $petFeePer, parkingPolicy: $parkingPolicy,
      parkingPriceAmount: $parkingPriceAmount, parkingPricePer: $parkingPricePer, parkingLocation: $parkingLocation,
      parkingReservationRequired: $parkingReservationRequired, smokingPolicy: $smokingPolicy}) {
      result { ${contentFields} }
    }
  }`,
);

/** The property's description and arrival instructions in another language of the guest app (property_translations). */
export interface PropertyTranslationNode {
  language: GuestLanguage;
  description: string | null;
  arrivalInstructions: string | null;
  updatedAt: Timestamp;
}

const translationFields = "language description arrivalInstructions updatedAt";

export const propertyTranslations = operation<
  { propertyByRowId: { rowId: Uuid; language: GuestLanguage; propertyTranslationsByPropertyId: { nodes: Array<PropertyTranslationNode | null> } } | null },
  { propertyId: Uuid }
>(
  "PropertyTranslations",
  `query PropertyTranslations($propertyId: UUID!) {
    propertyByRowId(rowId: $propertyId) { rowId language propertyTranslationsByPropertyId { nodes { ${translationFields} } } }
  }`,
);

/**
 * One language's translation saved (app_public.set_property_translation):
 * blank texts are none, both blank removes it (result null); the property's
 * own language is INVALID_INPUT (LANGUAGE).
 */
export const setPropertyTranslation = operation<
  { setPropertyTranslation: { result: PropertyTranslationNode | null } | null },
  { propertyId: Uuid; language: GuestLanguage; description: string | null; arrivalInstructions: string | null }
>(
  "PropertySetTranslation",
  `mutation PropertySetTranslation($propertyId: UUID!, $language: String!, $description: String, $arrivalInstructions: String) {
    setPropertyTranslation(input: {propertyId: $propertyId, language: $language, description: $description, arrivalInstructions: $arrivalInstructions}) {
      result { ${translationFields} }
    }
  }`,
);

/** A room type's, rate plan's or fee's texts in another language of the guest app (room_type_translations, ...). */
export interface ItemTranslationNode {
  language: GuestLanguage;
  name: string | null;
  description?: string | null;
  updatedAt: Timestamp;
}
interface TranslatedNode {
  rowId: Uuid;
  name: string;
  translations: { nodes: Array<ItemTranslationNode | null> };
}

/** The property's room types, rate plans, fees and bookable extras with their translations, for the Translations section (issues 21 and 22). */
export const itemTranslations = operation<
  {
    allRoomTypes: { nodes: Array<(TranslatedNode & { description: string | null }) | null> } | null;
    allRatePlans: { nodes: Array<(TranslatedNode & { description: string | null; roomType: { name: string } | null }) | null> } | null;
    allFees: { nodes: Array<TranslatedNode | null> } | null;
    allFolioExtras: { nodes: Array<(TranslatedNode & { isBookable: boolean }) | null> } | null;
  },
  { propertyId: Uuid }
>(
  "PropertyItemTranslations",
  `query PropertyItemTranslations($propertyId: UUID!) {
    allRoomTypes(condition: {propertyId: $propertyId}, orderBy: NAME_ASC, first: 100) {
      nodes { rowId name description translations(first: 10) { nodes { language name description updatedAt } } }
    }
    allRatePlans(condition: {propertyId: $propertyId}, orderBy: NAME_ASC, first: 100) {
      nodes { rowId name description roomType { name } translations(first: 10) { nodes { language name description updatedAt } } }
    }
    allFees(condition: {propertyId: $propertyId}, orderBy: NAME_ASC, first: 100) {
      nodes { rowId name translations(first: 10) { nodes { language name updatedAt } } }
    }
    allFolioExtras(condition: {propertyId: $propertyId}, first: 100) {
      nodes { rowId name isBookable translations(first: 10) { nodes { language name updatedAt } } }
    }
  }`,
);

/** One room type's name and description in a language saved (set_room_type_translation): both blank removes it (null). */
export const setRoomTypeTranslation = operation<
  { setRoomTypeTranslation: { result: ItemTranslationNode | null } | null },
  { id: Uuid; language: GuestLanguage; name: string | null; description: string | null }
>(
  "PropertySetRoomTypeTranslation",
  `mutation PropertySetRoomTypeTranslation($id: UUID!, $language: String!, $name: String, $description: String) {
    setRoomTypeTranslation(input: {roomTypeId: $id, language: $language, name: $name, description: $description}) { result { language name description updatedAt } }
  }`,
);

/** One rate plan's name and description in a language saved (set_rate_plan_translation): both blank removes it (null). */
export const setRatePlanTranslation = operation<
  { setRatePlanTranslation: { result: ItemTranslationNode | null } | null },
  { id: Uuid; language: GuestLanguage; name: string | null; description: string | null }
>(
  "PropertySetRatePlanTranslation",
  `mutation PropertySetRatePlanTranslation($id: UUID!, $language: String!, $name: String, $description: String) {
    setRatePlanTranslation(input: {ratePlanId: $id, language: $language, name: $name, description: $description}) { result { language name description updatedAt } }
  }`,
);

/** One fee's name in a language saved (set_fee_translation): blank removes it (null). */
export const setFeeTranslation = operation<
  { setFeeTranslation: { result: ItemTranslationNode | null } | null },
  { id: Uuid; language: GuestLanguage; name: string | null }
>(
  "PropertySetFeeTranslation",
  `mutation PropertySetFeeTranslation($id: UUID!, $language: String!, $name: String) {
    setFeeTranslation(input: {feeId: $id, language: $language, name: $name}) { result { language name updatedAt } }
  }`,
);

/** One bookable extra's name in a language saved (set_extra_translation): blank removes it (null). */
export const setExtraTranslation = operation<
  { setExtraTranslation: { result: ItemTranslationNode | null } | null },
  { id: Uuid; language: GuestLanguage; name: string | null }
>(
  "PropertySetExtraTranslation",
  `mutation PropertySetExtraTranslation($id: UUID!, $language: String!, $name: String) {
    setExtraTranslation(input: {extraId: $id, language: $language, name: $name}) { result { language name updatedAt } }
  }`,
);

/** The stay-over cleaning policy (the housekeeping board's manager control). */
export const updateStayoverPolicy = updateRow<PropertyContentNode, { stayoverCleanNights: number }>("Property", "Property", contentFields, "StayoverPolicy");

/** The documents above, for the schema test. */
export const propertyDocuments = [
  propertyContent, updatePropertyContent, updateStayoverPolicy, propertyTranslations, setPropertyTranslation,
  itemTranslations, setRoomTypeTranslation, setRatePlanTranslation, setFeeTranslation, setExtraTranslation,
] as const;
