// A party no single room sleeps (issue 22): for each property that has the
// room types, the cheapest ways to sleep it in several rooms
// (roomCombinations, ranked by price), each with its rooms, who sleeps where,
// how many it sleeps at most and the total, and a link that books exactly
// those rooms (/book?rooms=…); and a way to choose the rooms oneself. Loaded
// only when a search finds no room big enough (a lazy chunk).
import { useEffect, useState } from "react";
import { formatMoney } from "../../../shared/money.ts";
import { request } from "../api.ts";
import { roomCombinations, type RoomCombination } from "../documents.ts";
import { useI18n } from "../i18n.tsx";
import { onLinkClick } from "../router.ts";
import { groupHref } from "../groupStay.ts";
import { guestsText } from "./StaySummary.tsx";

export interface CombinationSearch {
  arrival: string;
  departure: string;
  adults: number;
  children: number;
  /** One age per child (issue 22): the rooms are priced with them. */
  childAges?: number[] | null;
}

type State = { state: "loading" } | { state: "done"; nodes: RoomCombination[] } | { state: "failed" };

export default function RoomCombinations({ properties, search }: { properties: Array<{ id: string; name: string }>; search: CombinationSearch }) {
  return (
    <>
      {properties.slice(0, 5).map((p) => (
        <PropertyCombinations key={p.id} property={p} search={search} />
      ))}
    </>
  );
}

function PropertyCombinations({ property, search }: { property: { id: string; name: string }; search: CombinationSearch }) {
  const { t, locale } = useI18n();
  const [state, setState] = useState<State>({ state: "loading" });
  useEffect(() => {
    const abort = new AbortController();
    setState({ state: "loading" });
    const { arrival, departure, adults, children } = search;
    const childAges = children > 0 ? (search.childAges ?? null) : null;
    request(roomCombinations, { propertyId: property.id, arrival, departure, adults, children, childAges }, { signal: abort.signal }).then(
      (data) => setState({ state: "done", nodes: (data.roomCombinations?.nodes ?? []).filter((n): n is RoomCombination => !!n) }),
      () => !abort.signal.aborted && setState({ state: "failed" }),
    );
    return () => abort.abort();
  }, [property.id, search.arrival, search.departure, search.adults, search.children, search.childAges?.join(",")]);
  const headingId = `combos-${property.id}`;
  const guests = search.adults + search.children;
  const own = groupHref({ propertyId: property.id, arrival: search.arrival, departure: search.departure, rooms: [] });
  return (
    <section className="panel combinations" aria-labelledby={headingId} aria-busy={state.state === "loading"} data-testid="combinations" data-property={property.name}>
      <h3 id={headingId}>{t("group.combos.title", { property: property.name, guests })}</h3>
      {state.state === "loading" ? <p className="muted" role="status">{t("group.combos.loading")}</p> : null}
      {state.state === "failed" || (state.state === "done" && state.nodes.length === 0) ? (
        <p data-testid="combinations-none">{t("group.combos.none", { guests })}</p>
      ) : null}
      {state.state === "done" && state.nodes.length > 0 ? (
        <ul className="rates combos">
          {state.nodes.map((combo) => {
            const total = formatMoney(combo.totalAmount, combo.currency, locale);
            const names = combo.roomTypeNames.join(" + ");
            const label = t("group.combos.option", { count: combo.rooms.length, names });
            return (
              <li key={combo.rank} className="rate combo" data-testid="combination">
                <div className="combo-info">
                  <p className="rate-name">{label}</p>
                  <ul className="muted small combo-rooms">
                    {combo.rooms.map((room, i) => (
                      <li key={i}>{t("group.roomLine", { no: i + 1, room: combo.roomTypeNames[i] ?? "", guests: guestsText(room.adults, room.children, t, room.childAges) })}</li>
                    ))}
                  </ul>
                  <p className="muted small">{t("group.combos.capacity", { count: combo.capacity })}</p>
                </div>
                <div className="rate-price">
                  <p className="price">{t("search.total", { amount: total })}</p>
                  <p className="muted small">{t("search.includes")}</p>
                </div>
                <a
                  className="button button-primary"
                  href={groupHref({ propertyId: property.id, arrival: search.arrival, departure: search.departure, rooms: combo.rooms })}
                  onClick={onLinkClick}
                  aria-label={t("group.combos.chooseLabel", { option: label, price: total })}
                >
                  {t("search.select")}
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
      <p>
        <a href={own} onClick={onLinkClick}>{t("group.combos.own")}</a>
      </p>
    </section>
  );
}
