// Reports: occupancy, ADR and RevPAR per night and revenue by channel over
// a range of stay dates, with the actual and on-the-books split and the same
// period last year beside them (Comparison.tsx); pickup (bookings made per day, by channel) over a
// range of booking dates; the city tax per month (CityTax.tsx); and exports. Charts with recharts; every amount
// comes from the API in minor units and is labelled exactly with
// formatMoney (the charts plot it in major units).
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Grid from "@mui/material/Grid";
import LinearProgress from "@mui/material/LinearProgress";
import Paper from "@mui/material/Paper";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableFooter from "@mui/material/TableFooter";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTheme } from "@mui/material/styles";
import { useMemo, useState } from "react";
import { Title, useCanAccess, useDataProvider } from "react-admin";
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { currencyDigits, formatMoney, humanize, todayIn } from "../../ui/format.ts";
import { addDays, formatShortDate } from "../../ui/dates.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { OccupancyNode, PickupNode } from "./documents.ts";
import { majorUnits as major } from "../../ui/money.ts";
import { DateRangePicker, type DateRange } from "../../ui/DateRangePicker.tsx";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import { ScrollBox } from "../../ui/ScrollBox.tsx";
import { CityTaxSection } from "./CityTax.tsx";
import { ExportsSection } from "./Exports.tsx";
import { lastYearOffset, PeriodComparison } from "./Comparison.tsx";

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function ReportsPage() {
  const { canAccess, isPending } = useCanAccess({ resource: "reports", action: "show" });
  return (
    <Box sx={{ mt: 1 }}>
      <Title title="Reports" />
      {isPending ? null : !canAccess ? (
        <Alert severity="warning">Reports are for owners, managers and accountants of the property.</Alert>
      ) : (
        <WithProperty>{(membership) => <Reports membership={membership} />}</WithProperty>
      )}
    </Box>
  );
}

function Reports({ membership }: { membership: Membership }) {
  const today = todayIn(membership.timeZone);
  const [stays, setStays] = useState<DateRange>({ from: addDays(today, -7), to: addDays(today, 30) });
  const [booked, setBooked] = useState<DateRange>({ from: addDays(today, -29), to: today });
  return (
    <Grid container spacing={2}>
      <Grid size={12}>
        <StayReports membership={membership} range={stays} onRange={setStays} today={today} />
      </Grid>
      <Grid size={12}>
        <Pickup membership={membership} range={booked} onRange={setBooked} today={today} />
      </Grid>
      <Grid size={12}>
        <CityTaxSection membership={membership} today={today} />
      </Grid>
      <Grid size={12}>
        <Card>
          <CardContent>
            <ExportsSection membership={membership} />
          </CardContent>
        </Card>
      </Grid>
    </Grid>
  );
}

function Kpi({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5, height: "100%" }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="h5" component="div">
        {value}
      </Typography>
      {hint && (
        <Typography variant="caption" color="text.secondary" component="div">
          {hint}
        </Typography>
      )}
    </Paper>
  );
}

interface OccupancyPoint {
  date: string;
  label: string;
  occupancy: number;
  adr: number | null;
  revpar: number;
  row: OccupancyNode;
}

function StayReports({ membership, range, onRange, today }: { membership: Membership; range: DateRange; onRange: (range: DateRange) => void; today: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const theme = useTheme();
  const propertyId = membership.propertyId;
  const currency = membership.currency;
  const query = useQuery({
    queryKey: ["backoffice", "stayReports", propertyId, range],
    queryFn: ({ signal }) => dataProvider.stayReports({ propertyId, fromDate: range.from, toDate: range.to }, { signal }),
  });
  // The moment a year ago (364 days: the same weekday) at which last year's period is read as it was on the books.
  const [yearAgo] = useState(() => new Date(Date.now() + lastYearOffset * 86_400_000).toISOString());
  const sameTimeLastYear = useQuery({
    queryKey: ["backoffice", "onTheBooks", propertyId, range, yearAgo],
    queryFn: ({ signal }) =>
      dataProvider.onTheBooksReport(
        { propertyId, fromDate: addDays(range.from, lastYearOffset), toDate: addDays(range.to, lastYearOffset), asOf: yearAgo },
        { signal },
      ),
  });
  // The same weekdays 52 weeks earlier, beside this period's figures.
  const lastYear = useQuery({
    queryKey: ["backoffice", "stayReports", propertyId, { from: addDays(range.from, lastYearOffset), to: addDays(range.to, lastYearOffset) }],
    queryFn: ({ signal }) =>
      dataProvider.stayReports({ propertyId, fromDate: addDays(range.from, lastYearOffset), toDate: addDays(range.to, lastYearOffset) }, { signal }),
  });
  const points: OccupancyPoint[] = useMemo(
    () =>
      (query.data?.occupancy ?? []).map((row) => ({
        date: row.date,
        label: formatShortDate(row.date),
        occupancy: Number(row.occupancy),
        // No room sold that night: no ADR (a gap in the line, not a zero).
        adr: row.adr === null ? null : major(row.adr, currency),
        revpar: major(row.revpar, currency),
        row,
      })),
    [query.data, currency],
  );
  // Totals over the range: occupancy = sold / available; ADR = revenue / sold; RevPAR = revenue / available.
  const totals = useMemo(() => {
    const rows = query.data?.occupancy ?? [];
    const sold = rows.reduce((n, r) => n + r.unitsSold, 0);
    const available = rows.reduce((n, r) => n + r.unitsAvailable, 0);
    const revenue = rows.reduce((n, r) => n + BigInt(r.roomRevenue), 0n);
    const divide = (a: bigint, b: number) => (b === 0 ? null : ((a * 2n + BigInt(b)) / (2n * BigInt(b))).toString());
    return { sold, available, revenue: revenue.toString(), adr: divide(revenue, sold), revpar: divide(revenue, available) };
  }, [query.data]);
  const channels = query.data?.channels ?? [];
  const channelTotal = channels.reduce((n, c) => n + BigInt(c.roomRevenue), 0n);
  return (
    <Card>
      <CardContent>
        <SectionHeading
          title="Occupancy, ADR and RevPAR"
          subtitle="Per night of stay: units sold of the units available, average daily rate (room revenue per room sold) and revenue per available room."
        />
        <DateRangePicker
          idPrefix="stays"
          value={range}
          onChange={onRange}
          maxDays={401}
          presets={[
            { label: "Next 30 days", range: { from: today, to: addDays(today, 29) } },
            { label: "Last 30 days", range: { from: addDays(today, -29), to: today } },
            { label: "Next 90 days", range: { from: today, to: addDays(today, 89) } },
          ]}
        />
        {query.isPending && <LinearProgress sx={{ my: 2 }} />}
        {query.isError && <QueryError error={query.error} title="Could not load the reports" />}
        {query.data && (
          <>
            <Grid container spacing={1.5} sx={{ my: 2 }}>
              <Grid size={{ xs: 6, md: 3 }}>
                <Kpi testId="kpi-occupancy" label="Occupancy" value={totals.available ? percent(totals.sold / totals.available) : "—"} hint={`${totals.sold} of ${totals.available} room nights`} />
              </Grid>
              <Grid size={{ xs: 6, md: 3 }}>
                <Kpi testId="kpi-adr" label="ADR" value={formatMoney(totals.adr, currency)} />
              </Grid>
              <Grid size={{ xs: 6, md: 3 }}>
                <Kpi testId="kpi-revpar" label="RevPAR" value={formatMoney(totals.revpar, currency)} />
              </Grid>
              <Grid size={{ xs: 6, md: 3 }}>
                <Kpi testId="kpi-revenue" label="Room revenue" value={formatMoney(totals.revenue, currency)} />
              </Grid>
            </Grid>
            <PeriodComparison
              rows={query.data.occupancy}
              lastYear={lastYear.data?.occupancy}
              sameTimeLastYear={sameTimeLastYear.data}
              today={today}
              from={range.from}
              to={range.to}
              currency={currency}
            />
            {lastYear.isError && <QueryError error={lastYear.error} title="Could not load last year's figures" />}
            {sameTimeLastYear.isError && <QueryError error={sameTimeLastYear.error} title="Could not load what was on the books a year ago" />}
            <Box component="figure" sx={{ m: 0 }} data-testid="chart-occupancy" aria-label="Occupancy, ADR and RevPAR per night">
              <ResponsiveContainer width="100%" height={300}>
                <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="label" minTickGap={16} />
                  <YAxis yAxisId="occupancy" domain={[0, 1]} tickFormatter={percent} width={56} />
                  <YAxis yAxisId="money" orientation="right" domain={[0, (max: number) => Math.ceil(max * 1.15)]} tickFormatter={(v: number) => formatMoney(Math.round(v * 10 ** currencyDigits(currency)), currency)} width={84} />
                  <Tooltip
                    formatter={(value, name, item) => {
                      const row = (item.payload as OccupancyPoint).row;
                      if (name === "Occupancy") return [`${percent(Number(value))} (${row.unitsSold}/${row.unitsAvailable})`, name];
                      return [formatMoney(name === "ADR" ? row.adr : row.revpar, currency), name];
                    }}
                  />
                  <Legend />
                  <Area yAxisId="occupancy" type="stepAfter" dataKey="occupancy" name="Occupancy" fill={theme.palette.primary.light} stroke={theme.palette.primary.main} fillOpacity={0.25} isAnimationActive={false} />
                  <Line yAxisId="money" type="linear" dataKey="adr" name="ADR" stroke={theme.palette.secondary.main} dot={false} strokeWidth={2} isAnimationActive={false} />
                  <Line yAxisId="money" type="linear" dataKey="revpar" name="RevPAR" stroke={theme.palette.success.main} dot={false} strokeWidth={2} isAnimationActive={false} />
                </ComposedChart>
              </ResponsiveContainer>
              <Typography component="figcaption" variant="caption" color="text.secondary">
                Occupancy (left axis) and ADR and RevPAR in {currency} (right axis), {formatShortDate(range.from)} to {formatShortDate(range.to)}.
              </Typography>
            </Box>
            <Grid container spacing={2} sx={{ mt: 2 }}>
              <Grid size={{ xs: 12, md: 6 }}>
                <Typography variant="subtitle1" component="h3">
                  Revenue by channel
                </Typography>
                <Box component="figure" sx={{ m: 0 }} data-testid="chart-channels" aria-label="Room revenue by channel">
                  {channels.length === 0 ? (
                    <Typography variant="body2">No room nights sold in this range.</Typography>
                  ) : (
                    <ResponsiveContainer width="100%" height={220}>
                      <BarChart data={channels.map((c) => ({ channel: humanize(c.channel), revenue: major(c.roomRevenue, currency), row: c }))} layout="vertical" margin={{ left: 16, right: 24 }}>
                        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                        <XAxis type="number" tickFormatter={(v: number) => formatMoney(Math.round(v * 10 ** currencyDigits(currency)), currency)} />
                        <YAxis type="category" dataKey="channel" width={96} />
                        <Tooltip formatter={(_v, _n, item) => [formatMoney((item.payload as { row: { roomRevenue: string } }).row.roomRevenue, currency), "Room revenue"]} />
                        <Bar dataKey="revenue" name="Room revenue" fill={theme.palette.primary.main} isAnimationActive={false} />
                      </BarChart>
                    </ResponsiveContainer>
                  )}
                </Box>
              </Grid>
              <Grid size={{ xs: 12, md: 6 }}>
                <ScrollBox label="Revenue by channel, scrolls sideways on a narrow screen">
                <Table size="small" aria-label="Revenue by channel" data-testid="channel-table">
                  <TableHead>
                    <TableRow>
                      <TableCell>Channel</TableCell>
                      <TableCell align="right">Bookings</TableCell>
                      <TableCell align="right">Room nights</TableCell>
                      <TableCell align="right">Room revenue</TableCell>
                      <TableCell align="right">Share</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {channels.map((c) => (
                      <TableRow key={c.channel}>
                        <TableCell>{humanize(c.channel)}</TableCell>
                        <TableCell align="right">{c.bookings}</TableCell>
                        <TableCell align="right">{c.roomNights}</TableCell>
                        <MoneyCell amount={c.roomRevenue} currency={currency} />
                        <TableCell align="right">{channelTotal > 0n ? percent(Number(c.roomRevenue) / Number(channelTotal)) : "—"}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                  {channels.length > 0 && (
                    <TableFooter>
                      <TableRow>
                        <TableCell>Total</TableCell>
                        <TableCell align="right">{channels.reduce((n, c) => n + c.bookings, 0)}</TableCell>
                        <TableCell align="right">{channels.reduce((n, c) => n + c.roomNights, 0)}</TableCell>
                        <MoneyCell amount={channelTotal.toString()} currency={currency} strong />
                        <TableCell />
                      </TableRow>
                    </TableFooter>
                  )}
                </Table>
                </ScrollBox>
              </Grid>
            </Grid>
          </>
        )}
      </CardContent>
    </Card>
  );
}

function Pickup({ membership, range, onRange, today }: { membership: Membership; range: DateRange; onRange: (range: DateRange) => void; today: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const theme = useTheme();
  const propertyId = membership.propertyId;
  const currency = membership.currency;
  const query = useQuery({
    queryKey: ["backoffice", "pickup", propertyId, range],
    queryFn: ({ signal }) => dataProvider.pickupReport({ propertyId, fromDate: range.from, toDate: range.to }, { signal }),
  });
  const rows: PickupNode[] = useMemo(() => query.data ?? [], [query.data]);
  const channels = useMemo(() => [...new Set(rows.map((r) => r.channel))].sort(), [rows]);
  // One bar per booking day of the range (days without bookings too), stacked by channel.
  const data = useMemo(() => {
    const days: Array<Record<string, string | number>> = [];
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
      const day: Record<string, string | number> = { date: d, label: formatShortDate(d) };
      for (const r of rows.filter((x) => x.bookedOn === d)) day[r.channel] = r.bookings;
      days.push(day);
      if (days.length > 400) break;
    }
    return days;
  }, [rows, range]);
  const colours = [theme.palette.primary.main, theme.palette.secondary.main, theme.palette.success.main, theme.palette.warning.main, theme.palette.info.main];
  const bookings = rows.reduce((n, r) => n + r.bookings, 0);
  const nights = rows.reduce((n, r) => n + r.roomNights, 0);
  const revenue = rows.reduce((n, r) => n + BigInt(r.roomRevenue), 0n).toString();
  return (
    <Card>
      <CardContent>
        <SectionHeading title="Pickup" subtitle="Bookings made per day (in the property's calendar), by channel: how fast the books fill." />
        <DateRangePicker
          idPrefix="pickup"
          value={range}
          onChange={onRange}
          maxDays={401}
          presets={[
            { label: "Last 7 days", range: { from: addDays(today, -6), to: today } },
            { label: "Last 30 days", range: { from: addDays(today, -29), to: today } },
            { label: "Last 90 days", range: { from: addDays(today, -89), to: today } },
          ]}
        />
        {query.isPending && <LinearProgress sx={{ my: 2 }} />}
        {query.isError && <QueryError error={query.error} title="Could not load the pickup" />}
        {query.data && (
          <>
            <Grid container spacing={1.5} sx={{ my: 2 }}>
              <Grid size={{ xs: 4 }}>
                <Kpi testId="kpi-bookings" label="Bookings made" value={String(bookings)} />
              </Grid>
              <Grid size={{ xs: 4 }}>
                <Kpi testId="kpi-nights" label="Room nights booked" value={String(nights)} />
              </Grid>
              <Grid size={{ xs: 4 }}>
                <Kpi testId="kpi-pickup-revenue" label="Room revenue booked" value={formatMoney(revenue, currency)} />
              </Grid>
            </Grid>
            <Box component="figure" sx={{ m: 0 }} data-testid="chart-pickup" aria-label="Bookings made per day by channel">
              <ResponsiveContainer width="100%" height={260}>
                <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="label" minTickGap={16} />
                  <YAxis allowDecimals={false} width={40} />
                  <Tooltip />
                  <Legend formatter={(value: string) => humanize(value)} />
                  {channels.map((channel, i) => (
                    <Bar key={channel} dataKey={channel} name={channel} stackId="bookings" fill={colours[i % colours.length]} isAnimationActive={false} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
              <Typography component="figcaption" variant="caption" color="text.secondary">
                Bookings made each day from {formatShortDate(range.from)} to {formatShortDate(range.to)}, stacked by channel.
              </Typography>
            </Box>
          </>
        )}
      </CardContent>
    </Card>
  );
}
