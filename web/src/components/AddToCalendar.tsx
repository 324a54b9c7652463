// "Add to calendar" on Manage and on the confirmation page: GET
// /calendar/<reservation id>.ics with the booking token (the proof the page
// already holds: only the guest's own booking), in the page's language, saved as stay-<code>.ics — which a
// phone or desktop opens in its calendar. The same file the emails carry.
import { useState } from "react";
import { saveFile } from "../../../shared/browser/save-file.ts";
import { useI18n } from "../i18n.tsx";

export function AddToCalendar({ reservationId, code, token }: { reservationId: string; code: string; token: string }) {
  const { t, language } = useI18n();
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  const download = async () => {
    setState("busy");
    try {
      const response = await fetch(`/calendar/${encodeURIComponent(reservationId)}.ics?lang=${language}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(String(response.status));
      saveFile(await response.blob(), `stay-${code}.ics`);
      setState("idle");
    } catch {
      setState("failed");
    }
  };
  return (
    <p className="add-to-calendar">
      <button type="button" className="button" onClick={() => void download()} disabled={state === "busy"} data-action="add-to-calendar"
        aria-describedby="calendar-hint">
        {t("manage.addToCalendar")}
      </button>{" "}
      <span id="calendar-hint" className="muted small">{t("manage.addToCalendarHint")}</span>
      {state === "failed" && <span role="alert" className="field-error"> {t("manage.calendarFailed")}</span>}
    </p>
  );
}
