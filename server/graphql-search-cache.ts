// The search cache in front of PostGraphile (issue 23): anonymous queries
// whose root fields are searchAvailability and quote only (GET or POST),
// answered from server/search-cache.ts when it holds their answer, else
// computed and kept, tagged by the properties they can depend on, until the
// WAL feed (server/search-cache-feed.ts) says one changed.
//
// - Who: anonymous requests (core/auth.ts isAnonymous: no Authorization
//   header, or the public anonymous key). A session or booking token makes
//   the answer personal (staff see unpublished properties, a guest's booking
//   token its own rights): such a request neither reads nor fills the cache.
// - Key: the operation as graphql-js prints it (whitespace and comments do
//   not matter; in the key, a number per printed document, never reused),
//   the operation name, the variables (keys sorted) and the Accept header
//   (which picks the answer's content type). A GET's key is worked out once
//   per query string: express's parse of it is remembered and frozen
//   (server/http.ts rememberingQueryParser), and what this plugin makes of
//   that object (the plan, the variables, the key per Accept) is kept in a
//   WeakMap by it, so a repeated URL is parsed, printed and made canonical
//   once, and its key is the same string every time.
// - Tags (core/search-feed.ts): a search of one property, `p:<id>`; by city
//   or country, the scope's tag (a property entering the scope drops it)
//   and every property in the scope, published or not, found once per
//   scope and kept until a property row of that scope changes; with no
//   filter, "*" (any change drops it). A quote: its rate plan's property.
// - Days: an answer read the claims overlapping [arrival, departure)
//   (room_type_units_left), the calendar rows from arrival to departure
//   (price_lines: each night's price; stay_restrictions: min and max stay
//   and closed to arrival on the arrival day, stop sell on the nights,
//   closed to departure on the departure day), and nothing dated else (no
//   suggested dates, no "from" price: nearestStays is not cached). So it
//   is kept for the days [arrival, departure + 1), the union over its
//   fields, and a claim or calendar change on other days of its
//   properties leaves it (realtime/search-feed.ts names the days). A quote
//   with a promo code or extras is not cached: promo codes' uses and
//   extras' daily limits are read from tables the feed does not follow.
// - Time: an answer lives at most SEARCH_CACHE_TTL_SECONDS, and never past
//   14 hours before its arrival date begins in UTC: a day before any
//   property's local date (UTC+14 at the earliest) can pass the arrival and
//   turn the answer into DATES. What else the clock changes without a
//   commit (a hold expiring before the job releases it: shown taken until
//   then; a quote's valid_until, 30 minutes from when it was computed) is
//   at most the TTL stale.
// - Bypass (computed, nothing served from the cache, the answer kept only
//   if it qualifies): the feed not heard within its window; an
//   X-Keepr-Min-Lsn header (the client wants its own writes: read-routing.ts);
//   an answer read from a replica is never kept (the feed follows the
//   primary's WAL, a replica may be behind it).
// - Coalescing: a request for a key being computed waits for that answer
//   (`coalesced`), unless an invalidation of its tags arrived since the
//   computation began; so a popular search dropped by a booking is computed
//   once, not once per guest asking meanwhile.
// - Answers: `x-keepr-cache: hit | coalesced | miss | bypass` (`off` with
//   SEARCH_CACHE=false); only 200s without errors
//   are kept. server/graphql-cache.ts makes them `no-cache` with an ETag,
//   so a shared cache in front revalidates every time (a cheap 304 here).
import type pg from "pg";
import { isAnonymous } from "../core/auth.ts";
import { pgSettingsOf } from "./graphql-identity.ts";
import type { RequestDigest } from "postgraphile/grafserv";
import { parse, print, valueFromASTUntyped, type DocumentNode, type FieldNode, type ValueNode } from "postgraphile/graphql";
import { cityTag, countryTag, nextDay, propertyTag, type DayRange } from "../core/search-feed.ts";
import { searchCacheRequests } from "../core/metrics.ts";
import type { Logger } from "../core/logger.ts";
import { cacheHeader, hasErrors } from "./graphql-cache.ts";
import { operationOf } from "./graphql-operation.ts";
import { anyProperty, type CachedAnswer, type SearchCache } from "./search-cache.ts";
import type { SearchCacheFeed } from "./search-cache-feed.ts";

const cacheableFields = new Set(["searchAvailability", "quote", "__typename"]);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** What an eligible operation is, worked out once per query text. */
interface Plan {
  /** The printed document's number: the key's first part. */
  document: number;
  fields: FieldNode[];
  defaults: Record<string, unknown>;
}

/** A request made ready for the cache: its plan, its variables (defaults filled in) and its keys. */
interface Prepared {
  plan: Plan;
  variables: Record<string, unknown>;
  /** The key without the Accept header. */
  keyBase: string;
  /** Accept → the whole key (one string per key, whose hash the map computes once; a prepared GET serves many requests). */
  keys: Memo<string>;
}

function keyOf(prepared: Prepared, accept: string): string {
  let key = prepared.keys.get(accept);
  if (key === undefined) prepared.keys.set(accept, (key = prepared.keyBase + accept));
  return key;
}

/** A bounded memo: cleared when full (query texts are few; a flood of distinct ones only costs parses). */
class Memo<V> {
  readonly #map = new Map<string, V>();
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string): V | undefined {
    return this.#map.get(key);
  }
  has(key: string): boolean {
    return this.#map.has(key);
  }
  set(key: string, value: V): void {
    if (this.#map.size >= this.max) this.#map.clear();
    this.#map.set(key, value);
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
}

/** JSON with object keys sorted: equal variables, equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

interface GraphQLRequest {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

type Digest = RequestDigest;

/** A request header by its lower-case name (grafserv's express and Node adapters hand over Node's req.headers, whose names are lower case). */
function headerOf(digest: Digest, name: string): string | undefined {
  return digest.headers[name];
}

/** A GET's query, operation name and variables from its query parameters; null for anything unusual. */
function getRequestOf(params: Record<string, string | string[]>): GraphQLRequest | null {
  let variables: unknown = {};
  if (typeof params.variables === "string" && params.variables !== "") {
    try {
      variables = JSON.parse(params.variables);
    } catch {
      return null;
    }
  }
  return requestOf({ query: params.query, operationName: params.operationName, variables });
}

/** A POST's query, operation name and variables; null for anything unusual (it then goes its normal way). */
async function postRequestOf(digest: Digest): Promise<GraphQLRequest | null> {
  const body = await digest.getBody();
  let json: unknown;
  try {
    json = body.type === "json" ? body.json : JSON.parse(body.type === "buffer" ? body.buffer.toString("utf8") : body.text);
  } catch {
    return null;
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return null;
  return requestOf(json as Record<string, unknown>);
}

function requestOf(fields: Record<string, unknown>): GraphQLRequest | null {
  const { query, operationName, variables } = fields;
  if (typeof query !== "string" || (operationName != null && typeof operationName !== "string")) return null;
  if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) return null;
  return { query, operationName: (operationName as string | null | undefined) ?? null, variables: (variables ?? {}) as Record<string, unknown> };
}

/** Printed documents' numbers (a number is never given again, so a document forgotten and printed again gets a new one: only misses). */
const documentNumbers = new Memo<number>(1_000);
let documentsNumbered = 0;
function documentNumber(printed: string): number {
  let n = documentNumbers.get(printed);
  if (n === undefined) documentNumbers.set(printed, (n = ++documentsNumbered));
  return n;
}

/** The plan of a query text, or null when it is not a query of cacheable root fields only. */
function planOf(query: string, operationName: string | null): Plan | null {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: 2_000 });
  } catch {
    return null;
  }
  const operation = operationOf(document, operationName);
  if (!operation || operation.type !== "query") return null;
  const fields = operation.fields;
  if (fields.length === 0 || !fields.every((f) => cacheableFields.has(f.name.value))) return null;
  if (!fields.some((f) => f.name.value !== "__typename")) return null;
  const defaults: Record<string, unknown> = {};
  const definition = document.definitions.find((d) => d.kind === "OperationDefinition" && (operationName === null || d.name?.value === operationName));
  if (definition && definition.kind === "OperationDefinition") {
    for (const v of definition.variableDefinitions ?? []) if (v.defaultValue) defaults[v.variable.name.value] = valueFromASTUntyped(v.defaultValue);
  }
  return { document: documentNumber(print(document)), fields, defaults };
}

function argument(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const node: ValueNode | undefined = field.arguments?.find((a) => a.name.value === name)?.value;
  return node ? valueFromASTUntyped(node, variables) : undefined;
}

/** What an answer depends on, and until when it may live; null when it cannot be cached (its own errors say why). */
interface Scope {
  tags: string[];
  /** The days it read (null: it may depend on any). */
  days: DayRange | null;
  expiresAt: number;
}

/** A date argument as a day, or null when it is not one (the answer is then an error, never kept). */
function dayOf(value: unknown): string | null {
  if (typeof value !== "string" || !datePattern.test(value)) return null;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value ? null : value;
}

/** Whether an argument asks for nothing (null, absent, blank, an empty list). */
const blank = (value: unknown) => value == null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);

export interface SearchCachePluginOptions {
  /** null: SEARCH_CACHE=false (answers are only marked `x-keepr-cache: off`, for graphql-cache.ts's no-cache). */
  cache: SearchCache | null;
  feed: SearchCacheFeed | null;
  /** Reads which properties a city, country or rate plan belongs to (the owner's pool: every property, published or not). */
  lookupPool: pg.Pool;
  logger: Logger;
}

export function makeSearchCachePlugin(options: SearchCachePluginOptions): GraphileConfig.Plugin {
  const { cache, feed, lookupPool, logger } = options;
  const generationOf = () => cache?.generation() ?? 0;
  const changedSince = (tags: string[], since: number) => cache?.changedSince(tags, since) ?? true;
  const plans = new Memo<Plan | null>(1_000);
  /** scope tag → the property ids in it (dropped when the scope's tag is invalidated: checked with the cache's generations) */
  const scopes = new Memo<{ ids: string[]; generation: number }>(1_000);
  /** rate plan id → its property id (a rate plan never changes property) */
  const ratePlans = new Memo<string>(10_000);
  /** A GET's frozen query parameters (shared by every request of that query string) → what was made of them. */
  const byParams = new WeakMap<object, Prepared | null>();

  /** A request's plan, variables and key but for the Accept header; null when it is not a cacheable search. */
  function prepare(request: GraphQLRequest | null): Prepared | null {
    if (!request) return null;
    let plan = plans.get(`${request.operationName ?? ""}\n${request.query}`);
    if (plan === undefined) {
      plan = planOf(request.query, request.operationName);
      plans.set(`${request.operationName ?? ""}\n${request.query}`, plan);
    }
    if (!plan) return null;
    const variables = { ...plan.defaults, ...request.variables };
    return { plan, variables, keyBase: `${plan.document}\n${request.operationName ?? ""}\n${canonical(variables)}\n`, keys: new Memo<string>(8) };
  }

  async function propertiesIn(scopeTag: string, column: "city" | "country_code", value: string): Promise<string[]> {
    const known = scopes.get(scopeTag);
    if (known && !changedSince([scopeTag], known.generation)) return known.ids;
    const generation = generationOf();
    const where = column === "city" ? "pg_catalog.lower(city) = pg_catalog.lower($1)" : "country_code = pg_catalog.upper($1)";
    const { rows } = await lookupPool.query<{ id: string }>(`select id from app_public.properties where ${where}`, [value]);
    const ids = rows.map((r) => r.id);
    if (!changedSince([scopeTag], generation)) scopes.set(scopeTag, { ids, generation });
    return ids;
  }

  async function propertyOfRatePlan(id: string): Promise<string | null> {
    const known = ratePlans.get(id);
    if (known) return known;
    const { rows } = await lookupPool.query<{ property_id: string }>("select property_id from app_public.rate_plans where id = $1", [id]);
    const property = rows[0]?.property_id ?? null;
    if (property) ratePlans.set(id, property);
    return property;
  }

  async function scopeOf(plan: Plan, variables: Record<string, unknown>): Promise<Scope | null> {
    const tags = new Set<string>();
    let expiresAt = Infinity;
    /** See "Days" above: the union over the fields; null once one cannot say. */
    let days: DayRange | null | undefined;
    for (const field of plan.fields) {
      const name = field.name.value;
      if (name === "__typename") continue;
      const arrival = dayOf(argument(field, "arrival", variables));
      if (arrival === null) return null;
      // See "Time" above.
      expiresAt = Math.min(expiresAt, Date.parse(`${arrival}T00:00:00Z`) - 14 * 3_600_000);
      const departure = dayOf(argument(field, "departure", variables));
      const own: DayRange | null = departure !== null && departure > arrival ? [arrival, nextDay(departure)] : null;
      days = days === undefined ? own : days === null || own === null ? null : [days[0] < own[0] ? days[0] : own[0], days[1] > own[1] ? days[1] : own[1]];
      if (name === "quote") {
        if (!blank(argument(field, "promoCode", variables)) || !blank(argument(field, "extras", variables))) return null;
        const ratePlanId = argument(field, "ratePlanId", variables);
        if (typeof ratePlanId !== "string" || !uuidPattern.test(ratePlanId)) return null;
        const property = await propertyOfRatePlan(ratePlanId);
        if (!property) return null;
        tags.add(propertyTag(property));
        continue;
      }
      const propertyId = argument(field, "propertyId", variables);
      const city = argument(field, "city", variables);
      const country = argument(field, "countryCode", variables);
      if (propertyId != null) {
        if (typeof propertyId !== "string" || !uuidPattern.test(propertyId)) return null;
        tags.add(propertyTag(propertyId));
      } else if (city != null) {
        if (typeof city !== "string" || city.length > 200) return null;
        const scope = cityTag(city);
        tags.add(scope);
        for (const id of await propertiesIn(scope, "city", city)) tags.add(propertyTag(id));
      } else if (country != null) {
        if (typeof country !== "string" || country.length > 10) return null;
        const scope = countryTag(country);
        tags.add(scope);
        for (const id of await propertiesIn(scope, "country_code", country)) tags.add(propertyTag(id));
      } else {
        tags.add(anyProperty);
      }
    }
    return { tags: [...tags], days: days ?? null, expiresAt };
  }

  /**
   * Misses being computed, by key: a request for the same key while one is
   * computed waits for its answer instead of computing it again (a popular
   * search after an invalidation), if no invalidation of its tags has
   * arrived since that computation began: then the answer is as fresh as a
   * cached one would be.
   */
  const computing = new Map<string, { since: number; tags: readonly string[]; days: DayRange | null; answer: Promise<CachedAnswer | null> }>();

  const marked = <R extends { headers: Record<string, string> }>(result: R, outcome: "hit" | "coalesced" | "miss" | "bypass" | "off"): R => {
    if (outcome !== "off") searchCacheRequests.inc({ outcome });
    return { ...result, headers: { ...result.headers, [cacheHeader]: outcome } };
  };

  return {
    name: "KeeprSearchCachePlugin",
    version: "1.0.0",
    grafserv: {
      middleware: {
        async processRequest(next, event) {
          const digest = event.requestDigest;
          if ((digest.method !== "GET" && digest.method !== "POST") || !isAnonymous(pgSettingsOf(digest.requestContext))) return next();
          let prepared: Prepared | null;
          if (digest.method === "GET") {
            const params = await digest.getQueryParams();
            // Express's parse of a query string is remembered and frozen (server/http.ts): so is what is made of it here.
            if (Object.isFrozen(params)) {
              prepared = byParams.get(params) ?? null;
              if (!byParams.has(params)) byParams.set(params, (prepared = prepare(getRequestOf(params))));
            } else {
              prepared = prepare(getRequestOf(params));
            }
          } else {
            prepared = prepare(await postRequestOf(digest));
          }
          if (!prepared) return next();
          const { plan, variables } = prepared;

          const bypass = async (outcome: "bypass" | "off" = "bypass") => {
            const result = await next();
            return result && "headers" in result ? marked(result, outcome) : result;
          };
          if (!cache || !feed) return bypass("off");
          if (!feed.alive() || headerOf(digest, "x-keepr-min-lsn")) return bypass();
          // Accept too: grafserv answers application/json or application/graphql-response+json by it.
          const key = keyOf(prepared, headerOf(digest, "accept") ?? "");
          const hit = cache.get(key);
          // marked() copies the headers.
          if (hit) return marked({ type: "buffer" as const, statusCode: 200, headers: hit.headers, buffer: hit.buffer }, "hit");
          const running = computing.get(key);
          if (running && !cache.changedSince(running.tags, running.since, running.days)) {
            const answer = await running.answer;
            if (answer) return marked({ type: "buffer" as const, statusCode: 200, headers: answer.headers, buffer: answer.buffer }, "coalesced");
          }

          const since = cache.generation();
          let scope: Scope | null;
          try {
            scope = await scopeOf(plan, variables);
          } catch (error) {
            logger.warn({ err: error }, "the search cache could not tell what an answer depends on; computed without it");
            scope = null;
          }
          if (!scope) return bypass();
          let share: (answer: CachedAnswer | null) => void = () => {};
          const own = { since, tags: scope.tags, days: scope.days, answer: new Promise<CachedAnswer | null>((resolve) => (share = resolve)) };
          if (!computing.has(key)) computing.set(key, own);
          let answer: CachedAnswer | null = null;
          try {
            const result = await next();
            if (!result || !("headers" in result)) return result;
            if (result.type === "buffer" && result.statusCode === 200 && !hasErrors(result.buffer) && result.headers["x-keepr-read-from"] !== "replica") {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(result.headers)) if (name.toLowerCase() === "content-type") headers[name] = value;
              answer = { buffer: result.buffer, headers };
              if (feed.alive()) cache.store(key, scope.tags, answer, since, scope.expiresAt, scope.days);
            }
            return marked(result, "miss");
          } finally {
            if (computing.get(key) === own) computing.delete(key);
            share(answer);
          }
        },
      },
    },
  };
}
