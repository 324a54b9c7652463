// The arrival's expected time (reservations.expected_arrival_time, issue 21):
// the API's Time ("HH:MM:SS") as the desk reads it, and whether it is an
// early check-in (before the property's check-in time, as the housekeeping
// board's app_public.housekeeping_stays decides it).
import type { DataProvider } from "react-admin";
import type { Uuid } from "../../platform/documents.ts";

/** "14:30" from the API's "14:30:00"; null when no time is known. */
export function arrivalTimeLabel(time: string | null | undefined): string | null {
  return time ? time.slice(0, 5) : null;
}

/** An arrival expected before the property's check-in time. */
export function isEarlyArrival(time: string | null | undefined, checkInTime: string | null | undefined): boolean {
  return Boolean(time && checkInTime && time < checkInTime);
}

/** What the desk typed ("14:30", from a time input) as the API's Time, or null to clear it; undefined when it is not a time of day. */
export function arrivalTimeInput(value: string): string | null | undefined {
  const text = value.trim();
  if (text === "") return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$/.exec(text);
  return match ? `${match[1]}:${match[2]}:00` : undefined;
}

/**
 * After a booking is confirmed (confirmBooking and confirmGroup take no arrival time): the expected arrival time
 * set on its reservations with updateReservation, as the reservation page does. The booking stands whatever
 * happens here; the message of a failure is returned for the desk to read (it sets the time on the reservation
 * page then), null when every reservation has it.
 */
export async function setExpectedArrival(
  dataProvider: Pick<DataProvider, "update">,
  reservationIds: readonly Uuid[],
  time: string | null,
): Promise<string | null> {
  if (time === null) return null;
  try {
    for (const id of reservationIds) {
      await dataProvider.update("reservations", { id, data: { expectedArrivalTime: time }, previousData: { id, expectedArrivalTime: null } });
    }
    return null;
  } catch (caught) {
    return caught instanceof Error ? caught.message : String(caught);
  }
}
