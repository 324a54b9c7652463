// Who else is looking at a reservation: realtime presence on the private
// channel `reservation:<id>`, which the server opens only to those who may
// see that reservation (its property's staff, its guest; docs/realtime.md,
// "Private channels"). Each tab tracks the user's id and display name
// while the page is open; the others' are what the page shows.
import type { RealtimeChannel, RealtimeClient } from "@supabase/realtime-js";
import { useEffect, useState } from "react";
import { liveClient } from "./client.ts";
import type { ChannelState } from "./changes.ts";

export interface Viewer {
  userId: string;
  name: string;
  /** When they opened the page (ISO timestamp). */
  since: string;
}

/** What each tab tracks (a type, not an interface: presenceState() wants an index-signature-compatible shape). */
type ViewerMeta = {
  user_id?: unknown;
  name?: unknown;
  since?: unknown;
};

/** This tab's presence key: the same user in two tabs is two presences (shown once). */
const tabKey = (() => {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
})();

/** Leaving a topic is asynchronous; joining it again waits for that (realtime-js keys channels by topic). */
const leaving = new Map<string, Promise<unknown>>();

/** The viewers in a presence state other than `userId`, once each (the earliest tab), by name. */
export function otherViewers(state: Record<string, ViewerMeta[]>, userId: string): Viewer[] {
  const byUser = new Map<string, Viewer>();
  for (const metas of Object.values(state)) {
    for (const meta of metas) {
      if (typeof meta.user_id !== "string" || typeof meta.name !== "string" || meta.user_id === userId) continue;
      const since = typeof meta.since === "string" ? meta.since : "";
      const known = byUser.get(meta.user_id);
      if (!known || since < known.since) byUser.set(meta.user_id, { userId: meta.user_id, name: meta.name, since });
    }
  }
  return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface ReservationViewers {
  others: Viewer[];
  state: ChannelState;
}

/** The other staff (or the guest) on this reservation's page right now; tracks the user while mounted. */
export function useReservationViewers(reservationId: string | undefined, me: { userId: string; name: string } | undefined): ReservationViewers {
  const [others, setOthers] = useState<Viewer[]>([]);
  const [state, setState] = useState<ChannelState>("connecting");
  const userId = me?.userId;
  const name = me?.name;

  useEffect(() => {
    if (!reservationId || !userId || name === undefined) return;
    const topic = `reservation:${reservationId}`;
    let stopped = false;
    let client: RealtimeClient | null = null;
    let channel: RealtimeChannel | null = null;
    const since = new Date().toISOString();
    setOthers([]);
    setState("connecting");

    void (async () => {
      await leaving.get(topic);
      client = await liveClient().catch(() => null);
      if (stopped) return;
      if (!client) return setState("off");
      // A private channel is authorized with the session token in the join: read it now.
      await client.setAuth().catch(() => undefined);
      if (stopped) return;
      const joined = client.channel(topic, { config: { private: true, presence: { key: tabKey } } });
      channel = joined;
      joined
        .on("presence", { event: "sync" }, () => {
          if (!stopped) setOthers(otherViewers(joined.presenceState<ViewerMeta>(), userId));
        })
        .subscribe((status) => {
          if (stopped) return;
          if (status === "SUBSCRIBED") {
            setState("live");
            // Tracked again after every join: a rejoin starts without our presence.
            void joined.track({ user_id: userId, name, since });
          } else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT" || status === "CLOSED") {
            setState("retrying");
            setOthers([]);
          }
        });
    })();

    return () => {
      stopped = true;
      const left = channel;
      const from = client;
      if (left && from) {
        const done = (async () => {
          await left.untrack().catch(() => undefined);
          await from.removeChannel(left);
        })();
        leaving.set(topic, done);
        void done.finally(() => {
          if (leaving.get(topic) === done) leaving.delete(topic);
        });
      }
    };
  }, [reservationId, userId, name]);

  return { others, state };
}
