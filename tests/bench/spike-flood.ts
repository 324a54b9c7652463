// The guest spike of the booking bench's staff phase (issue 23), as guests
// send it: `npm run bench -- booking --phases staff --flood-keys zipf`.
//
// By default (--flood-keys random) the flood searches a random city and
// dates each time, as the search phase does: nearly every search is
// computed. Real guests and crawlers repeat themselves, and the mixed
// workload (`npm run bench -- mix`) draws their keys from a Zipf
// distribution; with the search cache on, most repeats are answered from
// it. This flood draws its keys as the mix's guests do (the same keys in the
// same seeded order, the same exponent and seed, so the same key is the most
// asked in both) and sends the guest app's own Search document as GET, no
// token, as web/src/api.ts does, so the cache can answer; each answer's
// X-Keepr-Cache says whether it was computed.
import * as web from "../../web/src/documents.ts";
import { seededRandom } from "../helpers/random.ts";
import { day, gql, type makeApi, randomStay, Zipf } from "./load.ts";

/** A guest's search: a city, arrival days ahead, nights and adults (the mix's key). */
export interface GuestKey {
  city: string;
  ahead: number;
  nights: number;
  adults: number;
}

/** Every key (city × arrival 1–60 days ahead × 2–7 nights × 1–2 adults), ranked in the seeded random order of `npm run bench -- mix --mix-seed`. */
export function rankedGuestKeys(cities: string[], seed: number): GuestKey[] {
  const keys: GuestKey[] = [];
  for (const city of cities) for (let ahead = 1; ahead <= 60; ahead++) for (let nights = 2; nights <= 7; nights++) for (const adults of [1, 2]) keys.push({ city, ahead, nights, adults });
  const shuffle = seededRandom(seed);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}

/** What one search of the flood says: its time, its error code, and whether the search cache answered it (hit or coalesced). */
export interface FloodSearch {
  ms: number;
  code?: string;
  fromCache: boolean;
}

/**
 * One search of the flood after another: `random` (a random city and dates, POST: computed nearly every time)
 * or `zipf` (the mix's keys and Search document, GET).
 */
export function floodSearches(
  api: ReturnType<typeof makeApi>,
  cities: string[],
  options: { keys: "random" | "zipf"; zipfS: number; seed: number },
): () => Promise<FloodSearch> {
  const count = (d: any) => (d.searchAvailability.nodes as unknown[]).length;
  if (options.keys === "random") {
    return async () => {
      const out = await api.call(gql.search, randomStay(cities), count);
      return { ms: out.ms, code: out.code, fromCache: isCacheAnswer(out.headers?.["x-keepr-cache"]) };
    };
  }
  const keys = rankedGuestKeys(cities, options.seed);
  const zipf = new Zipf(keys.length, options.zipfS, seededRandom(options.seed ^ 0x9e3779b9));
  return async () => {
    const k = keys[zipf.next()]!;
    const path = api.getPath(web.search.source, web.search.name, {
      arrival: day(k.ahead), departure: day(k.ahead + k.nights), adults: k.adults, children: 0, city: k.city, propertyId: null,
    });
    const out = await api.get(path, count);
    return { ms: out.ms, code: out.code, fromCache: isCacheAnswer(out.headers?.["x-keepr-cache"]) };
  };
}

function isCacheAnswer(header: string | string[] | undefined): boolean {
  return header === "hit" || header === "coalesced";
}
