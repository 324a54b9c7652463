// A booked group of rooms (issue 22): the confirmation page (the group code,
// every room with its own code, guests and price, the total, and each room's
// payment as it settles) and Manage (every room with its state and what
// cancelling it costs now; cancel one room, or every room with the fees shown
// first; move every room to new dates with the new price shown first
// (quoteGroupChange, then changeGroupDates: all rooms or none); open one room
// for its payments, invoices and changes). The group token (lookupBooking
// with the group code and the booker's email) reads the group, changes and
// cancels; each room's own token pays for it. A lazy chunk.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../../../shared/api-error.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { request } from "../api.ts";
import { Dialog } from "../components/Dialog.tsx";
import { Alert, errorText } from "../components/Messages.tsx";
import { differenceText, StayDatesFields, usePricedChange } from "../components/PricedChange.tsx";
import { PaymentsView } from "../components/Payments.tsx";
import { guestsText } from "../components/StaySummary.tsx";
import {
  cancelGroup, cancelReservation, changeGroupDates, lookupBooking, myGroup, quoteGroupChange, type BookingGroup, type GroupRoomBooking,
} from "../documents.ts";
import { formatDate, formatMoment, formatStay, nightsBetween } from "../format.ts";
import { roomOfError } from "../groupStay.ts";
import { useI18n } from "../i18n.tsx";
import { keyFor, type KeyedInput } from "../keys.ts";
import { href, onLinkClick, usePageTitle } from "../router.ts";
import { loadGroupSession, saveGroupSession, saveSession, tokenExpiry, type GroupSession, type Session } from "../storage.ts";
import { useBooking } from "../useBooking.ts";
import { NoBookingHere } from "./Confirmation.tsx";

/** The group a group token reads, loaded and reloaded on demand. */
function useGroup(session: GroupSession | null, onError?: (error: unknown) => void) {
  const [group, setGroup] = useState<BookingGroup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(async () => {
    if (!session) return;
    try {
      const data = await request(myGroup, { id: session.groupId }, { token: session.token });
      if (!data.bookingGroupByRowId) throw new ApiError("NOT_FOUND", "No such booking.");
      setGroup(data.bookingGroupByRowId);
      setError(null);
    } catch (caught) {
      onError?.(caught);
      setError(caught);
    }
  }, [session]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return { group, error, refresh };
}

const roomsOf = (group: BookingGroup) => group.rooms.nodes.filter((r): r is GroupRoomBooking => !!r);

function StayLines({ group }: { group: BookingGroup }) {
  const { t, locale } = useI18n();
  const rooms = roomsOf(group);
  const first = rooms[0];
  const property = group.propertyByPropertyId;
  if (!first) return null;
  return (
    <dl className="summary">
      <div>
        <dt>{t("book.dates")}</dt>
        <dd>
          {formatDate(first.arrival, locale)} → {formatDate(first.departure, locale)} ({t("stay.nights", { count: nightsBetween(first.arrival, first.departure) })})
          {property ? <span className="muted small block">{t("book.checkInOut", { checkIn: property.checkInTime.slice(0, 5), checkOut: property.checkOutTime.slice(0, 5) })}</span> : null}
        </dd>
      </div>
      <div>
        <dt>{t("book.guests")}</dt>
        <dd>{t("group.guests", { count: rooms.reduce((s, r) => s + r.adults + r.children, 0) })}</dd>
      </div>
      <div className="summary-total">
        <dt>{t("book.total")}</dt>
        <dd data-testid="group-total">{formatMoney(group.totalAmount ?? 0, property?.currency ?? first.currency, locale)}</dd>
      </div>
    </dl>
  );
}

/** One room in a list: number, type, rate, guests, who sleeps there, its code, state and price. */
function RoomItem({ room, contactName, children }: { room: GroupRoomBooking; contactName: string | null; children?: React.ReactNode }) {
  const { t, locale } = useI18n();
  const cancelled = room.status === "cancelled" || room.status === "no_show";
  return (
    <li className="group-room" data-testid={`group-room-${room.roomNo}`} data-status={room.status}>
      <div className="group-room-head">
        <h3>{t("group.roomTitle", { no: room.roomNo, room: room.roomType?.name ?? "" })}</h3>
        <p className={`badge badge-${room.status}`}><span className="visually-hidden">{t("manage.status")}: </span>{t(`manage.status.${room.status}`)}</p>
      </div>
      <dl className="summary">
        <div><dt>{t("book.rate")}</dt><dd>{room.ratePlan ? `${room.ratePlan.name} · ${t(`meal.${room.ratePlan.mealPlan}`)}` : ""}</dd></div>
        <div><dt>{t("book.guests")}</dt><dd>{guestsText(room.adults, room.children, t)}{room.guestName || contactName ? ` · ${room.guestName ?? contactName}` : ""}</dd></div>
        <div><dt>{t("confirm.code")}</dt><dd className="code-inline">{room.confirmationCode}</dd></div>
        <div>
          <dt>{cancelled ? t("manage.cancellationFee") : t("book.total")}</dt>
          <dd>{formatMoney(cancelled ? (room.penaltyAmount ?? 0) : room.totalAmount, room.currency, locale)}</dd>
        </div>
      </dl>
      {children}
    </li>
  );
}

/** A room's payments, with its own booking token (the group token cannot read them). */
function RoomPayments({ session, label, onSession }: { session: Session; label: string; onSession: (session: Session) => void }) {
  const { booking, refresh } = useBooking(session, { everyMs: 1000, forMs: 120_000 });
  return (
    <div className="room-payments" data-testid="room-payments">
      <h3>{label}</h3>
      {booking ? <PaymentsView booking={booking} session={session} onPaid={(next) => { onSession(next); void refresh(); }} /> : null}
    </div>
  );
}

export function GroupConfirmationPage({ code }: { code: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [session, setSession] = useState<GroupSession | null>(() => {
    const stored = loadGroupSession();
    return stored && stored.groupCode === code ? stored : null;
  });
  usePageTitle(session ? t("confirm.title") : t("confirm.noneTitle"));
  const { group, error } = useGroup(session);
  if (!session) return <NoBookingHere />;
  const rooms = group ? roomsOf(group) : [];
  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{t("confirm.title")}</h1>
      <div className="panel confirmation">
        <p className="code-label">{t("group.code")}</p>
        <p className="code" data-testid="group-code">{session.groupCode}</p>
        <p>{t("group.emailSent", { email: session.email, count: session.rooms.length })}</p>
      </div>
      {error ? <Alert><p>{errorText(error, i18n)}</p></Alert> : null}
      <div className="book-layout">
        <section className="panel book-main" aria-labelledby="stay-heading">
          <h2 id="stay-heading">{group?.propertyByPropertyId?.name ?? t("book.summary")}</h2>
          {group ? (
            <>
              <StayLines group={group} />
              <ul className="group-rooms plain">{rooms.map((room) => <RoomItem key={room.rowId} room={room} contactName={group.contactName} />)}</ul>
            </>
          ) : (
            <p className="placeholder-block" role="status">{t("confirm.loading")}</p>
          )}
        </section>
        <section className="panel book-side" aria-labelledby="payment-heading">
          <h2 id="payment-heading">{t("pay.title")}</h2>
          <div aria-live="polite">
            {session.rooms.map((room, i) => (
              <RoomPayments key={room.reservationId} session={room} label={t("group.roomTitle", { no: i + 1, room: rooms[i]?.roomType?.name ?? "" })}
                onSession={(next) => {
                  const updated = { ...session, rooms: session.rooms.map((r, j) => (j === i ? next : r)) };
                  saveGroupSession(updated);
                  setSession(updated);
                }} />
            ))}
          </div>
        </section>
      </div>
      <p className="actions">
        <a className="button button-primary" href={href("/manage", { group: session.groupCode })} onClick={onLinkClick}>{t("confirm.manage")}</a>
        <a className="button" href="/" onClick={onLinkClick}>{t("confirm.another")}</a>
      </p>
    </>
  );
}

type Cancelling = { kind: "room"; room: GroupRoomBooking } | { kind: "all" };

/** Manage a group with its token: every room, cancel one or all (the fees first), open a room. */
export function GroupManage({ session, onForget, onOpenRoom }: { session: GroupSession; onForget: () => void; onOpenRoom: (session: Session) => void }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { group, error, refresh } = useGroup(session, (e) => {
    if (e instanceof ApiError && (e.code === "TOKEN_EXPIRED" || e.code === "INVALID_TOKEN")) onForget();
  });
  const [cancelling, setCancelling] = useState<Cancelling | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [keys, setKeys] = useState<Record<string, KeyedInput>>({});
  if (!group) {
    return error ? (
      <Alert>
        <p>{errorText(error, i18n)}</p>
        <button type="button" className="button" onClick={onForget}>{t("manage.forget")}</button>
      </Alert>
    ) : (
      <p className="placeholder-block" role="status">{t("manage.loading")}</p>
    );
  }
  const rooms = roomsOf(group);
  const property = group.propertyByPropertyId;
  const currency = property?.currency ?? rooms[0]?.currency ?? "EUR";
  const money = (amount: bigint | string | number) => formatMoney(amount, currency, locale);
  const active = rooms.filter((r) => r.status === "held" || r.status === "confirmed");
  const feeOf = (rs: GroupRoomBooking[]) => rs.reduce((s, r) => s + minorUnits(r.cancellationPenaltyNow ?? 0), 0n);
  const chosen = cancelling?.kind === "room" ? [cancelling.room] : active;

  const doCancel = async (event: FormEvent) => {
    event.preventDefault();
    if (!cancelling || busy) return;
    const id = cancelling.kind === "room" ? cancelling.room.rowId : "all";
    const keyed = keyFor(keys[id], { id });
    setKeys((k) => ({ ...k, [id]: keyed }));
    setBusy(true);
    setActionError(null);
    try {
      const results = cancelling.kind === "room"
        ? [(await request(cancelReservation, { reservationId: cancelling.room.rowId, key: keyed.key, reason: null }, { token: session.token })).cancelReservation?.result]
        : (await request(cancelGroup, { bookingGroupId: group.rowId, key: keyed.key, reason: null }, { token: session.token })).cancelGroup?.result ?? [];
      const penalty = results.reduce((s, r) => s + minorUnits(r?.penaltyAmount ?? 0), 0n);
      setMessage(cancelling.kind === "room"
        ? t("group.cancelledRoom", { no: cancelling.room.roomNo, penalty: money(penalty) })
        : t("group.cancelledAll", { penalty: money(penalty) }));
      setCancelling(null);
      await refresh();
    } catch (caught) {
      setActionError(caught);
    } finally {
      setBusy(false);
    }
  };

  const openRoom = async (room: GroupRoomBooking) => {
    setActionError(null);
    try {
      const email = group.contactEmail ?? session.email;
      const token = room.confirmationCode ? (await request(lookupBooking, { code: room.confirmationCode, email })).lookupBooking?.result : null;
      if (!token) throw new ApiError("NOT_FOUND", t("manage.notFound"));
      const roomSession: Session = { code: room.confirmationCode!, email, token, expiresAt: tokenExpiry(token), reservationId: room.rowId };
      saveSession(roomSession);
      onOpenRoom(roomSession);
    } catch (caught) {
      setActionError(caught);
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="group-heading">
        <div className="booking-title">
          <h2 id="group-heading">{t("group.booking", { code: group.groupCode })}</h2>
          <p className="badge" data-testid="group-rooms-count">{t("group.roomsCount", { count: rooms.length })}</p>
        </div>
        {message ? <Alert tone="success">{message}</Alert> : null}
        {actionError && !cancelling ? <Alert><p>{errorText(actionError, i18n)}</p></Alert> : null}
        <h3>{property?.name}</h3>
        {property?.address ? <p className="muted">{property.address}</p> : null}
        <StayLines group={group} />
        <dl className="summary">
          <div><dt>{t("manage.guest")}</dt><dd>{[group.contactName, group.contactEmail, group.contactPhone].filter(Boolean).join(" · ")}</dd></div>
        </dl>
        <p className="forget">
          <button type="button" className="button" onClick={onForget} aria-describedby="forget-hint" data-testid="manage-done">{t("manage.forget")}</button>
          <span id="forget-hint" className="muted small">{t("manage.forgetHint")}</span>
        </p>
      </section>
      <section className="panel" aria-labelledby="rooms-heading">
        <h2 id="rooms-heading">{t("group.rooms")}</h2>
        <ul className="group-rooms plain">
          {rooms.map((room) => {
            const open = room.status === "held" || room.status === "confirmed";
            return (
              <RoomItem key={room.rowId} room={room} contactName={group.contactName}>
                {open ? (
                  <p className="muted small" data-testid="room-fee">
                    {minorUnits(room.cancellationPenaltyNow ?? 0) === 0n
                      ? room.cancellationPolicy.free_cancellation_until
                        ? t("manage.cancelFree", { moment: formatMoment(room.cancellationPolicy.free_cancellation_until, locale, property?.timeZone) })
                        : t("manage.cancelPenalty", { penalty: money(0) })
                      : t("manage.cancelPenalty", { penalty: money(room.cancellationPenaltyNow ?? 0) })}
                  </p>
                ) : null}
                <p className="actions">
                  <button type="button" className="button button-small" onClick={() => void openRoom(room)}
                    aria-label={t("group.openRoomLabel", { no: room.roomNo, room: room.roomType?.name ?? "" })}>{t("group.openRoom")}</button>
                  {open ? (
                    <button type="button" className="button button-small button-danger" onClick={() => { setActionError(null); setCancelling({ kind: "room", room }); }}>
                      {t("group.cancelRoom", { no: room.roomNo })}
                    </button>
                  ) : null}
                </p>
              </RoomItem>
            );
          })}
        </ul>
      </section>
      {rooms.some((r) => r.status === "confirmed") ? (
        <ChangeGroupDates group={group} token={session.token} money={money}
          onChanged={async (text) => { setMessage(text); await refresh(); }} />
      ) : null}
      <section className="panel" aria-labelledby="cancel-heading">
        <h2 id="cancel-heading">{t("group.cancelAll")}</h2>
        {active.length === 0 ? (
          <p>{t("group.nothingToCancel")}</p>
        ) : (
          <>
            <p data-testid="group-cancel-fee">{t("group.cancelAllFee", { count: active.length, penalty: money(feeOf(active)) })}</p>
            <button type="button" className="button button-danger" onClick={() => { setActionError(null); setCancelling({ kind: "all" }); }}>{t("group.cancelAllOpen")}</button>
          </>
        )}
      </section>
      <Dialog open={cancelling !== null} title={cancelling?.kind === "room" ? t("group.cancelRoomDialog", { no: cancelling.room.roomNo, room: cancelling.room.roomType?.name ?? "" }) : t("group.cancelAllDialog", { count: active.length })}
        onClose={() => !busy && setCancelling(null)}>
        <form onSubmit={doCancel} noValidate>
          <ul className="plain">
            {chosen.map((r) => (
              <li key={r.rowId}>{t("group.roomTitle", { no: r.roomNo, room: r.roomType?.name ?? "" })}: {t("manage.cancelPenalty", { penalty: money(r.cancellationPenaltyNow ?? 0) })}</li>
            ))}
          </ul>
          <p data-testid="dialog-fee"><strong>{t("group.feeTotal", { penalty: money(feeOf(chosen)) })}</strong></p>
          {actionError ? <Alert><p>{errorText(actionError, i18n)}</p></Alert> : null}
          <p className="actions">
            <button type="button" className="button" data-autofocus onClick={() => setCancelling(null)} disabled={busy}>{t("manage.keep")}</button>
            <button type="submit" className="button button-danger" disabled={busy} data-testid="confirm-cancel">
              {busy ? t("manage.cancelling") : cancelling?.kind === "room" ? t("group.cancelRoomConfirm") : t("group.cancelAllConfirm", { count: active.length })}
            </button>
          </p>
        </form>
      </Dialog>
    </>
  );
}

/**
 * Move every room of the group to new dates: priced first for all the rooms
 * together (quoteGroupChange: each room now and after, the difference),
 * then changeGroupDates with one idempotency key per change asked for. One
 * room that cannot move (sold out, its rate's rules) moves none, and the
 * refusal names it.
 */
function ChangeGroupDates({ group, token, money, onChanged }: {
  group: BookingGroup; token: string; money: (amount: bigint | string | number) => string; onChanged: (message: string) => Promise<void>;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const first = roomsOf(group).find((r) => r.status === "confirmed")!;
  /** The API's refusal in words; a room that cannot move is named in the guest's language. */
  const refusal = (e: unknown) => {
    const no = e instanceof ApiError && e.code === "SOLD_OUT" ? roomOfError(e) : 0;
    const room = roomsOf(group).find((r) => r.roomNo === no);
    return room ? t("group.changeSoldOut", { no, room: room.roomType?.name ?? "" }) : errorText(e, i18n);
  };
  const { stay, edit, preview, busy, error, check, change } = usePricedChange({
    initial: { arrival: first.arrival, departure: first.departure },
    unchanged: (asked) => (asked.arrival === first.arrival && asked.departure === first.departure ? t("group.sameDates") : null),
    quote: async (asked) => (await request(quoteGroupChange, { bookingGroupId: group.rowId, ...asked }, { token })).quoteGroupChange,
    change: (asked, key) => request(changeGroupDates, { bookingGroupId: group.rowId, key, ...asked }, { token }),
    done: (asked) => onChanged(t("group.changedDates", { dates: formatStay(asked.arrival, asked.departure, locale) })),
    keyScope: { group: group.rowId },
    refusal,
  });

  const difference = preview ? minorUnits(preview.quote.difference) : 0n;
  return (
    <section className="panel" aria-labelledby="group-change-heading" data-testid="group-change">
      <h2 id="group-change-heading">{t("group.changeDates")}</h2>
      <p className="muted" id="group-change-intro">{t("group.changeDatesIntro")}</p>
      <form className="inline-form change-form" onSubmit={check} noValidate aria-describedby="group-change-intro">
        <StayDatesFields idPrefix="group" stay={stay} edit={edit} />
        <button type="submit" className="button" disabled={busy !== null} data-testid="group-check-price">{busy === "check" ? t("manage.checking") : t("manage.checkPrice")}</button>
      </form>
      <div aria-live="polite">
        {error ? <p className="field-error" role="alert" data-testid="group-change-error">{error}</p> : null}
        {preview ? (
          <div className="preview" data-testid="group-change-preview">
            <p>
              <strong>{t("manage.newPrice", { amount: money(preview.quote.totalAmount), old: money(preview.quote.currentTotal) })}</strong>{" "}
              {differenceText(difference, money, t)}
            </p>
            <p className="muted">{formatDate(preview.stay.arrival, locale)} → {formatDate(preview.stay.departure, locale)} ({t("stay.nights", { count: preview.quote.nights })})</p>
            <ul className="plain small">
              {preview.quote.rooms.filter((r) => r !== null).map((r) => (
                <li key={r.roomNo}>{t("group.changeRoomLine", { no: r.roomNo, amount: money(r.quote.totalAmount), old: money(r.currentTotal) })}</li>
              ))}
            </ul>
            <button type="button" className="button button-primary" onClick={change} disabled={busy !== null} data-testid="group-confirm-change">
              {busy === "change" ? t("manage.changing") : t("manage.confirmChange")}
            </button>
          </div>
        ) : null}
      </div>
    </section>
  );
}
