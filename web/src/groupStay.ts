// Several rooms of one stay in the URL (/book?property=…&arrival=…&departure=…&rooms=…):
// each room as <rate plan id>.<adults>.<children>[.<age>-<age>…] (the
// children's ages, issue 22), comma-separated, so a proposed combination is a
// link, the back button works and a refresh keeps the choice. An empty
// rooms= opens the rooms chooser.
import { ApiError } from "../../shared/api-error.ts";
import { childAgesOf } from "./components/ChildAges.tsx";
import { isIsoDate } from "./format.ts";
import type { GroupRoom } from "./documents.ts";
import { href } from "./router.ts";
import type { GroupStay } from "./storage.ts";

/** What quoteGroup takes at most. */
export const maxRooms = 20;

export function groupHref(stay: GroupStay): string {
  return href("/book", {
    property: stay.propertyId,
    arrival: stay.arrival,
    departure: stay.departure,
    rooms: stay.rooms.map((r) => `${r.ratePlanId}.${r.adults}.${r.children}${r.children > 0 && r.childAges?.length ? `.${r.childAges.join("-")}` : ""}`).join(",") || "-",
  });
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stay of a /book URL with rooms=, or null when it is not one (a malformed room is dropped). */
export function groupStayOf(params: URLSearchParams): GroupStay | null {
  const propertyId = params.get("property") ?? "";
  const arrival = params.get("arrival");
  const departure = params.get("departure");
  const raw = params.get("rooms");
  if (raw === null || !uuid.test(propertyId) || !isIsoDate(arrival) || !isIsoDate(departure)) return null;
  const rooms: GroupRoom[] = [];
  for (const part of raw.split(",").slice(0, maxRooms)) {
    const [ratePlanId = "", a = "", c = "", ages = ""] = part.split(".");
    const adults = Number(a);
    const children = Number(c);
    if (uuid.test(ratePlanId) && Number.isInteger(adults) && adults >= 1 && adults <= 12 && Number.isInteger(children) && children >= 0 && children <= 10) {
      // Ages that do not fit the children are dropped: the chooser then asks for them.
      rooms.push({ ratePlanId, adults, children, childAges: children > 0 ? childAgesOf(ages.replaceAll("-", ","), children) : null });
    }
  }
  return { propertyId, arrival, departure, rooms };
}

/** The room a group refusal names ("Room 2 (Suite): …", "Room 3: …"), or 0 when it names none. */
export const roomOfError = (error: unknown) => (error instanceof ApiError ? Number(/^Room (\d+)/.exec(error.message)?.[1] ?? 0) : 0);
