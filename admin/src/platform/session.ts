// What the console keeps in the browser: the session token the API's login
// returned (localStorage, so every tab of the console shares one session
// and a reload keeps it) and the property the user is working on. The API
// verifies the token on every request; reading its expiry here only spares
// a round trip to find out it has lapsed.

const tokenKey = "keepr.admin.token";
const propertyKey = "keepr.admin.property";

export interface TokenClaims {
  role?: string;
  sub?: string;
  exp?: number;
}

/** The claims of a JWT, unverified (the server verifies); null when it is not one. */
export function decodeToken(token: string): TokenClaims | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === "object" ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return localStorage.getItem(tokenKey);
}

export function setToken(token: string): void {
  localStorage.setItem(tokenKey, token);
}

export function clearToken(): void {
  localStorage.removeItem(tokenKey);
}

/** Whether a token is present and not past its expiry (with a minute of slack for clock skew). */
export function hasLiveToken(now = Date.now()): boolean {
  const token = getToken();
  if (!token) return false;
  const exp = decodeToken(token)?.exp;
  return typeof exp === "number" && exp * 1000 > now - 60_000;
}

// The selected property: a tiny external store, so React components
// (useSyncExternalStore) and the auth provider (canAccess) read the same value.
const listeners = new Set<() => void>();

let selectedPropertyId: string | null = localStorage.getItem(propertyKey);

export function getSelectedPropertyId(): string | null {
  return selectedPropertyId;
}

export function setSelectedPropertyId(propertyId: string): void {
  if (selectedPropertyId === propertyId) return;
  selectedPropertyId = propertyId;
  localStorage.setItem(propertyKey, propertyId);
  for (const listener of listeners) listener();
}

/** Changes in this tab only: another tab may work on another property (it starts from the last choice on reload). */
export function subscribeSelectedProperty(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
