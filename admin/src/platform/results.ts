// What every feature's data.ts does with the API's answers: drop the null
// nodes of a connection, page with first/offset into react-admin's
// {data, total}, and turn a missing result into an ApiError.
import type { BookingAnswer, BookingResult } from "./documents.ts";
import { ApiError } from "./graphql.ts";

/** Options of a read: aborted when the screen that asked goes away. */
export interface RequestOptions {
  signal?: AbortSignal;
}

export interface Paged<T> {
  data: T[];
  total: number;
}

/** Page numbers from 1, as react-admin counts them. */
export interface Paging {
  page: number;
  perPage: number;
}

/** The nodes of a list or connection, without the nulls (rows the user may not see). */
export const present = <T,>(nodes: ReadonlyArray<T | null> | null | undefined): T[] => (nodes ?? []).filter((n): n is T => n !== null);

/** react-admin's page as the API's first/offset (1 to 500 a page). */
export const pageOf = ({ page, perPage }: Paging) => {
  const first = Math.min(Math.max(Math.trunc(perPage), 1), 500);
  return { first, offset: (Math.max(Math.trunc(page), 1) - 1) * first };
};

export const paged = <T,>(connection: { totalCount: number; nodes: Array<T | null> } | null): Paged<T> => ({
  data: present(connection?.nodes),
  total: connection?.totalCount ?? 0,
});

/** A mutation answered without its result. */
export const missing = (what: string) => new ApiError(`The API did not return ${what}.`, 502, { code: "BAD_RESPONSE" });

/** A mutation answered without the row it changed: its outcome is unknown until a reload. */
export const notReturned = (what: string) => new ApiError(`The API did not return the ${what}; reload to see where it stands.`, 502, { code: "BAD_RESPONSE" });

/** A row the user cannot see (or that is gone). */
export const notFound = (what: string) => new ApiError(`No such ${what}, or you cannot see it.`, 404, { code: "NOT_FOUND" });

/** The reservation a booking operation answered with (bookingMutation). */
export function bookingOf(answer: BookingAnswer, what = "the reservation"): BookingResult {
  const result = answer.booking?.result;
  if (!result) throw missing(what);
  return result;
}
