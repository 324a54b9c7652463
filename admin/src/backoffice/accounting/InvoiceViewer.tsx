// The printable invoice or credit note, as the server renders it
// (GET /invoices/:id, read with the user's own rights): shown in a dialog
// in a sandboxed frame (no scripts), with Print and "Open in a new tab".
import { useQuery } from "@tanstack/react-query";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import LinearProgress from "@mui/material/LinearProgress";
import PrintIcon from "@mui/icons-material/Print";
import OpenInNewIcon from "@mui/icons-material/OpenInNew";
import { useEffect, useMemo, useRef } from "react";
import { useDataProvider } from "react-admin";
import type { KeeprDataProvider } from "../../providers/dataProvider.ts";
import { QueryError } from "../common.tsx";

export function InvoiceViewer({ invoiceId, documentNumber, onClose }: { invoiceId: string; documentNumber: string; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const frame = useRef<HTMLIFrameElement>(null);
  const html = useQuery({
    queryKey: ["backoffice", "invoiceHtml", invoiceId],
    queryFn: ({ signal }) => dataProvider.invoiceHtml({ id: invoiceId }, { signal }),
    staleTime: Infinity, // an issued invoice never changes
  });
  const blobUrl = useMemo(() => (html.data ? URL.createObjectURL(new Blob([html.data], { type: "text/html" })) : null), [html.data]);
  useEffect(() => () => {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  }, [blobUrl]);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth data-testid="invoice-viewer">
      <DialogTitle>{documentNumber}</DialogTitle>
      <DialogContent dividers sx={{ p: 0, height: "70vh" }}>
        {html.isPending && <LinearProgress />}
        {html.isError && <QueryError error={html.error} title="Could not open the document" />}
        {html.data && (
          <iframe
            ref={frame}
            title={`${documentNumber}, printable`}
            srcDoc={html.data}
            // Same origin so Print can reach it; no scripts run in it.
            sandbox="allow-same-origin allow-modals"
            style={{ border: 0, width: "100%", height: "100%", background: "#fff" }}
            data-testid="invoice-frame"
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button startIcon={<PrintIcon />} disabled={!html.data} onClick={() => frame.current?.contentWindow?.print()}>
          Print
        </Button>
        <Button startIcon={<OpenInNewIcon />} disabled={!blobUrl} onClick={() => blobUrl && window.open(blobUrl, "_blank", "noopener")}>
          Open in a new tab
        </Button>
        <Button onClick={onClose} variant="contained">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
