// The rate calendar: rate plans (rows, grouped by room type) × dates
// (columns), each cell the nightly price that applies and the restrictions
// (minimum stay, closed to arrival or departure, stop sell); overridden
// dates stand out. Bulk edit sets price and restrictions of one or more
// plans over a date range, optionally only some weekdays, through the API's
// setRates (one call per plan, each with its own idempotency key); a click
// on a cell opens it for that plan and date. Under each room type, the
// rooms left on each night (its active units less the live claims: stays,
// holds, blocks), live. 7 to 90 days at a time: the frame scrolls sideways
// with the plan column and the rooms-left label sticky. "Copy a period"
// copies one range's rates and restrictions onto another (RateCopy.tsx).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import ButtonGroup from "@mui/material/ButtonGroup";
import Checkbox from "@mui/material/Checkbox";
import FormControl from "@mui/material/FormControl";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import FormLabel from "@mui/material/FormLabel";
import LinearProgress from "@mui/material/LinearProgress";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { alpha, useTheme } from "@mui/material/styles";
import useMediaQuery from "@mui/material/useMediaQuery";
import ChevronLeftIcon from "@mui/icons-material/ChevronLeft";
import ChevronRightIcon from "@mui/icons-material/ChevronRight";
import EditCalendarIcon from "@mui/icons-material/EditCalendar";
import ContentCopyIcon from "@mui/icons-material/ContentCopy";
import { Fragment, useMemo, useState } from "react";
import { useDataProvider, useNotify } from "react-admin";
import { formatMoney, todayIn } from "../../ui/format.ts";
import { visuallyHidden } from "../../ui/visuallyHidden.ts";
import { addDays, dateRange, formatDayHeading, formatShortDate, isIsoDate, isoWeekday } from "../../ui/dates.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { RateGridDayNode, RatePlanNode, RoomTypeNode } from "./documents.ts";
import { followsText } from "./derivedRates.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyField } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { parseMoney } from "../../ui/money.ts";
import { CopyPeriodDialog } from "./RateCopy.tsx";

const weekdays = [
  { iso: 1, label: "Mon" }, { iso: 2, label: "Tue" }, { iso: 3, label: "Wed" }, { iso: 4, label: "Thu" },
  { iso: 5, label: "Fri" }, { iso: 6, label: "Sat" }, { iso: 7, label: "Sun" },
];

export function RateCalendar({ membership, ratePlans, roomTypes, canEdit }: {
  membership: Membership;
  ratePlans: RatePlanNode[];
  roomTypes: RoomTypeNode[];
  canEdit: boolean;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const theme = useTheme();
  const today = todayIn(membership.timeZone);
  const [start, setStart] = useState(today);
  const [days, setDays] = useState(14);
  const [editing, setEditing] = useState<{ planIds: string[]; from: string; to: string } | null>(null);
  const [copying, setCopying] = useState(false);
  const dates = useMemo(() => dateRange(start, days), [start, days]);
  const propertyId = membership.propertyId;
  const to = dates[dates.length - 1]!;
  const grid = useQuery({
    queryKey: ["backoffice", "rateGrid", propertyId, start, to],
    queryFn: ({ signal }) => dataProvider.rateGrid({ propertyId, fromDate: start, toDate: to }, { signal }),
  });
  // Live: a plan's defaults, or rates and restrictions set by another manager (or a copy) anywhere.
  useLiveRefresh(["rate_plans", "rate_calendar"], [["backoffice", "rateGrid"]]);
  const rooms = useQuery({
    queryKey: ["backoffice", "roomsLeft", propertyId, start, days],
    queryFn: ({ signal }) => dataProvider.roomsLeft({ propertyId, firstDate: start, endDate: addDays(start, days) }, { signal }),
  });
  // Live: a booking, hold or block anywhere (the desk, a guest online, a channel) changes the rooms left.
  useLiveRefresh(["inventory_claims", "units"], [["backoffice", "roomsLeft"]], { propertyId });
  const cells = useMemo(() => {
    const map = new Map<string, RateGridDayNode>();
    for (const cell of grid.data ?? []) map.set(`${cell.ratePlanId}:${cell.date}`, cell);
    return map;
  }, [grid.data]);
  const typeName = new Map(roomTypes.map((t) => [t.rowId, t.name]));
  const plans = [...ratePlans].sort((a, b) => (typeName.get(a.roomTypeId) ?? "").localeCompare(typeName.get(b.roomTypeId) ?? "") || a.name.localeCompare(b.name));
  const groups = roomTypes.filter((t) => plans.some((p) => p.roomTypeId === t.rowId)).sort((a, b) => a.name.localeCompare(b.name));
  // On a phone the plan column and the dates are narrower, so more than one date shows beside the plan.
  const phone = useMediaQuery(theme.breakpoints.down("sm"));
  const cellWidth = phone ? 76 : 84;
  const planWidth = phone ? 132 : 220;
  return (
    <>
      <SectionHeading
        title="Rate calendar"
        subtitle="The nightly price and restrictions that apply per rate plan and date. Shaded: the date has an override; the rest follow the plan's own price and stay limits. A derived plan's prices follow its parent's (read-only here); its restrictions add to the parent's."
        actions={
          canEdit && (
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
              <Button variant="outlined" startIcon={<ContentCopyIcon />} onClick={() => setCopying(true)} data-action="copy-period" disabled={plans.length === 0}>
                Copy a period
              </Button>
              <Button variant="contained" startIcon={<EditCalendarIcon />} onClick={() => setEditing({ planIds: plans.map((p) => p.rowId), from: start, to })} data-action="bulk-edit" disabled={plans.length === 0}>
                Bulk edit
              </Button>
            </Stack>
          )
        }
      />
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", mb: 1.5, flexWrap: "wrap", rowGap: 1 }}>
        <ButtonGroup size="small" aria-label="Move the calendar">
          <Button onClick={() => setStart(addDays(start, -days))} aria-label="Earlier dates">
            <ChevronLeftIcon />
          </Button>
          <Button onClick={() => setStart(today)}>Today</Button>
          <Button onClick={() => setStart(addDays(start, days))} aria-label="Later dates">
            <ChevronRightIcon />
          </Button>
        </ButtonGroup>
        <TextField
          label="Starting"
          type="date"
          size="small"
          fullWidth={false}
          sx={{ width: 175 }}
          value={start}
          onChange={(e) => isIsoDate(e.target.value) && setStart(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField select label="Days" size="small" fullWidth={false} sx={{ width: 110 }} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 14, 21, 31, 60, 90].map((n) => (
            <MenuItem key={n} value={n}>
              {n} days
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="body2" color="text.secondary">
          {formatShortDate(start)} – {formatShortDate(to)}
        </Typography>
      </Stack>
      {grid.isFetching && <LinearProgress sx={{ mb: 0.5 }} />}
      {grid.isError && <QueryError error={grid.error} title="Could not load the rate calendar" />}
      {rooms.isError && <QueryError error={rooms.error} title="Could not count the rooms left" />}
      {plans.length === 0 ? (
        <Alert severity="info">No rate plans yet: add one under Rate plans.</Alert>
      ) : (
        // width 0 + min-width 100%: the grid scrolls inside the page instead of widening it. scroll-padding-left:
        // a cell scrolled into view (focused by a click, or again when its dialog closes) lands beside the
        // sticky plan column, never under it (issue 21: the column looked clipped after a click).
        <Box sx={{ overflowX: "auto", width: 0, minWidth: "100%", border: 1, borderColor: "divider", borderRadius: 1, scrollPaddingLeft: planWidth }} data-testid="rate-grid-frame">
          <Box
            role="grid"
            aria-label="Rate calendar"
            data-testid="rate-grid"
            sx={{ display: "grid", gridTemplateColumns: `${planWidth}px repeat(${dates.length}, ${cellWidth}px)`, minWidth: planWidth + dates.length * cellWidth, fontSize: 13 }}
          >
            <Box role="row" sx={{ display: "contents" }}>
              <Box role="columnheader" sx={{ p: 1, position: "sticky", left: 0, zIndex: 2, bgcolor: "background.paper", borderBottom: 1, borderColor: "divider", fontWeight: 600 }}>
                Rate plan
              </Box>
              {dates.map((d) => {
                const h = formatDayHeading(d);
                const weekend = isoWeekday(d) >= 6;
                return (
                  <Box
                    role="columnheader"
                    key={d}
                    sx={{ p: 0.5, textAlign: "center", borderBottom: 1, borderLeft: 1, borderColor: "divider", bgcolor: d === today ? alpha(theme.palette.primary.main, 0.12) : weekend ? "action.hover" : undefined }}
                  >
                    <div>{h.weekday}</div>
                    <strong>
                      {h.day} {h.month}
                    </strong>
                  </Box>
                );
              })}
            </Box>
            {groups.map((type) => (
              <Fragment key={type.rowId}>
                <Box role="row" sx={{ display: "contents" }}>
                  <Box role="rowheader" sx={{ gridColumn: `1 / span ${dates.length + 1}`, bgcolor: "action.selected", fontWeight: 600 }}>
                    {/* The name sticks, not the row: a sticky element as wide as the grid has nowhere to stick. */}
                    <Box component="span" sx={{ display: "inline-block", px: 1, py: 0.5, position: "sticky", left: 0 }}>
                      {type.name}
                    </Box>
                  </Box>
                </Box>
                <RoomsLeftRow roomTypeId={type.rowId} dates={dates} rooms={rooms.data?.get(type.rowId)} />
                {plans
                  .filter((p) => p.roomTypeId === type.rowId)
                  .map((plan) => (
                    <Box role="row" key={plan.rowId} sx={{ display: "contents" }} data-plan={plan.rowId} data-plan-name={plan.name}>
                      <Box role="rowheader" sx={{ p: 1, position: "sticky", left: 0, zIndex: 2, bgcolor: "background.paper", borderBottom: 1, borderRight: 1, borderColor: "divider" }} data-sticky="plan">
                        <div>{plan.name}</div>
                        {plan.parentRatePlanId !== null ? (
                          // A derived plan (issue 21): its prices are its parent's adjusted, read-only here.
                          <Typography variant="caption" color="text.secondary" data-testid="follows">
                            {followsText(plan, ratePlans)} · min {plan.minStay}
                          </Typography>
                        ) : (
                          <Typography variant="caption" color="text.secondary">
                            base {formatMoney(plan.basePrice, plan.currency)} · min {plan.minStay}
                            {plan.maxStay ? ` · max ${plan.maxStay}` : ""}
                          </Typography>
                        )}
                      </Box>
                      {dates.map((d) => {
                        const cell = cells.get(`${plan.rowId}:${d}`);
                        return (
                          <RateCell
                            key={d}
                            cell={cell}
                            currency={plan.currency}
                            planMinStay={plan.minStay}
                            planMaxStay={plan.maxStay}
                            onOpen={canEdit ? () => setEditing({ planIds: [plan.rowId], from: d, to: d }) : undefined}
                            label={`${plan.name}${plan.parentRatePlanId !== null ? ` (${followsText(plan, ratePlans)})` : ""}, ${d}`}
                          />
                        );
                      })}
                    </Box>
                  ))}
              </Fragment>
            ))}
          </Box>
        </Box>
      )}
      <Stack direction="row" spacing={2} sx={{ mt: 1, flexWrap: "wrap" }}>
        <Typography variant="caption" color="text.secondary">
          <strong>≥n</strong> minimum nights · <strong>≤n</strong> maximum nights · <strong>CTA</strong> closed to arrival · <strong>CTD</strong> closed to departure ·{" "}
          <strong>Stop</strong> stop sell
        </Typography>
      </Stack>
      {copying && (
        <CopyPeriodDialog
          propertyId={propertyId}
          plans={plans}
          typeName={typeName}
          today={today}
          initial={{ from: start < today ? today : start, to: to < today ? addDays(today, 6) : to }}
          onClose={() => setCopying(false)}
        />
      )}
      {editing && (
        <BulkEditDialog
          plans={plans}
          typeName={typeName}
          initial={editing}
          currency={membership.currency}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}

/** A room type's rooms left on each night: its active units less the live claims on them (0 in red). */
function RoomsLeftRow({ roomTypeId, dates, rooms }: { roomTypeId: string; dates: string[]; rooms: { active: number; left: Map<string, number> } | undefined }) {
  const theme = useTheme();
  return (
    <Box role="row" sx={{ display: "contents" }} data-testid="rooms-left" data-room-type={roomTypeId}>
      <Box role="rowheader" sx={{ px: 1, py: 0.5, position: "sticky", left: 0, zIndex: 2, bgcolor: "background.paper", borderBottom: 1, borderRight: 1, borderColor: "divider", color: "text.secondary" }}>
        Rooms left{rooms ? ` (of ${rooms.active})` : ""}
      </Box>
      {dates.map((d) => {
        const left = rooms?.left.get(d);
        return (
          <Box
            role="gridcell"
            key={d}
            data-date={d}
            data-left={left ?? ""}
            aria-label={left === undefined ? `${d}: counting` : `${d}: ${left} of ${rooms!.active} rooms left`}
            sx={{
              px: 0.5, py: 0.5, textAlign: "center", borderBottom: 1, borderLeft: 1, borderColor: "divider", fontVariantNumeric: "tabular-nums",
              fontWeight: 600, color: left === 0 ? "error.dark" : "text.primary", bgcolor: left === 0 ? alpha(theme.palette.error.main, 0.08) : undefined,
            }}
          >
            {left ?? "…"}
          </Box>
        );
      })}
    </Box>
  );
}

function RateCell({ cell, currency, planMinStay, planMaxStay, onOpen, label }: {
  cell: RateGridDayNode | undefined;
  currency: string;
  planMinStay: number;
  planMaxStay: number | null;
  onOpen: (() => void) | undefined;
  label: string;
}) {
  const theme = useTheme();
  if (!cell) return <Box role="gridcell" sx={{ borderBottom: 1, borderLeft: 1, borderColor: "divider" }} />;
  const flags = [
    cell.minStay !== planMinStay || cell.minStay > 1 ? `≥${cell.minStay}` : null,
    cell.maxStay !== null && cell.maxStay !== planMaxStay ? `≤${cell.maxStay}` : null,
    cell.closedToArrival ? "CTA" : null,
    cell.closedToDeparture ? "CTD" : null,
  ].filter((f): f is string => f !== null);
  const background = cell.stopSell
    ? alpha(theme.palette.error.main, 0.14)
    : cell.isOverride
      ? alpha(theme.palette.primary.main, 0.08)
      : undefined;
  const content = (
    <Box
      role="gridcell"
      tabIndex={onOpen ? 0 : undefined}
      onClick={onOpen}
      // A cell focused half under the sticky plan column (a click on its visible part) scrolls in beside it:
      // scrollIntoView honours the frame's scroll-padding, focus alone does not.
      onFocus={(e) => e.currentTarget.scrollIntoView({ block: "nearest", inline: "nearest" })}
      onKeyDown={(e) => {
        if (onOpen && (e.key === "Enter" || e.key === " ")) {
          e.preventDefault();
          onOpen();
        }
      }}
      data-date={cell.date}
      data-price={cell.price}
      data-stop-sell={cell.stopSell}
      data-override={cell.isOverride}
      sx={{
        // The containing block of its screen-reader text, which would otherwise widen the page from inside the scrolling frame.
        position: "relative",
        p: 0.5,
        textAlign: "center",
        borderBottom: 1,
        borderLeft: 1,
        borderColor: "divider",
        bgcolor: background,
        cursor: onOpen ? "pointer" : "default",
        "&:hover": onOpen ? { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: -2 } : undefined,
        "&:focus-visible": { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: -2 },
      }}
    >
      {/* Named by what it shows (WCAG 2.5.3, label in name), after the plan and date a screen reader needs. */}
      <Box component="span" sx={visuallyHidden}>{`${label}: `}</Box>
      <Box sx={{ fontWeight: cell.priceIsOverride ? 700 : 400, fontVariantNumeric: "tabular-nums", textDecoration: cell.stopSell ? "line-through" : undefined }}>
        {formatMoney(cell.price, currency)}
      </Box>
      <Box sx={{ fontSize: 11, color: cell.stopSell ? "error.dark" : "text.secondary", minHeight: 16 }}>
        {cell.stopSell ? <>{" "}Stop<Box component="span" sx={visuallyHidden}> sell</Box></> : null}
        {flags.length ? ` ${flags.join(" ")}` : ""}
      </Box>
    </Box>
  );
  return content;
}

type TriState = "keep" | "on" | "off";

interface BulkInput {
  planIds: string[];
  from: string;
  to: string;
  weekdays: number[];
  price: string | null;
  minStay: number | null;
  maxStay: number | null;
  closedToArrival: TriState;
  closedToDeparture: TriState;
  stopSell: TriState;
  reset: boolean;
}

const tri = (value: TriState): boolean | null => (value === "keep" ? null : value === "on");

function TriStateField({ label, value, onChange, name }: { label: string; value: TriState; onChange: (value: TriState) => void; name: string }) {
  return (
    <TextField select label={label} size="small" value={value} onChange={(e) => onChange(e.target.value as TriState)} name={name} fullWidth>
      <MenuItem value="keep">Leave as is</MenuItem>
      <MenuItem value="on">Yes</MenuItem>
      <MenuItem value="off">No</MenuItem>
    </TextField>
  );
}

function BulkEditDialog({ plans, typeName, initial, currency, onClose }: {
  plans: RatePlanNode[];
  typeName: Map<string, string>;
  initial: { planIds: string[]; from: string; to: string };
  currency: string;
  onClose: () => void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [planIds, setPlanIds] = useState<string[]>(initial.planIds);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5, 6, 7]);
  const [price, setPrice] = useState("");
  const [minStay, setMinStay] = useState("");
  const [maxStay, setMaxStay] = useState("");
  const [cta, setCta] = useState<TriState>("keep");
  const [ctd, setCtd] = useState<TriState>("keep");
  const [stopSell, setStopSell] = useState<TriState>("keep");
  const [reset, setReset] = useState(false);
  const planCurrency = plans.find((p) => p.rowId === planIds[0])?.currency ?? currency;
  const priceMinor = price.trim() === "" ? null : parseMoney(price, planCurrency);
  const int = (text: string) => (text.trim() === "" ? null : /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN);
  const min = int(minStay);
  const max = int(maxStay);
  const input: BulkInput = {
    planIds, from, to, weekdays: days, price: priceMinor, minStay: min, maxStay: max,
    closedToArrival: cta, closedToDeparture: ctd, stopSell, reset,
  };
  const nothing = priceMinor === null && min === null && max === null && cta === "keep" && ctd === "keep" && stopSell === "keep" && !reset;
  const invalid =
    planIds.length === 0 ? "Choose at least one rate plan."
    : !isIsoDate(from) || !isIsoDate(to) || from > to ? "Choose the first and last date."
    : days.length === 0 ? "Choose at least one day of the week."
    : price.trim() !== "" && priceMinor === null ? "The price is not an amount."
    : Number.isNaN(min) || (min !== null && (min < 1 || min > 365)) ? "Minimum stay: 1 to 365 nights."
    : Number.isNaN(max) || (max !== null && (max < 1 || max > 365)) ? "Maximum stay: 1 to 365 nights."
    : min !== null && max !== null && max < min ? "The maximum stay is below the minimum."
    : nothing ? "Change at least one thing."
    : null;
  const allDays = days.length === 7;
  return (
    <ActionDialog
      title="Edit rates and restrictions"
      confirmLabel="Apply"
      input={input}
      invalid={invalid}
      maxWidth="md"
      testId="bulk-edit"
      onSubmit={async (values, _key, keyFor) => {
        let dates = 0;
        for (const ratePlanId of values.planIds) {
          // A derived plan's prices follow its parent: it takes the restrictions only (the database refuses a price of its own).
          const follows = plans.find((p) => p.rowId === ratePlanId)?.parentRatePlanId != null;
          if (follows && values.minStay === null && values.maxStay === null && values.closedToArrival === "keep"
              && values.closedToDeparture === "keep" && values.stopSell === "keep" && !values.reset) continue;
          dates += await dataProvider.setRates({
            ratePlanId,
            firstDate: values.from,
            lastDate: values.to,
            price: follows ? null : values.price,
            minStay: values.minStay,
            maxStay: values.maxStay,
            closedToArrival: tri(values.closedToArrival),
            closedToDeparture: tri(values.closedToDeparture),
            stopSell: tri(values.stopSell),
            daysOfWeek: values.weekdays.length === 7 ? null : [...values.weekdays].sort(),
            reset: values.reset,
            idempotencyKey: keyFor(ratePlanId),
          });
        }
        notify(`Rates updated: ${dates} date${dates === 1 ? "" : "s"} on ${values.planIds.length} plan${values.planIds.length === 1 ? "" : "s"}.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "rateGrid"] });
      }}
      onClose={onClose}
    >
      <FormControl component="fieldset">
        <FormLabel component="legend">Rate plans</FormLabel>
        <FormGroup row>
          {plans.map((p) => (
            <FormControlLabel
              key={p.rowId}
              control={
                <Checkbox
                  checked={planIds.includes(p.rowId)}
                  onChange={(e) => setPlanIds(e.target.checked ? [...planIds, p.rowId] : planIds.filter((id) => id !== p.rowId))}
                />
              }
              label={`${typeName.get(p.roomTypeId) ?? ""} · ${p.name}`}
            />
          ))}
        </FormGroup>
      </FormControl>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        <TextField label="First date" type="date" size="small" value={from} onChange={(e) => setFrom(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} name="firstDate" fullWidth />
        <TextField label="Last date" type="date" size="small" value={to} onChange={(e) => setTo(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} name="lastDate" fullWidth />
      </Stack>
      <FormControl component="fieldset">
        <FormLabel component="legend">On</FormLabel>
        <FormGroup row>
          <FormControlLabel control={<Checkbox checked={allDays} indeterminate={!allDays && days.length > 0} onChange={(e) => setDays(e.target.checked ? [1, 2, 3, 4, 5, 6, 7] : [])} />} label="Every day" />
          {weekdays.map((w) => (
            <FormControlLabel
              key={w.iso}
              control={<Checkbox checked={days.includes(w.iso)} onChange={(e) => setDays(e.target.checked ? [...days, w.iso] : days.filter((d) => d !== w.iso))} />}
              label={w.label}
            />
          ))}
        </FormGroup>
      </FormControl>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        <MoneyField label="Price per night" value={price} onChange={setPrice} currency={planCurrency} helperText="Empty: leave the price as is." name="price" />
        <TextField label="Minimum stay (nights)" size="small" value={minStay} onChange={(e) => setMinStay(e.target.value)} slotProps={{ htmlInput: { inputMode: "numeric" } }} helperText="Empty: leave as is." name="minStay" fullWidth />
        <TextField label="Maximum stay (nights)" size="small" value={maxStay} onChange={(e) => setMaxStay(e.target.value)} slotProps={{ htmlInput: { inputMode: "numeric" } }} helperText="Empty: leave as is." name="maxStay" fullWidth />
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        <TriStateField label="Closed to arrival" value={cta} onChange={setCta} name="closedToArrival" />
        <TriStateField label="Closed to departure" value={ctd} onChange={setCtd} name="closedToDeparture" />
        <TriStateField label="Stop sell" value={stopSell} onChange={setStopSell} name="stopSell" />
      </Stack>
      <FormControlLabel
        control={<Checkbox checked={reset} onChange={(e) => setReset(e.target.checked)} />}
        label="First clear the overrides on these dates (back to each plan's own price and limits), then apply the changes above"
      />
      {priceMinor !== null && plans.some((p) => planIds.includes(p.rowId) && p.parentRatePlanId !== null) && (
        <Alert severity="info" data-testid="derived-price-note">
          {plans.filter((p) => planIds.includes(p.rowId) && p.parentRatePlanId !== null).map((p) => `${p.name} ${followsText(p, plans)}`).join("; ")}
          : the price is not set on {plans.filter((p) => planIds.includes(p.rowId) && p.parentRatePlanId !== null).length === 1 ? "it" : "them"}, only the restrictions.
        </Alert>
      )}
      {planIds.length > 1 && new Set(plans.filter((p) => planIds.includes(p.rowId)).map((p) => p.currency)).size > 1 && (
        <Alert severity="warning">The chosen plans are in different currencies: the price applies as typed to each.</Alert>
      )}
    </ActionDialog>
  );
}
