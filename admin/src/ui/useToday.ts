// Today's date in a property's time zone (its business calendar), re-read
// every minute so a screen turns over at local midnight.
import { useEffect, useState } from "react";
import { todayIn } from "./format.ts";

export function useToday(timeZone: string | undefined): string | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return timeZone ? todayIn(timeZone, new Date(now)) : undefined;
}
