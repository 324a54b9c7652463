// The Guests screens' calls, added to the data provider (dataProvider.ts
// spreads them in). updateGuest, mergeGuests and undoGuestMerge take no idempotency key:
// the first writes the same values again as a no-op, the second answers a
// merge that is done with the kept profile (app_public.merge_guests).
import type { Uuid } from "../../platform/documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { missing, notFound, pageOf, paged, type Paged, type Paging, type RequestOptions } from "../../platform/results.ts";
import { guestProfile, mergeGuests, searchGuests, undoGuestMerge, updateGuest, type GuestProfileNode, type GuestRowNode, type GuestValues } from "./documents.ts";

export interface GuestsMethods {
  /** A page of the property's guest profiles by name, searched by name, email, phone or a booking's code. */
  searchGuests(params: Paging & { propertyId: Uuid; search: string | null }, options?: RequestOptions): Promise<Paged<GuestRowNode>>;
  guestProfile(params: { id: Uuid }, options?: RequestOptions): Promise<GuestProfileNode>;
  updateGuest(params: GuestValues & { guestId: Uuid }): Promise<GuestProfileNode>;
  mergeGuests(params: { keepGuestId: Uuid; mergeGuestId: Uuid }): Promise<GuestProfileNode>;
  /** Undoes a merge; answers with the profile brought back. */
  undoGuestMerge(params: { mergeId: Uuid }): Promise<{ rowId: Uuid; fullName: string; email: string | null }>;
}

export function createGuestsMethods(client: GraphQLClient): GuestsMethods {
  return {
    async searchGuests({ propertyId, search, ...paging }, options = {}) {
      const trimmed = search?.trim() ?? "";
      const data = await client.request(searchGuests, { propertyId, search: trimmed === "" ? null : trimmed, ...pageOf(paging) }, options);
      return paged(data.searchGuests);
    },
    async guestProfile({ id }, options = {}) {
      const data = await client.request(guestProfile, { id }, options);
      if (!data.guestByRowId) throw notFound("guest");
      return data.guestByRowId;
    },
    async updateGuest(params) {
      const data = await client.request(updateGuest, params);
      if (!data.updateGuest?.result) throw missing("the guest");
      return data.updateGuest.result;
    },
    async mergeGuests(params) {
      const data = await client.request(mergeGuests, params);
      if (!data.mergeGuests?.result) throw missing("the kept guest");
      return data.mergeGuests.result;
    },
    async undoGuestMerge(params) {
      const data = await client.request(undoGuestMerge, params);
      if (!data.undoGuestMerge?.result) throw missing("the restored guest");
      return data.undoGuestMerge.result;
    },
  };
}
