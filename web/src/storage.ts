// What must survive a page refresh, in sessionStorage (this tab only; gone
// when it closes): the booking in progress, with the idempotency keys of
// its steps, so a refresh resumes it instead of booking again, and the
// hold with its hold token (the secret confirmBooking asks for: kept here,
// never in the URL); and the booking token of the stay being managed
// (valid 2 hours).
import type { KeyedInput } from "./keys.ts";
import type { Booking, GroupHold, GroupQuote, GroupRoom, GuestDetails, Hold, Quote, StayVariables } from "./documents.ts";

export interface CardToken {
  id: string;
  brand: string;
  last4: string;
}

/** A booking in progress, for one stay (rate plan, dates, guests). */
export interface Draft {
  stay: StayVariables;
  quote?: Quote;
  holdKey?: KeyedInput;
  /** The hold, with its holdToken: confirmBooking needs it, a refresh keeps it. */
  hold?: Hold;
  /** Seconds the server's clock is ahead of the browser's (from the hold's answer). */
  clockSkew?: number;
  /** The details as confirmed (trimmed), with the confirmation's key. */
  details?: GuestDetails;
  /** The details as typed so far on the details step: a refresh keeps them (never the card, which is typed in the provider's frame). */
  typed?: GuestDetails;
  confirmKey?: KeyedInput;
  booking?: Booking;
  card?: CardToken;
}

/** A confirmed booking this tab may manage: the confirmation page and the manage page read it. */
export interface Session {
  code: string;
  email: string;
  token: string;
  /** When the token stops working (ms since the epoch). */
  expiresAt: number;
  reservationId: string;
  /** Idempotency keys of payment steps, by intent id or "attach". */
  payKeys?: Record<string, KeyedInput>;
  card?: CardToken;
}

const draftKey = "keepr.draft";
const sessionKey = "keepr.booking";
const groupDraftKey = "keepr.groupDraft";
const groupSessionKey = "keepr.group";

function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the page still works, it just will not survive a refresh.
  }
}

const sameStay = (a: StayVariables, b: StayVariables) =>
  a.ratePlanId === b.ratePlanId && a.arrival === b.arrival && a.departure === b.departure && a.adults === b.adults && a.children === b.children
  && (a.childAges ?? []).join(",") === (b.childAges ?? []).join(",");

/** The draft of this stay, if the tab has one. */
export function loadDraft(stay: StayVariables): Draft | null {
  const draft = read<Draft>(draftKey);
  return draft && sameStay(draft.stay, stay) ? draft : null;
}

export function saveDraft(draft: Draft | null): void {
  write(draftKey, draft);
}

export function loadSession(): Session | null {
  const session = read<Session>(sessionKey);
  return session && session.expiresAt > Date.now() ? session : null;
}

export function saveSession(session: Session | null): void {
  write(sessionKey, session);
}

/** The expiry of a JWT (ms), or two hours from now when it cannot be read. */
export function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    if (typeof payload.exp === "number") return payload.exp * 1000;
  } catch {
    // fall through
  }
  return Date.now() + 2 * 60 * 60 * 1000;
}

/** Several rooms of one stay, as the guest chose them (the URL says the same: /book?property=…&rooms=…). */
export interface GroupStay {
  propertyId: string;
  arrival: string;
  departure: string;
  rooms: GroupRoom[];
}

/** The booker's details and who sleeps in each room (optional; the booker's name stands otherwise). */
export interface GroupDetails extends GuestDetails {
  guestNames: string[];
}

/** A multi-room booking in progress: like Draft, for a group (quoteGroup, createGroupHold, confirmGroup). */
export interface GroupDraft {
  stay: GroupStay;
  quote?: GroupQuote;
  holdKey?: KeyedInput;
  hold?: GroupHold;
  clockSkew?: number;
  typed?: GroupDetails;
  details?: GroupDetails;
  confirmKey?: KeyedInput;
  bookings?: Booking[];
  card?: CardToken;
}

/**
 * A confirmed group this tab may manage: the group token (lookupBooking with
 * the group code) reads the group and its rooms and changes or cancels them;
 * each room's own booking token (its code and the booker's email) reads and
 * pays that room's payments, which the group token cannot read.
 */
export interface GroupSession {
  groupId: string;
  groupCode: string;
  email: string;
  token: string;
  expiresAt: number;
  /** Each room's session, in room order (filled once the rooms are confirmed). */
  rooms: Session[];
  card?: CardToken;
}

const sameGroupStay = (a: GroupStay, b: GroupStay) => JSON.stringify(a) === JSON.stringify(b);

export function loadGroupDraft(stay: GroupStay): GroupDraft | null {
  const draft = read<GroupDraft>(groupDraftKey);
  return draft && sameGroupStay(draft.stay, stay) ? draft : null;
}

export function saveGroupDraft(draft: GroupDraft | null): void {
  write(groupDraftKey, draft);
}

export function loadGroupSession(): GroupSession | null {
  const session = read<GroupSession>(groupSessionKey);
  return session && session.expiresAt > Date.now() ? session : null;
}

export function saveGroupSession(session: GroupSession | null): void {
  write(groupSessionKey, session);
}

/**
 * The signed-in guest account (completeGuestSignIn): its token, in
 * localStorage so every tab of this browser is signed in, until the token
 * expires or the guest signs out (logout revokes the session on the server
 * too). Nothing else of the account is kept here: pages read it from the API.
 */
export interface AccountSession {
  token: string;
  /** When the token stops working (ms since the epoch). */
  expiresAt: number;
}

const accountKey = "keepr.account";

export function loadAccount(): AccountSession | null {
  try {
    const raw = localStorage.getItem(accountKey);
    const account = raw ? (JSON.parse(raw) as AccountSession) : null;
    return account && typeof account.token === "string" && account.expiresAt > Date.now() ? account : null;
  } catch {
    return null;
  }
}

export function saveAccount(account: AccountSession | null): void {
  try {
    if (account === null) localStorage.removeItem(accountKey);
    else localStorage.setItem(accountKey, JSON.stringify(account));
  } catch {
    // Storage disabled: signed in for this page only.
  }
}
