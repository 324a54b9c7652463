// A group booking taken at the desk (issue 21; docs/booking.md, "Group and
// multi-room bookings"), on one screen: the stay's dates and the group's
// name; the rooms (each a room type and rate plan, adults, children and who
// sleeps there: the rooming list), added and removed by hand or taken from
// a suggestion for the party (roomCombinations); the quote of every room
// and the total (quoteGroup), a refusal shown beside the room it names
// (SOLD_OUT "Room 3 (Double): …"); every room held at once (createGroupHold,
// all or nothing) with its group code and the time left; the booker's
// contact and the confirmation of every room (confirmGroup). Then the
// group's page. Each mutation is one user action with one idempotency key
// (useKeyedAction); the countdown and the booker's checks are the single
// booking screen's.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CircularProgress from "@mui/material/CircularProgress";
import Divider from "@mui/material/Divider";
import IconButton from "@mui/material/IconButton";
import LinearProgress from "@mui/material/LinearProgress";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import AddIcon from "@mui/icons-material/Add";
import CheckCircleIcon from "@mui/icons-material/CheckCircle";
import DeleteIcon from "@mui/icons-material/Delete";
import LockClockIcon from "@mui/icons-material/LockClock";
import RequestQuoteIcon from "@mui/icons-material/RequestQuote";
import GroupsIcon from "@mui/icons-material/Groups";
import { useMemo, useRef, useState, type FormEvent } from "react";
import { Title, useCanAccess, useDataProvider, useNotify } from "react-admin";
import { useNavigate } from "react-router-dom";
import { formatDate, formatMoney, formatTimestamp, todayIn } from "../../ui/format.ts";
import { addDays, daysBetween, isIsoDate, plural } from "../../ui/dates.ts";
import { ApiErrorAlert, ErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { WithProperty } from "../../ui/Section.tsx";
import { useKeyedAction } from "../../ui/keyedAction.tsx";
import { roleLabels } from "../../platform/access.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { HoldCountdown, validateGuest, type GuestForm } from "../frontdesk/NewBooking.tsx";
import type { GroupHoldNode, GroupQuoteNode, GroupRatePlanNode, GroupRoomValue, RoomCombinationNode } from "./documents.ts";
import { roomOfRefusal } from "./data.ts";
import { ChildAgesFields, chosenAges, formAgesOf, missingAgesReason, resizeAges, type FormAges } from "../../ui/ChildAgesFields.tsx";
import { groupPath } from "./paths.ts";
import { arrivalTimeInput, setExpectedArrival } from "../reservations/arrivalTime.ts";

export function NewGroupBooking() {
  const { canAccess, isPending } = useCanAccess({ resource: "groups", action: "create" });
  return (
    <Box sx={{ mt: 2, mb: 4, minWidth: 0 }} data-testid="new-group">
      <WithProperty>
        {(membership) =>
          isPending ? (
            <LinearProgress sx={{ m: 2 }} />
          ) : !canAccess ? (
            <Alert severity="info">
              <Title title="New group" />
              As {roleLabels[membership.role].toLowerCase()} at {membership.propertyName} you cannot take group bookings; the front desk, managers and owners can.
            </Alert>
          ) : (
            // A new flow per property: switching property starts over.
            <GroupFlow key={membership.propertyId} membership={membership} />
          )
        }
      </WithProperty>
    </Box>
  );
}

/** A room as the desk edits it (numbers as typed). */
interface RoomDraft {
  key: number;
  ratePlanId: string;
  adults: string;
  children: string;
  /** One per child (issue 22): the rate may price children by age. */
  ages: FormAges;
  guestName: string;
}

type RoomErrors = Partial<Record<"ratePlanId" | "adults" | "children" | "ages" | "guestName", string>>;

interface Held {
  hold: GroupHoldNode;
  quote: GroupQuoteNode;
  deadline: number;
  minutes: number;
}

const holdMinutes = 15;

function checkRooms(rooms: RoomDraft[]): { values: GroupRoomValue[] | null; errors: RoomErrors[] } {
  const errors = rooms.map((room) => {
    const e: RoomErrors = {};
    if (!room.ratePlanId) e.ratePlanId = "Choose a room type and rate.";
    const adults = Number(room.adults);
    const children = Number(room.children);
    if (!Number.isInteger(adults) || adults < 1 || adults > 20) e.adults = "1 to 20.";
    if (!Number.isInteger(children) || children < 0 || children > 20) e.children = "0 to 20.";
    else {
      const agesMissing = missingAgesReason(resizeAges(room.ages, children));
      if (agesMissing) e.ages = agesMissing;
    }
    if (room.guestName.trim().length > 200) e.guestName = "At most 200 characters.";
    return e;
  });
  if (errors.some((e) => Object.keys(e).length > 0)) return { values: null, errors };
  return {
    values: rooms.map((r) => ({
      ratePlanId: r.ratePlanId, adults: Number(r.adults), children: Number(r.children), childAges: chosenAges(resizeAges(r.ages, Number(r.children))) ?? null,
      guestName: r.guestName.trim() || null,
    })),
    errors,
  };
}

function GroupFlow({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const today = todayIn(membership.timeZone);
  const nextKey = useRef(2);
  const [arrival, setArrival] = useState(today);
  const [departure, setDeparture] = useState(addDays(today, 1));
  const [name, setName] = useState("");
  const [promoCode, setPromoCode] = useState("");
  const [rooms, setRooms] = useState<RoomDraft[]>([{ key: 1, ratePlanId: "", adults: "2", children: "0", ages: [], guestName: "" }]);
  const [roomErrors, setRoomErrors] = useState<RoomErrors[]>([]);
  const [dateError, setDateError] = useState<string | null>(null);
  const [quote, setQuote] = useState<GroupQuoteNode | null>(null);
  const [quoting, setQuoting] = useState(false);
  const [refusal, setRefusal] = useState<(ShownError & { roomNo: number | null }) | null>(null);
  const [held, setHeld] = useState<Held | null>(null);
  // Holding is one user action with one idempotency key (keyedAction.tsx).
  const holdAction = useKeyedAction();

  const plans = useQuery({
    queryKey: ["groups", "ratePlans", membership.propertyId],
    queryFn: ({ signal }) => dataProvider.groupRatePlans({ propertyId: membership.propertyId }, { signal }),
    staleTime: 60_000,
  });
  const planById = useMemo(() => new Map((plans.data ?? []).map((p) => [p.rowId, p])), [plans.data]);
  const nights = isIsoDate(arrival) && isIsoDate(departure) ? daysBetween(arrival, departure) : 0;

  /** Any change to the stay or the rooms makes the quote stale. */
  const changed = () => {
    setQuote(null);
    setRefusal(null);
    holdAction.setError(() => null);
  };
  const updateRoom = (key: number, patch: Partial<RoomDraft>) => {
    setRooms((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    changed();
  };
  const addRoom = () => {
    const last = rooms[rooms.length - 1];
    setRooms([...rooms, { key: nextKey.current++, ratePlanId: last?.ratePlanId ?? "", adults: "2", children: "0", ages: [], guestName: "" }]);
    changed();
  };
  const removeRoom = (key: number) => {
    setRooms(rooms.filter((r) => r.key !== key));
    changed();
  };
  const useCombination = (combination: RoomCombinationNode) => {
    const picked = combination.rooms.filter((r): r is GroupRoomValue => r !== null);
    setRooms(picked.map((r) => ({
      key: nextKey.current++, ratePlanId: r.ratePlanId, adults: String(r.adults), children: String(r.children), ages: formAgesOf(r.childAges, r.children), guestName: "",
    })));
    changed();
  };

  function checkDates(): boolean {
    if (!isIsoDate(arrival) || arrival < today) return setDateError("Arrival is today or later."), false;
    if (!isIsoDate(departure) || departure <= arrival) return setDateError("Departure must be after arrival."), false;
    setDateError(null);
    return true;
  }

  async function getQuote(event: FormEvent) {
    event.preventDefault();
    const datesOk = checkDates();
    const { values, errors } = checkRooms(rooms);
    setRoomErrors(errors);
    if (!datesOk || !values || quoting) return;
    if (name.trim().length > 200 || promoCode.trim().length > 32) return;
    setQuoting(true);
    setRefusal(null);
    setQuote(null);
    try {
      setQuote(await dataProvider.quoteGroup({ rooms: values, arrival, departure, promoCode: promoCode.trim() || null }));
    } catch (caught) {
      const shown = shownError(caught);
      setRefusal({ ...shown, roomNo: roomOfRefusal(shown.message) });
    } finally {
      setQuoting(false);
    }
  }

  async function hold() {
    if (!quote) return;
    setRefusal(null);
    const groupName = name.trim() || null;
    await holdAction.run(async (keyFor) => {
      const started = Date.now();
      const idempotencyKey = keyFor({ quoteToken: quote.quoteToken, name: groupName });
      const result = await dataProvider.createGroupHold({ quoteToken: quote.quoteToken, name: groupName, minutes: holdMinutes, idempotencyKey });
      setHeld({ hold: result, quote, minutes: holdMinutes, deadline: Math.min(started + holdMinutes * 60_000, Date.parse(result.expiresAt) || Infinity) });
    });
  }

  // The quote's refusal, or the hold's (SOLD_OUT when a room was taken meanwhile): beside the room it names; a
  // promo code's ("Room 2: This promo code is not for this rate.") at the code's field.
  const anyRefusal = refusal ?? (holdAction.error ? { ...holdAction.error, roomNo: roomOfRefusal(holdAction.error.message) } : null);
  const promoRefusal = anyRefusal?.code === "PROMO_CODE" ? anyRefusal.message : null;
  const shown = promoRefusal ? null : anyRefusal;
  const quoted = new Map((quote?.rooms ?? []).filter((r) => r !== null).map((r) => [r.roomNo, r]));
  const locked = held !== null;
  return (
    <>
      <Title title={`New group · ${membership.propertyName}`} />
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: "baseline", flexWrap: "wrap" }}>
        <Typography variant="h5" component="h1">
          New group booking
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {membership.propertyName} · {membership.currency} · dates in {membership.timeZone}
        </Typography>
      </Stack>
      <form onSubmit={(e) => void getQuote(e)} noValidate>
        <Card component="section" aria-labelledby="group-stay-heading" sx={{ mb: 2 }}>
          <CardContent>
            <Typography id="group-stay-heading" variant="h6" component="h2" sx={{ mb: 2 }}>
              Stay
            </Typography>
            <Stack direction={{ xs: "column", md: "row" }} spacing={2}>
              <TextField
                label="Arrival"
                type="date"
                value={arrival}
                onChange={(e) => {
                  const next = e.target.value;
                  setArrival(next);
                  if (nights > 0 && isIsoDate(next)) setDeparture(addDays(next, nights));
                  changed();
                }}
                disabled={locked}
                error={dateError !== null && !(isIsoDate(arrival) && arrival >= today)}
                helperText={dateError && !(isIsoDate(arrival) && arrival >= today) ? dateError : " "}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: today } }}
                sx={{ width: { md: 190 } }}
              />
              <TextField
                label="Departure"
                type="date"
                value={departure}
                onChange={(e) => {
                  setDeparture(e.target.value);
                  changed();
                }}
                disabled={locked}
                error={dateError !== null && isIsoDate(arrival) && arrival >= today}
                helperText={dateError && isIsoDate(arrival) && arrival >= today ? dateError : nights > 0 && !locked ? plural(nights, "night") : " "}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: isIsoDate(arrival) ? addDays(arrival, 1) : today } }}
                sx={{ width: { md: 190 } }}
              />
              <TextField
                label="Group name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                disabled={locked}
                error={name.trim().length > 200}
                helperText={name.trim().length > 200 ? "At most 200 characters." : locked ? " " : "Optional, e.g. Smith wedding."}
                slotProps={{ htmlInput: { maxLength: 200 } }}
                sx={{ flex: 1 }}
              />
              <TextField
                label="Promo code"
                value={promoCode}
                onChange={(e) => {
                  setPromoCode(e.target.value);
                  changed();
                }}
                disabled={locked}
                error={promoRefusal !== null}
                helperText={promoRefusal ?? (locked ? " " : "Optional: one code for every room.")}
                autoComplete="off"
                slotProps={{ htmlInput: { maxLength: 32, autoCapitalize: "characters", spellCheck: false, "data-testid": "group-promo-code" } }}
                sx={{ width: { md: 220 } }}
              />
            </Stack>
          </CardContent>
        </Card>

        {!locked && <PartySuggestions membership={membership} arrival={arrival} departure={departure} onUse={useCombination} />}

        <Card component="section" aria-labelledby="group-rooms-heading" sx={{ mb: 2 }}>
          <CardContent>
            <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", mb: 1 }}>
              <Typography id="group-rooms-heading" variant="h6" component="h2">
                Rooms and rooming list
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {plural(rooms.length, "room")}
              </Typography>
            </Stack>
            {plans.isError && <ApiErrorAlert title="The rate plans did not load" error={shownError(plans.error)} />}
            <Stack spacing={1.5} divider={<Divider flexItem />} data-testid="group-rooms">
              {rooms.map((room, index) => (
                <RoomRow
                  key={room.key}
                  no={index + 1}
                  room={room}
                  plans={plans.data ?? []}
                  errors={roomErrors[index] ?? {}}
                  locked={locked}
                  canRemove={rooms.length > 1}
                  onChange={(patch) => updateRoom(room.key, patch)}
                  onRemove={() => removeRoom(room.key)}
                  quoted={quoted.get(index + 1) ?? null}
                  refusal={shown && shown.roomNo === index + 1 ? shown : null}
                  timeZone={membership.timeZone}
                  planById={planById}
                />
              ))}
            </Stack>
            {!locked && (
              <Stack direction={{ xs: "column", sm: "row" }} spacing={1.5} sx={{ mt: 2 }}>
                <Button startIcon={<AddIcon />} onClick={addRoom} disabled={rooms.length >= 20} data-testid="add-room">
                  Add room
                </Button>
                <Box sx={{ flex: 1 }} />
                <Button type="submit" variant="contained" startIcon={quoting ? <CircularProgress size={16} color="inherit" /> : <RequestQuoteIcon />} disabled={quoting} data-testid="quote-group">
                  Quote {plural(rooms.length, "room")}
                </Button>
              </Stack>
            )}
            {shown && shown.roomNo === null && (
              <Box sx={{ mt: 2 }}>
                <ApiErrorAlert title={refusal ? "The group was not priced" : "The rooms were not held"} error={shown} />
              </Box>
            )}
          </CardContent>
        </Card>
      </form>

      {quote && (
        <QuoteSummary quote={quote} held={held} pending={holdAction.pending} onHold={() => void hold()} timeZone={membership.timeZone} />
      )}
      {held && <ConfirmGroup membership={membership} held={held} groupName={name.trim() || null} />}
    </>
  );
}

/** One room: its rate, guests and guest name; its price once quoted, or the refusal that names it. */
function RoomRow({ no, room, plans, errors, locked, canRemove, onChange, onRemove, quoted, refusal, timeZone, planById }: {
  no: number;
  room: RoomDraft;
  plans: GroupRatePlanNode[];
  errors: RoomErrors;
  locked: boolean;
  canRemove: boolean;
  onChange(patch: Partial<RoomDraft>): void;
  onRemove(): void;
  quoted: GroupQuoteNode["rooms"][number];
  refusal: ShownError | null;
  timeZone: string;
  planById: Map<string, GroupRatePlanNode>;
}) {
  const plan = planById.get(room.ratePlanId);
  return (
    <Box data-testid="group-room" data-room-no={no} role="group" aria-labelledby={`group-room-${no}`} sx={{ minWidth: 0 }}>
      <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", mb: 1, minHeight: 40 }}>
        <Typography id={`group-room-${no}`} variant="subtitle2" component="h3">
          Room {no}
          {plan?.roomType ? ` · sleeps ${plan.roomType.maxOccupancy}` : ""}
        </Typography>
        {!locked && (
          <Tooltip title={canRemove ? `Remove room ${no}` : "A group has one room at least"}>
            <span>
              <IconButton aria-label={`Remove room ${no}`} onClick={onRemove} disabled={!canRemove}>
                <DeleteIcon />
              </IconButton>
            </span>
          </Tooltip>
        )}
      </Stack>
      <Stack direction={{ xs: "column", md: "row" }} spacing={1.5} sx={{ alignItems: { md: "flex-start" } }}>
        <TextField
          select
          label={`Room ${no}: room type and rate`}
          value={room.ratePlanId}
          onChange={(e) => onChange({ ratePlanId: e.target.value })}
          disabled={locked}
          error={Boolean(errors.ratePlanId)}
          helperText={errors.ratePlanId ?? " "}
          sx={{ minWidth: { md: 280 }, flex: { md: 2 } }}
          data-testid="room-rate"
        >
          {plans.map((p) => (
            <MenuItem key={p.rowId} value={p.rowId}>
              {p.roomType?.name ?? "?"} · {p.name}
            </MenuItem>
          ))}
        </TextField>
        <Stack direction="row" spacing={1.5}>
          <TextField
            label={`Room ${no}: adults`}
            type="number"
            value={room.adults}
            onChange={(e) => onChange({ adults: e.target.value })}
            disabled={locked}
            error={Boolean(errors.adults)}
            helperText={errors.adults ?? " "}
            slotProps={{ htmlInput: { min: 1, max: 20 } }}
            sx={{ width: 120 }}
          />
          <TextField
            label={`Room ${no}: children`}
            type="number"
            value={room.children}
            onChange={(e) => onChange({ children: e.target.value, ages: resizeAges(room.ages, Number(e.target.value)) })}
            disabled={locked}
            error={Boolean(errors.children)}
            helperText={errors.children ?? " "}
            slotProps={{ htmlInput: { min: 0, max: 20 } }}
            sx={{ width: 120 }}
          />
        </Stack>
        <TextField
          label={`Room ${no}: guest name`}
          value={room.guestName}
          onChange={(e) => onChange({ guestName: e.target.value })}
          disabled={locked}
          error={Boolean(errors.guestName)}
          helperText={errors.guestName ?? (locked ? " " : "Who sleeps here; the booker's name otherwise.")}
          slotProps={{ htmlInput: { maxLength: 200 } }}
          sx={{ flex: { md: 2 } }}
        />
      </Stack>
      <ChildAgesFields
        ages={room.ages}
        onChange={(ages) => onChange({ ages })}
        disabled={locked}
        error={errors.ages ?? null}
        label={`Room ${no}: children's ages`}
        testId={`room-${no}-ages`}
      />
      {quoted?.quote && (
        <Typography variant="body2" data-testid="room-quote" sx={{ mt: 0.5 }}>
          <strong>{formatMoney(quoted.quote.totalAmount, quoted.quote.currency)}</strong> · {plural(quoted.quote.nights, "night")} · room{" "}
          {formatMoney(quoted.quote.roomAmount, quoted.quote.currency)}
          {quoted.quote.feesAmount !== "0" ? `, fees ${formatMoney(quoted.quote.feesAmount, quoted.quote.currency)}` : ""}
          {quoted.quote.taxesAmount !== "0" ? `, taxes ${formatMoney(quoted.quote.taxesAmount, quoted.quote.currency)}` : ""} ·{" "}
          {quoted.quote.isRefundable && quoted.quote.freeCancellationUntil
            ? `free cancellation until ${formatTimestamp(quoted.quote.freeCancellationUntil, timeZone)}`
            : quoted.quote.isRefundable
              ? "refundable"
              : "non-refundable"}
        </Typography>
      )}
      {refusal && (
        <Box sx={{ mt: 1 }} data-testid="room-refusal">
          <ErrorAlert title={`Room ${no} cannot be booked`} error={refusal} />
        </Box>
      )}
    </Box>
  );
}

/**
 * Suggestions for a party: the cheapest ways to sleep them (roomCombinations, with the children's ages: the API gives
 * them to the rooms in order and prices each room with its own), each usable as the rooms.
 */
function PartySuggestions({ membership, arrival, departure, onUse }: { membership: Membership; arrival: string; departure: string; onUse(c: RoomCombinationNode): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const [adults, setAdults] = useState("");
  const [children, setChildren] = useState("0");
  const [ages, setAges] = useState<FormAges>([]);
  const [asked, setAsked] = useState<{ adults: number; children: number; childAges: number[] | null } | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [agesError, setAgesError] = useState<string | null>(null);
  const valid = isIsoDate(arrival) && isIsoDate(departure) && departure > arrival;
  const combinations = useQuery({
    queryKey: ["groups", "combinations", membership.propertyId, arrival, departure, asked],
    queryFn: ({ signal }) => dataProvider.roomCombinations({ propertyId: membership.propertyId, arrival, departure, ...asked!, maxRooms: 10 }, { signal }),
    enabled: asked !== null && valid,
  });
  const suggest = () => {
    const a = Number(adults);
    const c = Number(children || "0");
    if (!Number.isInteger(a) || a < 1 || a > 100 || !Number.isInteger(c) || c < 0 || c > 100) return setInvalid("1 to 100 adults, 0 to 100 children.");
    setInvalid(null);
    const missing = missingAgesReason(ages);
    setAgesError(missing);
    if (missing) return;
    setAsked({ adults: a, children: c, childAges: chosenAges(ages) ?? null });
  };
  return (
    <Card component="section" aria-labelledby="party-heading" sx={{ mb: 2 }}>
      <CardContent>
        <Typography id="party-heading" variant="h6" component="h2" sx={{ mb: 1 }}>
          Rooms for a party
        </Typography>
        <Stack direction={{ xs: "column", sm: "row" }} spacing={1.5} sx={{ alignItems: { sm: "flex-start" } }}>
          <TextField label="Party: adults" type="number" value={adults} onChange={(e) => setAdults(e.target.value)} error={invalid !== null} helperText={invalid ?? " "} sx={{ width: { sm: 150 } }} slotProps={{ htmlInput: { min: 1, max: 100 } }} />
          <TextField
            label="Party: children"
            type="number"
            value={children}
            onChange={(e) => {
              setChildren(e.target.value);
              setAges(resizeAges(ages, Number(e.target.value)));
              setAgesError(null);
            }}
            helperText=" "
            sx={{ width: { sm: 150 } }}
            slotProps={{ htmlInput: { min: 0, max: 100 } }}
          />
          <Button variant="outlined" startIcon={<GroupsIcon />} onClick={suggest} disabled={!valid} sx={{ mt: { sm: 1 } }} data-testid="suggest-rooms">
            Suggest rooms
          </Button>
        </Stack>
        <ChildAgesFields
          ages={ages}
          onChange={(next) => {
            setAges(next);
            setAgesError(null);
          }}
          error={agesError}
          label="Party: children's ages"
          testId="party-ages"
        />
        {combinations.isFetching && <LinearProgress sx={{ mt: 1 }} />}
        {combinations.isError && <ApiErrorAlert title="No suggestions" error={shownError(combinations.error)} />}
        {combinations.data && combinations.data.length === 0 && <Alert severity="info">No combination of free rooms sleeps this party for these dates.</Alert>}
        {combinations.data && combinations.data.length > 0 && (
          <Stack spacing={1} sx={{ mt: 1 }} data-testid="combinations">
            {combinations.data.map((c) => (
              <Stack key={c.rank} direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "center" }, border: 1, borderColor: "divider", borderRadius: 1, p: 1 }}>
                <Typography variant="body2" sx={{ flex: 1 }}>
                  {plural(c.rooms.length, "room")}: {c.roomTypeNames.filter(Boolean).join(" + ")} · sleeps {c.capacity} · <strong>{formatMoney(c.totalAmount, c.currency)}</strong>
                </Typography>
                <Button size="small" variant="outlined" onClick={() => onUse(c)} aria-label={`Use these rooms: option ${c.rank}, ${c.roomTypeNames.filter(Boolean).join(" + ")}`}>
                  Use these rooms
                </Button>
              </Stack>
            ))}
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

/** The group's sums and the hold of every room. */
function QuoteSummary({ quote, held, pending, onHold, timeZone }: { quote: GroupQuoteNode; held: Held | null; pending: boolean; onHold(): void; timeZone: string }) {
  // The promo code's discount line of every room ("Promo code GROUP10 (10% off)", app_private.quote_for), summed.
  const promoLines = quote.promoCode
    ? quote.rooms.flatMap((r) => (r?.quote?.lines ?? []).filter((l) => l !== null && l.kind === "discount" && l.description.startsWith(`Promo code ${quote.promoCode}`)))
    : [];
  const promo = promoLines.length > 0
    ? { description: promoLines[0]!.description, amount: String(promoLines.reduce((sum, l) => sum + BigInt(l!.amount), 0n)), rooms: promoLines.length }
    : null;
  return (
    <Card component="section" aria-labelledby="group-quote-heading" sx={{ mb: 2 }} data-testid="group-quote">
      <CardContent>
        <Typography id="group-quote-heading" variant="h6" component="h2" sx={{ mb: 1 }}>
          {held ? `Held · ${held.hold.groupCode}` : "Quote"}
        </Typography>
        <Stack direction={{ xs: "column", md: "row" }} spacing={3} sx={{ alignItems: { md: "center" } }}>
          <Box sx={{ flex: 1 }}>
            <Typography variant="body2">
              {formatDate(quote.arrival)} → {formatDate(quote.departure)} · {plural(quote.nights, "night")} · {plural(quote.rooms.length, "room")}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              Rooms {formatMoney(quote.roomAmount, quote.currency)} · fees {formatMoney(quote.feesAmount, quote.currency)} · taxes {formatMoney(quote.taxesAmount, quote.currency)}
            </Typography>
            {promo && (
              <Typography variant="body2" data-testid="group-promo-line">
                {promo.description} · {formatMoney(promo.amount, quote.currency)} on {plural(promo.rooms, "room")}
              </Typography>
            )}
            <Typography variant="h5" component="p" data-testid="group-total">
              {formatMoney(quote.totalAmount, quote.currency)}
            </Typography>
            {!held && (
              <Typography variant="caption" color="text.secondary">
                Prices valid until {formatTimestamp(quote.validUntil, timeZone)}. Holding claims every room or none.
              </Typography>
            )}
          </Box>
          {held ? (
            <Box sx={{ minWidth: { md: 320 } }}>
              <HoldCountdown deadline={held.deadline} minutes={held.minutes} expiresAt={held.hold.expiresAt} timeZone={timeZone} />
            </Box>
          ) : (
            <Button variant="contained" size="large" startIcon={pending ? <CircularProgress size={16} color="inherit" /> : <LockClockIcon />} onClick={onHold} disabled={pending} data-testid="hold-group">
              Hold {plural(quote.rooms.length, "room")}
            </Button>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
}

/** The booker's contact and the confirmation of every room; or letting the hold go. */
function ConfirmGroup({ membership, held, groupName }: { membership: Membership; held: Held; groupName: string | null }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const navigate = useNavigate();
  const [guest, setGuest] = useState<GuestForm>({ fullName: "", email: "", phone: "", specialRequests: "", expectedArrival: "" });
  const [touched, setTouched] = useState(false);
  const errors = validateGuest(guest);
  // Confirming and releasing: one user action each, one idempotency key each (keyedAction.tsx).
  const confirmAction = useKeyedAction();
  const releaseAction = useKeyedAction();
  const pending = confirmAction.pending ? "confirm" : releaseAction.pending ? "release" : null;
  const busy = () => confirmAction.running() || releaseAction.running();
  const bookingGroupId = held.hold.bookingGroupId;

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (busy() || Object.keys(validateGuest(guest)).length > 0) return;
    releaseAction.setError(() => null);
    const contact = {
      fullName: guest.fullName.trim(),
      email: guest.email.trim() || null,
      phone: guest.phone.trim() || null,
      specialRequests: guest.specialRequests.trim() || null,
    };
    await confirmAction.run(async (keyFor) => {
      const idempotencyKey = keyFor({ bookingGroupId, ...contact });
      // The rooming list went with the quote and the hold (its names are locked once held).
      const rooms = await dataProvider.confirmGroup({ bookingGroupId, holdToken: held.hold.holdToken, guestNames: null, idempotencyKey, ...contact });
      notify(`Group ${held.hold.groupCode}${groupName ? ` (${groupName})` : ""} booked: ${plural(rooms.length, "room")} for ${contact.fullName}.`, { type: "success" });
      const etaError = await setExpectedArrival(dataProvider, rooms.map((room) => room.reservationId), arrivalTimeInput(guest.expectedArrival) ?? null);
      if (etaError) notify(`Booked, but the expected arrival time was not saved (${etaError}): set it on each room's reservation page.`, { type: "warning", autoHideDuration: 10_000 });
      void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      void queryClient.invalidateQueries({ queryKey: ["tapeChart"] });
      navigate(groupPath(bookingGroupId));
    });
  }

  async function release() {
    if (busy()) return;
    confirmAction.setError(() => null);
    await releaseAction.run(async (keyFor) => {
      await dataProvider.cancelGroup({ bookingGroupId, reason: "Group hold released at the desk", idempotencyKey: keyFor({ bookingGroupId }) });
      notify("Hold released: the rooms are free again.", { type: "info" });
      navigate(0);
    });
  }

  const error = confirmAction.error
    ? { title: "The group was not confirmed", error: confirmAction.error }
    : releaseAction.error
      ? { title: "The hold was not released", error: releaseAction.error }
      : null;
  const show = (field: keyof GuestForm) => ((touched || guest[field] !== "") && errors[field] ? errors[field] : undefined);
  return (
    <Card component="section" aria-labelledby="booker-heading" data-testid="group-booker">
      <CardContent>
        <Typography id="booker-heading" variant="h6" component="h2" sx={{ mb: 2 }}>
          Booker
        </Typography>
        <form onSubmit={(e) => void confirm(e)} noValidate>
          <Stack spacing={2}>
            <Stack direction={{ xs: "column", md: "row" }} spacing={2}>
              <TextField label="Booker's full name" required value={guest.fullName} onChange={(e) => setGuest({ ...guest, fullName: e.target.value })}
                error={Boolean(show("fullName"))} helperText={show("fullName") ?? " "} autoComplete="off" slotProps={{ htmlInput: { maxLength: 200 } }} sx={{ flex: 1 }} autoFocus />
              <TextField label="Email" type="email" value={guest.email} onChange={(e) => setGuest({ ...guest, email: e.target.value })}
                error={Boolean(show("email"))} helperText={show("email") ?? "The group's confirmation goes here; none: nothing is sent."} autoComplete="off" sx={{ flex: 1 }} />
              <TextField label="Phone" type="tel" value={guest.phone} onChange={(e) => setGuest({ ...guest, phone: e.target.value })}
                error={Boolean(show("phone"))} helperText={show("phone") ?? "Optional."} autoComplete="off" slotProps={{ htmlInput: { maxLength: 30 } }} sx={{ flex: 1 }} />
            </Stack>
            <TextField label="Expected arrival" type="time" value={guest.expectedArrival} onChange={(e) => setGuest({ ...guest, expectedArrival: e.target.value })}
              error={Boolean(show("expectedArrival"))} helperText={show("expectedArrival") ?? "Optional: when the group expects to arrive (local time), for every room."}
              slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 300 } }} sx={{ maxWidth: { md: 320 } }} />
            <TextField label="Special requests" value={guest.specialRequests} onChange={(e) => setGuest({ ...guest, specialRequests: e.target.value })}
              error={Boolean(show("specialRequests"))} helperText={show("specialRequests") ?? "Optional, for every room."} multiline minRows={2} slotProps={{ htmlInput: { maxLength: 2000 } }} />
            <Typography variant="body2" color="text.secondary">
              Confirming books every room of group {held.hold.groupCode}: each room gets its confirmation code, its folio charged{" "}
              {formatMoney(held.hold.totalAmount, held.hold.currency)} in all, and the payments of its rate plan. The booker gets one confirmation.
            </Typography>
            {error && <ApiErrorAlert title={error.title} error={error.error} />}
            <Stack direction={{ xs: "column", sm: "row" }} spacing={1.5}>
              <Button type="submit" variant="contained" size="large" startIcon={pending === "confirm" ? <CircularProgress size={16} color="inherit" /> : <CheckCircleIcon />}
                disabled={pending !== null} data-testid="confirm-group">
                Confirm group
              </Button>
              <Button color="warning" onClick={() => void release()} disabled={pending !== null} data-testid="release-group">
                Release hold
              </Button>
            </Stack>
            <Typography variant="caption" color="text.secondary">
              Held at {membership.propertyName} until {formatTimestamp(held.hold.expiresAt, membership.timeZone)}.
            </Typography>
          </Stack>
        </form>
      </CardContent>
    </Card>
  );
}
