// The property page's GraphQL operations: the guest-facing content of a
// property (description, photos, amenities, times, contact, arrival
// instructions, language) and its housekeeping policy, read with
// propertyByRowId and saved in one updatePropertyByRowId (the column grants
// and the update_manager policy of app_public.properties: owners and
// managers). Written by hand against server/schema.graphql and checked
// against it by tests/api/admin_property_documents.test.ts. No DOM or React.
import { operation, updateRow, type Timestamp, type Uuid } from "../../platform/documents.ts";

/** The languages guests are written to in (properties_language_check). */
export type GuestLanguage = "en" | "pt" | "de" | "fr" | "es";

/** What a manager edits on the property page. */
export interface PropertyContentValues {
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
  name: string;
  city: string;
  address: string | null;
  isPublished: boolean;
  stayoverCleanNights: number;
  updatedAt: Timestamp;
}

const contentFields = `rowId name city address isPublished description photoUrls amenities checkInTime checkOutTime contactEmail contactPhone
  arrivalInstructions language stayoverCleanNights updatedAt`;

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
    $arrivalInstructions: String, $language: String!) {
    updatePropertyContent(input: {propertyId: $propertyId, expectedUpdatedAt: $expectedUpdatedAt, description: $description,
      photoUrls: $photoUrls, amenities: $amenities, checkInTime: $checkInTime, checkOutTime: $checkOutTime,
      contactEmail: $contactEmail, contactPhone: $contactPhone, arrivalInstructions: $arrivalInstructions, language: $language}) {
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

/** The stay-over cleaning policy (the housekeeping board's manager control). */
export const updateStayoverPolicy = updateRow<PropertyContentNode, { stayoverCleanNights: number }>("Property", "Property", contentFields, "StayoverPolicy");

/** The documents above, for the schema test. */
export const propertyDocuments = [propertyContent, updatePropertyContent, updateStayoverPolicy, propertyTranslations, setPropertyTranslation] as const;
