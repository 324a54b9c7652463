// react-admin's auth provider over the API's login and logout mutations.
// The token login returns is the session (7 days, revoked by logout);
// identity and permissions come from `currentUser` and its property
// memberships, so the console knows the user's role at each property.
import type { AuthProvider, UserIdentity } from "react-admin";
import { roleAllows } from "./access.ts";
import { currentStaff, login, logout, type StaffRole, type Uuid } from "./documents.ts";
import { ApiError, type GraphQLClient } from "./graphql.ts";
import { clearToken, getSelectedPropertyId, getToken, hasLiveToken, setSelectedPropertyId, setToken } from "./session.ts";

export interface Membership {
  propertyId: Uuid;
  propertyName: string;
  kind: "hotel" | "vacation_rental";
  timeZone: string;
  currency: string;
  role: StaffRole;
  /** Open to guests (a property being set up is not). */
  isPublished: boolean;
  /** Its units: the main property is the largest. */
  unitCount: number;
}

/** What getPermissions returns: who the user is and their role at each of their properties. */
export interface StaffPermissions {
  userId: Uuid;
  email: string;
  displayName: string;
  memberships: Membership[];
}

/**
 * The property a user starts on (issue 21): their main one, published before
 * one being set up, then the largest, then by name — an owner of a hotel and
 * an unpublished one-unit annex starts at the hotel.
 */
export function homeMembership(memberships: readonly Membership[]): Membership | undefined {
  return [...memberships].sort((a, b) =>
    Number(b.isPublished) - Number(a.isPublished) || b.unitCount - a.unitCount || a.propertyName.localeCompare(b.propertyName))[0];
}

/** The membership the console works on: the one selected, else the user's home property. */
export function currentMembership(permissions: StaffPermissions | undefined, selectedId: string | null = getSelectedPropertyId()): Membership | undefined {
  if (!permissions) return undefined;
  return permissions.memberships.find((m) => m.propertyId === selectedId) ?? homeMembership(permissions.memberships);
}

export class NotStaffError extends Error {
  constructor() {
    super("This account is not staff at any property. The console is for property staff; guests manage their bookings on the booking site.");
    this.name = "NotStaffError";
  }
}

export interface KeeprAuthProvider extends AuthProvider {
  getPermissions: () => Promise<StaffPermissions>;
}

export function createAuthProvider(client: GraphQLClient): KeeprAuthProvider {
  // One currentUser request per session token, shared by identity, permissions and access checks.
  let cache: { token: string; staff: Promise<StaffPermissions> } | null = null;

  async function fetchStaff(): Promise<StaffPermissions> {
    const data = await client.request(currentStaff, {});
    const user = data.currentUser;
    if (!user) throw new ApiError("Your session has ended; sign in again.", 401, { code: "LOGIN_REQUIRED" });
    const memberships = user.propertyMembershipsByUserId.nodes.flatMap((node): Membership[] => {
      const property = node?.propertyByPropertyId;
      return node && property
        ? [{
            propertyId: property.rowId, propertyName: property.name, kind: property.kind, timeZone: property.timeZone, currency: property.currency,
            role: node.role, isPublished: property.isPublished, unitCount: property.unitsByPropertyId.totalCount,
          }]
        : [];
    });
    memberships.sort((a, b) => a.propertyName.localeCompare(b.propertyName));
    return { userId: user.rowId, email: user.email, displayName: user.displayName, memberships };
  }

  function staff(): Promise<StaffPermissions> {
    const token = getToken();
    if (!token) return Promise.reject(new ApiError("Sign in to use the console.", 401, { code: "LOGIN_REQUIRED" }));
    if (cache?.token !== token) {
      const promise = fetchStaff();
      cache = { token, staff: promise };
      promise.catch(() => {
        if (cache?.staff === promise) cache = null;
      });
    }
    return cache.staff;
  }

  return {
    async login({ username, password }: { username: string; password: string }) {
      // A stale token would make the API refuse the login request itself (401).
      clearToken();
      cache = null;
      const data = await client.request(login, { email: username.trim(), password });
      const token = data.login?.result;
      if (!token) throw new Error("Incorrect email or password.");
      setToken(token);
      const permissions = await staff().catch(async (error: unknown) => {
        clearToken();
        throw error;
      });
      if (permissions.memberships.length === 0) {
        await client.request(logout, {}).catch(() => undefined);
        clearToken();
        cache = null;
        throw new NotStaffError();
      }
      // A sign-in starts at the user's home property, whatever the browser
      // last worked on (another user's choice, on a shared desk computer).
      const home = homeMembership(permissions.memberships);
      if (home) setSelectedPropertyId(home.propertyId);
      return { redirectTo: "/" };
    },

    async logout() {
      if (getToken()) {
        // Ends the session server-side; if the server cannot be reached the
        // token is still dropped here, and it expires on its own.
        await client.request(logout, {}).catch(() => undefined);
      }
      clearToken();
      cache = null;
    },

    async checkAuth() {
      if (!hasLiveToken()) {
        clearToken();
        cache = null;
        throw new Error("Your session has ended; sign in again.");
      }
    },

    async checkError(error: unknown) {
      const status = (error as { status?: unknown } | null)?.status;
      if (status === 401) {
        clearToken();
        cache = null;
        throw error instanceof Error ? error : new Error("Your session has ended; sign in again.");
      }
      // 403 and the rest: the user stays signed in and sees the message.
    },

    async getIdentity(): Promise<UserIdentity> {
      const permissions = await staff();
      return { id: permissions.userId, fullName: permissions.displayName, email: permissions.email };
    },

    getPermissions: staff,

    async canAccess({ resource, action, record }: { resource: string; action: string; record?: Record<string, unknown> }) {
      const permissions = await staff();
      // A record is judged by the user's role at its own property, anything else by the selected property.
      const recordProperty = typeof record?.propertyId === "string" ? record.propertyId : undefined;
      const membership = recordProperty
        ? permissions.memberships.find((m) => m.propertyId === recordProperty)
        : currentMembership(permissions);
      return roleAllows(membership?.role, resource, action);
    },
  };
}
