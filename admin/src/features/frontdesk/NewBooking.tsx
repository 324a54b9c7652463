// A walk-in or a booking taken by phone at the selected property, in four
// steps on one screen: search the stay (dates, adults, children) and see
// every room type and rate plan with its total, or why it cannot be sold;
// get a quote (each night, discounts, fees, taxes, cancellation terms) with
// the desk's choices (DeskOptions: a unit, or any; the rate's price, a
// discount or a room price with its reason: deskQuote, role-checked in the
// database); hold that unit at that price, with the time left on the hold
// (createDeskHold); enter the guest (the email is optional: a walk-in may
// have none) and confirm, and for a stay that starts today check in at once.
// Then the reservation's page. Each mutation is one user action with one
// idempotency key (ActionKey): a double click, a second Enter or a retry
// after a lost answer never holds or books twice.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CardHeader from "@mui/material/CardHeader";
import Chip from "@mui/material/Chip";
import CircularProgress from "@mui/material/CircularProgress";
import Grid from "@mui/material/Grid";
import LinearProgress from "@mui/material/LinearProgress";
import MenuItem from "@mui/material/MenuItem";
import Skeleton from "@mui/material/Skeleton";
import Stack from "@mui/material/Stack";
import Step from "@mui/material/Step";
import StepLabel from "@mui/material/StepLabel";
import Stepper from "@mui/material/Stepper";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import SearchIcon from "@mui/icons-material/Search";
import LockClockIcon from "@mui/icons-material/LockClock";
import CheckCircleIcon from "@mui/icons-material/CheckCircle";
import PaymentsIcon from "@mui/icons-material/Payments";
import LoginIcon from "@mui/icons-material/Login";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useTheme } from "@mui/material/styles";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Title, useCanAccess, useCreatePath, useDataProvider, useNotify } from "react-admin";
import { useNavigate, useSearchParams } from "react-router-dom";
import { formatDate, formatMoney, formatTimestamp, humanize, todayIn } from "../../ui/format.ts";
import { visuallyHidden } from "../../ui/visuallyHidden.ts";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { AvailabilityNode, HoldResult, QuoteNode, StaySearch } from "./documents.ts";
import { useLanguages } from "../property/languages.ts";
import { ActionKey } from "../../platform/idempotency.ts";
import { roleLabels } from "../../platform/access.ts";
import { ApiErrorAlert, refusedByApi, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { addDays, daysBetween, guestsText, isIsoDate, plural } from "../../ui/dates.ts";
import { ChildAgesFields, chosenAges, missingAgesReason, resizeAges, type FormAges } from "../../ui/ChildAgesFields.tsx";
import { DeskOptions, noDeskChoice, type DeskChoice } from "./DeskOptions.tsx";
import { arrivalTimeInput, setExpectedArrival } from "../reservations/arrivalTime.ts";

export function NewBooking() {
  const { membership, isPending } = useCurrentProperty();
  const { canAccess, isPending: accessPending } = useCanAccess({ resource: "bookings", action: "create" });
  if (!membership) return isPending ? null : <Alert severity="warning">You are not staff at any property.</Alert>;
  if (accessPending) return <LinearProgress sx={{ m: 2 }} />;
  if (!canAccess) {
    return (
      <Alert severity="info" sx={{ mt: 2 }}>
        As {roleLabels[membership.role].toLowerCase()} at {membership.propertyName} you cannot take bookings; the front desk, managers and owners can.
      </Alert>
    );
  }
  // A new flow per property: switching property starts over.
  return <BookingFlow key={membership.propertyId} membership={membership} />;
}

interface SearchForm {
  arrival: string;
  departure: string;
  adults: string;
  children: string;
  /** One per child (issue 22): asked whenever there are children. */
  ages: FormAges;
}

interface Held {
  hold: HoldResult;
  quote: QuoteNode;
  rate: AvailabilityNode;
  /** The children's ages the hold was priced for (null: no children). */
  childAges: number[] | null;
  /** When the hold runs out by this browser's clock (received + minutes). */
  deadline: number;
  minutes: number;
}

/** Read by screen readers, not shown. */
// (sx reads width: 1 as 100%: pixels are written out.)

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const phonePattern = /^\+?[0-9 ()./-]{5,30}$/;

/** The ages in a URL's `ages` (e.g. "2,8") as the form's, one per child when they are 0 to 17. */
function agesParam(value: string | null, children: string): FormAges {
  const ages = (value ?? "").split(",").filter((a) => a !== "").map(Number);
  const count = Number(children);
  return ages.length === count && ages.every((a) => Number.isInteger(a) && a >= 0 && a <= 17) ? ages : resizeAges([], count);
}

function validateSearch(form: SearchForm, today: string): { search: StaySearch | null; errors: Partial<Record<keyof SearchForm, string>> } {
  const errors: Partial<Record<keyof SearchForm, string>> = {};
  if (!isIsoDate(form.arrival)) errors.arrival = "Pick the arrival date.";
  else if (form.arrival < today) errors.arrival = "Arrival cannot be in the past.";
  if (!isIsoDate(form.departure)) errors.departure = "Pick the departure date.";
  else if (isIsoDate(form.arrival) && form.departure <= form.arrival) errors.departure = "Departure must be after arrival.";
  const adults = Number(form.adults);
  const children = Number(form.children);
  if (!Number.isInteger(adults) || adults < 1 || adults > 50) errors.adults = "1 to 50 adults.";
  if (!Number.isInteger(children) || children < 0 || children > 50) errors.children = "0 to 50 children.";
  const ages = resizeAges(form.ages, children);
  const agesMissing = missingAgesReason(ages);
  if (agesMissing) errors.ages = agesMissing;
  if (Object.keys(errors).length > 0) return { search: null, errors };
  return { search: { propertyId: "", arrival: form.arrival, departure: form.departure, adults, children, childAges: chosenAges(ages) ?? null }, errors };
}

function BookingFlow({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const [params] = useSearchParams();
  const today = todayIn(membership.timeZone);
  const initial = useMemo<SearchForm>(() => {
    const arrival = params.get("arrival");
    const start = arrival && isIsoDate(arrival) && arrival >= today ? arrival : today;
    const departure = params.get("departure");
    return {
      arrival: start,
      departure: departure && isIsoDate(departure) && departure > start ? departure : addDays(start, 1),
      adults: params.get("adults") ?? "2",
      children: params.get("children") ?? "0",
      ages: agesParam(params.get("ages"), params.get("children") ?? "0"),
    };
    // Read once: the form is the user's from then on.
  }, []);
  const [form, setForm] = useState<SearchForm>(initial);
  const [formErrors, setFormErrors] = useState<Partial<Record<keyof SearchForm, string>>>({});
  const [search, setSearch] = useState<StaySearch | null>(() => {
    if (!params.get("arrival")) return null;
    const { search: valid } = validateSearch(initial, today);
    return valid ? { ...valid, propertyId: membership.propertyId } : null;
  });
  const [selected, setSelected] = useState<AvailabilityNode | null>(null);
  const [held, setHeld] = useState<Held | null>(null);
  // A free cell of the tape chart opens this screen with its unit (?roomTypeId=&unitId=): the first
  // bookable rate of that room type is quoted at once, on that unit (UNIT_UNAVAILABLE when it is not free).
  const [pinned] = useState(() => {
    const roomTypeId = params.get("roomTypeId");
    const unitId = params.get("unitId");
    return roomTypeId && /^[0-9a-f-]{36}$/i.test(roomTypeId) ? { roomTypeId, unitId: unitId && /^[0-9a-f-]{36}$/i.test(unitId) ? unitId : null } : null;
  });
  const [pinnedQuoted, setPinnedQuoted] = useState(false);

  const results = useQuery({
    queryKey: ["searchAvailability", search],
    queryFn: ({ signal }) => dataProvider.searchAvailability(search!, { signal }),
    enabled: search !== null,
    staleTime: 30_000,
  });

  if (pinned && !pinnedQuoted && results.data && !selected) {
    setPinnedQuoted(true);
    const first = results.data.find((n) => n.roomTypeId === pinned.roomTypeId && n.isBookable);
    if (first) setSelected(first);
  }

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    const { search: valid, errors } = validateSearch(form, today);
    setFormErrors(errors);
    if (!valid) return;
    setSelected(null);
    setSearch({ ...valid, propertyId: membership.propertyId });
  };

  // A changed age re-prices the stay searched at once (the rates and the quote), when the rest of the form is that stay.
  const changeAges = (ages: FormAges) => {
    const next = { ...form, ages };
    setForm(next);
    if (formErrors.ages) setFormErrors({ ...formErrors, ages: undefined });
    const { search: valid } = validateSearch(next, today);
    if (valid && search && valid.arrival === search.arrival && valid.departure === search.departure && valid.adults === search.adults
        && valid.children === search.children) {
      setSearch({ ...search, childAges: valid.childAges ?? null });
    }
  };

  const step = held ? 2 : selected ? 1 : 0;
  const nights = isIsoDate(form.arrival) && isIsoDate(form.departure) ? daysBetween(form.arrival, form.departure) : 0;
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down("sm"));
  const stacked = useMediaQuery(theme.breakpoints.down("md"));
  const searchButton = (
    <Button type="submit" variant="contained" size="large" startIcon={<SearchIcon />} disabled={held !== null} fullWidth={stacked} sx={{ mt: { md: 1 }, flexShrink: 0 }}>
      Search
    </Button>
  );

  return (
    <Box sx={{ mt: 2, mb: 4 }} data-testid="new-booking">
      <Title title={`New booking · ${membership.propertyName}`} />
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: "baseline", flexWrap: "wrap" }}>
        <Typography variant="h5" component="h1">
          New booking
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {membership.propertyName} · {membership.currency} · dates in {membership.timeZone}
        </Typography>
      </Stack>
      {/* On a phone the labels go under the step numbers: four labels in a row are wider than the screen (issue 21). */}
      <Stepper activeStep={held ? 3 : step} alternativeLabel={phone} sx={{ mb: 3 }} aria-label="Booking steps">
        {["Search", "Quote", "Hold", "Guest and confirm"].map((label) => (
          <Step key={label}>
            <StepLabel>{label}</StepLabel>
          </Step>
        ))}
      </Stepper>

      <Card component="section" aria-labelledby="stay-heading" sx={{ mb: 2 }}>
        <CardContent>
          <Typography id="stay-heading" variant="h6" component="h2" sx={{ mb: 2 }}>
            Stay
          </Typography>
          <form onSubmit={submitSearch} noValidate>
            <Stack direction={{ xs: "column", md: "row" }} spacing={2} sx={{ alignItems: { md: "flex-start" } }}>
              <TextField
                label="Arrival"
                type="date"
                value={form.arrival}
                onChange={(e) => {
                  const arrival = e.target.value;
                  // Keep the number of nights when the arrival moves.
                  const keep = nights > 0 && isIsoDate(arrival) ? addDays(arrival, nights) : form.departure;
                  setForm({ ...form, arrival, departure: keep });
                }}
                disabled={held !== null}
                sx={{ width: { md: 190 }, flexShrink: 0 }}
                error={Boolean(formErrors.arrival)}
                helperText={formErrors.arrival ?? " "}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: today } }}
              />
              <TextField
                label="Departure"
                type="date"
                value={form.departure}
                onChange={(e) => setForm({ ...form, departure: e.target.value })}
                disabled={held !== null}
                sx={{ width: { md: 190 }, flexShrink: 0 }}
                error={Boolean(formErrors.departure)}
                helperText={formErrors.departure ?? (nights > 0 && held === null ? plural(nights, "night") : " ")}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: isIsoDate(form.arrival) ? addDays(form.arrival, 1) : today } }}
              />
              <TextField
                label="Adults"
                type="number"
                value={form.adults}
                onChange={(e) => setForm({ ...form, adults: e.target.value })}
                disabled={held !== null}
                error={Boolean(formErrors.adults)}
                helperText={formErrors.adults ?? " "}
                sx={{ width: { md: 110 }, flexShrink: 0 }}
                slotProps={{ htmlInput: { min: 1, max: 50 } }}
              />
              <TextField
                label="Children"
                type="number"
                value={form.children}
                onChange={(e) => setForm({ ...form, children: e.target.value, ages: resizeAges(form.ages, Number(e.target.value)) })}
                disabled={held !== null}
                error={Boolean(formErrors.children)}
                helperText={formErrors.children ?? " "}
                sx={{ width: { md: 110 }, flexShrink: 0 }}
                slotProps={{ htmlInput: { min: 0, max: 50 } }}
              />
              {!stacked && searchButton}
            </Stack>
            <ChildAgesFields ages={form.ages} onChange={changeAges} disabled={held !== null} error={formErrors.ages ?? null} />
            {/* Stacked (a phone, a narrow window), the ages come before Search, in the order they are filled in. */}
            {stacked && <Box sx={{ mt: form.ages.length > 0 ? 2 : 0 }}>{searchButton}</Box>}
          </form>
        </CardContent>
      </Card>

      {held ? (
        <HoldAndConfirm
          membership={membership}
          held={held}
          onReleased={() => {
            setHeld(null);
            setSelected(null);
            void results.refetch();
          }}
        />
      ) : (
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, lg: selected ? 7 : 12 }}>
            {search && (
              <Results
                search={search}
                isPending={results.isPending}
                error={results.isError ? shownError(results.error) : null}
                nodes={results.data}
                selected={selected}
                onSelect={setSelected}
              />
            )}
          </Grid>
          {selected && search && (
            <Grid size={{ xs: 12, lg: 5 }}>
              <QuotePanel
                unitId={pinned && pinned.roomTypeId === selected.roomTypeId ? pinned.unitId : null}
                key={`${selected.ratePlanId}:${search.arrival}:${search.departure}:${search.adults}:${search.children}` /* a changed age re-prices the same panel */}
                membership={membership}
                search={search}
                rate={selected}
                onHeld={setHeld}
                onClose={() => setSelected(null)}
              />
            </Grid>
          )}
        </Grid>
      )}
    </Box>
  );
}

/** Every room type and rate plan for the stay, grouped by room type. */
function Results({ search, isPending, error, nodes, selected, onSelect }: {
  search: StaySearch;
  isPending: boolean;
  error: ShownError | null;
  nodes: AvailabilityNode[] | undefined;
  selected: AvailabilityNode | null;
  onSelect(node: AvailabilityNode): void;
}) {
  const groups = useMemo(() => {
    const byType = new Map<string, AvailabilityNode[]>();
    for (const node of nodes ?? []) byType.set(node.roomTypeId, [...(byType.get(node.roomTypeId) ?? []), node]);
    return [...byType.values()];
  }, [nodes]);
  const nights = daysBetween(search.arrival, search.departure);
  if (error) return <ApiErrorAlert title="Search failed" error={error} />;
  if (isPending) return <Skeleton variant="rounded" height={160} />;
  const bookable = (nodes ?? []).filter((n) => n.isBookable).length;
  return (
    <Stack spacing={2} data-testid="search-results" component="section" aria-label="Availability">
      <Typography variant="body2" color="text.secondary" role="status">
        {formatDate(search.arrival)} → {formatDate(search.departure)} · {plural(nights, "night")} · {guestsText(search.adults, search.children, search.childAges)} ·{" "}
        {bookable > 0 ? `${plural(bookable, "rate")} available` : "nothing can be sold for this stay"}
      </Typography>
      {groups.length === 0 && <Alert severity="info">This property has no published room types and rates to sell.</Alert>}
      {groups.map((rates) => {
        const first = rates[0]!;
        const soldOut = rates.every((r) => r.restriction === "SOLD_OUT");
        return (
          <Card key={first.roomTypeId} variant="outlined" data-room-type={first.roomTypeName}>
            <CardHeader
              title={first.roomTypeName}
              slotProps={{ title: { variant: "subtitle1", component: "h3" } }}
              subheader={`Sleeps ${first.maxOccupancy} · ${soldOut ? "sold out" : `${plural(first.unitsLeft, "unit")} free`}`}
              action={soldOut ? <Chip label="Sold out" color="error" variant="outlined" size="small" /> : undefined}
            />
            {/* The rates table scrolls in its card on a phone, and the page never sideways (issue 21): position relative
                so the visually hidden "Action" heading (position absolute) is clipped here instead of sticking out of
                the page at the table's right edge; contain: inline-size leaves the table's width out of the page's
                (react-admin's layout is fit-content wide). */}
            <Box sx={{ overflowX: "auto", position: "relative", contain: "inline-size" }}>
              <Table size="small" aria-label={`Rates for ${first.roomTypeName}`}>
                <TableHead>
                  <TableRow>
                    <TableCell>Rate plan</TableCell>
                    <TableCell>Terms</TableCell>
                    <TableCell align="right">Per night</TableCell>
                    <TableCell align="right">Total</TableCell>
                    <TableCell align="right">
                      <Box component="span" sx={visuallyHidden}>
                        Action
                      </Box>
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rates.map((rate) => {
                    const isSelected = selected?.ratePlanId === rate.ratePlanId;
                    return (
                      <TableRow key={rate.ratePlanId} data-rate-plan={rate.ratePlanName} selected={isSelected}>
                        <TableCell>
                          <Typography variant="body2" sx={{ fontWeight: 500 }}>
                            {rate.ratePlanName}
                          </Typography>
                          {!rate.isBookable && rate.restrictionMessage && (
                            <Typography variant="caption" color="warning.dark" component="div" data-restriction={rate.restriction ?? ""}>
                              {humanize((rate.restriction ?? "").toLowerCase())}: {rate.restrictionMessage}
                            </Typography>
                          )}
                        </TableCell>
                        <TableCell>
                          <Stack direction="row" spacing={0.5} sx={{ flexWrap: "wrap" }} useFlexGap>
                            <Chip size="small" variant="outlined" label={humanize(rate.mealPlan)} />
                            <Chip size="small" variant="outlined" color={rate.isRefundable ? "success" : "default"} label={rate.isRefundable ? "Refundable" : "Non-refundable"}
                              sx={{ bgcolor: "background.paper" /* green text stays readable on the selected row's tint */ }} />
                          </Stack>
                        </TableCell>
                        <TableCell align="right">{rate.averageNightlyAmount ? formatMoney(rate.averageNightlyAmount, rate.currency) : "—"}</TableCell>
                        <TableCell align="right">
                          <strong>{rate.totalAmount ? formatMoney(rate.totalAmount, rate.currency) : "—"}</strong>
                        </TableCell>
                        <TableCell align="right">
                          <Button
                            size="small"
                            variant={isSelected ? "contained" : "outlined"}
                            disabled={!rate.isBookable}
                            onClick={() => onSelect(rate)}
                            aria-label={`${rate.isBookable ? (isSelected ? "Quoted" : "Quote") : "Not available"}: ${first.roomTypeName}, ${rate.ratePlanName}`}
                          >
                            {rate.isBookable ? (isSelected ? "Quoted" : "Quote") : "Not available"}
                          </Button>
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </Box>
          </Card>
        );
      })}
    </Stack>
  );
}

/** The priced stay, line by line, and the hold. */
function QuotePanel({ membership, search, rate, onHeld, onClose, unitId }: {
  /** A unit chosen before (a free cell of the tape chart), preselected. */
  unitId: string | null;
  membership: Membership;
  search: StaySearch;
  rate: AvailabilityNode;
  onHeld(held: Held): void;
  onClose(): void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  // The desk's unit and price (deskQuote): the rate's price on any unit until the desk chooses.
  const [desk, setDesk] = useState<DeskChoice>({ ...noDeskChoice, unitId });
  const quote = useQuery({
    queryKey: ["deskQuote", rate.ratePlanId, search.arrival, search.departure, search.adults, search.children, search.childAges ?? null, desk],
    queryFn: ({ signal }) =>
      dataProvider.deskQuote(
        {
          ratePlanId: rate.ratePlanId, arrival: search.arrival, departure: search.departure, adults: search.adults, children: search.children,
          childAges: search.childAges ?? null, ...desk,
        },
        { signal },
      ),
    // A quote is valid for 30 minutes: a fresh one well before that.
    staleTime: 20 * 60_000,
    refetchInterval: 20 * 60_000,
    // The last good quote stays on screen while a changed choice is priced.
    placeholderData: (previous) => previous,
    retry: false,
  });
  const lastGood = useRef<QuoteNode | null>(null);
  if (quote.data && !quote.isPlaceholderData) lastGood.current = quote.data;
  // A promo code the API refused (or an override with it): said at the code's field.
  const refused = quote.isError ? shownError(quote.error) : null;
  const promoRefusal = refused && (refused.code === "PROMO_CODE" || (refused.code === "INVALID_INPUT" && desk.promoCode)) ? refused.message : null;
  const [minutes, setMinutes] = useState(15);
  // One key for this hold (this user action); a new rate or stay is a new panel.
  const holdKey = useRef(new ActionKey());
  const inFlight = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  async function placeHold() {
    const q = quote.isError || quote.isPlaceholderData ? null : quote.data;
    if (!q || inFlight.current) return;
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      const idempotencyKey = holdKey.current.keyFor({ quoteToken: q.quoteToken, minutes });
      const started = Date.now();
      const hold = await dataProvider.createDeskHold({ quoteToken: q.quoteToken, minutes, idempotencyKey });
      onHeld({ hold, quote: q, rate, minutes, childAges: search.childAges ?? null, deadline: Math.min(started + minutes * 60_000, Date.parse(hold.expiresAt) || Infinity) });
    } catch (caught) {
      holdKey.current.failed(refusedByApi(caught));
      setError(shownError(caught));
      if (refusedByApi(caught)) void quote.refetch();
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  }

  return (
    <Card component="section" aria-labelledby="quote-heading" data-testid="quote" sx={{ position: { lg: "sticky" }, top: { lg: 72 } }}>
      <CardHeader
        title={<span id="quote-heading">Quote</span>}
        slotProps={{ title: { variant: "h6", component: "h2" } }}
        subheader={`${rate.roomTypeName} · ${rate.ratePlanName}`}
        action={
          <Button size="small" onClick={onClose}>
            Close
          </Button>
        }
      />
      <CardContent sx={{ pt: 0 }}>
        {quote.isPending && <Skeleton variant="rounded" height={200} />}
        <DeskOptions
          membership={membership}
          search={search}
          rate={rate}
          roomAmount={lastGood.current?.roomAmount ?? null}
          choice={desk}
          onChange={(choice) => {
            setError(null);
            setDesk(choice);
          }}
          disabled={pending}
          promoRefusal={promoRefusal}
        />
        {quote.isError && !promoRefusal && <Box sx={{ mt: 2 }}><ApiErrorAlert title="No quote for this choice" error={shownError(quote.error)} /></Box>}
        {quote.data && !quote.isError && (
          <Stack spacing={2} sx={{ mt: 2, opacity: quote.isPlaceholderData ? 0.5 : 1 }} aria-busy={quote.isPlaceholderData}>
            <QuoteLines quote={quote.data} />
            <CancellationTerms quote={quote.data} timeZone={membership.timeZone} />
            <Typography variant="caption" color="text.secondary">
              Price valid until {formatTimestamp(quote.data.validUntil, membership.timeZone)} · {plural(quote.data.unitsLeft, "unit")} of this type free
            </Typography>
            {error && <ApiErrorAlert title="The hold failed" error={error} />}
            <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
              <TextField
                select
                label="Hold for"
                value={minutes}
                onChange={(e) => setMinutes(Number(e.target.value))}
                size="small"
                sx={{ minWidth: 140 }}
              >
                {[10, 15, 20, 30].map((m) => (
                  <MenuItem key={m} value={m}>
                    {m} minutes
                  </MenuItem>
                ))}
              </TextField>
              <Button
                variant="contained"
                startIcon={pending ? <CircularProgress size={16} color="inherit" /> : <LockClockIcon />}
                onClick={() => void placeHold()}
                disabled={pending || quote.isFetching || quote.isError}
                data-testid="hold-room"
                sx={{ whiteSpace: "nowrap", flexShrink: 0 }}
              >
                Hold room
              </Button>
            </Stack>
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

function QuoteLines({ quote }: { quote: QuoteNode }) {
  const lines = quote.lines.filter((l) => l !== null);
  const money = (amount: string) => formatMoney(amount, quote.currency);
  return (
    <Table size="small" aria-label="Price lines" data-testid="quote-lines">
      <TableHead>
        <TableRow>
          <TableCell>Line</TableCell>
          <TableCell align="right">Amount</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {lines.map((line, index) => (
          <TableRow key={index} data-kind={line.kind}>
            <TableCell>
              {line.description}
              {line.quantity > 1 && line.kind !== "night" ? ` × ${line.quantity}` : ""}
              {line.isInclusive ? <Chip size="small" label="included" variant="outlined" sx={{ ml: 1 }} /> : null}
            </TableCell>
            <TableCell align="right" sx={line.isInclusive ? { color: "text.secondary" } : undefined}>
              {money(line.amount)}
            </TableCell>
          </TableRow>
        ))}
        <TableRow>
          <TableCell>Room</TableCell>
          <TableCell align="right">{money(quote.roomAmount)}</TableCell>
        </TableRow>
        {quote.feesAmount !== "0" && (
          <TableRow>
            <TableCell>Fees</TableCell>
            <TableCell align="right">{money(quote.feesAmount)}</TableCell>
          </TableRow>
        )}
        {quote.taxesAmount !== "0" && (
          <TableRow>
            <TableCell>Taxes added</TableCell>
            <TableCell align="right">{money(quote.taxesAmount)}</TableCell>
          </TableRow>
        )}
        {quote.includedTaxesAmount !== "0" && (
          <TableRow>
            <TableCell>Taxes included in the prices</TableCell>
            <TableCell align="right" sx={{ color: "text.secondary" }}>
              {money(quote.includedTaxesAmount)}
            </TableCell>
          </TableRow>
        )}
        <TableRow>
          <TableCell>
            <strong>Total</strong> · {plural(quote.nights, "night")}
          </TableCell>
          <TableCell align="right" data-testid="quote-total">
            <strong>{money(quote.totalAmount)}</strong>
          </TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
}

/**
 * The quote's cancellation terms. A stay sooner than the plan's
 * free-cancellation window (a same-day booking) has its deadline in the past
 * already: it is non-refundable from booking, and no past date is shown
 * (issue 21; the API's terms say the same).
 */
function CancellationTerms({ quote, timeZone }: { quote: QuoteNode; timeZone: string }) {
  const deadlinePassed = quote.freeCancellationUntil !== null && new Date(quote.freeCancellationUntil).getTime() <= Date.now();
  const refundable = quote.isRefundable && !deadlinePassed;
  return (
    <Alert severity={refundable ? "info" : "warning"} icon={false} data-testid="cancellation-terms" data-deadline-passed={deadlinePassed}>
      <Typography variant="body2" component="div">
        <strong>Cancellation:</strong> {quote.cancellationTerms}
      </Typography>
      {refundable && quote.freeCancellationUntil && quote.lateCancellationPenalty !== "0" && (
        <Typography variant="caption" component="div">
          Cancelling after {formatTimestamp(quote.freeCancellationUntil, timeZone)} costs {formatMoney(quote.lateCancellationPenalty, quote.currency)}.
        </Typography>
      )}
      {quote.isRefundable && deadlinePassed && quote.lateCancellationPenalty !== "0" && (
        <Typography variant="caption" component="div">
          Non-refundable from booking: cancelling costs {formatMoney(quote.lateCancellationPenalty, quote.currency)}.
        </Typography>
      )}
    </Alert>
  );
}

/** Time left on a hold, by the second (a room's hold here, a group's on the group booking screen). */
export function HoldCountdown({ deadline, minutes, expiresAt, timeZone }: { deadline: number; minutes: number; expiresAt: string; timeZone: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, deadline - now);
  const total = minutes * 60_000;
  const mm = Math.floor(left / 60_000);
  const ss = Math.floor((left % 60_000) / 1000);
  const expired = left === 0;
  return (
    <Box data-testid="hold-countdown" data-expired={expired ? "true" : "false"}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "baseline" }}>
        <Typography variant="h4" component="div" role="timer" aria-label="Time left on the hold" color={expired ? "error" : left < 120_000 ? "warning.main" : undefined}>
          {expired ? "0:00" : `${mm}:${String(ss).padStart(2, "0")}`}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {expired ? "the hold has run out" : `left · until ${formatTimestamp(expiresAt, timeZone)}`}
        </Typography>
      </Stack>
      <LinearProgress
        variant="determinate"
        value={total > 0 ? (left / total) * 100 : 0}
        color={expired ? "error" : left < 120_000 ? "warning" : "primary"}
        aria-label="Hold time left"
        sx={{ mt: 1, height: 6, borderRadius: 3 }}
      />
      {expired && (
        <Alert severity="warning" sx={{ mt: 1 }}>
          The hold expired. Confirming still works while nobody has taken the room; otherwise search again.
        </Alert>
      )}
    </Box>
  );
}

/** The booker's details as the desk types them (a room's guest here, a group's booker on the group screen). */
export interface GuestForm {
  fullName: string;
  email: string;
  phone: string;
  specialRequests: string;
  /** The arrival's expected time as typed ("14:30"), empty when not known. */
  expectedArrival: string;
  /** The language the guest is written to in (none or "": the property's). */
  /** A guest-facing language's code (allLanguages), or "" for the property's. */
  language?: string;
}

export function validateGuest(guest: GuestForm): Partial<Record<keyof GuestForm, string>> {
  const errors: Partial<Record<keyof GuestForm, string>> = {};
  const name = guest.fullName.trim();
  if (name.length < 1 || name.length > 200) errors.fullName = "The guest's full name is required.";
  const email = guest.email.trim();
  // A walk-in may have no email: then nothing is sent to them.
  if (email !== "" && (!emailPattern.test(email) || email.length > 254)) errors.email = "An email address for the confirmation, e.g. ada@example.com, or none.";
  if (guest.phone.trim() && !phonePattern.test(guest.phone.trim())) errors.phone = "Digits, spaces and + ( ) . / - only, e.g. +44 20 7946 0000.";
  if (guest.specialRequests.length > 2000) errors.specialRequests = "At most 2000 characters.";
  if (arrivalTimeInput(guest.expectedArrival) === undefined) errors.expectedArrival = "A time of day, like 14:30, or none.";
  return errors;
}

/** The hold with its countdown, the guest's details and the confirmation. */
function HoldAndConfirm({ membership, held, onReleased }: { membership: Membership; held: Held; onReleased(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const navigate = useNavigate();
  const createPath = useCreatePath();
  const canPay = useCanAccess({ resource: "folios", action: "pay", record: { propertyId: membership.propertyId } }).canAccess === true;
  const canCheckIn = useCanAccess({ resource: "reservations", action: "check_in", record: { propertyId: membership.propertyId } }).canAccess === true;
  const reservationId = held.hold.reservationId;
  const stay = useQuery({
    queryKey: ["heldStay", reservationId],
    queryFn: ({ signal }) => dataProvider.heldStay({ reservationId }, { signal }),
  });
  const [guest, setGuest] = useState<GuestForm>({ fullName: "", email: "", phone: "", specialRequests: "", expectedArrival: "", language: "" });
  const languages = useLanguages();
  const [touched, setTouched] = useState(false);
  const errors = validateGuest(guest);
  const [returning, setReturning] = useState<{ fullName: string; phone: string | null; stays: number; email: string } | null>(null);
  // One key per action: confirming this hold, releasing it.
  const confirmKey = useRef(new ActionKey());
  const releaseKey = useRef(new ActionKey());
  const inFlight = useRef(false);
  const [pending, setPending] = useState<"confirm" | "release" | null>(null);
  const [error, setError] = useState<{ title: string; error: ShownError } | null>(null);

  async function lookUpGuest() {
    const email = guest.email.trim();
    if (!emailPattern.test(email)) return setReturning(null);
    try {
      const found = await dataProvider.guestByEmail({ propertyId: membership.propertyId, email });
      setReturning(found ? { fullName: found.fullName, phone: found.phone, stays: found.reservations.totalCount, email } : null);
    } catch {
      setReturning(null); // only a convenience: the booking does not depend on it
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const andPay = submitter instanceof HTMLElement && submitter.dataset.pay === "true";
    const andCheckIn = submitter instanceof HTMLElement && submitter.dataset.checkIn === "true";
    setTouched(true);
    if (inFlight.current) return; // a second click or Enter while the first runs
    if (Object.keys(validateGuest(guest)).length > 0) return;
    inFlight.current = true;
    setPending("confirm");
    setError(null);
    const details = {
      fullName: guest.fullName.trim(),
      email: guest.email.trim() || null,
      phone: guest.phone.trim() || null,
      specialRequests: guest.specialRequests.trim() || null,
    };
    try {
      const idempotencyKey = confirmKey.current.keyFor({ reservationId, ...details });
      const booking = await dataProvider.confirmBooking({ reservationId, idempotencyKey, holdToken: held.hold.holdToken, ...details });
      notify(`Booked: ${booking.confirmationCode ?? ""} for ${details.fullName}, ${formatMoney(booking.totalAmount, booking.currency)}.`, { type: "success" });
      const etaError = await setExpectedArrival(dataProvider, [booking.reservationId], arrivalTimeInput(guest.expectedArrival) ?? null);
      if (etaError) notify(`Booked, but the expected arrival time was not saved (${etaError}): set it on the reservation page.`, { type: "warning", autoHideDuration: 10_000 });
      if (guest.language) {
        // The booking stands whatever happens here (confirmBooking takes no language), as with the arrival time.
        await dataProvider.setReservationLanguage({ reservationId: booking.reservationId, language: guest.language }).catch((caught: unknown) =>
          notify(`Booked, but the guest's language was not saved (${caught instanceof Error ? caught.message : String(caught)}).`, { type: "warning", autoHideDuration: 10_000 }));
      }
      void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      void queryClient.invalidateQueries({ queryKey: ["tapeChart"] });
      // "Confirm and take payment": the reservation's folio, with the payment dialog open.
      const show = createPath({ resource: "reservations", id: booking.reservationId, type: "show" });
      if (andPay) navigate(`${show}/folio`, { state: { takePayment: true } });
      // A walk-in: the reservation with its check-in (and registration card) open.
      else if (andCheckIn) navigate(show, { state: { checkIn: true } });
      else navigate(show);
    } catch (caught) {
      confirmKey.current.failed(refusedByApi(caught));
      setError({ title: "The booking was not confirmed", error: shownError(caught) });
      inFlight.current = false;
      setPending(null);
    }
  }

  async function release() {
    if (inFlight.current) return;
    inFlight.current = true;
    setPending("release");
    setError(null);
    try {
      await dataProvider.cancelReservation({ reservationId, reason: "Hold released at the desk", idempotencyKey: releaseKey.current.keyFor({ reservationId }) });
      notify("Hold released: the room is free again.", { type: "info" });
      onReleased();
    } catch (caught) {
      releaseKey.current.failed(refusedByApi(caught));
      setError({ title: "The hold was not released", error: shownError(caught) });
    } finally {
      inFlight.current = false;
      setPending(null);
    }
  }

  const show = (field: keyof GuestForm) => (touched || guest[field] !== "") && errors[field] ? errors[field] : undefined;
  const { quote, rate } = held;
  const arrivesToday = quote.arrival === todayIn(membership.timeZone);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 5 }}>
        <Card component="section" aria-labelledby="hold-heading" data-testid="hold">
          <CardHeader
            title={<span id="hold-heading">Hold</span>}
            slotProps={{ title: { variant: "h6", component: "h2" } }}
            subheader={`${rate.roomTypeName} · ${rate.ratePlanName}`}
          />
          <CardContent sx={{ pt: 0 }}>
            <Stack spacing={2}>
              <HoldCountdown deadline={held.deadline} minutes={held.minutes} expiresAt={held.hold.expiresAt} timeZone={membership.timeZone} />
              <Typography variant="body2" data-testid="hold-summary">
                {formatDate(quote.arrival)} → {formatDate(quote.departure)} · {plural(quote.nights, "night")} · {guestsText(quote.adults, quote.children, held.childAges)}
                <br />
                Unit <strong data-testid="held-unit">{stay.data?.unit?.name ?? "…"}</strong> · total{" "}
                <strong>{formatMoney(held.hold.totalAmount, held.hold.currency)}</strong> (price locked)
              </Typography>
              <QuoteLines quote={quote} />
              <CancellationTerms quote={quote} timeZone={membership.timeZone} />
              <Box>
                <Button color="warning" onClick={() => void release()} disabled={pending !== null}>
                  Release hold
                </Button>
              </Box>
            </Stack>
          </CardContent>
        </Card>
      </Grid>
      <Grid size={{ xs: 12, md: 7 }}>
        <Card component="section" aria-labelledby="guest-heading">
          <CardHeader title={<span id="guest-heading">Guest</span>} slotProps={{ title: { variant: "h6", component: "h2" } }} />
          <CardContent sx={{ pt: 0 }}>
            <form onSubmit={(e) => void confirm(e)} noValidate>
              <Stack spacing={2}>
                <TextField
                  label="Email"
                  type="email"
                  value={guest.email}
                  onChange={(e) => setGuest({ ...guest, email: e.target.value })}
                  onBlur={() => void lookUpGuest()}
                  error={Boolean(show("email"))}
                  helperText={show("email") ?? "The confirmation is sent here. A walk-in may have none: then nothing is sent."}
                  autoComplete="off"
                  autoFocus
                />
                {returning && returning.email === guest.email.trim() && (
                  <Alert
                    severity="info"
                    action={
                      <Button
                        color="inherit"
                        size="small"
                        onClick={() => setGuest({ ...guest, fullName: returning.fullName, phone: returning.phone ?? guest.phone })}
                      >
                        Use
                      </Button>
                    }
                  >
                    Returning guest: {returning.fullName}
                    {returning.phone ? ` · ${returning.phone}` : ""} · {plural(returning.stays, "stay")} here
                  </Alert>
                )}
                <TextField
                  label="Full name"
                  required
                  value={guest.fullName}
                  onChange={(e) => setGuest({ ...guest, fullName: e.target.value })}
                  error={Boolean(show("fullName"))}
                  helperText={show("fullName") ?? " "}
                  autoComplete="off"
                  slotProps={{ htmlInput: { maxLength: 200 } }}
                />
                <TextField
                  label="Phone"
                  type="tel"
                  value={guest.phone}
                  onChange={(e) => setGuest({ ...guest, phone: e.target.value })}
                  error={Boolean(show("phone"))}
                  helperText={show("phone") ?? "Optional."}
                  autoComplete="off"
                  slotProps={{ htmlInput: { maxLength: 30 } }}
                />
                <TextField
                  label="Expected arrival"
                  type="time"
                  value={guest.expectedArrival}
                  onChange={(e) => setGuest({ ...guest, expectedArrival: e.target.value })}
                  error={Boolean(show("expectedArrival"))}
                  helperText={show("expectedArrival") ?? "Optional: when the guest expects to arrive (local time). Housekeeping cleans first for an early one."}
                  slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 300 } }}
                  sx={{ maxWidth: { sm: 320 } }}
                />
                <TextField
                  select
                  label="Guest's language"
                  value={guest.language ?? ""}
                  onChange={(e) => setGuest({ ...guest, language: e.target.value as GuestForm["language"] })}
                  helperText="Optional: the language of the guest's emails and messages. Not chosen: the property's."
                  sx={{ maxWidth: { sm: 320 } }}
                  data-testid="guest-language"
                >
                  <MenuItem value="">The property's language</MenuItem>
                  {languages.guestFacing.map((l) => (
                    <MenuItem key={l.code} value={l.code} lang={l.code}>
                      {l.ownName}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  label="Special requests"
                  value={guest.specialRequests}
                  onChange={(e) => setGuest({ ...guest, specialRequests: e.target.value })}
                  error={Boolean(show("specialRequests"))}
                  helperText={show("specialRequests") ?? "Optional: late arrival, cot, quiet room…"}
                  multiline
                  minRows={2}
                  slotProps={{ htmlInput: { maxLength: 2000 } }}
                />
                <Typography variant="body2" color="text.secondary">
                  Confirming charges the folio {formatMoney(held.hold.totalAmount, held.hold.currency)} and schedules the payments of the rate plan; the guest
                  gets the confirmation by email when they gave one. “Confirm and take payment” then opens the reservation's folio to take the deposit (card, cash or bank transfer)
                  {arrivesToday ? "; “Confirm and check in” checks a walk-in in at once, with the registration card" : ""}.
                </Typography>
                {error && <ApiErrorAlert title={error.title} error={error.error} />}
                <Stack direction={{ xs: "column", sm: "row" }} spacing={1.5}>
                  <Button
                    type="submit"
                    variant="contained"
                    size="large"
                    startIcon={pending === "confirm" ? <CircularProgress size={16} color="inherit" /> : <CheckCircleIcon />}
                    disabled={pending !== null}
                    data-testid="confirm-booking"
                  >
                    Confirm booking
                  </Button>
                  {arrivesToday && canCheckIn && (
                    <Button
                      type="submit"
                      variant="outlined"
                      size="large"
                      startIcon={<LoginIcon />}
                      disabled={pending !== null}
                      data-check-in="true"
                      data-testid="confirm-and-check-in"
                    >
                      Confirm and check in
                    </Button>
                  )}
                  {canPay && (
                    <Button
                      type="submit"
                      variant="outlined"
                      size="large"
                      startIcon={<PaymentsIcon />}
                      disabled={pending !== null}
                      data-pay="true"
                      data-testid="confirm-and-pay"
                    >
                      Confirm and take payment
                    </Button>
                  )}
                </Stack>
              </Stack>
            </form>
          </CardContent>
        </Card>
      </Grid>
    </Grid>
  );
}
