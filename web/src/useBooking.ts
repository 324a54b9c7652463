// The booking of the tab's session (payments.ts loadBooking), as the
// confirmation and manage pages show it: loaded when the session changes,
// reloaded on demand, and followed while a payment settles (the worker
// captures it in a job).
import { useCallback, useEffect, useRef, useState } from "react";
import { isSettling } from "./components/Payments.tsx";
import type { Reservation } from "./documents.ts";
import { loadBooking } from "./payments.ts";
import type { Session } from "./storage.ts";

export interface FollowOptions {
  /** How often to look again while a payment settles. */
  everyMs: number;
  /** For how long at most (unbounded when not given). */
  forMs?: number;
  /** Told of a failed load before it is shown (e.g. to forget an expired session). */
  onError?: (error: unknown) => void;
}

export function useBooking(session: Session | null, { everyMs, forMs, onError }: FollowOptions) {
  const [booking, setBooking] = useState<Reservation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const errorHandler = useRef(onError);
  errorHandler.current = onError;

  const refresh = useCallback(async () => {
    if (!session) return;
    try {
      setBooking(await loadBooking(session));
      setError(null);
    } catch (caught) {
      errorHandler.current?.(caught);
      setError(caught);
    }
  }, [session]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!isSettling(booking)) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (forMs !== undefined && Date.now() - started > forMs) clearInterval(timer);
      else void refresh();
    }, everyMs);
    return () => clearInterval(timer);
  }, [booking, refresh, everyMs, forMs]);

  return { booking, setBooking, error, refresh };
}
