// The hook screens use to stay current by themselves: name the tables a
// screen shows and the react-query keys of its queries; when a row of one
// of those tables changes at the property (another desk, a guest online, a
// channel import, a job), the queries are invalidated, so the ones on
// screen refetch in the background and the rest are marked stale. After a
// rejoin (the change stream restarted: CHANNEL_ERROR then SUBSCRIBED) they
// are refetched too, since changes are not replayed. See docs/admin.md,
// "Live updates".
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { useCurrentProperty } from "../useCurrentProperty.ts";
import { liveState, subscribeLiveState, watchTable, type ChannelState, type LiveChange, type LiveTable } from "./changes.ts";

export interface LiveRefreshOptions {
  /** The property whose changes count; default the selected one. */
  propertyId?: string | undefined;
  /** Off: no subscription (e.g. while the screen has nothing to show). */
  enabled?: boolean;
  /** Only changes this accepts invalidate the queries (default: every change of the tables). */
  relevant?: (change: LiveChange) => boolean;
  /** Called with each relevant change (after the queries are invalidated), e.g. to flash a row. */
  onChange?: (change: LiveChange) => void;
}

/**
 * A `relevant` filter: the change's row (new or old) holds one of `ids` in
 * any column (its id, reservation_id, folio_id, unit_id, ...). E.g. the
 * reservation page refetches for its own reservation, folio, unit, guest
 * and payments, not for every change at the property.
 */
export function touchesAny(ids: ReadonlyArray<string | null | undefined>): (change: LiveChange) => boolean {
  const wanted = new Set(ids.filter((id): id is string => typeof id === "string" && id !== ""));
  const holds = (row: unknown) => row !== null && typeof row === "object" && Object.values(row).some((v) => typeof v === "string" && wanted.has(v));
  return (change) => holds(change.new) || holds(change.old);
}

/**
 * Changes of a burst (a booking is a hold then a confirmation; a check-out
 * also opens a cleaning task) are gathered for this long, so a screen
 * refetches once rather than once per row.
 */
const gatherMs = 150;

/**
 * Keeps `queryKeys` fresh while the component is mounted: each key is a
 * react-query key prefix, e.g. `["reservations"]` for react-admin's
 * reservation lists and pages (its keys start with the resource name), or
 * `["frontDeskDay"]` for the dashboard's own query.
 *
 *     useLiveRefresh(["reservations", "units"], [["frontDeskDay"]]);
 *
 * The arrays may be written inline: the tables are compared by content,
 * and the latest keys are always the ones invalidated.
 */
export function useLiveRefresh(tables: readonly LiveTable[], queryKeys: readonly QueryKey[], options: LiveRefreshOptions = {}): void {
  const queryClient = useQueryClient();
  const { membership } = useCurrentProperty();
  const propertyId = options.propertyId ?? membership?.propertyId;
  const enabled = options.enabled ?? true;
  const tablesKey = [...new Set(tables)].sort().join(",");
  // The latest keys and callback, without resubscribing when only they change.
  const latest = useRef({ queryKeys, onChange: options.onChange, relevant: options.relevant });
  latest.current = { queryKeys, onChange: options.onChange, relevant: options.relevant };

  useEffect(() => {
    if (!enabled || !propertyId || tablesKey === "") return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const invalidate = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        for (const queryKey of latest.current.queryKeys) void queryClient.invalidateQueries({ queryKey });
      }, gatherMs);
    };
    const listener = {
      changed(change: LiveChange) {
        if (latest.current.relevant && !latest.current.relevant(change)) return;
        invalidate();
        latest.current.onChange?.(change);
      },
      resync: invalidate,
    };
    const stops = (tablesKey.split(",") as LiveTable[]).map((table) => watchTable(table, propertyId, listener));
    return () => {
      clearTimeout(timer);
      for (const stop of stops) stop();
    };
    // New query keys take effect through latest.current, without resubscribing.
  }, [enabled, propertyId, tablesKey, queryClient]);
}

/** Whether the screens' changes arrive (the app bar's indicator): `idle` when no screen listens. */
export function useLiveState(): ChannelState | "idle" {
  return useSyncExternalStore(subscribeLiveState, liveState);
}
