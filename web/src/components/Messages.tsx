// How API errors read to a guest: Keepr's code translated when the app
// words it itself (error-messages.ts), else the server's own message; with
// the request id for unexpected ones (what support looks the log up by).
import { ApiError } from "../../../shared/api-error.ts";
import { wordingOf } from "../error-messages.ts";
import type { I18n } from "../i18n.tsx";

export function errorText(error: unknown, i18n: I18n): string {
  const { t, tMaybe } = i18n;
  if (error instanceof ApiError) {
    const wording = wordingOf(error.code);
    if (wording !== "server" && wording !== "reason") return t(wording, { message: error.message });
    if (wording === "reason" && error.reason) {
      const reason = tMaybe(`restriction.${error.reason}`);
      if (reason) return reason;
    }
    const text = t("error.generic", { message: error.message });
    return error.requestId && ["INTERNAL", "BAD_RESPONSE"].includes(error.code) ? `${text} ${t("error.reference", { id: error.requestId })}` : text;
  }
  return t("error.generic", { message: error instanceof Error ? error.message : String(error) });
}

export function Alert({ title, children, tone = "error" }: { title?: string; children: React.ReactNode; tone?: "error" | "warning" | "success" | "info" }) {
  // Errors and warnings interrupt (role=alert); good news is announced politely.
  return (
    <div className={`alert alert-${tone}`} role={tone === "error" || tone === "warning" ? "alert" : "status"}>
      {title ? <p className="alert-title">{title}</p> : null}
      <div>{children}</div>
    </div>
  );
}
