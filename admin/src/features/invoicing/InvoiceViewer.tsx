// The printable invoice or credit note, as the server renders it
// (GET /invoices/:id, read with the user's own rights): shown in a dialog
// in a sandboxed frame (no scripts), with Print, Download PDF
// (GET /invoices/:id.pdf), Send by email (sendInvoice: the PDF attached,
// sent by a job; each sending listed with how it went) and "Open in a new
// tab".
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import LinearProgress from "@mui/material/LinearProgress";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useTheme } from "@mui/material/styles";
import DownloadIcon from "@mui/icons-material/Download";
import EmailIcon from "@mui/icons-material/Email";
import PrintIcon from "@mui/icons-material/Print";
import OpenInNewIcon from "@mui/icons-material/OpenInNew";
import { useEffect, useMemo, useRef, useState } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import { formatTimestamp } from "../../ui/format.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { InvoiceDeliveryNode } from "./documents.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { QueryError } from "../../ui/Section.tsx";

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function InvoiceViewer({ invoiceId, documentNumber, onClose, propertyId, timeZone }: {
  invoiceId: string;
  documentNumber: string;
  onClose: () => void;
  /** The document's property, for the Send by email permission (the selected property when not given). */
  propertyId?: string;
  timeZone?: string;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const frame = useRef<HTMLIFrameElement>(null);
  // On a phone the document takes the whole screen.
  const fullScreen = useMediaQuery(useTheme().breakpoints.down("sm"));
  const [sending, setSending] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<ShownError | null>(null);
  const canSend = useCanAccess({ resource: "accounting", action: "send_invoice", ...(propertyId ? { record: { propertyId } } : {}) }).canAccess;
  const html = useQuery({
    queryKey: ["backoffice", "invoiceHtml", invoiceId],
    queryFn: ({ signal }) => dataProvider.invoiceHtml({ id: invoiceId }, { signal }),
    staleTime: Infinity, // an issued invoice never changes
  });
  const sendingInfo = useQuery({
    queryKey: ["invoicing", "sending", invoiceId],
    queryFn: ({ signal }) => dataProvider.invoiceSending({ invoiceId }, { signal }),
    enabled: canSend,
    // A sending is done by a job: look again every 2 s while one is on its way.
    refetchInterval: (q) => (q.state.data?.deliveries.nodes.some((d) => d?.status === "pending") ? 2000 : false),
  });
  const blobUrl = useMemo(() => (html.data ? URL.createObjectURL(new Blob([html.data], { type: "text/html" })) : null), [html.data]);
  useEffect(() => () => {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  }, [blobUrl]);
  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const pdf = await dataProvider.invoicePdf({ id: invoiceId });
      const url = URL.createObjectURL(pdf);
      const a = document.createElement("a");
      a.href = url;
      a.download = `${documentNumber}.pdf`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notify(`${documentNumber}.pdf downloaded.`, { type: "info" });
    } catch (caught) {
      setDownloadError(shownError(caught));
    } finally {
      setDownloading(false);
    }
  };
  const deliveries = (sendingInfo.data?.deliveries.nodes ?? []).filter((d): d is InvoiceDeliveryNode => d !== null);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth fullScreen={fullScreen} data-testid="invoice-viewer">
      <DialogTitle>{documentNumber}</DialogTitle>
      <DialogContent dividers sx={{ p: 0, height: fullScreen ? undefined : "70vh", display: "flex", flexDirection: "column" }}>
        {html.isPending && <LinearProgress />}
        {html.isError && <QueryError error={html.error} title="Could not open the document" />}
        {downloadError && <ApiErrorAlert title="The PDF could not be downloaded" error={downloadError} />}
        {deliveries.length > 0 && (
          <Box sx={{ px: 2, py: 1, borderBottom: 1, borderColor: "divider" }} data-testid="invoice-deliveries">
            {deliveries.map((d) => (
              <Typography key={d.rowId} variant="body2" color={d.status === "failed" ? "error" : "text.secondary"} data-delivery={d.status}>
                {d.status === "sent"
                  ? `Sent to ${d.recipient} ${formatTimestamp(d.sentAt, timeZone)}`
                  : d.status === "pending"
                    ? `Sending to ${d.recipient}…${d.lastError ? ` (will try again: ${d.lastError})` : ""}`
                    : `Could not be sent to ${d.recipient}: ${d.lastError ?? "refused"}`}
              </Typography>
            ))}
          </Box>
        )}
        {html.data && (
          <iframe
            ref={frame}
            title={`${documentNumber}, printable`}
            srcDoc={html.data}
            // Same origin so Print can reach it; no scripts run in it.
            sandbox="allow-same-origin allow-modals"
            style={{ border: 0, width: "100%", flex: 1, background: "#fff" }}
            data-testid="invoice-frame"
          />
        )}
      </DialogContent>
      <DialogActions sx={{ flexWrap: "wrap", gap: 1 }}>
        <Button startIcon={<PrintIcon />} disabled={!html.data} onClick={() => frame.current?.contentWindow?.print()}>
          Print
        </Button>
        <Button startIcon={<DownloadIcon />} disabled={downloading} onClick={() => void download()} data-action="download-pdf">
          Download PDF
        </Button>
        {canSend && (
          <Button startIcon={<EmailIcon />} disabled={!sendingInfo.data} onClick={() => setSending(true)} data-action="send-invoice">
            Send by email
          </Button>
        )}
        <Button startIcon={<OpenInNewIcon />} disabled={!blobUrl} onClick={() => blobUrl && window.open(blobUrl, "_blank", "noopener")}>
          Open in a new tab
        </Button>
        <Button onClick={onClose} variant="contained">
          Close
        </Button>
      </DialogActions>
      {sending && sendingInfo.data && (
        <SendDialog invoiceId={invoiceId} documentNumber={documentNumber} defaultEmail={sendingInfo.data.billTo.email ?? ""} onClose={() => setSending(false)} />
      )}
    </Dialog>
  );
}

function SendDialog({ invoiceId, documentNumber, defaultEmail, onClose }: { invoiceId: string; documentNumber: string; defaultEmail: string; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [email, setEmail] = useState(defaultEmail);
  const trimmed = email.trim();
  return (
    <ActionDialog
      title={`Send ${documentNumber} by email`}
      confirmLabel="Send"
      input={{ invoiceId, email: trimmed }}
      invalid={emailPattern.test(trimmed) ? null : "Give the email address to send it to."}
      testId="send-invoice"
      onSubmit={async (input, idempotencyKey) => {
        const delivery = await dataProvider.sendInvoice({ invoiceId: input.invoiceId, email: input.email, idempotencyKey });
        notify(`${documentNumber} is on its way to ${delivery.recipient}, with its PDF.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["invoicing", "sending", invoiceId] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">The PDF is attached. The address of the document's bill-to is filled in; any other works too.</Typography>
      <TextField
        label="Email"
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        size="small"
        required
        autoFocus
        slotProps={{ htmlInput: { maxLength: 254 } }}
      />
      {!defaultEmail && <Alert severity="info">The bill-to of this document has no email address.</Alert>}
    </ActionDialog>
  );
}
