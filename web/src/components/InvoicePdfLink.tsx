// "Download PDF" for one of the guest's invoices: GET /invoices/:id.pdf with
// the booking token (the same rights as the API: only the guest's own
// documents), saved under the document's number.
import { useState } from "react";
import { saveFile } from "../../../shared/browser/save-file.ts";
import { useI18n } from "../i18n.tsx";

export function InvoicePdfLink({ invoiceId, documentNumber, token }: { invoiceId: string; documentNumber: string; token: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  const download = async () => {
    setState("busy");
    try {
      const response = await fetch(`/invoices/${encodeURIComponent(invoiceId)}.pdf`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(String(response.status));
      saveFile(await response.blob(), `${documentNumber}.pdf`);
      setState("idle");
    } catch {
      setState("failed");
    }
  };
  return (
    <p className="invoice-pdf">
      <button type="button" className="button-link" onClick={() => void download()} disabled={state === "busy"} data-action="invoice-pdf">
        {t("manage.downloadPdf", { number: documentNumber })}
      </button>
      {state === "failed" && <span role="alert"> {t("manage.downloadFailed")}</span>}
    </p>
  );
}
