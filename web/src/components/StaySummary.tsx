// The stay in a few lines: dates, nights, guests, room, rate, extras, total.
import { formatMoney } from "../../../shared/money.ts";
import { lineLabel, useFeeNames } from "./PriceTable.tsx";
import type { Reservation } from "../documents.ts";
import { formatDate, nightsBetween } from "../format.ts";
import { useI18n } from "../i18n.tsx";

export function guestsText(adults: number, children: number, t: ReturnType<typeof useI18n>["t"], childAges?: readonly number[] | null): string {
  const a = t("guests.adults", { count: adults });
  if (children === 0) return a;
  // The children's ages when given (issue 22): "2 children (ages 4, 7)".
  const ages = childAges && childAges.length === children ? ` (${t("ages.text", { count: childAges.length, ages: childAges.join(", ") })})` : "";
  return `${a}, ${t("guests.children", { count: children })}${ages}`;
}

export function nightsText(nights: number, t: ReturnType<typeof useI18n>["t"]): string {
  return t("stay.nights", { count: nights });
}

export function StaySummary(props: {
  arrival: string;
  departure: string;
  adults: number;
  children: number;
  childAges?: readonly number[] | null;
  room?: string;
  rate?: string;
  checkInTime?: string;
  checkOutTime?: string;
  /** The extras booked or chosen, as their lines name them. */
  extras?: readonly string[];
  total?: string;
}) {
  const { t, locale } = useI18n();
  const time = (value?: string) => (value ? value.slice(0, 5) : "");
  return (
    <dl className="summary">
      <div>
        <dt>{t("book.dates")}</dt>
        <dd>
          {formatDate(props.arrival, locale)} → {formatDate(props.departure, locale)} ({nightsText(nightsBetween(props.arrival, props.departure), t)})
          {props.checkInTime && props.checkOutTime ? (
            <span className="muted small block">{t("book.checkInOut", { checkIn: time(props.checkInTime), checkOut: time(props.checkOutTime) })}</span>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>{t("book.guests")}</dt>
        <dd>{guestsText(props.adults, props.children, t, props.childAges)}</dd>
      </div>
      {props.room ? (
        <div>
          <dt>{t("book.room")}</dt>
          <dd>{props.room}</dd>
        </div>
      ) : null}
      {props.rate ? (
        <div>
          <dt>{t("book.rate")}</dt>
          <dd>{props.rate}</dd>
        </div>
      ) : null}
      {props.extras && props.extras.length > 0 ? (
        <div>
          <dt>{t("book.extras")}</dt>
          <dd data-testid="summary-extras">{props.extras.join(", ")}</dd>
        </div>
      ) : null}
      {props.total ? (
        <div className="summary-total">
          <dt>{t("book.total")}</dt>
          <dd data-testid="summary-total">{props.total}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** A booked stay in the same few lines (confirmation, manage), its rate named as the page names it. */
export function BookedStaySummary({ booking, rate }: { booking: Reservation; rate?: string }) {
  const i18n = useI18n();
  const { locale } = i18n;
  const property = booking.propertyByPropertyId;
  const names = useFeeNames(property?.rowId);
  const extras = booking.priceLines
    .filter((l) => l.kind === "extra")
    .map((l) => lineLabel({ kind: l.kind, date: l.date, description: l.description, isInclusive: l.is_inclusive, feeId: null, extraId: l.extra_id ?? null }, i18n, names));
  return (
    <StaySummary
      arrival={booking.arrival}
      departure={booking.departure}
      adults={booking.adults}
      children={booking.children}
      childAges={booking.childAges}
      room={booking.roomType?.name}
      rate={rate}
      checkInTime={property?.checkInTime}
      checkOutTime={property?.checkOutTime}
      extras={extras}
      total={formatMoney(booking.totalAmount, booking.currency, locale)}
    />
  );
}
