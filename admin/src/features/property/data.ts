// The property page's calls, added to the data provider (dataProvider.ts
// spreads them in): the property's guest-facing content, saved in one
// call (updatePropertyContent), and the stay-over cleaning policy.
import type { Timestamp, Uuid } from "../../platform/documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { ApiError } from "../../platform/graphql.ts";
import { notFound, notReturned, type RequestOptions } from "../../platform/results.ts";
import {
  allLanguages, type LanguageNode,
  itemTranslations, propertyContent, propertyTranslations, setExtraTranslation, setFeeTranslation, setPropertyTranslation, setRatePlanTranslation, setRoomTypeTranslation,
  updatePropertyContent, updateStayoverPolicy,
  type GuestLanguage, type ItemTranslationNode, type PropertyContentNode, type PropertyContentValues, type PropertyTranslationNode,
} from "./documents.ts";

/** What the Translations section translates besides the property: its room types, rate plans, fees and the extras guests book. */
export type TranslatedKind = "roomType" | "ratePlan" | "fee" | "extra";
export interface TranslatedItem {
  kind: TranslatedKind;
  rowId: Uuid;
  /** Its own name, and for a rate plan its room type's ("Double · Flexible"). */
  label: string;
  name: string;
  /** Its own description; undefined for a fee or an extra (they have none). */
  description?: string | null;
  translations: ItemTranslationNode[];
}

export interface PropertyMethods {
  /** The languages Keepr knows (allLanguages), by English name. */
  languages(options?: RequestOptions): Promise<LanguageNode[]>;
  propertyContent(params: { propertyId: Uuid }, options?: RequestOptions): Promise<PropertyContentNode>;
  /**
   * Saves every content field in one call (owners and managers; others:
   * ACCESS_DENIED). expectedUpdatedAt: the property's updatedAt as the
   * editor read it; saved by someone else since: INVALID_TRANSITION (CHANGED).
   */
  savePropertyContent(params: { propertyId: Uuid; expectedUpdatedAt: Timestamp; values: PropertyContentValues }): Promise<PropertyContentNode>;
  /** Clean an occupied unit every `nights` nights of a stay (0: off). */
  setStayoverPolicy(params: { propertyId: Uuid; nights: number }): Promise<PropertyContentNode>;
  /** The property's own language and its translations into the guest app's others. */
  propertyTranslations(params: { propertyId: Uuid }, options?: RequestOptions): Promise<{ language: GuestLanguage; translations: PropertyTranslationNode[] }>;
  /** Saves one language's translation (owners and managers); both texts blank removes it (null). */
  setPropertyTranslation(params: { propertyId: Uuid; language: GuestLanguage; description: string | null; arrivalInstructions: string | null }): Promise<PropertyTranslationNode | null>;
  /** The property's room types, rate plans and fees (by name), each with its translations. */
  itemTranslations(params: { propertyId: Uuid }, options?: RequestOptions): Promise<TranslatedItem[]>;
  /** Saves one item's translation in one language (owners and managers); all blank removes it (null). */
  setItemTranslation(params: { kind: TranslatedKind; id: Uuid; language: GuestLanguage; name: string | null; description: string | null }): Promise<ItemTranslationNode | null>;
}

const present = <T>(nodes: Array<T | null> | undefined): T[] => (nodes ?? []).filter((n): n is T => n !== null);

/**
 * An update the update_manager policy filtered out answers a null row
 * (PostGraphile's behaviour for updates): nothing was changed.
 */
const refused = () => new ApiError("Nothing was saved: only the property's owners and managers change it.", 403, { code: "FORBIDDEN" });

export function createPropertyMethods(client: GraphQLClient): PropertyMethods {
  return {
    async languages(options = {}) {
      const data = await client.request(allLanguages, {}, options);
      return present(data.allLanguages?.nodes).sort((a, b) => a.englishName.localeCompare(b.englishName, "en"));
    },
    async propertyContent({ propertyId }, options = {}) {
      const data = await client.request(propertyContent, { propertyId }, options);
      if (!data.propertyByRowId) throw notFound("property");
      return data.propertyByRowId;
    },
    async savePropertyContent({ propertyId, expectedUpdatedAt, values }) {
      const data = await client.request(updatePropertyContent, { propertyId, expectedUpdatedAt, ...values });
      if (!data.updatePropertyContent?.result) throw notReturned("property");
      return data.updatePropertyContent.result;
    },
    async setStayoverPolicy({ propertyId, nights }) {
      const data = await client.request(updateStayoverPolicy, { id: propertyId, patch: { stayoverCleanNights: nights } });
      if (!data.saved?.row) throw refused();
      return data.saved.row;
    },
    async propertyTranslations({ propertyId }, options = {}) {
      const data = await client.request(propertyTranslations, { propertyId }, options);
      if (!data.propertyByRowId) throw notFound("property");
      const translations = data.propertyByRowId.propertyTranslationsByPropertyId.nodes.filter((n): n is PropertyTranslationNode => n !== null);
      return { language: data.propertyByRowId.language, translations };
    },
    async setPropertyTranslation(params) {
      const data = await client.request(setPropertyTranslation, params);
      return data.setPropertyTranslation?.result ?? null;
    },
    async itemTranslations({ propertyId }, options = {}) {
      const data = await client.request(itemTranslations, { propertyId }, options);
      return [
        ...present(data.allRoomTypes?.nodes).map((n) => ({
          kind: "roomType" as const, rowId: n.rowId, label: n.name, name: n.name, description: n.description, translations: present(n.translations.nodes),
        })),
        ...present(data.allRatePlans?.nodes).map((n) => ({
          kind: "ratePlan" as const, rowId: n.rowId, label: n.roomType ? `${n.roomType.name} · ${n.name}` : n.name, name: n.name, description: n.description,
          translations: present(n.translations.nodes),
        })),
        ...present(data.allFees?.nodes).map((n) => ({ kind: "fee" as const, rowId: n.rowId, label: n.name, name: n.name, translations: present(n.translations.nodes) })),
        // Only the extras guests book: the desk's own charges are never shown to guests.
        ...present(data.allFolioExtras?.nodes).filter((n) => n.isBookable).sort((a, b) => a.name.localeCompare(b.name)).map((n) => ({ kind: "extra" as const, rowId: n.rowId, label: n.name, name: n.name, translations: present(n.translations.nodes) })),
      ];
    },
    async setItemTranslation({ kind, id, language, name, description }) {
      switch (kind) {
        case "roomType":
          return (await client.request(setRoomTypeTranslation, { id, language, name, description })).setRoomTypeTranslation?.result ?? null;
        case "ratePlan":
          return (await client.request(setRatePlanTranslation, { id, language, name, description })).setRatePlanTranslation?.result ?? null;
        case "fee":
          return (await client.request(setFeeTranslation, { id, language, name })).setFeeTranslation?.result ?? null;
        case "extra":
          return (await client.request(setExtraTranslation, { id, language, name })).setExtraTranslation?.result ?? null;
      }
    },
  };
}
