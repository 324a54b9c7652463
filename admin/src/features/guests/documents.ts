// The Guests screens' GraphQL (issue 21): the property's guest profiles
// searched in the database (searchGuests), a profile with its stays, spend,
// likely duplicates and merges, editing it (updateGuest) and merging two
// (mergeGuests). Written by hand against server/schema.graphql like the other
// documents, and checked against it by tests/api/admin_guests_documents.test.ts.
// No DOM or React here.
import { operation, type IsoDate, type MinorUnits, type ReservationStatus, type Timestamp, type Uuid } from "../../platform/documents.ts";

/** A profile as the Guests list shows it. */
export interface GuestRowNode {
  rowId: Uuid;
  fullName: string;
  email: string;
  phone: string | null;
  isVip: boolean;
  staysCount: number;
  updatedAt: Timestamp;
}

const guestRowFields = "rowId fullName email phone isVip staysCount updatedAt";

export const searchGuests = operation<
  { searchGuests: { totalCount: number; nodes: Array<GuestRowNode | null> } | null },
  { propertyId: Uuid; search: string | null; first: number; offset: number }
>(
  "SearchGuests",
  `query SearchGuests($propertyId: UUID!, $search: String, $first: Int!, $offset: Int!) {
    searchGuests(propertyId: $propertyId, search: $search, first: $first, offset: $offset, orderBy: [FULL_NAME_ASC, PRIMARY_KEY_ASC]) {
      totalCount
      nodes { ${guestRowFields} }
    }
  }`,
);

/** One of the guest's bookings on the profile. */
export interface GuestStayNode {
  rowId: Uuid;
  confirmationCode: string | null;
  status: ReservationStatus;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  currency: string;
  totalAmount: MinorUnits;
  unit: { name: string } | null;
  roomType: { name: string } | null;
}

/** A profile merged into this one (guest_merges). */
export interface GuestMergeNode {
  rowId: Uuid;
  mergedGuestId: Uuid;
  /** The merged profile's values as they were (snake_case, as stored). */
  mergedGuest: { full_name?: string; email?: string; phone?: string | null };
  reservationIds: Array<Uuid | null>;
  createdAt: Timestamp;
  mergedByUser: { displayName: string } | null;
  /** Set when the merge was undone (undoGuestMerge). */
  undo: { createdAt: Timestamp; undoneByUser: { displayName: string } | null; reservationIds: Array<Uuid | null> } | null;
}

export interface GuestProfileNode extends GuestRowNode {
  propertyId: Uuid;
  preferences: string | null;
  notes: string | null;
  createdAt: Timestamp;
  updatedByUser: { displayName: string } | null;
  nightsCount: number;
  /** What the guest was charged here, in minor units of the property's currency (null: not the property's cashier). */
  totalSpend: MinorUnits | null;
  duplicatesList: Array<GuestRowNode | null>;
  mergesList: Array<GuestMergeNode | null>;
  reservations: { nodes: Array<GuestStayNode | null> };
}

const guestProfileFields = `${guestRowFields} propertyId preferences notes createdAt
  updatedByUser { displayName }
  nightsCount totalSpend
  duplicatesList { ${guestRowFields} }
  mergesList { rowId mergedGuestId mergedGuest reservationIds createdAt mergedByUser { displayName } undo { createdAt undoneByUser { displayName } reservationIds } }
  reservations(first: 200, orderBy: [ARRIVAL_DESC, PRIMARY_KEY_ASC]) {
    nodes { rowId confirmationCode status arrival departure nights currency totalAmount unit { name } roomType { name } }
  }`;

export const guestProfile = operation<{ guestByRowId: GuestProfileNode | null }, { id: Uuid }>(
  "GuestProfile",
  `query GuestProfile($id: UUID!) {
    guestByRowId(rowId: $id) { ${guestProfileFields} }
  }`,
);

export interface GuestValues {
  fullName: string;
  email: string;
  phone: string | null;
  isVip: boolean;
  preferences: string | null;
  notes: string | null;
}

export const updateGuest = operation<{ updateGuest: { result: GuestProfileNode | null } | null }, GuestValues & { guestId: Uuid }>(
  "UpdateGuest",
  `mutation UpdateGuest($guestId: UUID!, $fullName: String!, $email: String!, $phone: String, $isVip: Boolean!, $preferences: String, $notes: String) {
    updateGuest(input: {guestId: $guestId, fullName: $fullName, email: $email, phone: $phone, isVip: $isVip, preferences: $preferences, notes: $notes}) {
      result { ${guestProfileFields} }
    }
  }`,
);

export const mergeGuests = operation<{ mergeGuests: { result: GuestProfileNode | null } | null }, { keepGuestId: Uuid; mergeGuestId: Uuid }>(
  "MergeGuests",
  `mutation MergeGuests($keepGuestId: UUID!, $mergeGuestId: UUID!) {
    mergeGuests(input: {keepGuestId: $keepGuestId, mergeGuestId: $mergeGuestId}) {
      result { ${guestProfileFields} }
    }
  }`,
);

/** Undoes a merge: answers with the profile brought back (its id, to open it). */
export const undoGuestMerge = operation<{ undoGuestMerge: { result: { rowId: Uuid; fullName: string; email: string | null } | null } | null }, { mergeId: Uuid }>(
  "UndoGuestMerge",
  `mutation UndoGuestMerge($mergeId: UUID!) {
    undoGuestMerge(input: {mergeId: $mergeId}) {
      result { rowId fullName email }
    }
  }`,
);

/** The documents above, for the schema test. */
export const guestsDocuments = [searchGuests, guestProfile, updateGuest, mergeGuests, undoGuestMerge] as const;

/** The Guests mutations: the API gives them no idempotency key (writing the same again changes nothing; a merge or an undo done is answered again). */
export const guestsUnkeyedMutations = ["updateGuest", "mergeGuests", "undoGuestMerge"] as const;
