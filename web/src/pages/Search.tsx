// Search: where, when and who; every room type with its rates, photos,
// amenities and the total price for the stay; and for what cannot be sold
// on these dates, why (a minimum stay, a date closed to arrival, sold out)
// with the nearest dates that work. The search lives in the URL (shareable,
// back button) and is sent as a cacheable GET (server/graphql-cache.ts).
// Choosing: sort (price, name) and filters (free cancellation, meal plan,
// room features) apply to the answer in the page, kept in the URL too; a
// party no room sleeps is told each room type's maximum; each property says
// its check-in and check-out times, its policies (children, pets, parking)
// as its data has them, and how to reach it.
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { request } from "../api.ts";
import { Alert, errorText } from "../components/Messages.tsx";
import { Amenities, Photos } from "../components/Photos.tsx";
import { PropertyMap } from "../components/PropertyMap.tsx";
import { policyTexts } from "../policies.ts";
import {
  destinations as destinationsDoc,
  nearestStays as nearestStaysDoc,
  propertiesById,
  search as searchDoc,
  type Availability,
  type Destination,
  type PropertyCardDetails,
  type PropertyPlace,
  type SearchVariables,
  type StaySuggestion,
} from "../documents.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { addDays, formatDate, formatStay, isIsoDate, isoDate, nightsBetween } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { href, navigate, onLinkClick, usePageTitle, type Location } from "../router.ts";
import { groupHref } from "../groupStay.ts";
import { ChildAges, childAgesOf, childAgesParam, chosenAges, resizeAges, type FormAges } from "../components/ChildAges.tsx";

// Room combinations for a party no room sleeps: a chunk of its own, loaded only then.
const RoomCombinations = lazy(() => import("../components/RoomCombinations.tsx"));

export interface SearchParams {
  where: string;
  arrival: string;
  departure: string;
  adults: number;
  children: number;
  /** One age per child (issue 22), from the URL's ages=4,7; null (or absent) while not all given. */
  childAges?: number[] | null;
}

/** How the results are ordered: as the API gives them, by the lowest total, or by name. */
export type SortOrder = "recommended" | "price" | "name";
const sortOrders: SortOrder[] = ["recommended", "price", "name"];

/** What the guest narrows the results to (in the URL: refundable=1, meal=breakfast,half_board, feature=balcony). */
export interface Choice {
  sort: SortOrder;
  refundable: boolean;
  meals: string[];
  features: string[];
}

const listParam = (value: string | null) => (value ?? "").split(",").filter((v) => /^[a-z_]{1,40}$/.test(v)).slice(0, 20);

export function choiceOf(params: URLSearchParams): Choice {
  const sort = params.get("sort");
  return {
    sort: sortOrders.includes(sort as SortOrder) ? (sort as SortOrder) : "recommended",
    refundable: params.get("refundable") === "1",
    meals: listParam(params.get("meal")),
    features: listParam(params.get("feature")),
  };
}

const clampInt = (value: string | null, min: number, max: number, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

export function searchParamsOf(params: URLSearchParams): SearchParams & { complete: boolean } {
  const arrival = params.get("arrival");
  const departure = params.get("departure");
  const complete = isIsoDate(arrival) && isIsoDate(departure);
  const children = clampInt(params.get("children"), 0, 10, 0);
  return {
    where: params.get("where") ?? "",
    arrival: isIsoDate(arrival) ? arrival : isoDate(14),
    departure: isIsoDate(departure) ? departure : isoDate(17),
    adults: clampInt(params.get("adults"), 1, 12, 2),
    children,
    childAges: childAgesOf(params.get("ages"), children),
    complete,
  };
}

export function searchHref(p: SearchParams, choice?: Choice): string {
  return href("/", {
    where: p.where || null, arrival: p.arrival, departure: p.departure, adults: p.adults, children: p.children || null,
    ages: p.children > 0 ? childAgesParam(p.childAges) : null,
    sort: choice && choice.sort !== "recommended" ? choice.sort : null,
    refundable: choice?.refundable ? 1 : null,
    meal: choice?.meals.length ? choice.meals.join(",") : null,
    feature: choice?.features.length ? choice.features.join(",") : null,
  });
}

function variablesOf(p: SearchParams): SearchVariables {
  const [kind, value] = p.where.includes(":") ? [p.where.slice(0, p.where.indexOf(":")), p.where.slice(p.where.indexOf(":") + 1)] : ["", ""];
  return {
    arrival: p.arrival,
    departure: p.departure,
    adults: p.adults,
    children: p.children,
    childAges: p.children > 0 ? p.childAges : null,
    city: kind === "city" ? value : null,
    propertyId: kind === "property" ? value : null,
  };
}

type Results =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "failed"; error: unknown }
  /** nodes: what this party fits in; tooSmall: room types that sleep fewer than the party. */
  | { state: "done"; nodes: Availability[]; tooSmall: Availability[]; nights: number };

export function SearchPage({ location }: { location: Location }) {
  const i18n = useI18n();
  const { t } = i18n;
  usePageTitle(t("search.title"));
  const current = useMemo(() => searchParamsOf(location.params), [location.params]);
  const choice = useMemo(() => choiceOf(location.params), [location.params]);
  // The search itself changes only with where, when and who (not with the sort or the filters).
  const searchKey = [current.where, current.arrival, current.departure, current.adults, current.children, childAgesParam(current.childAges), current.complete].join("|");
  const [form, setForm] = useState<SearchParams>(current);
  // The children's ages as the form holds them (an age select left on "Age?" is null).
  const [ages, setAges] = useState<FormAges>(current.childAges ?? resizeAges([], current.children));
  const [formError, setFormError] = useState<string | null>(null);
  const [places, setPlaces] = useState<Destination[]>([]);
  const [results, setResults] = useState<Results>({ state: "idle" });
  const [properties, setProperties] = useState<Record<string, PropertyCardDetails>>({});
  const [nearest, setNearest] = useState<Record<string, StaySuggestion[]>>({});
  const [attempt, setAttempt] = useState(0);
  const arrivalRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setForm(current);
    setAges(current.childAges ?? resizeAges([], current.children));
  }, [current]);

  useEffect(() => {
    const abort = new AbortController();
    request(destinationsDoc, {}, { signal: abort.signal }).then(
      (data) => setPlaces((data.allProperties?.nodes ?? []).filter((n): n is Destination => !!n)),
      () => {}, // the select still offers "Anywhere"
    );
    return () => abort.abort();
  }, []);

  useEffect(() => {
    if (!current.complete) {
      setResults({ state: "idle" });
      return;
    }
    const abort = new AbortController();
    const signal = abort.signal;
    setResults({ state: "loading" });
    setNearest({});
    const variables = { ...variablesOf(current), language: i18n.language };
    (async () => {
      const data = await request(searchDoc, variables, { signal });
      const all = (data.searchAvailability?.nodes ?? []).filter((n): n is Availability => !!n);
      const nodes = all.filter((n) => n.restriction !== "MAX_OCCUPANCY");
      const tooSmall = all.filter((n) => n.restriction === "MAX_OCCUPANCY");
      // Photos and amenities of the properties found, ten per request, in parallel (all cacheable).
      const ids = [...new Set(nodes.map((n) => n.propertyId))];
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += 10) batches.push(ids.slice(i, i + 10));
      const details = await Promise.all(
        batches.map((batch) =>
          request(propertiesById(batch.length), { language: i18n.language, ...Object.fromEntries(batch.map((id, i) => [`p${i}`, id])) }, { signal }).catch(() => ({}) as Record<string, PropertyCardDetails | null>),
        ),
      );
      if (signal.aborted) return;
      const byId: Record<string, PropertyCardDetails> = {};
      for (const batch of details) for (const p of Object.values(batch)) if (p) byId[p.rowId] = p;
      setProperties(byId);
      setResults({ state: "done", nodes, tooSmall, nights: nightsBetween(current.arrival, current.departure) });
      performance.mark("keepr:results");
      // For what cannot be sold on these dates: the nearest dates that work (at most 20 rates).
      const blocked = [...new Set(nodes.filter((n) => !n.isBookable).map((n) => n.ratePlanId))].slice(0, 20);
      if (blocked.length > 0) {
        const suggestions = await request(
          nearestStaysDoc,
          { ratePlanIds: blocked, arrival: variables.arrival, departure: variables.departure, adults: variables.adults, children: variables.children },
          { signal },
        ).catch(() => null);
        if (signal.aborted || !suggestions) return;
        const byPlan: Record<string, StaySuggestion[]> = {};
        for (const s of suggestions.nearestStays?.nodes ?? []) if (s) (byPlan[s.ratePlanId] ??= []).push(s);
        setNearest(byPlan);
      }
    })().catch((error: unknown) => {
      if (!signal.aborted) setResults({ state: "failed", error });
    });
    return () => abort.abort();
  }, [searchKey, attempt, i18n.language]); // current is read through searchKey: a new sort or filter is no new search; a new language reads the names and descriptions in it

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.arrival < isoDate(0)) {
      setFormError(t("search.errorPast"));
      arrivalRef.current?.focus();
      return;
    }
    if (form.departure <= form.arrival) {
      setFormError(t("search.errorDates"));
      arrivalRef.current?.focus();
      return;
    }
    const childAges = chosenAges(ages);
    if (childAges === null) {
      setFormError(t("ages.missing"));
      document.getElementById(`search-age-${ages.indexOf(null)}`)?.focus();
      return;
    }
    setFormError(null);
    navigate(searchHref({ ...form, childAges }, choice));
  };

  const cities = useMemo(() => [...new Set(places.map((p) => p.city))].sort((a, b) => a.localeCompare(b, i18n.locale)), [places, i18n.locale]);
  const sortedPlaces = useMemo(() => [...places].sort((a, b) => a.name.localeCompare(b.name, i18n.locale)), [places, i18n.locale]);
  const options = (
    <>
      <option value="">{t("search.anywhere")}</option>
      {cities.length > 0 ? (
        <optgroup label={t("search.cities")}>
          {cities.map((city) => (
            <option key={city} value={`city:${city}`}>
              {city}
            </option>
          ))}
        </optgroup>
      ) : null}
      {sortedPlaces.length > 0 ? (
        <optgroup label={t("search.properties")}>
          {sortedPlaces.map((p) => (
            <option key={p.rowId} value={`property:${p.rowId}`}>
              {p.name}, {p.city}
            </option>
          ))}
        </optgroup>
      ) : null}
      {/* The chosen place, before the list has arrived. */}
      {form.where && places.length === 0 ? <option value={form.where}>{form.where.slice(form.where.indexOf(":") + 1)}</option> : null}
    </>
  );

  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>
        {t("search.title")}
      </h1>
      <p className="lead">{t("search.intro")}</p>
      <form className="search-form" onSubmit={submit} aria-label={t("search.form")} noValidate>
        <div className="field field-where">
          <label htmlFor="where">{t("search.destination")}</label>
          <select id="where" value={form.where} onChange={(e) => setForm({ ...form, where: e.target.value })}>
            {options}
          </select>
        </div>
        <div className="field">
          <label htmlFor="arrival">{t("search.arrival")}</label>
          <input
            ref={arrivalRef}
            id="arrival"
            type="date"
            required
            min={isoDate(0)}
            value={form.arrival}
            aria-invalid={formError ? true : undefined}
            aria-describedby={formError ? "search-error" : undefined}
            onChange={(e) => {
              const arrival = e.target.value;
              // Keep the stay's length when the arrival moves past the departure.
              setForm((f) => ({ ...f, arrival, departure: isIsoDate(arrival) && f.departure <= arrival ? addDays(arrival, Math.max(1, nightsBetween(f.arrival, f.departure))) : f.departure }));
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="departure">{t("search.departure")}</label>
          <input
            id="departure"
            type="date"
            required
            min={isIsoDate(form.arrival) ? addDays(form.arrival, 1) : isoDate(1)}
            value={form.departure}
            aria-invalid={formError ? true : undefined}
            aria-describedby={formError ? "search-error" : undefined}
            onChange={(e) => setForm({ ...form, departure: e.target.value })}
          />
        </div>
        <div className="field field-small">
          <label htmlFor="adults">{t("search.adults")}</label>
          <select id="adults" value={form.adults} onChange={(e) => setForm({ ...form, adults: Number(e.target.value) })}>
            {Array.from({ length: 12 }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-small">
          <label htmlFor="children">{t("search.children")}</label>
          <select
            id="children"
            value={form.children}
            onChange={(e) => {
              const children = Number(e.target.value);
              setForm({ ...form, children });
              setAges((a) => resizeAges(a, children));
            }}
          >
            {Array.from({ length: 11 }, (_, i) => i).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <ChildAges idPrefix="search" ages={ages} onChange={setAges} invalid={formError === t("ages.missing")} describedBy="search-error" />
        <button type="submit" className="button button-primary">
          {t("search.submit")}
        </button>
        <p id="search-error" className="field-error form-error" role="alert">
          {formError}
        </p>
      </form>

      <ResultsView results={results} properties={properties} nearest={nearest} search={current} choice={choice}
        onChoice={(next) => navigate(searchHref(current, next), { replace: true })} onRetry={() => setAttempt((a) => a + 1)} />
    </>
  );
}

interface RoomGroup {
  roomTypeId: string;
  roomTypeName: string;
  maxOccupancy: number;
  unitsLeft: number;
  rates: Availability[];
}

interface PropertyGroup {
  propertyId: string;
  propertyName: string;
  city: string;
  rooms: RoomGroup[];
}

/**
 * Why a rate cannot be sold, in the guest's language, from its restriction
 * code. For minimum and maximum stays the API's message carries the number
 * of nights ("… at least 3 nights"), which is kept.
 */
export function restrictionText(rate: Pick<Availability, "restriction" | "restrictionMessage">, arrival: string, i18n: ReturnType<typeof useI18n>): string {
  const { tMaybe, locale } = i18n;
  const nights = /(\d+) nights/.exec(rate.restrictionMessage ?? "")?.[1];
  if ((rate.restriction === "MIN_STAY" || rate.restriction === "MAX_STAY") && nights) {
    return tMaybe(`restriction.${rate.restriction}.nights`, { date: formatDate(arrival, locale, { year: false }), nights }) ?? rate.restrictionMessage ?? "";
  }
  return (rate.restriction && tMaybe(`restriction.${rate.restriction}`)) ?? rate.restrictionMessage ?? "";
}

/** The rooms free: the units left of every room type with a rate that can be sold (not the number of room types). */
export function unitsFree(nodes: Availability[]): number {
  const byRoomType = new Map<string, number>();
  for (const n of nodes) if (n.isBookable) byRoomType.set(n.roomTypeId, Math.max(byRoomType.get(n.roomTypeId) ?? 0, n.unitsLeft));
  return [...byRoomType.values()].reduce((sum, n) => sum + n, 0);
}

/** The total's share of one night, rounded to the minor unit: the per-night figure includes what the total includes (fees, taxes, city tax). */
export function averageNightly(total: string | number | bigint, nights: number): bigint {
  const minor = minorUnits(total);
  const n = BigInt(Math.max(1, nights));
  return (minor * 2n + n) / (2n * n);
}

function groupResults(nodes: Availability[]): PropertyGroup[] {
  const properties = new Map<string, PropertyGroup>();
  for (const n of nodes) {
    let property = properties.get(n.propertyId);
    if (!property) properties.set(n.propertyId, (property = { propertyId: n.propertyId, propertyName: n.propertyName, city: n.city, rooms: [] }));
    let room = property.rooms.find((r) => r.roomTypeId === n.roomTypeId);
    if (!room) property.rooms.push((room = { roomTypeId: n.roomTypeId, roomTypeName: n.roomTypeName, maxOccupancy: n.maxOccupancy, unitsLeft: n.unitsLeft, rates: [] }));
    room.rates.push(n);
  }
  return [...properties.values()];
}

/** The results a choice keeps: rates with free cancellation, of the meal plans chosen, in room types with every feature chosen. */
export function applyChoice(nodes: Availability[], choice: Choice, roomAmenities: (roomTypeId: string) => string[]): Availability[] {
  return nodes.filter(
    (n) =>
      (!choice.refundable || n.isRefundable) &&
      (choice.meals.length === 0 || choice.meals.includes(n.mealPlan)) &&
      choice.features.every((f) => roomAmenities(n.roomTypeId).includes(f)),
  );
}

/** The lowest total of a group's rates that can be sold (then of any), for sorting by price. */
function lowest(rates: Availability[]): bigint {
  const bookable = rates.filter((r) => r.isBookable && r.totalAmount !== null);
  const pool = bookable.length > 0 ? bookable : rates.filter((r) => r.totalAmount !== null);
  return pool.reduce((min, r) => (min === -1n || minorUnits(r.totalAmount) < min ? minorUnits(r.totalAmount) : min), -1n);
}

/** Groups in the order chosen: by lowest total (what can be sold first), or by name in the guest's language. */
export function sortGroups(groups: PropertyGroup[], sort: SortOrder, locale: string): PropertyGroup[] {
  if (sort === "recommended") return groups;
  const byPrice = (a: Availability[], b: Availability[]) => {
    const [x, y] = [lowest(a), lowest(b)];
    return x === y ? 0 : x === -1n ? 1 : y === -1n ? -1 : x < y ? -1 : 1;
  };
  const rooms = (g: PropertyGroup) => ({
    ...g,
    rooms: [...g.rooms]
      .map((r) => ({ ...r, rates: [...r.rates].sort((a, b) => (sort === "price" ? byPrice([a], [b]) : a.ratePlanName.localeCompare(b.ratePlanName, locale))) }))
      .sort((a, b) => (sort === "price" ? byPrice(a.rates, b.rates) || a.roomTypeName.localeCompare(b.roomTypeName, locale) : a.roomTypeName.localeCompare(b.roomTypeName, locale))),
  });
  return groups
    .map(rooms)
    .sort((a, b) =>
      sort === "price"
        ? byPrice(a.rooms.flatMap((r) => r.rates), b.rooms.flatMap((r) => r.rates)) || a.propertyName.localeCompare(b.propertyName, locale)
        : a.propertyName.localeCompare(b.propertyName, locale),
    );
}

function ResultsView({
  results,
  properties,
  nearest,
  search,
  choice,
  onChoice,
  onRetry,
}: {
  results: Results;
  properties: Record<string, PropertyCardDetails>;
  nearest: Record<string, StaySuggestion[]>;
  search: SearchParams;
  choice: Choice;
  onChoice: (choice: Choice) => void;
  onRetry: () => void;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const roomAmenities = (roomTypeId: string) => {
    for (const p of Object.values(properties)) {
      const room = p.roomTypesByPropertyId.nodes.find((r) => r?.rowId === roomTypeId);
      if (room) return room.amenities;
    }
    return [];
  };
  const done = results.state === "done" ? results : null;
  const shown = done ? applyChoice(done.nodes, choice, roomAmenities) : [];
  const filtered = choice.refundable || choice.meals.length > 0 || choice.features.length > 0;
  const party = search.adults + search.children;
  const status =
    results.state === "loading"
      ? t("search.searching")
      : done
        ? (() => {
            const units = unitsFree(shown);
            if (done.nodes.length === 0 && done.tooSmall.length > 0) {
              return t("search.tooMany", { guests: party, max: Math.max(...done.tooSmall.map((n) => n.maxOccupancy)) });
            }
            if (filtered && unitsFree(done.nodes) > 0) return t("search.foundFiltered", { count: units, total: unitsFree(done.nodes), nights: done.nights });
            return units === 0 ? t("search.none") : t("search.found", { count: units, nights: done.nights });
          })()
        : "";
  const groups = done ? sortGroups(groupResults(shown), choice.sort, locale) : [];
  return (
    <section className="results" aria-labelledby="results-heading" aria-busy={results.state === "loading"} data-state={results.state}>
      <h2 id="results-heading" className={results.state === "idle" ? "visually-hidden" : undefined}>
        {t("search.results")}
      </h2>
      <p className="results-status" role="status" data-testid="search-status">
        {status}
      </p>
      {/* Below the status line, in the place of the skeletons: nothing above moves when the results arrive. */}
      {done && done.nodes.length > 0 ? <ChoiceForm nodes={done.nodes} properties={properties} choice={choice} onChoice={onChoice} /> : null}
      {results.state === "failed" ? (
        <Alert>
          <p>{t("search.failed", { message: errorText(results.error, i18n) })}</p>
          <button type="button" className="button" onClick={onRetry}>
            {t("search.retry")}
          </button>
        </Alert>
      ) : null}
      {results.state === "loading" ? (
        <div className="skeletons" aria-hidden="true">
          <div className="property-card skeleton" />
          <div className="property-card skeleton" />
        </div>
      ) : null}
      {done && done.tooSmall.length > 0 && done.nodes.length === 0 ? (
        <Suspense fallback={<p className="muted" role="status">{t("group.combos.loading")}</p>}>
          <RoomCombinations properties={[...new Map(done.tooSmall.map((n) => [n.propertyId, { id: n.propertyId, name: n.propertyName }])).values()]} search={search} />
        </Suspense>
      ) : null}
      {done && done.tooSmall.length > 0 ? <TooSmall rooms={done.tooSmall} search={search} alone={done.nodes.length === 0} /> : null}
      {groups.map((group) => (
        <PropertyCard key={group.propertyId} group={group} details={properties[group.propertyId]} nearest={nearest} search={search} nights={done ? done.nights : 0} />
      ))}
    </section>
  );
}

/** Sort and filters, from what the results offer (only meal plans and room features some result has). */
function ChoiceForm({ nodes, properties, choice, onChoice }: { nodes: Availability[]; properties: Record<string, PropertyCardDetails>; choice: Choice; onChoice: (choice: Choice) => void }) {
  const { t, tMaybe } = useI18n();
  // What the results offer, and whatever the URL chose besides (so it can be unchosen).
  const meals = [...new Set([...nodes.map((n) => n.mealPlan), ...choice.meals])];
  const roomTypes = new Set(nodes.map((n) => n.roomTypeId));
  const features = [...new Set([...Object.values(properties).flatMap((p) => p.roomTypesByPropertyId.nodes.filter((r) => r && roomTypes.has(r.rowId)).flatMap((r) => r!.amenities)), ...choice.features])].sort();
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));
  return (
    <form className="choice" aria-label={t("search.choice")} onSubmit={(e) => e.preventDefault()} data-testid="search-choice">
      <div className="field">
        <label htmlFor="sort">{t("search.sort")}</label>
        <select id="sort" value={choice.sort} onChange={(e) => onChoice({ ...choice, sort: e.target.value as SortOrder })}>
          {sortOrders.map((o) => <option key={o} value={o}>{t(`search.sort.${o}`)}</option>)}
        </select>
      </div>
      <fieldset>
        <legend>{t("search.filters")}</legend>
        <label className="check"><input type="checkbox" checked={choice.refundable} onChange={(e) => onChoice({ ...choice, refundable: e.target.checked })} /> {t("terms.refundable")}</label>
        {meals.length > 1 || choice.meals.length > 0
          ? meals.map((m) => (
              <label key={m} className="check"><input type="checkbox" checked={choice.meals.includes(m)} onChange={(e) => onChoice({ ...choice, meals: toggle(choice.meals, m, e.target.checked) })} /> {tMaybe(`meal.${m}`) ?? m.replace(/_/g, " ")}</label>
            ))
          : null}
        {features.map((f) => (
          <label key={f} className="check"><input type="checkbox" checked={choice.features.includes(f)} onChange={(e) => onChoice({ ...choice, features: toggle(choice.features, f, e.target.checked) })} /> {tMaybe(`amenity.${f}`) ?? f.replace(/_/g, " ")}</label>
        ))}
      </fieldset>
    </form>
  );
}

/** Room types that sleep fewer than the party: how many each sleeps, and a search for a party one room takes. */
function TooSmall({ rooms, search, alone }: { rooms: Availability[]; search: SearchParams; alone: boolean }) {
  const { t } = useI18n();
  const byType = new Map<string, Availability>();
  for (const n of rooms) if (!byType.has(n.roomTypeId)) byType.set(n.roomTypeId, n);
  const types = [...byType.values()].sort((a, b) => b.maxOccupancy - a.maxOccupancy);
  const max = types[0]!.maxOccupancy;
  const party = search.adults + search.children;
  const adults = Math.min(search.adults, max);
  return (
    <div className={alone ? "panel too-small" : "too-small muted"} data-testid="too-small">
      <p>{t(alone ? "search.tooSmallAll" : "search.tooSmallSome", { guests: party, count: types.length })}</p>
      <ul>
        {types.map((n) => (
          <li key={n.roomTypeId}>{t("search.roomSleeps", { room: n.roomTypeName, property: n.propertyName, count: n.maxOccupancy })}</li>
        ))}
      </ul>
      {alone ? (
        <p>
          {t("search.splitParty")}{" "}
          <a href={searchHref({ ...search, adults, children: Math.max(0, Math.min(search.children, max - adults)), childAges: search.childAges?.slice(0, Math.max(0, Math.min(search.children, max - adults))) })} onClick={onLinkClick} className="button button-small">
            {t("search.searchFor", { count: max })}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function PropertyCard({
  group,
  details,
  nearest,
  search,
  nights,
}: {
  group: PropertyGroup;
  details: PropertyCardDetails | undefined;
  nearest: Record<string, StaySuggestion[]>;
  search: SearchParams;
  nights: number;
}) {
  const { t } = useI18n();
  const headingId = `property-${group.propertyId}`;
  return (
    <article className="property-card" aria-labelledby={headingId}>
      <header className="property-header">
        <h3 id={headingId}>{group.propertyName}</h3>
        <p className="muted">
          {details?.address ?? group.city}
        </p>
        {details?.description ? <p>{details.description}</p> : null}
        <Amenities codes={details?.amenities ?? []} label={`${t("search.amenities")}: ${group.propertyName}`} />
        {details ? <Policies details={details} /> : null}
        {details ? <PropertyMap place={details} /> : null}
      </header>
      {group.rooms.map((room) => {
        const roomDetails = details?.roomTypesByPropertyId.nodes.find((r) => r?.rowId === room.roomTypeId) ?? undefined;
        return <RoomCard key={room.roomTypeId} room={room} details={roomDetails ?? undefined} nearest={nearest} search={search} nights={nights} />;
      })}
      {details?.kind !== "vacation_rental" ? (
        <p className="several-rooms">
          <a href={groupHref({ propertyId: group.propertyId, arrival: search.arrival, departure: search.departure, rooms: [] })} onClick={onLinkClick} data-testid="several-rooms">
            {t("group.several", { property: group.propertyName })}
          </a>
        </p>
      ) : null}
    </article>
  );
}

/** "HH:MM:SS" → "HH:MM". */
const clock = (time: string) => time.slice(0, 5);

/**
 * Check-in and check-out times, and the policies (issue 22) as the staff set
 * them in Property › Content: children, pets (with their fee), parking
 * (free or its price, where, whether to reserve) and smoking, each a
 * sentence in the guest's language. A policy the property has not stated
 * falls back to what its data shows (children count in each room's
 * maximum; pets and parking from its amenities), else "ask the property";
 * smoking unstated is left out. Then its contact.
 */
function Policies({ details }: { details: PropertyCardDetails }) {
  const { t, locale } = useI18n();
  const rooms = details.roomTypesByPropertyId.nodes.filter((r): r is NonNullable<typeof r> => !!r);
  const has = (code: string) => details.amenities.includes(code);
  const cots = rooms.some((r) => r.amenities.includes("crib"));
  const max = rooms.reduce((m, r) => Math.max(m, r.maxOccupancy), 0);
  const text = policyTexts(details, t, (amount) => formatMoney(amount, details.currency, locale));
  return (
    <>
      <p className="muted small" data-testid="property-times">{t("search.times", { checkIn: clock(details.checkInTime), checkOut: clock(details.checkOutTime) })}</p>
      <details className="policies" data-testid="property-policies">
        <summary>{t("search.policies")}</summary>
        <dl className="summary">
          <div data-policy="children">
            <dt>{t("search.policy.children")}</dt>
            <dd>
              {text.children ? `${text.children} ` : ""}
              {details.childrenAllowed === false ? null : t("search.policy.childrenText", { max })}
              {cots && details.childrenAllowed !== false ? ` ${t("search.policy.cots")}` : ""}
            </dd>
          </div>
          <div data-policy="pets"><dt>{t("search.policy.pets")}</dt><dd>{text.pets ?? (has("pets_allowed") ? t("search.policy.petsYes") : t("search.policy.ask"))}</dd></div>
          <div data-policy="parking"><dt>{t("search.policy.parking")}</dt><dd>{text.parking ?? (has("parking") ? t("search.policy.parkingYes") : t("search.policy.ask"))}</dd></div>
          {text.smoking ? <div data-policy="smoking"><dt>{t("policy.smoking")}</dt><dd>{text.smoking}</dd></div> : null}
          {details.contactPhone || details.contactEmail ? (
            <div data-policy="contact">
              <dt>{t("search.policy.contact")}</dt>
              <dd>
                {details.contactPhone ? <a href={`tel:${details.contactPhone.replace(/[^+0-9]/g, "")}`}>{details.contactPhone}</a> : null}
                {details.contactPhone && details.contactEmail ? " · " : null}
                {details.contactEmail ? <a href={`mailto:${details.contactEmail}`}>{details.contactEmail}</a> : null}
              </dd>
            </div>
          ) : null}
        </dl>
      </details>
    </>
  );
}

function RoomCard({
  room,
  details,
  nearest,
  search,
  nights,
}: {
  room: RoomGroup;
  details: { description: string | null; photoUrls: string[]; amenities: string[] } | undefined;
  nearest: Record<string, StaySuggestion[]>;
  search: SearchParams;
  nights: number;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const bookable = room.rates.filter((r) => r.isBookable);
  const blocked = room.rates.filter((r) => !r.isBookable);
  const headingId = `room-${room.roomTypeId}`;
  return (
    <section className="room-card" aria-labelledby={headingId} data-room={room.roomTypeName}>
      <Photos urls={details?.photoUrls ?? []} name={room.roomTypeName} />
      <div className="room-body">
        <h4 id={headingId}>{room.roomTypeName}</h4>
        <p className="muted">
          {t("search.sleeps", { count: room.maxOccupancy })}
          {details?.description ? ` · ${details.description}` : ""}
        </p>
        <Amenities codes={details?.amenities ?? []} label={`${t("search.amenities")}: ${room.roomTypeName}`} />
        {bookable.length > 0 ? (
          <ul className="rates">
            {bookable.map((rate) => {
              const total = formatMoney(rate.totalAmount, rate.currency, locale);
              return (
                <li key={rate.ratePlanId} className="rate" data-rate={rate.ratePlanName}>
                  <div className="rate-info">
                    <p className="rate-name">{rate.ratePlanName}</p>
                    <p className="muted">
                      {t(`meal.${rate.mealPlan}`)} · <span className={rate.isRefundable ? "good" : undefined}>{rate.isRefundable ? t("terms.refundable") : t("terms.nonRefundable")}</span>
                    </p>
                    {rate.unitsLeft <= 3 ? <p className="scarce">{t("search.unitsLeft", { count: rate.unitsLeft })}</p> : null}
                  </div>
                  <div className="rate-price">
                    <p className="price">{t("search.total", { amount: total })}</p>
                    <p className="muted small">{t("search.perNight", { amount: formatMoney(averageNightly(rate.totalAmount ?? 0, nights), rate.currency, locale), nights })}</p>
                    <p className="muted small">{t("search.includes")}</p>
                  </div>
                  <a
                    className="button button-primary"
                    href={href("/book", { plan: rate.ratePlanId, arrival: search.arrival, departure: search.departure, adults: search.adults, children: search.children || null, ages: search.children > 0 ? childAgesParam(search.childAges) : null })}
                    onClick={onLinkClick}
                    aria-label={t("search.selectLabel", { room: room.roomTypeName, plan: rate.ratePlanName, price: total })}
                  >
                    {t("search.select")}
                  </a>
                </li>
              );
            })}
          </ul>
        ) : null}
        {blocked.length > 0 ? (
          <div className="blocked">
            {bookable.length > 0 ? null : <p className="blocked-title">{t("search.unavailable")}</p>}
            <ul className="rates">
              {blocked.map((rate) => {
                const suggestions = nearest[rate.ratePlanId];
                return (
                  <li key={rate.ratePlanId} className="rate rate-blocked" data-rate={rate.ratePlanName} data-restriction={rate.restriction ?? ""}>
                    <div className="rate-info">
                      <p className="rate-name">{rate.ratePlanName}</p>
                      <p className="why">{restrictionText(rate, search.arrival, i18n)}</p>
                    </div>
                    <div className="nearest">
                      {suggestions === undefined ? null : suggestions.length === 0 ? (
                        <p className="muted small">{t("search.noNearest")}</p>
                      ) : (
                        <>
                          <p className="small">{t("search.nearest")}</p>
                          <ul className="suggestions">
                            {suggestions.map((s) => {
                              const dates = formatStay(s.arrival, s.departure, locale);
                              const amount = formatMoney(s.totalAmount, s.currency, locale);
                              return (
                                <li key={`${s.arrival}-${s.departure}`}>
                                  <a
                                    className="button button-small"
                                    href={searchHref({ ...search, arrival: s.arrival, departure: s.departure })}
                                    onClick={onLinkClick}
                                    aria-label={t("search.nearestLabel", { dates, nights: s.nights, amount })}
                                  >
                                    {t("search.nearestOption", { dates, nights: s.nights, amount })}
                                  </a>
                                </li>
                              );
                            })}
                          </ul>
                        </>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
