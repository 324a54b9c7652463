// HTTP caching of public GraphQL queries. Queries may be sent as
// GET /graphql?query=…&variables=… (GraphQL over HTTP; mutations over GET
// are refused with 405). An anonymous GET (core/auth.ts isAnonymous: no
// Authorization header, or the public anonymous key) that
// answers without errors is the same for every visitor: it is sent with
// `Cache-Control: public, max-age=30, stale-while-revalidate=60` and a
// strong ETag of its body (searches and quotes, which the search cache
// answers and the WAL makes stale at any moment: `public, no-cache`, so a
// shared cache revalidates each time: server/graphql-search-cache.ts), and a request whose If-None-Match matches gets
// 304 without a body. Anything sent with a session or booking token is `private, no-store`,
// and so is any answer with errors. The guest app sends its searches this
// way (web/src/api.ts), so browsers and any shared cache in front of Keepr
// answer repeated searches without reaching Postgres. POST is never cached.
import { createHash } from "node:crypto";
import { isAnonymous } from "../core/auth.ts";
import { pgSettingsOf } from "./graphql-identity.ts";

/** Set by the search cache on every search and quote answer (server/graphql-search-cache.ts). */
export const cacheHeader = "x-keepr-cache";

export interface PublicQueryCacheOptions {
  /** Seconds a public answer is fresh. */
  maxAgeSeconds?: number;
  /** Seconds a stale answer may still be used while it is revalidated. */
  staleWhileRevalidateSeconds?: number;
}

/**
 * Whether a GraphQL response body carries errors (then it is not cached).
 * A body without the text "errors" has none (a key is always quoted, and a
 * quote inside a string is escaped): most answers are told apart without
 * parsing them.
 */
export function hasErrors(body: Buffer): boolean {
  if (!body.includes('"errors"')) return false;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: unknown[] };
    return Array.isArray(parsed.errors) && parsed.errors.length > 0;
  } catch {
    return true;
  }
}

/** Whether an If-None-Match header names this ETag (or is *). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/**
 * Whether an answer's body carries errors, worked out once per body: the
 * search cache answers every hit with the very buffer it keeps, and three
 * plugins ask (this one, the retry in graphql.ts, the metrics' error codes),
 * so a hit is checked once in the process's life and a computed answer once.
 * Weak: an entry goes with its buffer (a body is never changed once made).
 */
const bodyErrors = new WeakMap<Buffer, boolean>();
export function answerHasErrors(body: Buffer): boolean {
  let errors = bodyErrors.get(body);
  if (errors === undefined) {
    errors = hasErrors(body);
    bodyErrors.set(body, errors);
  }
  return errors;
}

/** A body's strong ETag, hashed once per body (a search cache hit sends the same buffer every time). */
const bodyEtags = new WeakMap<Buffer, string>();
function etagOf(body: Buffer): string {
  let etag = bodyEtags.get(body);
  if (etag === undefined) {
    etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    bodyEtags.set(body, etag);
  }
  return etag;
}

export function makePublicQueryCachePlugin(options: PublicQueryCacheOptions = {}): GraphileConfig.Plugin {
  const maxAge = options.maxAgeSeconds ?? 30;
  const swr = options.staleWhileRevalidateSeconds ?? 60;
  return {
    name: "KeeprPublicQueryCachePlugin",
    version: "1.0.0",
    grafserv: {
      middleware: {
        async processRequest(next, event) {
          const result = await next();
          const request = event.requestDigest;
          if (request.method !== "GET" || result?.type !== "buffer") return result;
          const header = (name: string) => Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
          const vary = "Authorization, Accept, Accept-Encoding";
          if (!isAnonymous(pgSettingsOf(request.requestContext)) || result.statusCode !== 200 || answerHasErrors(result.buffer)) {
            return { ...result, headers: { ...result.headers, "cache-control": "private, no-store", vary } };
          }
          const etag = etagOf(result.buffer);
          // Searches and quotes (the search cache saw them: x-keepr-cache) go stale
          // with the next commit, not after max-age: a cache in front revalidates
          // every time, and gets a 304 from the search cache.
          const cacheControl = result.headers[cacheHeader] ? "public, no-cache" : `public, max-age=${maxAge}, stale-while-revalidate=${swr}`;
          const headers: Record<string, string> = { ...result.headers, "cache-control": cacheControl, etag, vary };
          if (matches(header("if-none-match"), etag)) {
            const notModified = Object.fromEntries(Object.entries(headers).filter(([key]) => !/^content-(length|type)$/i.test(key)));
            return { ...result, statusCode: 304, headers: notModified, buffer: Buffer.alloc(0) };
          }
          return { ...result, headers };
        },
      },
    },
  };
}
