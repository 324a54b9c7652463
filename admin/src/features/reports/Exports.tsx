// Exports: ask for a CSV of the property's reservations, guests, ledger,
// occupancy or city tax over a range (a job writes it), then download it
// from its link (valid 24 hours). The list updates by itself as the job
// finishes. Amounts are in major units ("144.00") beside a currency column.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import FormControl from "@mui/material/FormControl";
import InputLabel from "@mui/material/InputLabel";
import MenuItem from "@mui/material/MenuItem";
import Select from "@mui/material/Select";
import Stack from "@mui/material/Stack";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import DownloadIcon from "@mui/icons-material/Download";
import { useRef, useState } from "react";
import { useDataProvider, useNotify } from "react-admin";
import { formatDate, formatTimestamp, humanize, todayIn } from "../../ui/format.ts";
import { addDays } from "../../ui/dates.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import { roleAllows } from "../../platform/access.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { exportKinds, type ExportKind, type ExportNode } from "./documents.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { DateRangePicker, type DateRange } from "../../ui/DateRangePicker.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { ListTable } from "../../ui/ListTable.tsx";
import { ScrollBox } from "../../ui/ScrollBox.tsx";

const kindHelp: Record<ExportKind, string> = {
  reservations: "Confirmed bookings arriving in the range",
  guests: "Guests with a stay arriving in the range, with email and phone",
  ledger: "Every posting of entries dated in the range",
  occupancy: "Each night: units available and sold, room revenue",
  city_tax: "Each month: nights, person-nights and city tax charged, cancelled stays",
};

function size(bytes: string | null): string {
  if (bytes === null) return "—";
  const n = Number(bytes);
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Whether the file can still be downloaded: done, not purged, link not expired. */
function downloadable(e: ExportNode, now: number): boolean {
  return e.status === "done" && !e.purgedAt && e.downloadToken !== null && (e.expiresAt === null || Date.parse(e.expiresAt) > now);
}

export function ExportsSection({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const allowed = exportKinds.filter((k) => roleAllows(membership.role, "reports", `export_${k}`));
  const today = todayIn(membership.timeZone);
  const [kind, setKind] = useState<ExportKind>(allowed[0] ?? "occupancy");
  const [range, setRange] = useState<DateRange>({ from: `${today.slice(0, 8)}01`, to: addDays(`${addDays(`${today.slice(0, 8)}01`, 32).slice(0, 8)}01`, -1) });
  const [page, setPage] = usePage(10);
  const [pending, setPending] = useState(false);
  const inFlight = useRef(false);
  const [error, setError] = useState<ShownError | null>(null);
  const propertyId = membership.propertyId;
  const query = useQuery({
    queryKey: ["backoffice", "exports", propertyId, page],
    queryFn: ({ signal }) => dataProvider.exports({ propertyId, ...page }, { signal }),
    placeholderData: keepPreviousData,
    // A job finishes within seconds: poll while one is pending, in case live updates are off.
    refetchInterval: (q) => (q.state.data?.data.some((e) => e.status === "pending") ? 3_000 : false),
  });
  useLiveRefresh(["exports"], [["backoffice", "exports"]]);
  // requestExport takes no idempotency key: one click sends one request (a second click while it runs is ignored).
  const request = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      await dataProvider.requestExport({ propertyId, kind, fromDate: range.from, toDate: range.to });
      notify("Export requested: it is written in the background and appears below.", { type: "success" });
      setPage({ ...page, page: 1 });
      await queryClient.invalidateQueries({ queryKey: ["backoffice", "exports"] });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  };
  const now = Date.now();
  return (
    <>
      <SectionHeading title="Exports" subtitle="CSV files of the property's data, written in the background; each link works for 24 hours." />
      <Stack direction={{ xs: "column", md: "row" }} spacing={2} sx={{ alignItems: { md: "center" }, mb: 2 }}>
        <FormControl size="small" fullWidth={false} sx={{ width: 200 }}>
          <InputLabel id="export-kind-label">Export</InputLabel>
          <Select labelId="export-kind-label" label="Export" value={kind} onChange={(e) => setKind(e.target.value as ExportKind)} data-testid="export-kind">
            {allowed.map((k) => (
              <MenuItem key={k} value={k}>
                {humanize(k)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <DateRangePicker idPrefix="export" value={range} onChange={setRange} />
        <Button variant="contained" onClick={() => void request()} disabled={pending || allowed.length === 0} data-action="request-export">
          {pending ? "Requesting…" : "Request export"}
        </Button>
      </Stack>
      <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 1 }}>
        {humanize(kind)}: {kindHelp[kind]}.
      </Typography>
      {error && <ApiErrorAlert title="The export was not requested" error={error} />}
      {query.isError && <QueryError error={query.error} title="Could not load the exports" />}
      <ScrollBox label="Exports, scrolls sideways on a narrow screen">
      <ListTable
        label="Exports"
        testId="exports"
        columns={[{ label: "Requested" }, { label: "Export" }, { label: "Range" }, { label: "Status" }, { label: "Rows", align: "right" }, { label: "Size", align: "right" }, {}]}
        rows={query.data?.data}
        empty="No exports yet."
      >
        {(e) => (
          <TableRow key={e.rowId} data-export={e.rowId} data-status={e.status}>
            <TableCell sx={{ whiteSpace: "nowrap" }}>
              {formatTimestamp(e.createdAt, membership.timeZone)}
              <Typography variant="caption" component="div" color="text.secondary">
                {e.userByRequestedBy ? `by ${e.userByRequestedBy.displayName}` : ""}
              </Typography>
            </TableCell>
            <TableCell>{humanize(e.kind)}</TableCell>
            <TableCell sx={{ whiteSpace: "nowrap" }}>
              {formatDate(e.fromDate)} → {formatDate(e.toDate)}
            </TableCell>
            <TableCell>
              <Chip
                size="small"
                variant="outlined"
                label={e.purgedAt ? "Expired" : humanize(e.status)}
                color={e.status === "done" && !e.purgedAt ? "success" : e.status === "failed" ? "error" : e.status === "pending" ? "info" : "default"}
              />
              {e.error && (
                <Typography variant="caption" component="div" color="error">
                  {e.error}
                </Typography>
              )}
            </TableCell>
            <TableCell align="right">{e.rowCount ?? "—"}</TableCell>
            <TableCell align="right">{size(e.byteCount)}</TableCell>
            <TableCell align="right">
              {downloadable(e, now) ? (
                <Button size="small" startIcon={<DownloadIcon />} href={`/exports/${encodeURIComponent(e.downloadToken!)}`} data-action="download-export">
                  Download
                </Button>
              ) : e.status === "done" ? (
                <Typography variant="caption" color="text.secondary">
                  Link expired
                </Typography>
              ) : null}
              {downloadable(e, now) && e.expiresAt && (
                <Typography variant="caption" component="div" color="text.secondary">
                  until {formatTimestamp(e.expiresAt, membership.timeZone)}
                </Typography>
              )}
            </TableCell>
          </TableRow>
        )}
      </ListTable>
      </ScrollBox>
      <Pager total={query.data?.total ?? 0} page={page} onChange={setPage} label="Exports" />
    </>
  );
}
