// The property page's calls, added to the data provider (dataProvider.ts
// spreads them in): the property's guest-facing content, saved in one
// call (updatePropertyContent), and the stay-over cleaning policy.
import type { Timestamp, Uuid } from "../../platform/documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { ApiError } from "../../platform/graphql.ts";
import { notFound, notReturned, type RequestOptions } from "../../platform/results.ts";
import {
  propertyContent, propertyTranslations, setPropertyTranslation, updatePropertyContent, updateStayoverPolicy,
  type GuestLanguage, type PropertyContentNode, type PropertyContentValues, type PropertyTranslationNode,
} from "./documents.ts";

export interface PropertyMethods {
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
}

/**
 * An update the update_manager policy filtered out answers a null row
 * (PostGraphile's behaviour for updates): nothing was changed.
 */
const refused = () => new ApiError("Nothing was saved: only the property's owners and managers change it.", 403, { code: "FORBIDDEN" });

export function createPropertyMethods(client: GraphQLClient): PropertyMethods {
  return {
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
  };
}
