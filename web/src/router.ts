// A tiny router over the History API: the app has five pages (the server
// answers index.html for exactly these paths, server/web.ts). After each
// navigation the new page's heading takes the focus and the document title
// changes, so screen readers announce the page and keyboard users start at
// its top.
import { useEffect, useSyncExternalStore } from "react";

export type Path = "/" | "/book" | "/confirmation" | "/manage" | "/account";
export const paths: readonly Path[] = ["/", "/book", "/confirmation", "/manage", "/account"];

export interface Location {
  path: Path | null;
  params: URLSearchParams;
}

const listeners = new Set<() => void>();
let snapshot = currentLocation();

function currentLocation(): Location {
  const p = window.location.pathname.replace(/\/+$/, "") || "/";
  return { path: (paths as readonly string[]).includes(p) ? (p as Path) : null, params: new URLSearchParams(window.location.search) };
}

function notify(): void {
  snapshot = currentLocation();
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", () => {
  notify();
  focusPending = true;
});

let focusPending = false;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  focusPending = !options.replace;
  if (!options.replace) window.scrollTo(0, 0);
  notify();
}

export function useLocation(): Location {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
  );
}

export function href(path: Path, params?: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * Sets the document title, and after a navigation moves the focus to the
 * element with id "page-heading" (the page's h1, tabIndex -1).
 */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Keepr`;
    if (focusPending) {
      focusPending = false;
      document.getElementById("page-heading")?.focus();
    }
  }, [title]);
}

/** A link that navigates in the app (plain clicks) and stays a real link (new tab, copy). */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute("href") ?? "/");
}
