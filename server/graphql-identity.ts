// Who a GraphQL request is, for the plugins that run before or around
// PostGraphile (the caches, the guest lane): the role and claims the auth
// middleware in server/http.ts gave it, from its bearer token.
import type { Request } from "express";

/** The request's settings (core/auth.ts pgSettingsFor); keepr_anonymous's when the auth middleware did not run. */
export function pgSettingsOf(requestContext: Partial<Grafast.RequestContext>): Record<string, string> {
  return (requestContext.expressv4?.req as Request | undefined)?.pgSettings ?? { role: "keepr_anonymous" };
}
