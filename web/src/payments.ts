// Paying for a booking with a card token from the provider's card form:
// every payment that is due now is paid (pay); when nothing is due yet, the
// card is kept on file for the payments to come (attachPaymentMethod), which
// Keepr charges when they fall due. Each call's idempotency key is kept in
// the session (storage.ts) with what it was used for, so a refresh or a
// second click replays instead of charging twice.
import { request, requestLanguageNow } from "./api.ts";
import { attachPaymentMethod, myBooking, pay, type PaymentIntent, type Reservation } from "./documents.ts";
import { keyFor } from "./keys.ts";
import { saveSession, type CardToken, type Session } from "./storage.ts";

/** Payments due within a minute count as due now (the deposit is due at confirmation). */
export const isDueNow = (intent: PaymentIntent, now = Date.now()) =>
  (intent.status === "requires_payment" || intent.status === "failed") && new Date(intent.dueAt).getTime() <= now + 60_000;

export async function loadBooking(session: Session): Promise<Reservation | null> {
  const data = await request(myBooking, { language: requestLanguageNow() }, { token: session.token });
  return data.currentBooking ?? null;
}

/**
 * Pays what is due now with the card, or keeps it on file; returns the session with its keys. save keeps the
 * session (with its keys, before each request) where it lives: the tab's booking, or a room of a group.
 */
export async function payWithCard(session: Session, card: CardToken, save: (session: Session) => void = saveSession): Promise<Session> {
  const booking = await loadBooking(session);
  if (!booking) return session;
  const intents = booking.paymentIntents.nodes.filter((i): i is PaymentIntent => !!i);
  const due = intents.filter((i) => isDueNow(i));
  let next: Session = { ...session, card, payKeys: { ...session.payKeys } };
  if (due.length > 0) {
    for (const intent of due) {
      const keyed = keyFor(next.payKeys![intent.rowId], { intent: intent.rowId, token: card.id });
      next = { ...next, payKeys: { ...next.payKeys, [intent.rowId]: keyed } };
      save(next); // before the request: a refresh replays this key
      await request(pay, { intentId: intent.rowId, paymentToken: card.id, key: keyed.key }, { token: session.token });
    }
  } else if (intents.some((i) => i.status === "requires_payment")) {
    const keyed = keyFor(next.payKeys!.attach, { reservation: booking.rowId, token: card.id });
    next = { ...next, payKeys: { ...next.payKeys, attach: keyed } };
    save(next);
    await request(attachPaymentMethod, { reservationId: booking.rowId, paymentToken: card.id, key: keyed.key, cardBrand: card.brand, cardLast4: card.last4 }, { token: session.token });
  }
  save(next);
  return next;
}

/**
 * Replaces the booking's card on file (Manage): the payments to come are
 * charged to it, and a payment that was due and failed is charged on it at
 * once. The brand and last four the card form gave are kept by the server.
 */
export async function replaceCard(session: Session, reservationId: string, card: CardToken): Promise<Session> {
  const keyed = keyFor(session.payKeys?.replace, { reservation: reservationId, token: card.id });
  const next: Session = { ...session, card, payKeys: { ...session.payKeys, replace: keyed } };
  saveSession(next); // before the request: a refresh replays this key
  await request(attachPaymentMethod, { reservationId, paymentToken: card.id, key: keyed.key, cardBrand: card.brand, cardLast4: card.last4 }, { token: session.token });
  return next;
}

/** What is due when: the schedule of a rate plan for a total, as Keepr will create it (app_private.schedule_payments). */
export function paymentPreview(total: bigint, depositPercent: string, balanceDueDays: number, arrival: string, timeZone: string) {
  const hundredths = BigInt(Math.round(Number(depositPercent) * 100));
  const deposit = total > 0n ? (total * hundredths + 5_000n) / 10_000n : 0n;
  const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const balanceDate = new Date(`${arrival}T12:00:00Z`);
  balanceDate.setUTCDate(balanceDate.getUTCDate() - balanceDueDays);
  const balanceDueNow = balanceDate.toISOString().slice(0, 10) <= today;
  const dueNow = deposit + (balanceDueNow ? total - deposit : 0n);
  return { deposit, dueNow, later: total - dueNow };
}
