// The city-tax report (Reports → City tax): per month of stay and per tax
// charged per night or per person-night, the stays, nights and
// person-nights charged and the tax on them, and the cancelled and no-show
// stays with what the ledger still holds of the tax for them (0: a city tax
// is owed only for nights stayed). What a property files with the city each
// month; the same figures leave as a CSV (the city_tax export).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import LinearProgress from "@mui/material/LinearProgress";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableFooter from "@mui/material/TableFooter";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import DownloadIcon from "@mui/icons-material/Download";
import { useMemo, useRef, useState } from "react";
import { useDataProvider, useNotify } from "react-admin";
import { humanize } from "../../ui/format.ts";
import { addDays } from "../../ui/dates.ts";
import { roleAllows } from "../../platform/access.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { CityTaxNode } from "./documents.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { DateRangePicker, type DateRange } from "../../ui/DateRangePicker.tsx";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { ScrollBox } from "../../ui/ScrollBox.tsx";

const firstOfMonth = (date: string) => `${date.slice(0, 8)}01`;
const lastOfMonth = (date: string) => addDays(firstOfMonth(addDays(firstOfMonth(date), 32)), -1);
const monthName = (month: string) =>
  new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}T12:00:00Z`));

/** The stay months a property usually files: this month, the last one, the year so far. */
export function cityTaxPresets(today: string): Array<{ label: string; range: DateRange }> {
  const lastMonth = addDays(firstOfMonth(today), -1);
  return [
    { label: "This month", range: { from: firstOfMonth(today), to: lastOfMonth(today) } },
    { label: "Last month", range: { from: firstOfMonth(lastMonth), to: lastOfMonth(lastMonth) } },
    { label: "This year", range: { from: `${today.slice(0, 4)}-01-01`, to: lastOfMonth(today) } },
  ];
}

export function CityTaxSection({ membership, today }: { membership: Membership; today: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const propertyId = membership.propertyId;
  const [range, setRange] = useState<DateRange>(cityTaxPresets(today)[1]!.range);
  const [error, setError] = useState<ShownError | null>(null);
  const inFlight = useRef(false);
  const [exporting, setExporting] = useState(false);
  const query = useQuery({
    queryKey: ["backoffice", "cityTax", propertyId, range],
    queryFn: ({ signal }) => dataProvider.cityTaxReport({ propertyId, fromDate: range.from, toDate: range.to }, { signal }),
  });
  const rows: CityTaxNode[] = useMemo(() => query.data ?? [], [query.data]);
  // Totals per tax (a tax has one currency: the property's).
  const totals = useMemo(() => {
    const byTax = new Map<string, { taxName: string; currency: string; stays: number; nights: number; personNights: number; charged: bigint; cancelled: number; kept: bigint }>();
    for (const r of rows) {
      const t = byTax.get(r.taxId) ?? { taxName: r.taxName, currency: r.currency, stays: 0, nights: 0, personNights: 0, charged: 0n, cancelled: 0, kept: 0n };
      t.stays += r.stays;
      t.nights += r.nights;
      t.personNights += r.personNights;
      t.charged += BigInt(r.taxCharged);
      t.cancelled += r.cancelledStays;
      t.kept += BigInt(r.taxOnCancelled);
      byTax.set(r.taxId, t);
    }
    return [...byTax.entries()];
  }, [rows]);
  const canExport = roleAllows(membership.role, "reports", "export_city_tax");
  // One click, one export (requestExport takes no idempotency key).
  const requestCsv = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setExporting(true);
    setError(null);
    try {
      await dataProvider.requestExport({ propertyId, kind: "city_tax", fromDate: range.from, toDate: range.to });
      notify("City-tax CSV requested: it appears under Exports below when it is written.", { type: "success" });
      await queryClient.invalidateQueries({ queryKey: ["backoffice", "exports"] });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      inFlight.current = false;
      setExporting(false);
    }
  };
  return (
    <Card data-testid="city-tax-report">
      <CardContent>
        <SectionHeading
          title="City tax"
          subtitle="Per month of stay: the nights and person-nights charged and their city tax, and what cancelled or no-show stays still hold of it (nothing: the tax is owed only for nights stayed)."
          actions={
            canExport ? (
              <Button size="small" variant="outlined" startIcon={<DownloadIcon />} onClick={() => void requestCsv()} disabled={exporting} data-testid="city-tax-csv">
                Export CSV
              </Button>
            ) : undefined
          }
        />
        <DateRangePicker idPrefix="city-tax" value={range} onChange={setRange} maxDays={401} presets={cityTaxPresets(today)} />
        {error && <ApiErrorAlert error={error} title="Could not request the export" />}
        {query.isPending && <LinearProgress sx={{ my: 2 }} />}
        {query.isError && <QueryError error={query.error} title="Could not load the city-tax report" />}
        {query.data && rows.length === 0 && (
          <Alert severity="info" sx={{ mt: 2 }}>
            No tax per night or per person-night is set up at this property (Revenue → Setup → Taxes).
          </Alert>
        )}
        {rows.length > 0 && (
          <ScrollBox sx={{ mt: 2 }} label="City tax per month, scrolls sideways on a narrow screen">
            <Table size="small" aria-label="City tax per month" data-testid="city-tax-table">
              <TableHead>
                <TableRow>
                  <TableCell>Month</TableCell>
                  <TableCell>Tax</TableCell>
                  <TableCell align="right">Stays</TableCell>
                  <TableCell align="right">Nights</TableCell>
                  <TableCell align="right">Person-nights</TableCell>
                  <TableCell align="right">Tax charged</TableCell>
                  <TableCell align="right">Cancelled / no-show stays</TableCell>
                  <TableCell align="right">Tax kept on them</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={`${r.month}:${r.taxId}`} data-testid={`city-tax-${r.month.slice(0, 7)}`}>
                    <TableCell sx={{ whiteSpace: "nowrap" }}>{monthName(r.month)}</TableCell>
                    <TableCell>
                      {r.taxName}
                      <Typography variant="caption" component="div" color="text.secondary">
                        {humanize(r.basis)}
                      </Typography>
                    </TableCell>
                    <TableCell align="right">{r.stays}</TableCell>
                    <TableCell align="right">{r.nights}</TableCell>
                    <TableCell align="right">{r.personNights}</TableCell>
                    <MoneyCell amount={r.taxCharged} currency={r.currency} strong />
                    <TableCell align="right">{r.cancelledStays}</TableCell>
                    <MoneyCell amount={r.taxOnCancelled} currency={r.currency} muted={r.taxOnCancelled === "0"} />
                  </TableRow>
                ))}
              </TableBody>
              <TableFooter>
                {totals.map(([taxId, t]) => (
                  <TableRow key={taxId} data-testid={`city-tax-total-${taxId}`}>
                    <TableCell>
                      <strong>Total</strong>
                    </TableCell>
                    <TableCell>{t.taxName}</TableCell>
                    {/* A stay across months is in each of them: no total of stays. */}
                    <TableCell align="right">—</TableCell>
                    <TableCell align="right">{t.nights}</TableCell>
                    <TableCell align="right">{t.personNights}</TableCell>
                    <MoneyCell amount={t.charged.toString()} currency={t.currency} strong />
                    <TableCell align="right">{t.cancelled}</TableCell>
                    <MoneyCell amount={t.kept.toString()} currency={t.currency} strong />
                  </TableRow>
                ))}
              </TableFooter>
            </Table>
          </ScrollBox>
        )}
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
          A stay across months counts in each month for its nights there. Whether a tax is kept on cancellation and no-show fees is set per tax (Revenue → Setup → Taxes).
        </Typography>
      </CardContent>
    </Card>
  );
}
