// How long the room stays held: mm:ss, updated every second, in the
// server's clock. Screen readers are told at 5 minutes and at 1 minute
// left (a polite announcement), not every second.
import { useEffect, useState } from "react";
import { formatCountdown } from "../format.ts";
import { useI18n } from "../i18n.tsx";

export function Countdown({ expiresAt, clockSkew, onExpire }: { expiresAt: string; clockSkew: number; onExpire: () => void }) {
  const { t } = useI18n();
  const end = new Date(expiresAt).getTime() - clockSkew * 1000;
  const [left, setLeft] = useState(() => Math.max(0, (end - Date.now()) / 1000));
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => {
    let announced = Math.ceil(left / 60);
    const timer = setInterval(() => {
      const seconds = Math.max(0, (end - Date.now()) / 1000);
      setLeft(seconds);
      const minutes = Math.ceil(seconds / 60);
      if (minutes !== announced && (minutes === 5 || minutes === 1)) {
        setAnnouncement(t("book.heldAnnounce", { minutes }));
      }
      announced = minutes;
      if (seconds <= 0) {
        clearInterval(timer);
        onExpire();
      }
    }, 1000);
    if (left <= 0) onExpire();
    return () => clearInterval(timer);
  }, [end]); // one timer per hold
  const urgent = left < 120;
  return (
    <div className={`countdown${urgent ? " countdown-urgent" : ""}`} data-testid="hold-countdown">
      <span aria-hidden="true" className="countdown-icon" />
      <span>{t("book.heldFor", { time: formatCountdown(left) })}</span>
      <span className="visually-hidden" aria-live="polite">
        {announcement}
      </span>
    </div>
  );
}
