// Delivers one message: its notification rows, payload { id, more? } (the
// email's row, and the SMS's row of the same message when there is one:
// app_private.notify_all queues one job per message; a job of one row has
// { id } alone). Each row is read in one statement, then sent and recorded
// on its own, so one row's outcome never changes another's: a row already
// sent (a retry) is left alone, a permanent failure is recorded failed and
// the others still go, and when a try of one row fails for a reason a retry
// may cure, the others are still tried and the job is retried after (the
// rows sent meanwhile stay sent). The message's id is the
// notification's, and both outboxes write one file per id (the SMTP
// Message-ID and the SMS gateway's idempotency key are derived from it too),
// so a job that runs twice — a retry, a worker killed after sending and
// before recording — delivers once. A pre-arrival message for a stay that
// moved or was cancelled is skipped.
//
// Email and SMS go through a primary provider and a fallback
// (worker/delivery.ts). The provider that took the message is recorded with
// its message id, "<provider>:<message id>" in provider_message_id, when the
// notification is recorded sent. When a provider may have taken the message
// without saying so (a timeout after the message was sent), the try is
// recorded pending with that provider in provider_message_id, and every later
// try goes to that provider only, with the same message id: never a second
// copy through the other provider.
//
// Permanent problems (a bad phone number, a broken template, an address the
// mail server refuses, every provider refusing for good) are recorded as
// failed for staff; others are thrown and retried, and recorded as failed on
// the last try.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { isPermanentDeliveryError, MessageRefused, ProvidersUnavailable, type ProviderRole } from "../delivery.ts";
import { render, TemplateError, type NotificationContext, type Override } from "../notifications/render.ts";
import type { Kind } from "../notifications/templates.ts";
import { InvalidPhoneNumber, type SmsSender } from "../sms.ts";
import { asWorker } from "../database.ts";
import { addressOf, type EmailMessage, type Mailer } from "../mailer.ts";
import {
  renderStayCalendar, stayCalendarContentType, stayCalendarFileName, stayCalendarRowOf, stayCalendarSelect, stayLanguageOf,
} from "../../channels/stay-calendar.ts";
import { recordAsWorker } from "./provider_call.ts";

const payload = z.object({ id: z.uuid(), more: z.array(z.uuid()).max(10).optional() });

interface Row {
  id: string;
  reservation_id: string;
  template: Kind;
  channel: "email" | "sms";
  recipient: string;
  cause: string;
  status: string;
  provider_message_id: string | null;
  stale: boolean;
  context: NotificationContext;
  override: Override | null;
  /** The stay as an .ics row (channels/stay-calendar.ts), for the emails that carry it; else null. */
  stay: Parameters<typeof stayCalendarRowOf>[0] | null;
}

/** The messages that carry the stay as an .ics: the first one, each change, the cancellation. */
const withCalendar: readonly Kind[] = ["confirmation", "modification", "cancellation"];

// Everything a message may say, read in one statement: the stay for the
// guest's calendar too (the same row the Manage page downloads), so the
// message and its .ics come from one snapshot. Every lookup names the
// property, so each is an index scan whatever the size of the tables (the
// refund and balance sums scanned every payment intent and folio balance:
// 2.6 ms of Postgres CPU a message on the scale data). The message speaks the
// reservation's language (the guest app's when the guest booked, or the
// desk's choice), else the property's; its room type, rate plan and arrival
// instructions are their translations in that language where the property
// has them (app_hidden.*_translation, inlined: one index probe each).
export const notificationLoadSql = `
  select n.id, n.reservation_id, n.template, n.channel, n.recipient, n.cause, n.status, n.provider_message_id,
         (n.template = 'pre_arrival' and (r.status <> 'confirmed' or n.cause <> 'reservation:' || r.id || ':pre_arrival:' || lower(r.stay))) as stale,
         jsonb_build_object(
           'language', coalesce(r.language, p.language), 'code', r.confirmation_code,
           'guest', jsonb_build_object('name', g.full_name, 'email', g.email),
           'property', jsonb_build_object('name', p.name, 'city', p.city, 'address', p.address, 'currency', p.currency, 'time_zone', p.time_zone,
                                         'check_out_time', to_char(p.check_out_time, 'HH24:MI'),
                                         'contact_email', p.contact_email, 'contact_phone', p.contact_phone,
                                         'arrival_instructions', coalesce((select t.arrival_instructions from app_hidden.property_translation(p.id, r.language) t), p.arrival_instructions)),
           'stay', jsonb_build_object('arrival', lower(r.stay), 'departure', upper(r.stay), 'nights', upper(r.stay) - lower(r.stay),
                                      'adults', r.adults, 'children', r.children, 'child_ages', r.child_ages),
           'room_type', coalesce((select t.name from app_hidden.room_type_translation(r.property_id, r.room_type_id, r.language) t), rt.name),
           'rate_plan', coalesce((select t.name from app_hidden.rate_plan_translation(r.property_id, r.rate_plan_id, r.language) t), rp.name), 'check_in_time', to_char(p.check_in_time, 'HH24:MI'),
           'cancellation_terms', r.cancellation_policy ->> 'terms',
           'free_cancellation_until', case when (r.cancellation_policy ->> 'is_refundable')::boolean then r.cancellation_policy ->> 'free_cancellation_until' end,
           'late_cancellation_penalty', r.cancellation_policy ->> 'late_cancellation_penalty',
           'total', r.total_amount, 'penalty', coalesce(r.penalty_amount, 0),
           -- The extras booked with the stay (issue 22): name, how many when more than one, basis, and their line's amount.
           'extras', (select jsonb_agg(jsonb_build_object('name', coalesce((select t.name from app_hidden.extra_translation(x.property_id, x.extra_id, r.language) t), x.name), 'times', case when x.quantity > 1 then x.quantity end, 'basis', x.basis,
                                                          'amount', (select sum((l ->> 'amount')::bigint) from jsonb_array_elements(r.price_lines) l
                                                                      where l ->> 'kind' = 'extra' and l ->> 'extra_id' = x.extra_id::text)) order by x.position)
                        from app_public.reservation_extras x where x.property_id = r.property_id and x.reservation_id = r.id),
           'refund', coalesce((select sum(f.amount) from app_public.payment_intents i
                                 join app_public.refunds f on f.property_id = i.property_id and f.intent_id = i.id
                                where i.property_id = r.property_id and i.reservation_id = r.id and f.status <> 'failed'), 0),
           'balance', greatest(coalesce((select sum(b.balance) from app_public.folios fo
                                          join app_public.folio_balances b on b.property_id = fo.property_id and b.folio_id = fo.id
                                          where fo.property_id = r.property_id and fo.reservation_id = r.id), 0), 0),
           'payment_due_by', r.payment_due_by,
           -- The booking group (app_private.message_group) and the declined payment (app_private.message_payment) the
           -- message is about, read only for the messages that have one: inline, their plans' parts were built at each run
           -- of this statement, for every message (the backend's CPU 1.52 → 1.28 ms a message; issue 23).
           'group', case when r.group_id is not null then app_private.message_group(n, r) end,
           'payment', case when n.cause like 'payment:%' then app_private.message_payment(n) end
         ) as context,
         (select jsonb_build_object('subject', t.subject, 'body_text', t.body_text, 'body_html', t.body_html)
            from app_public.notification_templates t
           where t.property_id = n.property_id and t.template = n.template and t.channel = n.channel and t.language = coalesce(r.language, p.language)) as override,
         case when n.channel = 'email' and n.template in (${withCalendar.map((k) => `'${k}'`).join(", ")})
              then (select to_jsonb(s) from (${stayCalendarSelect("n.reservation_id")}) s) end as stay
    from app_public.notifications n
    join app_public.reservations r on r.property_id = n.property_id and r.id = n.reservation_id
    join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
    join app_public.properties p on p.id = n.property_id
    join app_public.room_types rt on rt.property_id = r.property_id and rt.id = r.room_type_id
    join app_public.rate_plans rp on rp.property_id = r.property_id and rp.id = r.rate_plan_id
   where n.id = any($1::uuid[])`;

/** A refusal that a retry will not change: a bad address or number, or every provider refusing for good. */
const isPermanent = (error: unknown) => error instanceof TemplateError || error instanceof InvalidPhoneNumber || isPermanentDeliveryError(error);

/** The provider a pending notification may already be with ("primary:<id>" recorded by an ambiguous try). */
function pendingWith(row: Row): ProviderRole | undefined {
  if (row.status !== "pending" || !row.provider_message_id) return undefined;
  const role = row.provider_message_id.split(":", 1)[0];
  return role === "primary" || role === "fallback" ? role : undefined;
}

/**
 * `mailFrom`: MAIL_FROM (core/config.ts, which gives its default), whose
 * address is the .ics ORGANIZER when the property has no contact email.
 */
export function makeSendNotification(deps: { mailer: Mailer; sms: SmsSender; publicUrl?: string; mailFrom: string }): Task {
  return async (raw, helpers) => {
    const { id, more = [] } = payload.parse(raw);
    const ids = [id, ...more];
    // One read for the message's rows (email and SMS), planned once per connection (a generic plan: every lookup is by key).
    const rows = await helpers.withPgClient((client) =>
      asWorker(client, async (c) => (await c.query<Row>({ name: "send_notification.load", text: notificationLoadSql, values: [ids] })).rows, { plan_cache_mode: "force_generic_plan" }),
    );
    // In the payload's order (the email first); one row's retryable failure is thrown after the others were tried.
    // The job's error is what worker/runner.ts reports, unless it is a provider's outage or refusal (counted, not
    // reported): an unexpected error of one row wins over the other row's outage, so it is reported.
    const outage = (error: unknown) => error instanceof ProvidersUnavailable || error instanceof MessageRefused;
    let retry: unknown;
    for (const row of ids.map((i) => rows.find((r) => r.id === i))) {
      if (!row) continue;
      try {
        await deliver(row);
      } catch (error) {
        if (retry === undefined || (outage(retry) && !outage(error))) retry = error;
      }
    }
    if (retry !== undefined) throw retry;

    async function deliver(row: Row): Promise<void> {
      if (row.status === "sent" || row.status === "skipped" || row.status === "failed") return;
      const record = (status: string, rendered: { subject: string | null; text: string } | null, messageId: string | null, error: string | null) =>
        recordAsWorker(helpers, "select app_private.record_notification($1, $2, $3, $4, $5, $6)", [
          row.id, status, rendered?.subject ?? null, rendered?.text ?? null, messageId, error,
        ]);
      if (row.stale) {
        await record("skipped", null, null, "The stay moved or is no longer confirmed.");
        return;
      }
      let rendered;
      const messageId = `notification-${row.id}`;
      try {
        // The guest's booking page (pay, change, cancel), the code filled in: with the email it finds the booking.
        const manageUrl = deps.publicUrl ? `${deps.publicUrl.replace(/\/$/, "")}/manage?${new URLSearchParams({ code: row.context.code })}` : undefined;
        rendered = render(row.template, row.channel, { ...row.context, total: Number(row.context.total), ...(manageUrl ? { manage_url: manageUrl } : {}) }, row.override ?? undefined);
        const only = pendingWith(row);
        let sent;
        if (row.channel === "email") {
          // The stay as it is now, for the guest's calendar (channels/stay-calendar.ts): the same file Manage downloads.
          const stay = row.stay ? stayCalendarRowOf(row.stay) : undefined;
          const attachments: EmailMessage["attachments"] = stay
            ? [{
                filename: stayCalendarFileName(stay),
                contentType: stayCalendarContentType(stay),
                content: Buffer.from(renderStayCalendar(stay, { language: stayLanguageOf(row.context.language), manageUrl, organizerEmail: addressOf(deps.mailFrom) })),
              }]
            : undefined;
          sent = await deps.mailer.send({ id: messageId, to: row.recipient, fromName: row.context.property.name, ...(row.context.property.contact_email ? { replyTo: row.context.property.contact_email } : {}), subject: rendered.subject ?? "", text: rendered.text, html: rendered.html ?? undefined, ...(attachments ? { attachments } : {}) }, { only });
        } else {
          sent = await deps.sms.send({ id: messageId, to: row.recipient, text: rendered.text }, { only });
        }
        await record("sent", rendered, `${sent.provider}:${sent.messageId}`, null);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Which provider may already have it: this try's, or an earlier one's.
        const heldBy = error instanceof ProvidersUnavailable && error.ambiguous ? `${error.ambiguous}:${messageId}` : null;
        if (isPermanent(error)) {
          await record("failed", rendered ?? null, null, message);
          return;
        }
        if (helpers.job.attempts >= helpers.job.max_attempts) {
          await record("failed", rendered ?? null, heldBy, `gave up after ${helpers.job.attempts} tries: ${message}`);
          return;
        }
        await record("pending", null, heldBy, message);
        throw error;
      }
    }
  };
}
