// Search: where, when and who; every room type with its rates, photos,
// amenities and the total price for the stay; and for what cannot be sold
// on these dates, why (a minimum stay, a date closed to arrival, sold out)
// with the nearest dates that work. The search lives in the URL (shareable,
// back button) and is sent as a cacheable GET (server/graphql-cache.ts).
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { request } from "../api.ts";
import { Alert, errorText } from "../components/Messages.tsx";
import { Amenities, Photos } from "../components/Photos.tsx";
import {
  destinations as destinationsDoc,
  nearestStays as nearestStaysDoc,
  propertiesById,
  search as searchDoc,
  type Availability,
  type Destination,
  type PropertyDetails,
  type SearchVariables,
  type StaySuggestion,
} from "../documents.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { addDays, formatDate, formatStay, isIsoDate, isoDate, nightsBetween } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { href, navigate, onLinkClick, usePageTitle, type Location } from "../router.ts";

export interface SearchParams {
  where: string;
  arrival: string;
  departure: string;
  adults: number;
  children: number;
}

const clampInt = (value: string | null, min: number, max: number, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

export function searchParamsOf(params: URLSearchParams): SearchParams & { complete: boolean } {
  const arrival = params.get("arrival");
  const departure = params.get("departure");
  const complete = isIsoDate(arrival) && isIsoDate(departure);
  return {
    where: params.get("where") ?? "",
    arrival: isIsoDate(arrival) ? arrival : isoDate(14),
    departure: isIsoDate(departure) ? departure : isoDate(17),
    adults: clampInt(params.get("adults"), 1, 12, 2),
    children: clampInt(params.get("children"), 0, 10, 0),
    complete,
  };
}

export function searchHref(p: SearchParams): string {
  return href("/", { where: p.where || null, arrival: p.arrival, departure: p.departure, adults: p.adults, children: p.children || null });
}

function variablesOf(p: SearchParams): SearchVariables {
  const [kind, value] = p.where.includes(":") ? [p.where.slice(0, p.where.indexOf(":")), p.where.slice(p.where.indexOf(":") + 1)] : ["", ""];
  return {
    arrival: p.arrival,
    departure: p.departure,
    adults: p.adults,
    children: p.children,
    city: kind === "city" ? value : null,
    propertyId: kind === "property" ? value : null,
  };
}

type Results =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "failed"; error: unknown }
  | { state: "done"; nodes: Availability[]; nights: number };

export function SearchPage({ location }: { location: Location }) {
  const i18n = useI18n();
  const { t } = i18n;
  usePageTitle(t("search.title"));
  const current = useMemo(() => searchParamsOf(location.params), [location.params]);
  const [form, setForm] = useState<SearchParams>(current);
  const [formError, setFormError] = useState<string | null>(null);
  const [places, setPlaces] = useState<Destination[]>([]);
  const [results, setResults] = useState<Results>({ state: "idle" });
  const [properties, setProperties] = useState<Record<string, PropertyDetails>>({});
  const [nearest, setNearest] = useState<Record<string, StaySuggestion[]>>({});
  const [attempt, setAttempt] = useState(0);
  const arrivalRef = useRef<HTMLInputElement>(null);

  useEffect(() => setForm(current), [current]);

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
    const variables = variablesOf(current);
    (async () => {
      const data = await request(searchDoc, variables, { signal });
      const nodes = (data.searchAvailability?.nodes ?? []).filter((n): n is Availability => !!n && n.restriction !== "MAX_OCCUPANCY");
      // Photos and amenities of the properties found, ten per request, in parallel (all cacheable).
      const ids = [...new Set(nodes.map((n) => n.propertyId))];
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += 10) batches.push(ids.slice(i, i + 10));
      const details = await Promise.all(
        batches.map((batch) =>
          request(propertiesById(batch.length), Object.fromEntries(batch.map((id, i) => [`p${i}`, id])), { signal }).catch(() => ({}) as Record<string, PropertyDetails | null>),
        ),
      );
      if (signal.aborted) return;
      const byId: Record<string, PropertyDetails> = {};
      for (const batch of details) for (const p of Object.values(batch)) if (p) byId[p.rowId] = p;
      setProperties(byId);
      setResults({ state: "done", nodes, nights: nightsBetween(current.arrival, current.departure) });
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
  }, [current, attempt]);

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
    setFormError(null);
    navigate(searchHref(form));
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
          <select id="children" value={form.children} onChange={(e) => setForm({ ...form, children: Number(e.target.value) })}>
            {Array.from({ length: 11 }, (_, i) => i).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary">
          {t("search.submit")}
        </button>
        <p id="search-error" className="field-error form-error" role="alert">
          {formError}
        </p>
      </form>

      <ResultsView results={results} properties={properties} nearest={nearest} search={current} onRetry={() => setAttempt((a) => a + 1)} />
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

function ResultsView({
  results,
  properties,
  nearest,
  search,
  onRetry,
}: {
  results: Results;
  properties: Record<string, PropertyDetails>;
  nearest: Record<string, StaySuggestion[]>;
  search: SearchParams;
  onRetry: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const status =
    results.state === "loading"
      ? t("search.searching")
      : results.state === "done"
        ? (() => {
            const units = unitsFree(results.nodes);
            return units === 0 ? t("search.none") : t("search.found", { count: units, nights: results.nights });
          })()
        : "";
  const groups = results.state === "done" ? groupResults(results.nodes) : [];
  return (
    <section className="results" aria-labelledby="results-heading" aria-busy={results.state === "loading"} data-state={results.state}>
      <h2 id="results-heading" className={results.state === "idle" ? "visually-hidden" : undefined}>
        {t("search.results")}
      </h2>
      <p className="results-status" role="status" data-testid="search-status">
        {status}
      </p>
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
      {groups.map((group) => (
        <PropertyCard key={group.propertyId} group={group} details={properties[group.propertyId]} nearest={nearest} search={search} nights={results.state === "done" ? results.nights : 0} />
      ))}
    </section>
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
  details: PropertyDetails | undefined;
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
      </header>
      {group.rooms.map((room) => {
        const roomDetails = details?.roomTypesByPropertyId.nodes.find((r) => r?.rowId === room.roomTypeId) ?? undefined;
        return <RoomCard key={room.roomTypeId} room={room} details={roomDetails ?? undefined} nearest={nearest} search={search} nights={nights} />;
      })}
    </article>
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
                    href={href("/book", { plan: rate.ratePlanId, arrival: search.arrival, departure: search.departure, adults: search.adults, children: search.children || null })}
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
