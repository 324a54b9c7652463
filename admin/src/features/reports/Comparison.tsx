// This period beside the same period last year, and what of it is on the
// books (issue 21): the occupancy report's nights split at today — nights
// before today are actual (stayed, or sold and not cancelled), tonight on
// are on the books (confirmed bookings not yet stayed) — and the same
// report over the same weekdays 52 weeks earlier (364 days: a Saturday is
// compared with a Saturday). Beside it, the pace: what last year's period
// had on the books 364 days ago (onTheBooksReport as of then, "same time
// last year"), to read against this period's figures today. Every figure is
// summed from the API's per-night rows, in minor units, rounded once.
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { formatMoney } from "../../ui/format.ts";
import { ScrollBox } from "../../ui/ScrollBox.tsx";
import { addDays, formatShortDate } from "../../ui/dates.ts";
import type { OccupancyNode, OnTheBooksNode } from "./documents.ts";

/** How far back "the same period last year" is: 52 weeks, so weekdays line up. */
export const lastYearOffset = -364;

export interface PeriodFigures {
  sold: number;
  available: number;
  revenue: bigint;
}

/** Sums per-night rows: room nights sold and available, room revenue. */
export function sumNights(rows: OccupancyNode[]): PeriodFigures {
  return {
    sold: rows.reduce((n, r) => n + r.unitsSold, 0),
    available: rows.reduce((n, r) => n + r.unitsAvailable, 0),
    revenue: rows.reduce((n, r) => n + BigInt(r.roomRevenue), 0n),
  };
}

/** a / b in minor units, rounded half up; null when b is 0. */
const divide = (a: bigint, b: number) => (b === 0 ? null : ((a * 2n + BigInt(b)) / (2n * BigInt(b))).toString());
const percent = (sold: number, available: number) => (available === 0 ? "—" : `${((sold / available) * 100).toFixed(1)}%`);

interface Measure {
  label: string;
  value(f: PeriodFigures): string;
  /** The change from last year, in words: points of occupancy, or percent. */
  change(now: PeriodFigures, before: PeriodFigures): string;
}

const relative = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? "—" : `${now >= before ? "+" : "−"}${Math.abs(((now - before) / before) * 100).toFixed(1)}%`;

export function PeriodComparison({ rows, lastYear, sameTimeLastYear, today, from, to, currency }: {
  rows: OccupancyNode[];
  lastYear: OccupancyNode[] | undefined;
  /** Last year's nights as they were on the books 364 days ago (their units available from `lastYear`). */
  sameTimeLastYear: OnTheBooksNode[] | undefined;
  today: string;
  from: string;
  to: string;
  currency: string;
}) {
  const actual = sumNights(rows.filter((r) => r.date < today));
  const onBooks = sumNights(rows.filter((r) => r.date >= today));
  const period = sumNights(rows);
  const before = lastYear ? sumNights(lastYear) : null;
  const available = new Map((lastYear ?? []).map((r) => [r.date, r.unitsAvailable]));
  const stly = sameTimeLastYear && lastYear
    ? sumNights(sameTimeLastYear.map((r) => ({ ...r, unitsAvailable: available.get(r.date) ?? 0, occupancy: "0", adr: null, revpar: null })))
    : null;
  const measures: Measure[] = [
    {
      label: "Occupancy",
      value: (f) => percent(f.sold, f.available),
      change: (n, b) => (n.available === 0 || b.available === 0 ? "—" : `${n.sold / n.available >= b.sold / b.available ? "+" : "−"}${Math.abs((n.sold / n.available - b.sold / b.available) * 100).toFixed(1)} pts`),
    },
    { label: "Room nights sold", value: (f) => String(f.sold), change: (n, b) => relative(n.sold, b.sold) },
    { label: "Room revenue", value: (f) => formatMoney(f.revenue.toString(), currency), change: (n, b) => relative(Number(n.revenue), Number(b.revenue)) },
    {
      label: "ADR",
      value: (f) => formatMoney(divide(f.revenue, f.sold), currency),
      change: (n, b) => relative(n.sold ? Number(n.revenue) / n.sold : null, b.sold ? Number(b.revenue) / b.sold : null),
    },
    {
      label: "RevPAR",
      value: (f) => formatMoney(divide(f.revenue, f.available), currency),
      change: (n, b) => relative(n.available ? Number(n.revenue) / n.available : null, b.available ? Number(b.revenue) / b.available : null),
    },
  ];
  const hasPast = rows.some((r) => r.date < today);
  const hasFuture = rows.some((r) => r.date >= today);
  return (
    // Scrolls sideways in its own box on a phone (focusable, so the keyboard can scroll it too).
    <ScrollBox sx={{ my: 2 }} testId="period-comparison" label="This period beside last year">
      <Table size="small" aria-label="This period, on the books and the same period last year">
        {/* Headings wrap to two or three lines, not one word a line: on a phone the table scrolls in its box instead. */}
        <TableHead sx={{ "& th": { minWidth: 112 } }}>
          <TableRow>
            <TableCell />
            {hasPast && <TableCell align="right">Actual (to yesterday)</TableCell>}
            {hasFuture && <TableCell align="right">On the books (today on)</TableCell>}
            <TableCell align="right">This period</TableCell>
            <TableCell align="right">
              Same period last year
              <Typography variant="caption" component="div" color="text.secondary">
                {formatShortDate(addDays(from, lastYearOffset))} – {formatShortDate(addDays(to, lastYearOffset))}
              </Typography>
            </TableCell>
            <TableCell align="right">Change</TableCell>
            <TableCell align="right">
              Last year, on the books a year ago
              <Typography variant="caption" component="div" color="text.secondary">
                same time last year
              </Typography>
            </TableCell>
            <TableCell align="right">Pace</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {measures.map((m) => (
            <TableRow key={m.label} data-measure={m.label}>
              <TableCell component="th" scope="row">
                {m.label}
              </TableCell>
              {hasPast && <TableCell align="right" data-column="actual">{m.value(actual)}</TableCell>}
              {hasFuture && <TableCell align="right" data-column="on-the-books">{m.value(onBooks)}</TableCell>}
              <TableCell align="right" data-column="period" sx={{ fontWeight: 600 }}>
                {m.value(period)}
              </TableCell>
              <TableCell align="right" data-column="last-year">{before ? m.value(before) : "…"}</TableCell>
              <TableCell align="right" data-column="change">{before ? m.change(period, before) : "…"}</TableCell>
              <TableCell align="right" data-column="same-time-last-year">{stly ? m.value(stly) : "…"}</TableCell>
              <TableCell align="right" data-column="pace">{stly ? m.change(period, stly) : "…"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="text.secondary" component="p">
        On the books: confirmed bookings for tonight and later, as they stand now. Last year: the same weekdays 52 weeks earlier, as stayed. On
        the books a year ago: what those nights had booked 364 days before today (bookings confirmed by then and not yet cancelled); Pace: this
        period now against it.
      </Typography>
    </ScrollBox>
  );
}
