// The money of the scale data (db/seed-scale.ts): what real bookings have
// in the ledger and the payment tables, written set-based in the
// generator's transaction, after its reservations and claims:
//
// - cancellations: about 7% more reservations, cancelled twins of booked
//   stays (same unit, dates and price, their claim released), with the
//   penalty their locked terms give at the moment they were cancelled;
// - a primary folio per reservation; the confirmation's charge entry
//   (Dr the folio / Cr room and fee revenue, tax payable per tax), or none
//   yet for a nightly-posting plan's stay the night audit has not reached;
//   the cancellation's entry (the charges reversed, the penalty on
//   cancellation revenue and the taxes it carries);
// - payment intents as schedule_payments makes them (deposit due at
//   booking, balance before arrival), attempts captured or declined
//   (some captured after a declined try), the capture entries, cards on
//   file; cancelled bookings' open intents cancelled and what they paid
//   beyond the penalty refunded (requested and, for most, paid: wholly or
//   partly), with the refunds' entries;
// - three companies per hotel with their city-ledger folios; a few
//   bookings' folios transferred to a company's city ledger (their card
//   balance cancelled), the companies paying part by bank transfer;
// - a second folio ("Extras") for a few bookings, charged a minibar or
//   parking extra (VAT included, on its tax account);
// - folio_balances from the postings.
//
// The shapes (accounts, keys, descriptions, statuses) are those the real
// paths write (post_reservation_charges, record_capture, start_refund,
// record_refund, transfer_folio_to_city_ledger, take_folio_payment,
// post_folio_charge). Triggers are off while the generator writes, so
// verifyScaleMoney checks before commit what they would: every entry
// balances per currency with at least two postings, folio balances equal
// their postings, intents' captured and refunded amounts equal their
// attempts and refunds; and, for a sample of reservations,
// app_private.post_reservation_charges itself finds nothing left to post.
import type pg from "pg";

/** Random numbers are drawn after those of the bookings, so a seed's bookings are the same with or without money. */
export function scaleMoneySteps(confirmationCode: (ordinal: string) => string): Array<{ step: string; sql: string }> {
  return [
    {
      step: "insert cancellations",
      sql: `
        -- Cancelled twins of about 7% of the booked stays: same unit, dates,
        -- plan and price, confirmed at the same time, cancelled between then
        -- and now; their claims released at that moment.
        create temp table scale_cancel on commit drop as
        select s.ord, s.id as twin_of, gen_random_uuid() as id, random() as r_when, random() as r_reason
          from (select * from scale_stay order by ord) s
         where random() < 0.07;
        insert into app_public.reservations (
          id, property_id, room_type_id, rate_plan_id, unit_id, guest_id, confirmation_code, status, stay, adults, children,
          currency, room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, confirmed_at,
          cancelled_at, cancellation_reason, penalty_amount, refund_amount
        )
        select c.id, r.property_id, r.room_type_id, r.rate_plan_id, r.unit_id, r.guest_id, ${confirmationCode("(c.ord::bigint + 1073741824)")},
               'cancelled', r.stay, r.adults, r.children, r.currency, r.room_amount, r.fees_amount, r.taxes_amount, r.total_amount,
               r.price_lines, r.cancellation_policy, r.confirmed_at, w.cancelled_at,
               (array['Plans changed', 'Found another place', 'Trip cancelled', null])[1 + floor(c.r_reason * 4)::int],
               pen.penalty, r.total_amount - pen.penalty
          from scale_cancel c
          join app_public.reservations r on r.id = c.twin_of
          cross join lateral (select r.confirmed_at + (now() - r.confirmed_at) * c.r_when as cancelled_at) w
          cross join lateral (
            select r.total_amount - coalesce((select sum(l.amount) from jsonb_to_recordset(r.price_lines) l(kind text, amount bigint, tax_id uuid)
                                                join app_public.taxes t on t.property_id = r.property_id and t.id = l.tax_id
                                               where l.kind = 'tax' and not t.applies_to_penalty), 0) as base
          ) b
          cross join lateral (
            select case when not (r.cancellation_policy ->> 'is_refundable')::boolean then b.base
                        when w.cancelled_at < (r.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 0
                        else least((r.cancellation_policy ->> 'late_cancellation_penalty')::bigint, b.base) end::bigint as penalty
          ) pen
         order by c.ord;
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, released_at)
        select r.property_id, r.unit_id, r.stay, 'reservation', r.id, r.cancelled_at
          from scale_cancel c join app_public.reservations r on r.id = c.id
         order by c.ord;`,
    },
    {
      step: "plan folios and charges",
      sql: `
        create temp table scale_res on commit drop as
        select x.*, random() as r_deposit, random() as r_balance, random() as r_retry, random() as r_card, random() as r_refund,
               random() as r_company, random() as r_extra
          from (
        select r.id, r.property_id, p.ord as property_ord, r.status, r.currency, r.room_amount, r.fees_amount, r.total_amount,
               r.price_lines, r.penalty_amount, r.confirmation_code, r.confirmed_at, r.cancelled_at, lower(r.stay) as arrival,
               rp.deposit_percent, rp.balance_due_days, rp.charge_posting, pr.time_zone, pr.check_in_time, pr.business_date,
               pr.kind as property_kind, gen_random_uuid() as folio_id
          from scale_property p
          join app_public.properties pr on pr.id = p.id
          join app_public.reservations r on r.property_id = p.id
          join app_public.rate_plans rp on rp.property_id = r.property_id and rp.id = r.rate_plan_id
         order by r.confirmation_code
          ) x;
        alter table scale_res add primary key (id);

        create temp table scale_account on commit drop as
        select a.property_id, a.purpose, a.tax_id, a.id
          from app_public.ledger_accounts a join scale_property p on p.id = a.property_id
         where a.purpose is not null and (a.provider is null or a.provider = 'simulated');
        create index on scale_account (property_id, purpose);

        -- What a reservation is due per account, as post_reservation_charges
        -- computes it: booked (all of it, or on a nightly-posting plan the
        -- share of the nights before the business date), and cancelled
        -- (the penalty less the taxes it carries, and those).
        create temp table scale_price on commit drop as
        select r.id, l.kind, l.amount, coalesce(l.is_inclusive, false) as is_inclusive, l.tax_id, l.date,
               t.basis as tax_basis, t.applies_to_fees, t.applies_to_penalty
          from scale_res r
          cross join lateral jsonb_to_recordset(r.price_lines) l(kind text, amount bigint, is_inclusive boolean, tax_id uuid, date date)
          left join app_public.taxes t on t.property_id = r.property_id and t.id = l.tax_id;

        analyze scale_res, scale_price;
        -- Per reservation, what its price lines add up to (one pass).
        create temp table scale_price_sums on commit drop as
        select r.id, r.room_amount, r.fees_amount, r.total_amount, r.penalty_amount, r.status, r.charge_posting,
               coalesce(sum(p.amount) filter (where p.kind = 'tax' and p.is_inclusive), 0) as inclusive,
               coalesce(sum(round(p.amount::numeric * r.fees_amount / nullif(r.room_amount + r.fees_amount, 0)))
                          filter (where p.kind = 'tax' and p.is_inclusive and p.tax_basis = 'percent_of_room' and p.applies_to_fees), 0)::bigint
                 as inclusive_on_fees,
               coalesce(sum(p.amount) filter (where p.kind = 'tax' and p.applies_to_penalty is false), 0) as not_on_penalty,
               sum(p.amount) filter (where p.kind = 'night') as nights_amount,
               coalesce(sum(p.amount) filter (where p.kind = 'night' and p.date < r.business_date), 0) as nights_amount_before,
               count(*) filter (where p.kind = 'night') as nights_lines,
               count(*) filter (where p.kind = 'night' and p.date < r.business_date) as nights_lines_before
          from scale_res r join scale_price p on p.id = r.id
         group by r.id, r.room_amount, r.fees_amount, r.total_amount, r.penalty_amount, r.status, r.charge_posting;
        alter table scale_price_sums add primary key (id);

        create temp table scale_booked_due on commit drop as
        with f as (
          select x.*,
                 case when x.charge_posting <> 'nightly' then 1
                      when x.nights_amount > 0 then x.nights_amount_before else x.nights_lines_before end as share_num,
                 case when x.charge_posting <> 'nightly' then 1
                      when x.nights_amount > 0 then x.nights_amount else greatest(x.nights_lines, 1) end as share_den
            from scale_price_sums x
        ),
        d as (
          select f.id, 'room_revenue'::text as purpose, null::uuid as tax_id, -(f.room_amount - f.inclusive + f.inclusive_on_fees) as amount,
                 f.share_num, f.share_den from f
          union all
          select f.id, 'fee_revenue', null, -(f.fees_amount - f.inclusive_on_fees), f.share_num, f.share_den from f
          union all
          select f.id, 'tax_payable', p.tax_id, -sum(p.amount), f.share_num, f.share_den
            from f join scale_price p on p.id = f.id and p.kind = 'tax' group by f.id, p.tax_id, f.share_num, f.share_den
        )
        select d.id, d.purpose, d.tax_id, round(d.amount * d.share_num::numeric / d.share_den)::bigint as amount
          from d;

        create temp table scale_cancel_due on commit drop as
        with b as (
          select x.id, x.penalty_amount, x.total_amount - x.not_on_penalty as base
            from scale_price_sums x where x.status = 'cancelled'
        ),
        carried as (
          select b.id, p.tax_id, round(b.penalty_amount::numeric * sum(p.amount) / nullif(b.base, 0))::bigint as amount
            from b join scale_price p on p.id = b.id and p.kind = 'tax' and p.applies_to_penalty
           where b.penalty_amount > 0
           group by b.id, p.tax_id, b.penalty_amount, b.base
        )
        select c.id, 'tax_payable'::text as purpose, c.tax_id, -c.amount as amount from carried c
        union all
        select b.id, 'cancellation_revenue', null, -(coalesce(b.penalty_amount, 0) - coalesce(k.amount, 0))
          from b left join (select c.id, sum(c.amount) as amount from carried c group by c.id) k on k.id = b.id;
        analyze scale_booked_due, scale_cancel_due;

        -- Entries: the confirmation's, then the cancellation's (due after
        -- it less what the confirmation posted, per account).
        create temp table scale_entry (
          id uuid primary key default gen_random_uuid(), property_id uuid not null, occurred_at timestamptz not null,
          cause_type text not null, cause_id uuid, idempotency_key text not null, description text not null
        ) on commit drop;
        create temp table scale_line (
          entry_id uuid not null, property_id uuid not null, purpose text not null, tax_id uuid, folio_id uuid,
          amount bigint not null, currency char(3) not null,
          charge_folio uuid -- the folio a reservation's charge line is for (its receivable side is added from these)
        ) on commit drop;

        create temp table scale_charge_entry on commit drop as
        select r.id as reservation_id, gen_random_uuid() as confirm_id, gen_random_uuid() as cancel_id from scale_res r;
        alter table scale_charge_entry add primary key (reservation_id);

        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency, charge_folio)
        select e.confirm_id, r.property_id, d.purpose, d.tax_id, null, d.amount, r.currency, r.folio_id
          from scale_booked_due d join scale_res r on r.id = d.id join scale_charge_entry e on e.reservation_id = r.id
         where d.amount <> 0;
        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency, charge_folio)
        select e.cancel_id, r.property_id, x.purpose, x.tax_id, null, x.amount, r.currency, r.folio_id
          from (select coalesce(c.id, b.id) as id, coalesce(c.purpose, b.purpose) as purpose, coalesce(c.tax_id, b.tax_id) as tax_id,
                       coalesce(c.amount, 0) - coalesce(b.amount, 0) as amount
                  from (select * from scale_cancel_due) c
                  full join (select d.* from scale_booked_due d join scale_res r on r.id = d.id and r.status = 'cancelled') b
                    on b.id = c.id and b.purpose = c.purpose and b.tax_id is not distinct from c.tax_id) x
          join scale_res r on r.id = x.id join scale_charge_entry e on e.reservation_id = r.id
         where x.amount <> 0;
        -- The folio side of each charge entry.
        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency)
        select l.entry_id, l.property_id, 'guest_receivable', null, l.charge_folio, -sum(l.amount), l.currency
          from scale_line l
         where l.charge_folio is not null
         group by l.entry_id, l.property_id, l.charge_folio, l.currency
        having sum(l.amount) <> 0;
        insert into scale_entry (id, property_id, occurred_at, cause_type, cause_id, idempotency_key, description)
        select e.confirm_id, r.property_id, r.confirmed_at, 'reservation', r.id,
               'reservation:' || r.id || ':confirm:' || md5('scale:' || r.id), 'Booking ' || r.confirmation_code || ' confirmed'
          from scale_charge_entry e join scale_res r on r.id = e.reservation_id
         where exists (select 1 from scale_line l where l.entry_id = e.confirm_id)
        union all
        select e.cancel_id, r.property_id, r.cancelled_at, 'reservation', r.id,
               'reservation:' || r.id || ':cancel:' || md5('scale:' || r.id),
               'Booking ' || r.confirmation_code || ' cancelled'
                 || case when r.penalty_amount > 0 then ', cancellation fee ' || app_hidden.format_money(r.penalty_amount, r.currency) else '' end
          from scale_charge_entry e join scale_res r on r.id = e.reservation_id
         where exists (select 1 from scale_line l where l.entry_id = e.cancel_id);
        analyze scale_res, scale_price, scale_line, scale_entry;`,
    },
    {
      step: "plan payments and refunds",
      sql: `
        -- Intents as schedule_payments makes them at confirmation: the
        -- deposit (deposit_percent of the total) due at once, the balance
        -- balance_due_days before arrival at the check-in time. Those due
        -- by now (or, for a cancelled booking, by its cancellation) were
        -- charged: 94% captured (6% of those after a declined try), the
        -- rest declined.
        create temp table scale_intent on commit drop as
        with k as (
          select r.*, round(r.total_amount * r.deposit_percent / 100)::bigint as deposit,
                 greatest(r.confirmed_at, ((r.arrival - r.balance_due_days)::timestamp + r.check_in_time) at time zone r.time_zone) as balance_due_at
            from scale_res r
        ),
        i as (
          select k.id as reservation_id, k.property_id, k.folio_id, k.currency, k.status, k.cancelled_at, k.confirmed_at,
                 'deposit'::app_public.payment_kind as kind, k.deposit as amount, k.confirmed_at as due_at, k.r_deposit as r_pay, k.r_card, k.r_retry
            from k where k.deposit > 0
          union all
          select k.id, k.property_id, k.folio_id, k.currency, k.status, k.cancelled_at, k.confirmed_at,
                 'balance', k.total_amount - k.deposit, k.balance_due_at, k.r_balance, k.r_card, k.r_retry
            from k where k.total_amount - k.deposit > 0
        )
        select gen_random_uuid() as id, i.*,
               i.due_at <= coalesce(i.cancelled_at, now()) as charged,
               i.due_at <= coalesce(i.cancelled_at, now()) and i.r_pay < 0.94 as captured,
               i.due_at <= coalesce(i.cancelled_at, now()) and i.r_pay < 0.94 and i.r_retry < 0.06 as retried
          from i;
        alter table scale_intent add primary key (id);
        create index on scale_intent (reservation_id);
        analyze scale_intent;
        -- Companies' guests pay their company, not by card (below).
        create temp table scale_transfer on commit drop as
        select r.id as reservation_id, r.property_id, r.folio_id, r.currency, r.confirmed_at, r.confirmation_code,
               1 + floor(r.r_company * 1000)::int % 3 as company_idx
          from scale_res r
         where r.status = 'confirmed' and r.property_kind = 'hotel' and r.r_company < 0.015 and r.charge_posting = 'on_booking'
           and not exists (select 1 from scale_intent i where i.reservation_id = r.id and i.charged);

        create temp table scale_attempt on commit drop as
        select gen_random_uuid() as id, i.id as intent_id, i.property_id, i.amount, i.currency, false as captured,
               i.due_at + interval '5 seconds' as at, i.r_card
          from scale_intent i where i.charged and (not i.captured or i.retried)
        union all
        select gen_random_uuid(), i.id, i.property_id, i.amount, i.currency, true,
               i.due_at + case when i.retried then interval '1 hour' else interval '5 seconds' end, i.r_card
          from scale_intent i where i.captured;
        alter table scale_attempt add primary key (id);
        analyze scale_attempt;

        -- A cancelled booking gets back what it paid beyond the penalty,
        -- from its latest payment first; a refund the provider has not
        -- answered yet (3%) is only requested.
        create temp table scale_refund on commit drop as
        with paid as (
          select a.id as attempt_id, a.intent_id, a.property_id, a.amount, a.currency, a.at, r.id as reservation_id, r.cancelled_at, r.r_refund,
                 greatest(sum(a.amount) over (partition by r.id) - r.penalty_amount, 0) as excess,
                 coalesce(sum(a.amount) over (partition by r.id order by a.at desc, i.kind desc
                                              rows between unbounded preceding and 1 preceding), 0) as later
            from scale_attempt a join scale_intent i on i.id = a.intent_id join scale_res r on r.id = i.reservation_id
           where a.captured and r.status = 'cancelled'
        )
        select gen_random_uuid() as id, p.intent_id, p.attempt_id, p.property_id, p.currency, p.cancelled_at,
               least(p.amount, p.excess - p.later)::bigint as amount, p.r_refund >= 0.03 as paid,
               least(p.cancelled_at + interval '2 days', now()) as refunded_at
          from paid p
         where p.excess - p.later > 0;
        alter table scale_refund add primary key (id);`,
    },
    {
      step: "insert folios, payments, entries",
      sql: `
        insert into app_public.folios (id, property_id, reservation_id, is_primary, label, currency, created_at, updated_at)
        select r.folio_id, r.property_id, r.id, true, 'Folio 1', r.currency, r.confirmed_at, r.confirmed_at
          from scale_res r order by r.property_id, r.id;

        insert into app_public.payment_intents (id, property_id, reservation_id, folio_id, kind, amount, currency, status, due_at,
                                                payment_token, amount_captured, amount_refunded, failure_code, failure_message, created_at, updated_at)
        select i.id, i.property_id, i.reservation_id, i.folio_id, i.kind, i.amount, i.currency,
               case when i.captured then case when coalesce(rf.refunded, 0) = 0 then 'captured'
                                              when rf.refunded = i.amount then 'refunded' else 'partially_refunded' end
                    when i.status = 'cancelled' or t.reservation_id is not null then 'cancelled'
                    when i.charged then 'failed' else 'requires_payment' end::app_public.payment_status,
               i.due_at,
               case when i.charged then 'tok_scale_' || substr(md5(i.reservation_id::text), 1, 16) end,
               case when i.captured then i.amount else 0 end, coalesce(rf.refunded, 0),
               case when i.charged and not i.captured then 'card_declined' end,
               case when i.charged and not i.captured then 'Your card was declined.' end,
               i.confirmed_at, coalesce(i.cancelled_at, greatest(i.confirmed_at, least(i.due_at, now())))
          from scale_intent i
          left join scale_transfer t on t.reservation_id = i.reservation_id
          left join (select f.intent_id, sum(f.amount) as refunded from scale_refund f where f.paid group by f.intent_id) rf on rf.intent_id = i.id
         order by i.property_id, i.reservation_id, i.kind;

        insert into app_public.payment_attempts (id, property_id, intent_id, amount, currency, status, payment_token, provider_charge_id,
                                                 captured_at, failure_code, failure_message, card_brand, card_last4, created_at, updated_at)
        select a.id, a.property_id, a.intent_id, a.amount, a.currency,
               case when a.captured then 'captured' else 'failed' end::app_public.payment_attempt_status,
               'tok_scale_' || substr(md5(i.reservation_id::text), 1, 16),
               case when a.captured then 'ch_scale_' || replace(a.id::text, '-', '') end,
               case when a.captured then a.at end,
               case when not a.captured then 'card_declined' end, case when not a.captured then 'Your card was declined.' end,
               case when a.captured then c.brand end, case when a.captured then c.last4 end, a.at, a.at
          from scale_attempt a join scale_intent i on i.id = a.intent_id
          cross join lateral (select (array['visa', 'visa', 'mastercard', 'amex'])[1 + floor(a.r_card * 4)::int] as brand,
                                     lpad((floor(a.r_card * 1000000)::int % 10000)::text, 4, '0') as last4) c
         order by a.property_id, a.at, a.id;

        insert into app_public.refunds (id, property_id, intent_id, attempt_id, amount, currency, status, reason, provider_refund_id,
                                        refunded_at, created_at, updated_at)
        select f.id, f.property_id, f.intent_id, f.attempt_id, f.amount, f.currency,
               case when f.paid then 'succeeded' else 'pending' end::app_public.refund_status, 'Reservation cancelled',
               case when f.paid then 're_scale_' || replace(f.id::text, '-', '') end, case when f.paid then f.refunded_at end,
               f.cancelled_at, case when f.paid then f.refunded_at else f.cancelled_at end
          from scale_refund f order by f.property_id, f.cancelled_at, f.id;

        insert into app_private.cards_on_file (reservation_id, property_id, payment_token, brand, last4, set_at)
        select distinct on (i.reservation_id) i.reservation_id, i.property_id, a.payment_token, a.card_brand, a.card_last4, a.captured_at
          from app_public.payment_attempts a join scale_intent i on i.id = a.intent_id
         where a.status = 'captured'
         order by i.reservation_id, a.captured_at;

        -- Capture: Dr payment clearing / Cr the folio. Refund requested:
        -- Dr the folio / Cr refunds due; paid: Dr refunds due / Cr clearing.
        insert into scale_entry (id, property_id, occurred_at, cause_type, cause_id, idempotency_key, description)
        select gen_random_uuid(), a.property_id, a.captured_at, 'payment', a.id, 'payment:' || a.id || ':capture',
               coalesce('Card payment, ' || app_private.card_label(a.card_brand, a.card_last4), 'Card payment')
          from app_public.payment_attempts a join scale_intent i on i.id = a.intent_id where a.status = 'captured'
        union all
        select gen_random_uuid(), f.property_id, f.cancelled_at, 'refund', f.id, 'refund:' || f.id || ':requested',
               'Refund of ' || app_hidden.format_money(f.amount, f.currency) || ' requested: Reservation cancelled'
          from scale_refund f
        union all
        select gen_random_uuid(), f.property_id, f.refunded_at, 'refund', f.id, 'refund:' || f.id || ':paid',
               'Card refund re_scale_' || replace(f.id::text, '-', '')
          from scale_refund f where f.paid;
        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency)
        select e.id, e.property_id, x.purpose, null::uuid, x.folio_id, x.amount, a.currency
          from scale_entry e
          join app_public.payment_attempts a on e.cause_type = 'payment' and a.id = e.cause_id
          join scale_intent i on i.id = a.intent_id
          cross join lateral (values ('payment_clearing', null::uuid, a.amount), ('guest_receivable', i.folio_id, -a.amount)) x(purpose, folio_id, amount)
        union all
        select e.id, e.property_id, x.purpose, null::uuid, x.folio_id, x.amount, f.currency
          from scale_entry e
          join scale_refund f on e.cause_type = 'refund' and f.id = e.cause_id
          join scale_intent i on i.id = f.intent_id
          cross join lateral (select * from (values ('guest_receivable', i.folio_id, f.amount, 'requested'), ('refunds', null::uuid, -f.amount, 'requested'),
                                                    ('refunds', null::uuid, f.amount, 'paid'), ('payment_clearing', null::uuid, -f.amount, 'paid')) v(purpose, folio_id, amount, what)
                               where e.idempotency_key like '%:' || v.what) x;`,
    },
    {
      step: "insert companies, city ledger, extras",
      sql: `
        -- Three companies per hotel, each with its city-ledger folio (what
        -- the companies' trigger makes); 1.5% of the hotels' bookings that
        -- owed nothing by card yet moved to one (their card balance
        -- cancelled, as a transfer does), at booking; each company paid
        -- about 60% of what it was billed by bank transfer.
        create temp table scale_company on commit drop as
        select p.id as property_id, p.ord as property_ord, k as idx, gen_random_uuid() as id, gen_random_uuid() as folio_id, p.currency,
               (array['Atlantic Travel', 'Nordic Consulting', 'Iberia Events'])[k] || ' ' || p.ord as name,
               (array[30, 45, 14])[k] as terms, p.country_code
          from scale_property p cross join generate_series(1, 3) k
         where p.kind = 'hotel';
        insert into app_public.companies (id, property_id, name, legal_name, address_line1, postal_code, city, country, tax_id, email, payment_terms_days)
        select c.id, c.property_id, c.name, c.name || ' Ltd', c.idx || ' Commerce Square', '1000-' || lpad(c.idx::text, 3, '0'),
               p.city, c.country_code, c.country_code || '50' || lpad((c.property_ord * 10 + c.idx)::text, 7, '0'),
               'billing@company' || c.idx || '.p' || c.property_ord || '.example.net', c.terms
          from scale_company c join scale_property p on p.id = c.property_id;
        insert into app_public.folios (id, property_id, kind, company_id, label, currency, is_primary)
        select c.folio_id, c.property_id, 'company', c.id, c.name, c.currency, false from scale_company c
        on conflict (property_id, company_id) where kind = 'company' do nothing;
        -- (With triggers on, --audit, the companies' trigger made them.)
        update scale_company c set folio_id = f.id
          from app_public.folios f where f.property_id = c.property_id and f.company_id = c.id and f.kind = 'company';

        insert into scale_entry (id, property_id, occurred_at, cause_type, cause_id, idempotency_key, description)
        select gen_random_uuid(), t.property_id, t.confirmed_at + interval '10 minutes', 'city_ledger_transfer', t.folio_id,
               'desk:city_ledger:' || encode(digest('scale:' || t.reservation_id, 'sha256'), 'hex'),
               'To the city ledger of ' || c.name || ' — ' || case when u.name ~ '^[0-9]' then 'room ' || u.name else u.name end
                 || ', booking ' || t.confirmation_code
          from scale_transfer t
          join scale_company c on c.property_id = t.property_id and c.idx = t.company_idx
          join app_public.reservations r on r.id = t.reservation_id
          join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id;
        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency)
        select e.id, e.property_id, x.purpose, null::uuid, x.folio_id, x.amount, t.currency
          from scale_entry e
          join scale_transfer t on e.cause_type = 'city_ledger_transfer' and e.cause_id = t.folio_id
          join scale_company c on c.property_id = t.property_id and c.idx = t.company_idx
          join app_public.reservations r on r.id = t.reservation_id
          cross join lateral (values ('city_ledger', c.folio_id, r.total_amount), ('guest_receivable', t.folio_id, -r.total_amount)) x(purpose, folio_id, amount);

        insert into scale_entry (id, property_id, occurred_at, cause_type, cause_id, idempotency_key, description)
        select gen_random_uuid(), c.property_id, least(now() - interval '1 day', max(e.occurred_at) + interval '20 days'), 'folio_payment', c.folio_id,
               'desk:payment:' || encode(digest('scale:' || c.id, 'sha256'), 'hex'),
               'Bank transfer PAY-' || c.property_ord || '-' || c.idx || ' — ' || c.name
          from scale_company c
          join scale_transfer t on t.property_id = c.property_id and t.company_idx = c.idx
          join scale_entry e on e.cause_type = 'city_ledger_transfer' and e.cause_id = t.folio_id
          join app_public.reservations r on r.id = t.reservation_id
         group by c.id, c.property_id, c.folio_id, c.property_ord, c.idx, c.name
        having round(sum(r.total_amount) * 0.6) > 0;
        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency)
        select e.id, e.property_id, x.purpose, null::uuid, x.folio_id, x.amount, c.currency
          from scale_entry e
          join scale_company c on e.cause_type = 'folio_payment' and e.cause_id = c.folio_id
          join (select t.property_id, t.company_idx, round(sum(r.total_amount) * 0.6)::bigint as paid
                  from scale_transfer t join app_public.reservations r on r.id = t.reservation_id
                 group by t.property_id, t.company_idx) s on s.property_id = c.property_id and s.company_idx = c.idx
          cross join lateral (values ('bank', null::uuid, s.paid), ('city_ledger', c.folio_id, -s.paid)) x(purpose, folio_id, amount);

        -- Extras (as the demo hotel sells them), VAT included when the
        -- property's VAT is; 3% of the live bookings have a second folio,
        -- "Extras", charged one (post_folio_charge's entry).
        create temp table scale_extra on commit drop as
        select p.id as property_id, x.idx, gen_random_uuid() as id, x.name, (round(x.price * p.price_factor / 100) * 100)::bigint as price,
               p.currency, (select t.id from app_public.taxes t where t.property_id = p.id and t.is_inclusive and t.basis = 'percent_of_room'
                             order by t.name limit 1) as tax_id
          from scale_property p
          cross join (values (1, 'Minibar', 1200), (2, 'Parking', 2500), (3, 'Late check-out', 4000)) x(idx, name, price);
        insert into app_public.folio_extras (id, property_id, name, unit_price, currency, tax_id, sort_order)
        select x.id, x.property_id, x.name, x.price, x.currency, x.tax_id, x.idx * 10 from scale_extra x;
        create temp table scale_extra_charge on commit drop as
        select r.id as reservation_id, r.property_id, r.currency, r.confirmed_at, gen_random_uuid() as folio_id, gen_random_uuid() as entry_id,
               x.name, x.price, x.tax_id, t.percent, 1 + floor(r.r_extra * 100)::int % 2 as quantity,
               case when u.name ~ '^[0-9]' then 'room ' || u.name else u.name end as place
          from scale_res r
          join app_public.reservations rr on rr.id = r.id
          join app_public.units u on u.property_id = rr.property_id and u.id = rr.unit_id
          join scale_extra x on x.property_id = r.property_id and x.idx = 1 + floor(r.r_extra * 1000)::int % 3
          left join app_public.taxes t on t.property_id = x.property_id and t.id = x.tax_id
         where r.status = 'confirmed' and r.r_extra < 0.03;
        insert into app_public.folios (id, property_id, reservation_id, is_primary, label, currency, created_at, updated_at)
        select c.folio_id, c.property_id, c.reservation_id, false, 'Extras', c.currency, c.confirmed_at, c.confirmed_at from scale_extra_charge c;
        insert into scale_entry (id, property_id, occurred_at, cause_type, cause_id, idempotency_key, description)
        select c.entry_id, c.property_id, c.confirmed_at + interval '1 hour', 'folio_charge', c.folio_id,
               'desk:charge:' || encode(digest('scale:' || c.folio_id, 'sha256'), 'hex'),
               c.name || case when c.quantity > 1 then ' × ' || c.quantity else '' end || ' — ' || c.place || ', Extras'
          from scale_extra_charge c;
        insert into scale_line (entry_id, property_id, purpose, tax_id, folio_id, amount, currency)
        select c.entry_id, c.property_id, x.purpose, x.tax_id, x.folio_id, x.amount, c.currency
          from scale_extra_charge c
          cross join lateral (select c.price * c.quantity as gross,
                                     coalesce(round(c.price * c.quantity * c.percent / (100 + c.percent)), 0)::bigint as vat) v
          cross join lateral (values ('guest_receivable', null::uuid, c.folio_id, v.gross), ('extras_revenue', null, null, -(v.gross - v.vat)),
                                     ('tax_payable', c.tax_id, null, -v.vat)) x(purpose, tax_id, folio_id, amount)
         where x.amount <> 0;`,
    },
    {
      step: "insert journal entries, postings, folio balances",
      sql: `
        insert into app_public.journal_entries (id, property_id, occurred_at, cause_type, cause_id, idempotency_key, description)
        select e.id, e.property_id, e.occurred_at, e.cause_type, e.cause_id, e.idempotency_key, e.description
          from scale_entry e order by e.property_id, e.occurred_at, e.id;
        insert into app_public.postings (property_id, entry_id, account_id, folio_id, amount, currency)
        select l.property_id, l.entry_id, a.id, l.folio_id, l.amount, l.currency
          from scale_line l
          join scale_entry e on e.id = l.entry_id
          join scale_account a on a.property_id = l.property_id and a.purpose = l.purpose and a.tax_id is not distinct from l.tax_id
         order by l.property_id, e.occurred_at, l.entry_id;
        insert into app_public.folio_balances (property_id, folio_id, currency, balance)
        select po.property_id, po.folio_id, po.currency, sum(po.amount)
          from app_public.postings po join scale_property p on p.id = po.property_id
         where po.folio_id is not null
         group by po.property_id, po.folio_id, po.currency
        -- (With triggers on, --audit, the postings' trigger kept them already.)
        on conflict (property_id, folio_id, currency) do nothing;`,
    },
  ];
}

/** What the ledger's triggers and constraints would have refused, had they fired; throws naming it. */
export async function verifyScaleMoney(client: pg.ClientBase, slugPattern: string): Promise<void> {
  const scope = `(select p.id from app_public.properties p join app_public.organizations o on o.id = p.organization_id where o.slug like $1)`;
  const checks: Array<{ what: string; sql: string }> = [
    {
      what: "entries that do not balance in some currency",
      sql: `select count(*) as n from (select 1 from app_public.postings po where po.property_id in ${scope}
                                         group by po.entry_id, po.currency having sum(po.amount) <> 0) x`,
    },
    {
      what: "entries with fewer than two postings",
      sql: `select count(*) as n from app_public.journal_entries e
              left join (select po.entry_id, count(*) as postings from app_public.postings po where po.property_id in ${scope}
                          group by po.entry_id) c on c.entry_id = e.id
             where e.property_id in ${scope} and coalesce(c.postings, 0) < 2`,
    },
    {
      what: "lines that found no account (a purpose the property has no account for)",
      sql: `select (select count(*) from scale_line) - (select count(*) from app_public.postings where property_id in ${scope}) as n`,
    },
    {
      what: "folio balances that differ from their postings",
      sql: `select count(*) as n
              from (select po.property_id, po.folio_id, po.currency, sum(po.amount) as s from app_public.postings po
                     where po.property_id in ${scope} and po.folio_id is not null group by 1, 2, 3) p
              full join (select * from app_public.folio_balances b where b.property_id in ${scope}) b
                using (property_id, folio_id, currency)
             where p.s is distinct from b.balance`,
    },
    {
      what: "intents whose captured or refunded amounts differ from their attempts and refunds",
      sql: `select count(*) as n from app_public.payment_intents i
              left join (select a.intent_id, sum(a.amount) as s from app_public.payment_attempts a
                          where a.property_id in ${scope} and a.status = 'captured' group by 1) a on a.intent_id = i.id
              left join (select f.intent_id, sum(f.amount) as s from app_public.refunds f
                          where f.property_id in ${scope} and f.status = 'succeeded' group by 1) f on f.intent_id = i.id
             where i.property_id in ${scope}
               and (i.amount_captured <> coalesce(a.s, 0) or i.amount_refunded <> coalesce(f.s, 0))`,
    },
    {
      what: "reservations without a primary folio",
      sql: `select count(*) as n from app_public.reservations r
             where r.property_id in ${scope}
               and not exists (select 1 from app_public.folios f where f.property_id = r.property_id and f.reservation_id = r.id and f.is_primary)`,
    },
  ];
  for (const c of checks) {
    const { rows } = await client.query<{ n: string }>(c.sql, [slugPattern]);
    if (Number(rows[0]!.n) !== 0) throw new Error(`scale money is wrong (nothing was saved): ${rows[0]!.n} ${c.what}`);
  }
  // The real rule, on a sample of booked and cancelled reservations:
  // post_reservation_charges posts the difference between what is due and
  // what was posted, so it must find nothing to post.
  const { rows } = await client.query<{ id: string; entry: string | null }>(
    `select r.id, app_private.post_reservation_charges(r, 'scale-verify:' || r.id, 'verify') as entry
       from (select r.* from app_public.reservations r
              where r.property_id in ${scope}
              order by r.status = 'cancelled' desc, md5(r.id::text) limit 200) r
      union all
     select r.id, app_private.post_reservation_charges(r, 'scale-verify:' || r.id, 'verify')
       from (select r.* from app_public.reservations r
              where r.property_id in ${scope} and r.status = 'confirmed'
              order by md5(r.id::text) limit 300) r`,
    [slugPattern],
  );
  const posted = rows.filter((r) => r.entry !== null);
  if (posted.length) {
    throw new Error(`scale money is wrong (nothing was saved): post_reservation_charges still posts for ${posted.length} of ${rows.length} sampled reservations (e.g. ${posted[0]!.id})`);
  }
}
