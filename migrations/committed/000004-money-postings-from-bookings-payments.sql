--! Previous: sha1:295fba49aa2c2a1a79fbd037deeba9b252036419
--! Hash: sha1:dcac5a1cfb43ca2759cc5c31bcb8b6e2958b69dc
--! Message: Money: postings from bookings, payments

-- Money, part 2 (issue 4): bookings post to the ledger (confirmation,
-- modification, cancellation, no-show; check-out closes the folio), payment
-- intents and attempts through a provider with capture and refund jobs,
-- provider webhooks, invoices and credit notes, owners and payouts, and
-- reconciliation with the provider's settlement reports. See
-- docs/ledger.md and docs/payments.md. Safe to run again and again.

------------------------------------------------------------------------------
-- Undo (reverse order), so the migration can be re-run while in development
------------------------------------------------------------------------------
drop function if exists app_public.owner_statement(uuid, date, date);
drop function if exists app_private.import_settlement(text, date, jsonb);
drop function if exists app_public.mark_payout_paid(uuid, text);
drop function if exists app_public.run_payouts(uuid, date, text);
drop function if exists app_public.issue_credit_note(uuid, text, text);
drop function if exists app_public.issue_invoice(uuid, text);
drop function if exists app_private.insert_invoice(app_public.folios, app_public.reservations, app_public.invoice_kind, jsonb, uuid, text);
drop view if exists reporting.ledger_postings;
drop view if exists reporting.folio_balances;
drop view if exists reporting.payments;
drop view if exists reporting.invoices;
drop view if exists reporting.reconciliation_differences;
drop table if exists app_public.reconciliation_differences cascade; -- and the reports policy that reads it
drop table if exists app_public.settlement_lines;
drop table if exists app_public.settlement_reports;
drop table if exists app_public.payout_lines;
drop table if exists app_public.payouts;
alter table if exists app_public.units drop column if exists owner_id;
drop table if exists app_public.owners;
drop table if exists app_public.invoices;
drop table if exists app_private.invoice_counters;
drop type if exists app_public.invoice_kind;
drop type if exists app_public.reconciliation_difference_kind;
drop function if exists app_public.pay(uuid, text, text);
drop function if exists app_public.refund_payment(uuid, bigint, text, text);
drop function if exists app_private.record_authorization(uuid, text);
drop function if exists app_private.record_capture(uuid, text, timestamptz);
drop function if exists app_private.record_payment_failure(uuid, text, text);
drop function if exists app_private.record_refund(uuid, text, timestamptz);
drop function if exists app_private.record_refund_failure(uuid, text, text);
drop function if exists app_private.apply_payment_event(text, jsonb);
drop function if exists app_private.start_attempt(app_public.payment_intents, text);
drop function if exists app_private.start_refund(app_public.payment_intents, bigint, text);
drop function if exists app_private.start_due_payments();
drop function if exists app_private.refund_overpayment(app_public.reservations, text);
drop function if exists app_private.schedule_payments(app_public.reservations);
drop function if exists app_private.post_reservation_charges(app_public.reservations, text, text);
drop policy if exists worker_all on app_public.folios;
drop function if exists app_private.worker_heartbeat(text[], interval);
drop table if exists app_private.worker_heartbeats;
drop table if exists app_private.payment_provider_events;
drop table if exists app_public.refunds;
drop table if exists app_public.payment_attempts;
drop table if exists app_public.payment_intents;
drop type if exists app_public.refund_status;
drop type if exists app_public.payment_attempt_status;
drop type if exists app_public.payment_status;
drop type if exists app_public.payment_kind;
alter table app_public.rate_plans drop column if exists deposit_percent;
alter table app_public.rate_plans drop column if exists balance_due_days;

------------------------------------------------------------------------------
-- Price lines carry their tax, so tax payable is posted per tax
------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.price_line'::regclass and attname = 'tax_id' and not attisdropped) then
    alter type app_public.price_line add attribute tax_id uuid;
  end if;
end;
$$;
comment on type app_public.price_line is E'One line of a price: kind night, discount, fee or tax (with its tax_id); amount in minor units; inclusive taxes are shown but not added.';
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer);
--! Included app_private.price_lines.sql
-- Prices a stay on any number of rate plans at once (search prices many,
-- quote one), as lines per plan:
--   night     one per date: the calendar price (or the plan's base price)
--             plus extra-adult and extra-child fees for guests beyond the
--             included ones (adults fill the included places first);
--   discount  the largest length-of-stay discount the stay qualifies for,
--             a percent of the nights' sum;
--   fee       per stay, per night or per guest-night;
--   tax       (with its tax_id) a percent of the room total (plus fees when the tax says so),
--             or an amount per night or per person-night. An inclusive tax
--             is inside the prices: its line shows it and is not added.
-- Rounding: every line is a whole number of minor units; a percent is
-- rounded once per line, half away from zero (numeric round()); totals are
-- sums of lines. The rule is in docs/booking.md.
create or replace function app_private.price_lines(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer,
  children integer
) returns table (
  rate_plan_id uuid,
  line_no integer,
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean,
  tax_id uuid
)
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    with plans as (
      select rp.id, rp.property_id, rp.room_type_id, rp.base_price, rp.extra_adult_fee, rp.extra_child_fee,
             price_lines.departure - price_lines.arrival as nights,
             greatest(price_lines.adults - rp.included_guests, 0) as extra_adults,
             greatest(price_lines.children - greatest(rp.included_guests - price_lines.adults, 0), 0) as extra_children
        from app_public.rate_plans rp
       where rp.id = any (price_lines.rate_plan_ids)
    ),
    nights as (
      -- The calendar price is looked up per night (one primary-key probe
      -- each): a join would be planned blind (the function's parameters are
      -- unknown when its plan is made) and can scan the whole calendar.
      select p.id as rate_plan_id, d.date, p.extra_adults, p.extra_children,
             coalesce((select c.price from app_public.rate_calendar c
                        where c.property_id = p.property_id and c.rate_plan_id = p.id and c.date = d.date),
                      p.base_price)
               + p.extra_adults * p.extra_adult_fee
               + p.extra_children * p.extra_child_fee as amount
        from plans p
        cross join lateral (
          select price_lines.arrival + i as date
            from pg_catalog.generate_series(0, p.nights - 1) i
        ) d
    ),
    room as (
      select n.rate_plan_id, sum(n.amount) as subtotal from nights n group by n.rate_plan_id
    ),
    discounts as (
      select p.id as rate_plan_id, l.min_nights, l.percent_off,
             -round(r.subtotal * l.percent_off / 100) as amount
        from plans p
        join room r on r.rate_plan_id = p.id
        cross join lateral (
          select l.min_nights, l.percent_off
            from app_public.rate_plan_los_discounts l
           where l.property_id = p.property_id and l.rate_plan_id = p.id and l.min_nights <= p.nights
           order by l.percent_off desc, l.min_nights desc
           limit 1
        ) l
    ),
    room_totals as (
      select r.rate_plan_id, r.subtotal + coalesce(d.amount, 0) as amount
        from room r left join discounts d on d.rate_plan_id = r.rate_plan_id
    ),
    fee_lines as (
      select p.id as rate_plan_id, f.name, f.basis, f.amount as unit_amount,
             case f.basis
               when 'per_stay' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity
        from plans p
        join app_public.fees f
          on f.property_id = p.property_id and f.is_active
         and (f.room_type_id is null or f.room_type_id = p.room_type_id)
    ),
    fee_totals as (
      select f.rate_plan_id, sum(f.quantity * f.unit_amount) as amount from fee_lines f group by f.rate_plan_id
    ),
    tax_lines as (
      select p.id as rate_plan_id, t.id as tax_id, t.name, t.basis, t.percent, t.is_inclusive,
             case t.basis
               when 'percent_of_room' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity,
             case t.basis
               when 'percent_of_room' then
                 round((rt.amount + case when t.applies_to_fees then coalesce(ft.amount, 0) else 0 end) * t.percent
                       / case when t.is_inclusive then 100 + t.percent else 100 end)
               else t.amount
             end as unit_amount
        from plans p
        join room_totals rt on rt.rate_plan_id = p.id
        left join fee_totals ft on ft.rate_plan_id = p.id
        join app_public.taxes t on t.property_id = p.property_id and t.is_active
    )
    select l.rate_plan_id,
           (pg_catalog.row_number() over (partition by l.rate_plan_id order by l.section, l.date, l.description))::integer,
           l.kind, l.date, l.description, l.quantity, l.amount::bigint, l.is_inclusive, l.tax_id
      from (
        select n.rate_plan_id, 1 as section, 'night' as kind, n.date,
               'Night of ' || pg_catalog.to_char(n.date, 'Dy DD Mon YYYY')
                 || case when n.extra_adults + n.extra_children > 0
                         then pg_catalog.format(' (incl. %s extra guest%s)', n.extra_adults + n.extra_children,
                                                case when n.extra_adults + n.extra_children > 1 then 's' else '' end)
                         else '' end as description,
               1 as quantity, n.amount, false as is_inclusive, null::uuid as tax_id
          from nights n
        union all
        select d.rate_plan_id, 2, 'discount', null,
               pg_catalog.format('%s%% off stays of %s nights or more', pg_catalog.trim_scale(d.percent_off), d.min_nights),
               1, d.amount, false, null
          from discounts d
        union all
        select f.rate_plan_id, 3, 'fee', null,
               f.name || case f.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               f.quantity, f.quantity * f.unit_amount, false, null
          from fee_lines f
        union all
        select t.rate_plan_id, 4, 'tax', null,
               t.name || case t.basis
                           when 'percent_of_room' then pg_catalog.format(' (%s%%%s)', pg_catalog.trim_scale(t.percent),
                                                                         case when t.is_inclusive then ', included' else '' end)
                           when 'per_night' then ' (per night' || case when t.is_inclusive then ', included' else '' end || ')'
                           else ' (per person per night' || case when t.is_inclusive then ', included' else '' end || ')'
                         end,
               t.quantity, t.quantity * t.unit_amount, t.is_inclusive, t.tax_id
          from tax_lines t
      ) l;
end;
$$;
comment on function app_private.price_lines(uuid[], date, date, integer, integer) is
  E'The price of a stay on each given rate plan, as lines (night, discount, fee, tax) in minor units.';
--! EndIncluded app_private.price_lines.sql
--! Included app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(total × nights charged / nights) or round(total × percent / 100);
-- non-refundable rates charge the total.
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.* from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                                quote_for.adults, quote_for.children) l
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
               quote_for.departure - quote_for.arrival as nights,
               case when rp.is_refundable
                    then ((quote_for.arrival - rp.free_cancellation_days)::timestamp + p.check_in_time) at time zone p.time_zone
               end as free_until
          from app_public.rate_plans rp
          join app_public.properties p on p.id = rp.property_id
          cross join totals t
         where rp.id = quote_for.rate_plan_id
      )
      select (
        x.property_id, x.room_type_id, x.id,
        quote_for.arrival, quote_for.departure, x.nights, quote_for.adults, quote_for.children,
        x.currency, t.room_amount, t.fees_amount, t.taxes_amount, t.included_taxes_amount, x.total_amount, t.lines,
        x.is_refundable, x.free_until,
        case
          when not x.is_refundable then x.total_amount
          when x.cancellation_penalty_kind = 'nights'
            then round(x.total_amount::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.total_amount::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
        end,
        (select count(*) from app_private.free_units(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure), x.room_type_id))::integer,
        null, null
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks).';
--! EndIncluded app_private.quote_for.sql
-- Locked prices made before: their tax lines get the id of the tax named in
-- their description (quote tokens in flight are matched when posted).
update app_public.reservations r
   set price_lines = (
     select pg_catalog.jsonb_agg(
              case when l ->> 'kind' = 'tax' and l ->> 'tax_id' is null
                   then l || pg_catalog.jsonb_build_object('tax_id', (
                          select t.id from app_public.taxes t
                           where t.property_id = r.property_id and pg_catalog.starts_with(l ->> 'description', t.name || ' (')
                           order by pg_catalog.length(t.name) desc limit 1))
                   else l end order by o)
       from pg_catalog.jsonb_array_elements(r.price_lines) with ordinality as x(l, o))
 where exists (select 1 from pg_catalog.jsonb_array_elements(r.price_lines) l where l ->> 'kind' = 'tax' and l ->> 'tax_id' is null);

------------------------------------------------------------------------------
-- Payment schedule per rate plan
------------------------------------------------------------------------------
alter table app_public.rate_plans
  add column deposit_percent numeric(5, 2) not null default 0 check (deposit_percent between 0 and 100),
  add column balance_due_days integer not null default 0 check (balance_due_days between 0 and 365);
comment on column app_public.rate_plans.deposit_percent is E'Share of the total charged when the booking is confirmed (0 to 100).';
comment on column app_public.rate_plans.balance_due_days is E'The rest is due this many days before arrival (at the check-in time); 0 means at check-in.';

------------------------------------------------------------------------------
-- Payments
------------------------------------------------------------------------------
create type app_public.payment_kind as enum ('deposit', 'balance');
create type app_public.payment_status as enum (
  'requires_payment', 'processing', 'authorized', 'captured', 'partially_refunded', 'refunded', 'failed', 'cancelled');
comment on type app_public.payment_status is E'requires_payment → processing (an attempt runs) → authorized → captured → partially_refunded / refunded; failed (pay again); cancelled.';
create type app_public.payment_attempt_status as enum ('pending', 'authorized', 'captured', 'failed');
create type app_public.refund_status as enum ('pending', 'succeeded', 'failed');

create table app_public.payment_intents (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  folio_id uuid not null,
  kind app_public.payment_kind not null,
  amount bigint not null check (amount > 0),
  currency char(3) not null,
  status app_public.payment_status not null default 'requires_payment',
  due_at timestamptz not null,
  provider text not null default 'simulated',
  payment_token text check (payment_token ~ '^tok_[A-Za-z0-9_]{6,100}$'),
  amount_captured bigint not null default 0 check (amount_captured >= 0),
  amount_refunded bigint not null default 0 check (amount_refunded >= 0),
  failure_code text,
  failure_message text,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  check (amount_captured <= amount and amount_refunded <= amount_captured),
  check (status <> 'failed' or failure_code is not null),
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete restrict,
  foreign key (property_id, folio_id) references app_public.folios (property_id, id) on delete restrict
);
comment on table app_public.payment_intents is E'Money a reservation is to collect: the deposit at booking and the balance before arrival, per its rate plan.';
comment on column app_public.payment_intents.payment_token is E'@behavior -*\nThe card on file (a provider token), charged when the intent falls due.';
comment on constraint payment_intents_property_id_reservation_id_fkey on app_public.payment_intents is E'@fieldName reservation\n@foreignFieldName paymentIntents';
comment on constraint payment_intents_property_id_folio_id_fkey on app_public.payment_intents is E'@fieldName folio\n@foreignFieldName paymentIntents';
create index payment_intents_reservation_idx on app_public.payment_intents (property_id, reservation_id);
-- One open intent of each kind per reservation (schedule_payments resizes it).
create unique index payment_intents_open_idx on app_public.payment_intents (reservation_id, kind) where status in ('requires_payment', 'failed');
create index payment_intents_due_idx on app_public.payment_intents (due_at) where status = 'requires_payment';
alter table app_public.payment_intents enable row level security;

create table app_public.payment_attempts (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  intent_id uuid not null,
  amount bigint not null check (amount > 0),
  currency char(3) not null,
  status app_public.payment_attempt_status not null default 'pending',
  payment_token text not null check (payment_token ~ '^tok_[A-Za-z0-9_]{6,100}$'),
  provider_charge_id text,
  captured_at timestamptz,
  failure_code text,
  failure_message text,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  check ((status = 'captured') = (captured_at is not null)),
  check ((status = 'failed') = (failure_code is not null)),
  foreign key (property_id, intent_id) references app_public.payment_intents (property_id, id) on delete restrict
);
comment on table app_public.payment_attempts is E'One try to collect a payment intent with a card token; the provider''s idempotency keys derive from its id, so retries never charge twice.';
comment on column app_public.payment_attempts.payment_token is E'@behavior -*\nThe provider''s card token (never a card number).';
comment on constraint payment_attempts_property_id_intent_id_fkey on app_public.payment_attempts is E'@fieldName intent\n@foreignFieldName attempts';
create index payment_attempts_intent_idx on app_public.payment_attempts (property_id, intent_id);
-- One attempt in flight per intent.
create unique index payment_attempts_in_flight_idx on app_public.payment_attempts (intent_id) where status in ('pending', 'authorized');
alter table app_public.payment_attempts enable row level security;

create table app_public.refunds (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  intent_id uuid not null,
  attempt_id uuid not null,
  amount bigint not null check (amount > 0),
  currency char(3) not null,
  status app_public.refund_status not null default 'pending',
  reason text check (pg_catalog.length(reason) <= 500),
  provider_refund_id text,
  refunded_at timestamptz,
  failure_code text,
  failure_message text,
  created_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  check ((status = 'succeeded') = (refunded_at is not null)),
  check ((status = 'failed') = (failure_code is not null)),
  foreign key (property_id, intent_id) references app_public.payment_intents (property_id, id) on delete restrict,
  foreign key (property_id, attempt_id) references app_public.payment_attempts (property_id, id) on delete restrict
);
comment on table app_public.refunds is E'Money given back on a captured payment, by the provider, in a job.';
comment on constraint refunds_property_id_intent_id_fkey on app_public.refunds is E'@fieldName intent\n@foreignFieldName refunds';
comment on constraint refunds_property_id_attempt_id_fkey on app_public.refunds is E'@fieldName attempt\n@foreignFieldName refunds';
create index refunds_intent_idx on app_public.refunds (property_id, intent_id);
alter table app_public.refunds enable row level security;

-- Provider webhooks seen, by event id: a replayed event is recognised and
-- applied once.
create table app_private.payment_provider_events (
  provider text not null,
  event_id text not null check (pg_catalog.length(event_id) between 1 and 200),
  type text not null,
  payload jsonb not null,
  received_at timestamptz not null default pg_catalog.now(),
  primary key (provider, event_id)
);
comment on table app_private.payment_provider_events is E'Every provider webhook event received (deduplicated by id).';

-- Worker processes that are alive, so the jobs of a killed one are
-- unlocked in seconds (app_private.worker_heartbeat).
create table app_private.worker_heartbeats (
  worker_id text primary key,
  seen_at timestamptz not null
);
comment on table app_private.worker_heartbeats is E'graphile-worker worker ids and when their process last said they were alive.';
--! Included app_private.worker_heartbeat.sql
-- Called every few seconds by each worker process with the ids of its live
-- graphile-worker workers: records them as seen, and force-unlocks the jobs
-- (and queues) of workers that hold locks older than dead_after and that no
-- process has vouched for within dead_after: their process died (SIGKILL,
-- power loss) without releasing them. Returns how many workers were
-- unlocked.
create or replace function app_private.worker_heartbeat(worker_ids text[], dead_after interval) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_dead text[];
begin
  insert into app_private.worker_heartbeats (worker_id, seen_at)
  select w, pg_catalog.now() from pg_catalog.unnest(worker_ids) w
  on conflict (worker_id) do update set seen_at = excluded.seen_at;

  select pg_catalog.array_agg(distinct j.locked_by) into v_dead
    from graphile_worker.jobs j
   where j.locked_by is not null and j.locked_at < pg_catalog.now() - dead_after
     and not exists (select 1 from app_private.worker_heartbeats h
                      where h.worker_id = j.locked_by and h.seen_at > pg_catalog.now() - dead_after);
  if v_dead is not null then
    perform graphile_worker.force_unlock_workers(v_dead);
  end if;
  delete from app_private.worker_heartbeats h where h.seen_at < pg_catalog.now() - greatest(dead_after * 10, interval '1 hour');
  return coalesce(pg_catalog.array_length(v_dead, 1), 0);
end;
$$;
comment on function app_private.worker_heartbeat(text[], interval) is
  E'Records live worker ids and unlocks the jobs of workers not seen for dead_after (a killed process); returns how many were unlocked.';
--! EndIncluded app_private.worker_heartbeat.sql

create trigger _100_timestamps before insert or update on app_public.payment_intents for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.payment_attempts for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.refunds for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.payment_intents for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.payment_attempts for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.refunds for each row execute function audit.tg__record();

-- The balance check runs at commit as the session's role: it reads as owner.
--! Included app_private.tg_postings__check_balanced.sql
-- Deferred constraint trigger (fires at commit): the journal entry of the
-- inserted posting sums to zero in every currency and has at least two
-- postings. Raises UNBAL otherwise, which aborts the whole transaction: an
-- unbalanced entry can never be committed, whoever writes it. Security
-- definer: at commit it runs as the session's role (a guest's, say), not as
-- the function that posted.
create or replace function app_private.tg_postings__check_balanced() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_bad record;
begin
  select p.currency, sum(p.amount) as total, count(*) as postings
    into v_bad
    from app_public.postings p
   where p.property_id = new.property_id and p.entry_id = new.entry_id
   group by p.currency
  having sum(p.amount) <> 0
   limit 1;
  if found then
    raise exception using errcode = 'UNBAL',
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_bad.currency, v_bad.total);
  end if;
  if (select count(*) from app_public.postings p where p.property_id = new.property_id and p.entry_id = new.entry_id) < 2 then
    raise exception using errcode = 'UNBAL', message = pg_catalog.format('Journal entry %s needs at least two postings.', new.entry_id);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__check_balanced() is
  E'Constraint trigger (deferred to commit): raises UNBAL unless the posting''s entry sums to zero per currency with at least two postings.';
--! EndIncluded app_private.tg_postings__check_balanced.sql
--! Included app_private.post_reservation_charges.sql
-- Brings a reservation's charges in the ledger to what the reservation now
-- says, in one journal entry of differences: the first call (confirmation)
-- posts everything, a modification posts the difference, a cancellation or
-- no-show leaves only the penalty (on cancellation revenue) and reverses the
-- rest. What is due, per account, credits:
--   room revenue          nights and discount, less inclusive taxes;
--   fee revenue           fees, less the share of inclusive taxes on fees;
--   tax payable (per tax) every tax line, inclusive or not;
--   cancellation revenue  the penalty, once cancelled or a no-show;
-- and the guest's folio (receivable) is debited with their sum. What was
-- posted is read back from the entries caused by the reservation, so a
-- repeated call posts nothing. Creates the folio on first use.
create or replace function app_private.post_reservation_charges(
  reservation app_public.reservations,
  idempotency_key text,
  description text
) returns uuid
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio app_public.folios;
  v_lines jsonb;
begin
  insert into app_public.folios (property_id, reservation_id)
  values (reservation.property_id, reservation.id)
  on conflict (property_id, reservation_id) do nothing;
  select * into v_folio from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id;
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;

  with price as (
    -- Tax lines made before taxes had ids on price lines name them by
    -- description ('<tax name> (...)'); match those by name.
    select l.kind, l.amount, coalesce(l.is_inclusive, false) as is_inclusive,
           coalesce(l.tax_id, (select t.id from app_public.taxes t
                                where t.property_id = reservation.property_id and l.kind = 'tax'
                                  and pg_catalog.starts_with(l.description, t.name || ' (')
                                order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_to_recordset(reservation.price_lines)
           as l(kind text, amount bigint, is_inclusive boolean, tax_id uuid, description text)
  ),
  inclusive_on_fees as (
    -- An inclusive percent tax that also covers fees is split between room
    -- and fee revenue in proportion (one rounding, the rest on the room).
    select coalesce(sum(round(p.amount::numeric * reservation.fees_amount
                              / nullif(reservation.room_amount + reservation.fees_amount, 0))), 0)::bigint as amount
      from price p join app_public.taxes t on t.id = p.tax_id
     where p.kind = 'tax' and p.is_inclusive and t.basis = 'percent_of_room' and t.applies_to_fees
  ),
  due as (
    select 'room_revenue' as purpose, null::uuid as tax_id,
           -(reservation.room_amount - (select coalesce(sum(p.amount), 0) from price p where p.kind = 'tax' and p.is_inclusive)
             + (select f.amount from inclusive_on_fees f)) as amount
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'fee_revenue', null, -(reservation.fees_amount - (select f.amount from inclusive_on_fees f))
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'tax_payable', p.tax_id, -sum(p.amount)
      from price p
     where p.kind = 'tax' and reservation.status not in ('cancelled', 'no_show')
     group by p.tax_id
    union all
    select 'cancellation_revenue', null, -coalesce(reservation.penalty_amount, 0)
     where reservation.status in ('cancelled', 'no_show')
  ),
  posted as (
    select a.purpose, a.tax_id, sum(po.amount) as amount
      from app_public.journal_entries e
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where e.property_id = reservation.property_id and e.cause_type = 'reservation' and e.cause_id = reservation.id
       and a.purpose is distinct from 'guest_receivable'
     group by a.purpose, a.tax_id
  ),
  difference as (
    select coalesce(d.purpose, p.purpose) as purpose, coalesce(d.tax_id, p.tax_id) as tax_id,
           coalesce(d.amount, 0) - coalesce(p.amount, 0) as amount
      from due d
      full join posted p on p.purpose = d.purpose and p.tax_id is not distinct from d.tax_id
  )
  select pg_catalog.jsonb_agg(l) into v_lines
    from (
      select pg_catalog.jsonb_build_object('purpose', d.purpose, 'tax_id', d.tax_id, 'amount', d.amount,
                                           'currency', reservation.currency) as l
        from difference d where d.amount <> 0
      union all
      select pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id,
                                           'amount', -sum(d.amount), 'currency', reservation.currency)
        from difference d having sum(d.amount) <> 0
    ) x;

  if v_lines is null then
    return null;
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_lines) l where l ->> 'purpose' = 'tax_payable' and l ->> 'tax_id' is null) then
    raise exception using errcode = 'NTFND', message = 'A tax on this reservation''s price no longer exists; its charges cannot be posted.';
  end if;
  return app_private.post_entry(reservation.property_id, 'reservation', reservation.id,
                                pg_catalog.left(idempotency_key, 200), description, v_lines);
end;
$$;
comment on function app_private.post_reservation_charges(app_public.reservations, text, text) is
  E'Posts the difference between what a reservation is due (room, fees, each tax, or the penalty once cancelled) and what its folio was charged; creates the folio.';
--! EndIncluded app_private.post_reservation_charges.sql
--! Included app_private.schedule_payments.sql
-- Keeps a reservation's payment intents in step with what it costs, by its
-- rate plan: the deposit (deposit_percent of the total) is due at once, the
-- rest balance_due_days before arrival at the check-in time (0: at
-- check-in). Money already collected or being collected is never touched;
-- the open intent of each kind is resized, created or cancelled so that
-- collected + open = due. A cancelled or no-show reservation cancels its
-- open intents (refunds are refund_overpayment's).
create or replace function app_private.schedule_payments(reservation app_public.reservations) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_folio_id uuid;
  v_deposit bigint;
  v_balance_due_at timestamptz;
  v_kind record;
  v_committed bigint;
  v_open app_public.payment_intents;
begin
  if reservation.status in ('cancelled', 'no_show') then
    update app_public.payment_intents i set status = 'cancelled'
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id
       and i.status in ('requires_payment', 'failed');
    return;
  end if;
  if reservation.status not in ('confirmed', 'checked_in') then
    -- A hold owes nothing yet; after check-out the price no longer changes
    -- and what is open stays open.
    return;
  end if;

  select * into v_plan from app_public.rate_plans rp where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id;
  select f.id into v_folio_id from app_public.folios f where f.property_id = reservation.property_id and f.reservation_id = reservation.id;
  v_deposit := round(reservation.total_amount * v_plan.deposit_percent / 100)::bigint;
  select greatest(pg_catalog.now(), ((pg_catalog.lower(reservation.stay) - v_plan.balance_due_days)::timestamp + p.check_in_time) at time zone p.time_zone)
    into v_balance_due_at
    from app_public.properties p where p.id = reservation.property_id;

  for v_kind in
    select k.kind::app_public.payment_kind as kind, k.due, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
  loop
    select coalesce(sum(i.amount), 0) into v_committed
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('processing', 'authorized', 'captured', 'partially_refunded', 'refunded');
    select * into v_open from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('requires_payment', 'failed')
     for update;
    if v_kind.due - v_committed > 0 then
      if v_open.id is null then
        insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at)
        values (reservation.property_id, reservation.id, v_folio_id, v_kind.kind, v_kind.due - v_committed, reservation.currency, v_kind.due_at);
      elsif v_open.amount <> v_kind.due - v_committed or (v_kind.kind = 'balance' and v_open.due_at <> v_kind.due_at) then
        update app_public.payment_intents i set amount = v_kind.due - v_committed, currency = reservation.currency,
               due_at = case when v_kind.kind = 'balance' then v_kind.due_at else i.due_at end
         where i.id = v_open.id;
      end if;
    elsif v_open.id is not null then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_open.id;
    end if;
  end loop;
end;
$$;
comment on function app_private.schedule_payments(app_public.reservations) is
  E'Creates, resizes or cancels a reservation''s open payment intents (deposit, balance) so that collected plus open equals what it costs.';
--! EndIncluded app_private.schedule_payments.sql
--! Included app_private.refund_overpayment.sql
-- Gives back what a reservation's guest paid beyond what it now costs (the
-- penalty once cancelled or a no-show, the total otherwise): refunds on the
-- captured intents, newest first, for the excess over refunds already made
-- or under way. Returns the amount refunded.
create or replace function app_private.refund_overpayment(reservation app_public.reservations, reason text) returns bigint
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_due bigint := case when reservation.status in ('cancelled', 'no_show') then coalesce(reservation.penalty_amount, 0)
                       else reservation.total_amount end;
  v_excess bigint;
  v_intent record;
  v_amount bigint;
  v_refunded bigint := 0;
begin
  select coalesce(sum(i.amount_captured - i.amount_refunded), 0)
         - coalesce((select sum(f.amount) from app_public.refunds f
                      where f.property_id = reservation.property_id and f.status = 'pending'
                        and f.intent_id in (select i2.id from app_public.payment_intents i2
                                             where i2.property_id = reservation.property_id and i2.reservation_id = reservation.id)), 0)
         - v_due
    into v_excess
    from app_public.payment_intents i
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id;

  for v_intent in
    select i.*, i.amount_captured - i.amount_refunded
                - coalesce((select sum(f.amount) from app_public.refunds f
                             where f.property_id = i.property_id and f.intent_id = i.id and f.status = 'pending'), 0) as refundable
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.amount_captured > i.amount_refunded
     order by i.created_at desc
       for update
  loop
    exit when v_excess <= 0;
    v_amount := least(v_excess, v_intent.refundable);
    if v_amount > 0 then
      perform app_private.start_refund(pg_catalog.jsonb_populate_record(null::app_public.payment_intents, pg_catalog.to_jsonb(v_intent)),
                                       v_amount, reason);
      v_excess := v_excess - v_amount;
      v_refunded := v_refunded + v_amount;
    end if;
  end loop;
  return v_refunded;
end;
$$;
comment on function app_private.refund_overpayment(app_public.reservations, text) is
  E'Refunds what was paid for a reservation beyond what it costs now (the penalty, once cancelled); returns the amount.';
--! EndIncluded app_private.refund_overpayment.sql
--! Included app_private.start_attempt.sql
-- Starts collecting a payment intent with a card token: an attempt, and in
-- the same transaction the job that authorizes and captures it. The token
-- is kept on the intent (card on file) for a later due date.
create or replace function app_private.start_attempt(intent app_public.payment_intents, payment_token text)
  returns app_public.payment_attempts
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  insert into app_public.payment_attempts (property_id, intent_id, amount, currency, payment_token)
  values (intent.property_id, intent.id, intent.amount, intent.currency, start_attempt.payment_token)
  returning * into v_attempt;
  update app_public.payment_intents i
     set status = 'processing', payment_token = start_attempt.payment_token, failure_code = null, failure_message = null
   where i.id = intent.id;
  perform graphile_worker.add_job('process_payment_attempt', pg_catalog.json_build_object('attempt_id', v_attempt.id),
                                  job_key := 'payment_attempt:' || v_attempt.id, max_attempts := 15);
  return v_attempt;
end;
$$;
comment on function app_private.start_attempt(app_public.payment_intents, text) is
  E'Creates a payment attempt for an intent and queues its capture job (same transaction).';
--! EndIncluded app_private.start_attempt.sql
--! Included app_private.start_refund.sql
-- Starts a refund of part of a captured payment intent: the refund row, the
-- entry that gives the money back to the folio (Dr guest receivable, Cr
-- refunds due) and, in the same transaction, the job that asks the
-- provider. The caller has locked the intent and checked the amount; the
-- last refund row is returned.
create or replace function app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text)
  returns app_public.refunds
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_left bigint := start_refund.amount;
  v_attempt record;
  v_refund app_public.refunds;
begin
  -- An intent can hold more than one captured charge (a capture that came
  -- in after Keepr gave up on it): refund them newest first, each up to
  -- what is left on it.
  for v_attempt in
    select a.id, a.amount - coalesce((select sum(f.amount) from app_public.refunds f
                                        where f.property_id = a.property_id and f.attempt_id = a.id and f.status <> 'failed'), 0) as refundable
      from app_public.payment_attempts a
     where a.property_id = intent.property_id and a.intent_id = intent.id and a.status = 'captured'
     order by a.captured_at desc, a.id
  loop
    exit when v_left <= 0;
    continue when v_attempt.refundable <= 0;
    insert into app_public.refunds (property_id, intent_id, attempt_id, amount, currency, reason, created_by)
    values (intent.property_id, intent.id, v_attempt.id, least(v_left, v_attempt.refundable), intent.currency, start_refund.reason,
            app_hidden.current_user_id())
    returning * into v_refund;
    v_left := v_left - v_refund.amount;
    perform app_private.post_entry(intent.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':requested',
      pg_catalog.format('Refund of %s %s requested', v_refund.amount, intent.currency),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', intent.folio_id, 'amount', v_refund.amount, 'currency', intent.currency),
        pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', -v_refund.amount, 'currency', intent.currency)));
    perform graphile_worker.add_job('process_refund', pg_catalog.json_build_object('refund_id', v_refund.id),
                                    job_key := 'refund:' || v_refund.id, max_attempts := 15);
  end loop;
  if v_refund.id is null or v_left > 0 then
    raise exception using errcode = 'TRANS', message = 'Only what was captured, less refunds made or under way, can be refunded.';
  end if;
  return v_refund;
end;
$$;
comment on function app_private.start_refund(app_public.payment_intents, bigint, text) is
  E'Refunds an amount of a captured intent (across its captured charges, newest first), posts it to the folio and queues the provider jobs (same transaction).';
--! EndIncluded app_private.start_refund.sql
--! Included app_private.start_due_payments.sql
-- Cron: charges the card on file of every payment intent that has fallen
-- due (the balance before arrival). Intents another run is starting are
-- skipped. Returns how many attempts were started.
create or replace function app_private.start_due_payments() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_intent app_public.payment_intents;
  v_started integer := 0;
begin
  for v_intent in
    select i.* from app_public.payment_intents i
      join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
     where i.status = 'requires_payment' and i.due_at <= pg_catalog.now() and i.payment_token is not null
       and r.status in ('confirmed', 'checked_in')
     order by i.due_at
       for update of i skip locked
  loop
    perform app_private.start_attempt(v_intent, v_intent.payment_token);
    v_started := v_started + 1;
  end loop;
  return v_started;
end;
$$;
comment on function app_private.start_due_payments() is E'Cron: starts an attempt for every due intent with a card on file; returns the count.';
--! EndIncluded app_private.start_due_payments.sql
--! Included app_private.record_authorization.sql
-- The provider authorized an attempt's charge (from the capture job or a
-- webhook, whichever comes first; the second changes nothing).
create or replace function app_private.record_authorization(attempt_id uuid, charge_id text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  update app_public.payment_attempts a set status = 'authorized', provider_charge_id = record_authorization.charge_id
   where a.id = record_authorization.attempt_id and a.status = 'pending'
  returning * into v_attempt;
  if found then
    update app_public.payment_intents i set status = 'authorized'
     where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status = 'processing';
  end if;
end;
$$;
comment on function app_private.record_authorization(uuid, text) is E'Records that the provider authorized an attempt (idempotent).';
--! EndIncluded app_private.record_authorization.sql
--! Included app_private.record_capture.sql
-- The provider captured an attempt's charge (from the capture job or a
-- webhook; the second call changes nothing): the attempt and its intent are
-- captured, and the money moves from the guest's folio to the provider's
-- clearing account (Dr payment clearing, Cr guest receivable). The provider
-- is the truth: a charge captured after Keepr gave up on it is recorded all
-- the same. Money beyond what the reservation costs (a stay cancelled
-- meanwhile, a guest who paid again after a lost reply) is refunded.
create or replace function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamptz) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
begin
  select * into v_attempt from app_public.payment_attempts a where a.id = record_capture.attempt_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = pg_catalog.format('No payment attempt %s.', record_capture.attempt_id);
  end if;
  if v_attempt.status = 'captured' then
    return;
  end if;
  update app_public.payment_attempts a
     set status = 'captured', provider_charge_id = record_capture.charge_id, captured_at = record_capture.captured_at,
         failure_code = null, failure_message = null
   where a.id = v_attempt.id;
  -- The intent is what was captured on it: an intent resized while its
  -- attempt ran (or after Keepr gave up on it) does not claim more; the
  -- schedule below opens what is still due.
  update app_public.payment_intents i
     set status = 'captured', amount = i.amount_captured + v_attempt.amount,
         amount_captured = i.amount_captured + v_attempt.amount, failure_code = null, failure_message = null
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id
  returning * into v_intent;
  perform app_private.post_entry(v_attempt.property_id, 'payment', v_attempt.id, 'payment:' || v_attempt.id || ':capture',
    pg_catalog.format('Card payment %s', record_capture.charge_id),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', v_attempt.amount, 'currency', v_attempt.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_intent.folio_id, 'amount', -v_attempt.amount, 'currency', v_attempt.currency)));

  select * into v_res from app_public.reservations r where r.property_id = v_intent.property_id and r.id = v_intent.reservation_id for update;
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, case when v_res.status in ('cancelled', 'no_show')
                                                     then 'Paid after the reservation was cancelled'
                                                     else 'Paid more than the reservation costs' end);
end;
$$;
comment on function app_private.record_capture(uuid, text, timestamptz) is
  E'Records a captured charge: attempt and intent captured, Dr payment clearing / Cr the folio (idempotent).';
--! EndIncluded app_private.record_capture.sql
--! Included app_private.record_payment_failure.sql
-- An attempt failed for good (declined, or the provider stayed unreachable
-- through every retry): the attempt and its intent are failed with the
-- reason, for the guest to pay again and for staff to see (when the
-- reservation opened another intent of the kind meanwhile, that one takes
-- over the amount). A captured attempt stays captured.
create or replace function app_private.record_payment_failure(attempt_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
begin
  update app_public.payment_attempts a
     set status = 'failed', failure_code = coalesce(record_payment_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_payment_failure.message, 500)
   where a.id = record_payment_failure.attempt_id and a.status in ('pending', 'authorized')
  returning * into v_attempt;
  if not found then
    return;
  end if;
  select * into v_intent from app_public.payment_intents i
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status in ('processing', 'authorized')
   for update;
  if not found then
    return;
  end if;
  -- The reservation changed while this payment ran and has an open intent
  -- of the kind already: that one takes over this amount, and this one is
  -- closed with its reason.
  update app_public.payment_intents i set amount = i.amount + v_intent.amount
   where i.property_id = v_intent.property_id and i.reservation_id = v_intent.reservation_id and i.kind = v_intent.kind
     and i.id <> v_intent.id and i.status in ('requires_payment', 'failed');
  if found then
    update app_public.payment_intents i
       set status = 'cancelled', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.id = v_intent.id;
  else
    update app_public.payment_intents i
       set status = 'failed', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.id = v_intent.id;
  end if;
end;
$$;
comment on function app_private.record_payment_failure(uuid, text, text) is E'Records that an attempt failed, with the reason (idempotent; never undoes a capture).';
--! EndIncluded app_private.record_payment_failure.sql
--! Included app_private.record_refund.sql
-- The provider paid a refund out (from the refund job or a webhook; the
-- second call changes nothing): Dr refunds due, Cr payment clearing, and
-- the intent counts it.
create or replace function app_private.record_refund(refund_id uuid, provider_refund_id text, refunded_at timestamptz) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_intent app_public.payment_intents;
begin
  update app_public.refunds f
     set status = 'succeeded', provider_refund_id = record_refund.provider_refund_id, refunded_at = record_refund.refunded_at,
         failure_code = null, failure_message = null
   where f.id = record_refund.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  update app_public.payment_intents i
     set amount_refunded = i.amount_refunded + v_refund.amount,
         status = case when i.amount_refunded + v_refund.amount = i.amount_captured then 'refunded' else 'partially_refunded' end::app_public.payment_status
   where i.property_id = v_refund.property_id and i.id = v_refund.intent_id
  returning * into v_intent;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':paid',
    pg_catalog.format('Card refund %s', record_refund.provider_refund_id),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', -v_refund.amount, 'currency', v_refund.currency)));
end;
$$;
comment on function app_private.record_refund(uuid, text, timestamptz) is E'Records a refund paid by the provider: Dr refunds due / Cr payment clearing (idempotent).';
--! EndIncluded app_private.record_refund.sql
--! Included app_private.record_refund_failure.sql
-- A refund failed for good: the money goes back on the folio as owed to
-- the guest is undone (Dr refunds due, Cr guest receivable), and staff see
-- the reason.
create or replace function app_private.record_refund_failure(refund_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_folio_id uuid;
begin
  update app_public.refunds f
     set status = 'failed', failure_code = coalesce(record_refund_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_refund_failure.message, 500)
   where f.id = record_refund_failure.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  select i.folio_id into v_folio_id from app_public.payment_intents i where i.property_id = v_refund.property_id and i.id = v_refund.intent_id;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':failed',
    pg_catalog.format('Refund failed: %s', v_refund.failure_code),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio_id, 'amount', -v_refund.amount, 'currency', v_refund.currency)),
    reverses_entry_id => (select e.id from app_public.journal_entries e
                           where e.property_id = v_refund.property_id and e.idempotency_key = 'refund:' || v_refund.id || ':requested'));
end;
$$;
comment on function app_private.record_refund_failure(uuid, text, text) is E'Records a failed refund and reverses its folio entry (idempotent).';
--! EndIncluded app_private.record_refund_failure.sql
--! Included app_private.apply_payment_event.sql
-- Applies a payment provider's webhook event, once: the event id is
-- recorded first, and an event seen before changes nothing ('duplicate').
-- Charges and refunds name Keepr's attempt or refund id as their
-- reference; events about anything else are recorded and 'ignored'. The
-- record_* functions are idempotent, so an event racing the job that caused
-- it is harmless.
create or replace function app_private.apply_payment_event(provider text, event jsonb) returns text
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_object jsonb := event -> 'data' -> 'object';
  v_reference uuid;
  v_at timestamptz;
begin
  insert into app_private.payment_provider_events (provider, event_id, type, payload)
  values (apply_payment_event.provider, event ->> 'id', event ->> 'type', event)
  on conflict do nothing;
  if not found then
    return 'duplicate';
  end if;
  if coalesce(v_object ->> 'reference', '') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return 'ignored';
  end if;
  v_reference := (v_object ->> 'reference')::uuid;
  -- Provider times are ISO strings or Unix seconds.
  v_at := coalesce(
    case when pg_catalog.jsonb_typeof(v_object -> 'captured_at') = 'number' then pg_catalog.to_timestamp((v_object ->> 'captured_at')::double precision)
         else (v_object ->> 'captured_at')::timestamptz end,
    case when pg_catalog.jsonb_typeof(v_object -> 'created') = 'number' then pg_catalog.to_timestamp((v_object ->> 'created')::double precision)
         else (v_object ->> 'created')::timestamptz end,
    pg_catalog.now());

  case event ->> 'type'
    when 'charge.authorized' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_authorization(v_reference, v_object ->> 'id');
      else return 'ignored'; end if;
    when 'charge.captured' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_capture(v_reference, v_object ->> 'id', v_at);
      else return 'ignored'; end if;
    when 'charge.failed' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_payment_failure(v_reference, coalesce(v_object ->> 'failure_code', 'card_declined'),
                                                   coalesce(v_object ->> 'failure_message', 'The card was declined.'));
      else return 'ignored'; end if;
    when 'refund.succeeded' then
      if exists (select 1 from app_public.refunds f where f.id = v_reference) then
        perform app_private.record_refund(v_reference, v_object ->> 'id', v_at);
      else return 'ignored'; end if;
    when 'refund.failed' then
      if exists (select 1 from app_public.refunds f where f.id = v_reference) then
        perform app_private.record_refund_failure(v_reference, coalesce(v_object ->> 'failure_code', 'refund_failed'),
                                                  coalesce(v_object ->> 'failure_message', 'The refund failed.'));
      else return 'ignored'; end if;
    else
      return 'ignored';
  end case;
  return 'applied';
end;
$$;
comment on function app_private.apply_payment_event(text, jsonb) is
  E'Applies a verified provider webhook event once (deduplicated by event id): applied, duplicate or ignored.';
--! EndIncluded app_private.apply_payment_event.sql
--! Included app_public.pay.sql
-- Pays a payment intent with a card token from the provider's hosted card
-- form (Keepr never sees the card number): an attempt starts and a job
-- authorizes and captures it; the result arrives on the attempt and intent
-- (and by webhook). The token stays on file for the reservation's later
-- intents (the balance is charged when it falls due). The guest (signed in,
-- or with the booking token) and staff who take payments may pay.
create or replace function app_public.pay(
  intent_id uuid,
  payment_token text,
  idempotency_key text
) returns app_public.payment_attempts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_attempt app_public.payment_attempts;
begin
  v_replay := app_private.idempotency_begin('pay', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'payment_token', payment_token));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payment_attempts, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = pay.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  v_res := app_private.lock_reservation(v_intent.reservation_id, '{owner,manager,front_desk,accountant}', 'take payments', true);
  select * into v_intent from app_public.payment_intents i where i.id = pay.intent_id for update;
  if v_intent.status not in ('requires_payment', 'failed') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This payment is %s; it cannot be paid again.', v_intent.status),
      hint = v_intent.status::text;
  end if;
  if v_res.status not in ('confirmed', 'checked_in', 'checked_out') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no payments.', v_res.status),
      hint = v_res.status::text;
  end if;
  if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
    raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
  end if;

  v_attempt := app_private.start_attempt(v_intent, payment_token);
  update app_public.payment_intents i set payment_token = pay.payment_token
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status = 'requires_payment' and i.payment_token is null;

  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_attempt));
  return v_attempt;
end;
$$;
comment on function app_public.pay(uuid, text, text) is
  E'Pays a payment intent with a provider card token: starts an attempt captured by a job; the card stays on file for later intents. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.pay.sql
--! Included app_public.refund_payment.sql
-- Refunds part or all of a captured payment (owner, manager, accountant):
-- the folio is credited back at once and a job asks the provider.
create or replace function app_public.refund_payment(
  intent_id uuid,
  amount bigint,
  reason text,
  idempotency_key text
) returns app_public.refunds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_refundable bigint;
  v_refund app_public.refunds;
begin
  v_replay := app_private.idempotency_begin('refund_payment', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.refunds, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  perform app_private.lock_reservation(v_intent.reservation_id, '{owner,manager,accountant}', 'refund payments');
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id for update;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A refund reason can be at most 500 characters.';
  end if;
  v_refundable := v_intent.amount_captured - v_intent.amount_refunded
                  - coalesce((select sum(f.amount) from app_public.refunds f
                               where f.property_id = v_intent.property_id and f.intent_id = v_intent.id and f.status = 'pending'), 0);
  if amount is null or amount <= 0 or amount > v_refundable then
    raise exception using errcode = 'INVLD',
      message = pg_catalog.format('A refund must be more than 0 and at most %s (captured, less refunds made or under way).', v_refundable);
  end if;
  v_refund := app_private.start_refund(v_intent, amount, reason);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_refund));
  return v_refund;
end;
$$;
comment on function app_public.refund_payment(uuid, bigint, text, text) is
  E'Refunds part or all of a captured payment: the folio is credited at once, the provider pays by a job. Errors: NTFND, DNIED, INVALID_INPUT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.refund_payment.sql

-- The booking operations post to the ledger and keep the payment schedule.
--! Included app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created.
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

  select * into v_res from app_public.reservations r where r.id = confirm_booking.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  if email is null or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if phone is not null and phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if pg_catalog.length(special_requests) > 2000 then
    raise exception using errcode = 'INVLD', message = 'Special requests can be at most 2000 characters.';
  end if;

  -- The hold's claim becomes the reservation's, expired or not, unless
  -- someone released it to take its nights (then it has no live claim).
  select * into v_claim from app_public.inventory_claims c
   where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
   for update;
  if found then
    update app_public.inventory_claims c set kind = 'reservation', expires_at = null
     where c.id = v_claim.id
    returning * into v_claim;
  else
    v_claim := app_private.claim_unit(v_res.property_id, v_res.room_type_id, v_res.stay, 'reservation',
                                      reservation_id => v_res.id, preferred_unit_id => v_res.unit_id);
    if v_claim.id is null then
      raise exception using errcode = 'HLDEX',
        message = 'This hold expired and its room was taken meanwhile; please search again.';
    end if;
  end if;

  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, pg_catalog.btrim(email), pg_catalog.btrim(full_name), phone, app_private.booking_user_id(v_res.property_id))
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null then
    update app_public.guests g
       set full_name = pg_catalog.btrim(confirm_booking.full_name),
           phone = coalesce(confirm_booking.phone, g.phone),
           user_id = coalesce(g.user_id, app_private.booking_user_id(v_res.property_id))
     where g.property_id = v_res.property_id and g.email = pg_catalog.btrim(confirm_booking.email)::public.citext
    returning g.id into v_guest_id;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property; draw another.
    end;
  end loop;

  -- The folio is charged the locked price, and payments are scheduled by
  -- the rate plan (deposit now, balance before arrival).
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':confirm:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' confirmed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.confirm_booking(uuid, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone): returns the confirmation code. Errors: NTFND, INVALID_TRANSITION, HOLD_EXPIRED, INVEM, INVNM, INVPH, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.confirm_booking.sql
--! Included app_public.modify_reservation.sql
-- Changes a confirmed reservation's dates, guests or rate plan (and so room
-- type), or a checked-in one's departure and guests: re-priced at today's
-- rates and re-claimed in one transaction. The old claim is released only
-- for the new one to be taken; if no unit is free the whole change is
-- undone (SOLD_OUT) and the old claim stands. Staff may book past
-- restrictions (min stay, closed dates); occupancy still holds. The folio
-- is charged (or credited) the difference and the open payments follow.
create or replace function app_public.modify_reservation(
  reservation_id uuid,
  idempotency_key text,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null,
  rate_plan_id uuid default null,
  unit_id uuid default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_plan app_public.rate_plans;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, '{owner,manager,front_desk}', 'change reservations');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;

  v_arrival := coalesce(modify_reservation.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(modify_reservation.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(modify_reservation.adults, v_res.adults);
  v_children := coalesce(modify_reservation.children, v_res.children);
  select * into v_plan from app_public.rate_plans rp
   where rp.property_id = v_res.property_id and rp.id = coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id);
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this property.';
  end if;
  if v_res.status = 'checked_in' then
    if v_arrival <> pg_catalog.lower(v_res.stay) or v_plan.room_type_id <> v_res.room_type_id or modify_reservation.unit_id is not null then
      raise exception using errcode = 'TRANS',
        message = 'A checked-in stay can change only its departure, guests and rate plan of the same room type; use moveUnit to change rooms.';
    end if;
    if v_departure <= app_private.local_today(v_res.property_id) then
      raise exception using errcode = 'DATES', message = 'A checked-in stay must depart after today.';
    end if;
    perform app_private.check_stay(null, v_arrival, v_departure, v_adults, v_children);
  else
    perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  end if;
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;

  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children);

  if v_res.status = 'checked_in' then
    -- The guest is in their unit: only its claim's end moves.
    if v_departure > pg_catalog.upper(v_res.stay) then
      perform app_private.release_expired_holds(v_res.property_id, v_res.unit_id,
                                                pg_catalog.daterange(pg_catalog.upper(v_res.stay), v_departure));
    end if;
    begin
      update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), v_departure)
       where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
         and pg_catalog.upper(c.stay) = pg_catalog.upper(v_res.stay)
      returning * into v_claim;
    exception when exclusion_violation then
      v_claim := null;
    end;
  else
    -- Re-claim: release the current claims, then claim the new stay (the
    -- same unit first). Any failure below rolls all of it back.
    perform app_private.release_claims(v_res);
    v_claim := app_private.claim_unit(v_res.property_id, v_plan.room_type_id, pg_catalog.daterange(v_arrival, v_departure),
                                      'reservation', reservation_id => v_res.id,
                                      preferred_unit_id => coalesce(modify_reservation.unit_id,
                                                                    case when v_plan.room_type_id = v_res.room_type_id then v_res.unit_id end),
                                      exact_unit => modify_reservation.unit_id is not null);
  end if;
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit is free for the changed stay; the reservation is unchanged.';
  end if;

  update app_public.reservations r
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children,
         rate_plan_id = v_plan.id, room_type_id = v_plan.room_type_id, unit_id = v_claim.unit_id,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':modify:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' changed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Errors: NTFND, DNIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.modify_reservation.sql
--! Included app_public.cancel_reservation.sql
-- Cancels a hold or a confirmed reservation: applies the cancellation terms
-- locked at booking (penalty_amount, refund_amount = total - penalty) and
-- releases the unit. The folio keeps only the penalty (the rest of the
-- charges are reversed), open payments are cancelled and what was paid
-- beyond the penalty is refunded. Staff (owner, manager, front
-- desk) and the guest themself (signed in, or with the booking token) may.
create or replace function app_public.cancel_reservation(
  reservation_id uuid,
  idempotency_key text,
  reason text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('cancel_reservation', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(cancel_reservation.reservation_id, '{owner,manager,front_desk}', 'cancel reservations', true);
  if v_res.status not in ('held', 'confirmed') then
    perform app_private.invalid_transition(v_res, 'cancelled');
  end if;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A cancellation reason can be at most 500 characters.';
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());

  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = cancel_reservation.reason
   where r.id = v_res.id
  returning * into v_res;
  if v_res.confirmed_at is not null then
    perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                                 'Booking ' || v_res.confirmation_code || ' cancelled');
    perform app_private.schedule_payments(v_res);
    perform app_private.refund_overpayment(v_res, 'Reservation cancelled');
  end if;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.cancel_reservation(uuid, text, text) is
  E'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.cancel_reservation.sql
--! Included app_public.mark_no_show.sql
-- Records that a confirmed guest did not arrive (from the arrival date on):
-- the late-cancellation terms apply (penalty_amount) and the unit is freed;
-- the folio keeps only the penalty, as on cancellation.
create or replace function app_public.mark_no_show(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('mark_no_show', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(mark_no_show.reservation_id, '{owner,manager,front_desk}', 'record no-shows');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'marked as a no-show');
  end if;
  if app_private.local_today(v_res.property_id) < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('A no-show can be recorded from the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());
  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'no_show', no_show_at = pg_catalog.now(), penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' no-show');
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'No-show');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show on or after its arrival date: the penalty applies and the unit is freed. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_no_show.sql
--! Included app_public.check_out.sql
-- Checks a guest out. Leaving before the departure date gives the remaining
-- nights back (the claim ends today). The unit becomes dirty and the folio
-- is closed to charges (payments and refunds still post to it).
create or replace function app_public.check_out(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
begin
  v_replay := app_private.idempotency_begin('check_out', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_out.reservation_id, '{owner,manager,front_desk}', 'check guests out');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'checked out');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.upper(v_res.stay) then
    perform app_private.release_claims(v_res, v_today);
  end if;
  update app_public.units u set housekeeping_status = 'dirty'
   where u.property_id = v_res.property_id and u.id = v_res.unit_id and u.housekeeping_status <> 'out_of_order';
  update app_public.reservations r set status = 'checked_out', checked_out_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.status = 'open';
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_out.sql

------------------------------------------------------------------------------
-- Invoices and credit notes
------------------------------------------------------------------------------
create type app_public.invoice_kind as enum ('invoice', 'credit_note');
create table app_private.invoice_counters (
  property_id uuid not null references app_public.properties on delete cascade,
  kind app_public.invoice_kind not null,
  last_number integer not null check (last_number > 0),
  primary key (property_id, kind)
);
comment on table app_private.invoice_counters is E'The last number issued per property and document kind; locked by the issuing transaction, so numbers have no gaps.';

create table app_public.invoices (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  folio_id uuid not null,
  reservation_id uuid not null,
  kind app_public.invoice_kind not null,
  number integer not null check (number > 0),
  document_number text not null,
  credits_invoice_id uuid,
  reason text check (pg_catalog.length(reason) <= 500),
  currency char(3) not null,
  lines jsonb not null check (pg_catalog.jsonb_typeof(lines) = 'array' and pg_catalog.jsonb_array_length(lines) > 0),
  net_amount bigint not null,
  tax_amount bigint not null,
  total_amount bigint not null check (total_amount = net_amount + tax_amount),
  bill_to jsonb not null,
  issued_at timestamptz not null default pg_catalog.now(),
  issued_by uuid references app_public.users on delete set null,
  unique (property_id, id),
  unique (property_id, kind, number),
  unique (property_id, credits_invoice_id),
  check ((kind = 'credit_note') = (credits_invoice_id is not null)),
  foreign key (property_id, folio_id) references app_public.folios (property_id, id) on delete restrict,
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete restrict,
  foreign key (property_id, credits_invoice_id) references app_public.invoices (property_id, id) on delete restrict
);
comment on table app_public.invoices is E'Invoices and credit notes of a folio, numbered per property and kind without gaps. Immutable once issued.';
comment on column app_public.invoices.lines is E'[{account_id, description, kind: revenue|tax, amount}], amounts in minor units (negative on credit notes).';
comment on column app_public.invoices.bill_to is E'The guest and stay as they were when the document was issued.';
create index invoices_folio_idx on app_public.invoices (property_id, folio_id);
comment on constraint invoices_property_id_credits_invoice_id_key on app_public.invoices is E'@behavior -*';
comment on constraint invoices_property_id_kind_number_key on app_public.invoices is E'@behavior -*';
comment on constraint invoices_property_id_credits_invoice_id_fkey on app_public.invoices is E'@fieldName creditedInvoice\n@foreignSingleFieldName creditNote';
comment on constraint invoices_property_id_folio_id_fkey on app_public.invoices is E'@fieldName folio\n@foreignFieldName invoices';
comment on constraint invoices_property_id_reservation_id_fkey on app_public.invoices is E'@fieldName reservation\n@foreignFieldName invoices';
alter table app_public.invoices enable row level security;
create trigger _100_append_only before update or delete on app_public.invoices for each row execute function audit.tg__append_only();
create trigger _100_append_only_truncate before truncate on app_public.invoices for each statement execute function audit.tg__append_only();
create trigger _500_audit after insert on app_public.invoices for each row execute function audit.tg__record();
--! Included app_private.insert_invoice.sql
-- Writes an invoice or credit note with the next number of its kind at the
-- property (the counter row is locked until commit: no gaps, no doubles),
-- its totals and the bill-to snapshot of the guest.
create or replace function app_private.insert_invoice(
  folio app_public.folios,
  reservation app_public.reservations,
  kind app_public.invoice_kind,
  lines jsonb,
  credits_invoice_id uuid,
  reason text
) returns app_public.invoices
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_number integer;
  v_invoice app_public.invoices;
begin
  insert into app_private.invoice_counters as c (property_id, kind, last_number)
  values (folio.property_id, insert_invoice.kind, 1)
  on conflict (property_id, kind) do update set last_number = c.last_number + 1
  returning c.last_number into v_number;

  insert into app_public.invoices (property_id, folio_id, reservation_id, kind, number, document_number, credits_invoice_id, reason,
                                   currency, lines, net_amount, tax_amount, total_amount, bill_to, issued_by)
  select folio.property_id, folio.id, reservation.id, insert_invoice.kind, v_number,
         case insert_invoice.kind when 'invoice' then 'INV-' else 'CN-' end || pg_catalog.lpad(v_number::text, 6, '0'),
         insert_invoice.credits_invoice_id, insert_invoice.reason, reservation.currency, insert_invoice.lines,
         coalesce((select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(insert_invoice.lines) l where l ->> 'kind' = 'revenue'), 0),
         coalesce((select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(insert_invoice.lines) l where l ->> 'kind' = 'tax'), 0),
         (select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(insert_invoice.lines) l),
         pg_catalog.jsonb_build_object('name', g.full_name, 'email', g.email, 'confirmation_code', reservation.confirmation_code,
                                       'arrival', pg_catalog.lower(reservation.stay), 'departure', pg_catalog.upper(reservation.stay)),
         app_hidden.current_user_id()
    from app_public.guests g
   where g.property_id = reservation.property_id and g.id = reservation.guest_id
  returning * into v_invoice;
  return v_invoice;
end;
$$;
comment on function app_private.insert_invoice(app_public.folios, app_public.reservations, app_public.invoice_kind, jsonb, uuid, text) is
  E'Inserts an invoice or credit note under the next gapless number of its kind at the property.';
--! EndIncluded app_private.insert_invoice.sql
--! Included app_public.issue_invoice.sql
-- Issues the invoice of a folio: what its reservation was charged (per
-- revenue and tax account, from the ledger) and not yet invoiced. Numbers
-- come from a counter row per property and document kind, incremented in
-- this transaction: a rollback gives the number back, so numbers have no
-- gaps, and concurrent issuers wait on the row. An invoice is immutable
-- once issued; a charge that went down is corrected by a credit note, then
-- a new invoice.
create or replace function app_public.issue_invoice(folio_id uuid, idempotency_key text) returns app_public.invoices
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_lines jsonb;
  v_invoice app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_invoice', idempotency_key, pg_catalog.jsonb_build_object('folio_id', folio_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = issue_invoice.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  v_res := app_private.lock_reservation(v_folio.reservation_id, '{owner,manager,accountant,front_desk}', 'issue invoices');

  with charged as (
    select a.id as account_id, a.name, a.purpose, -sum(p.amount) as amount
      from app_public.journal_entries e
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
     where e.property_id = v_res.property_id and e.cause_type = 'reservation' and e.cause_id = v_res.id
       and a.purpose is distinct from 'guest_receivable'
     group by a.id, a.name, a.purpose
  ),
  invoiced as (
    select (l ->> 'account_id')::uuid as account_id, sum((l ->> 'amount')::bigint) as amount
      from app_public.invoices i cross join pg_catalog.jsonb_array_elements(i.lines) l
     where i.property_id = v_res.property_id and i.folio_id = v_folio.id
     group by 1
  )
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'account_id', c.account_id, 'description', c.name,
           'kind', case when c.purpose = 'tax_payable' then 'tax' else 'revenue' end,
           'amount', c.amount - coalesce(i.amount, 0))
         order by c.purpose = 'tax_payable', c.name)
    into v_lines
    from charged c left join invoiced i on i.account_id = c.account_id
   where c.amount - coalesce(i.amount, 0) <> 0;
  if v_lines is null then
    raise exception using errcode = 'INVLD', message = 'Everything charged on this folio is invoiced already.';
  end if;
  if (select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(v_lines) l) < 0 then
    raise exception using errcode = 'TRANS',
      message = 'The charges went down since the last invoice: issue a credit note for it first, then a new invoice.';
  end if;
  v_invoice := app_private.insert_invoice(v_folio, v_res, 'invoice', v_lines, null, null);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_invoice));
  return v_invoice;
end;
$$;
comment on function app_public.issue_invoice(uuid, text) is
  E'Issues an invoice (numbered per property without gaps) for what a folio was charged and not yet invoiced. Errors: NTFND, DNIED, INVALID_INPUT (nothing to invoice), INVALID_TRANSITION (credit the last invoice first), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.issue_invoice.sql
--! Included app_public.issue_credit_note.sql
-- Cancels an issued invoice with a credit note: the same lines, negated,
-- under the next credit-note number. An invoice is credited at most once;
-- the invoice itself never changes.
create or replace function app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text) returns app_public.invoices
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_note app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_credit_note', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = issue_credit_note.invoice_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_invoice.property_id and f.id = v_invoice.folio_id;
  v_res := app_private.lock_reservation(v_folio.reservation_id, '{owner,manager,accountant}', 'issue credit notes');
  if v_invoice.kind <> 'invoice' then
    raise exception using errcode = 'TRANS', message = 'Only an invoice can be credited, not a credit note.';
  end if;
  if exists (select 1 from app_public.invoices i where i.property_id = v_invoice.property_id and i.credits_invoice_id = v_invoice.id) then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('Invoice %s is credited already.', v_invoice.document_number);
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'A credit note needs a reason (1 to 500 characters).';
  end if;
  v_note := app_private.insert_invoice(v_folio, v_res, 'credit_note',
              (select pg_catalog.jsonb_agg(l || pg_catalog.jsonb_build_object('amount', -(l ->> 'amount')::bigint) order by o)
                 from pg_catalog.jsonb_array_elements(v_invoice.lines) with ordinality x(l, o)),
              v_invoice.id, pg_catalog.btrim(reason));
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_note));
  return v_note;
end;
$$;
comment on function app_public.issue_credit_note(uuid, text, text) is
  E'Credits an issued invoice in full with a credit note (its own gapless numbers). Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.issue_credit_note.sql

------------------------------------------------------------------------------
-- Owners and payouts (vacation rentals)
------------------------------------------------------------------------------
create table app_public.owners (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  email public.citext check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  commission_percent numeric(5, 2) not null check (commission_percent between 0 and 100),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id)
);
comment on table app_public.owners is E'Who owns units of a property (vacation rentals) and the commission the property manager keeps on their rental revenue.';
alter table app_public.owners enable row level security;
create trigger _100_timestamps before insert or update on app_public.owners for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.owners for each row execute function audit.tg__record();

alter table app_public.units add column owner_id uuid;
alter table app_public.units add constraint units_owner_fkey foreign key (property_id, owner_id) references app_public.owners (property_id, id) on delete restrict;
comment on constraint units_owner_fkey on app_public.units is E'@fieldName owner\n@foreignFieldName units';
comment on column app_public.units.owner_id is E'The owner of the unit, when it is not the property''s own.';
create index units_owner_idx on app_public.units (property_id, owner_id) where owner_id is not null;

create table app_public.payouts (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  owner_id uuid not null,
  period_end date not null,
  currency char(3) not null,
  room_revenue bigint not null,
  cancellation_revenue bigint not null,
  commission bigint not null,
  owner_share bigint not null,
  paid_at timestamptz,
  created_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  check (owner_share = room_revenue + cancellation_revenue - commission),
  foreign key (property_id, owner_id) references app_public.owners (property_id, id) on delete restrict
);
comment on table app_public.payouts is E'One owner''s share of rental revenue in a payout run, posted to owner payable; paid_at once transferred.';
comment on constraint payouts_property_id_owner_id_fkey on app_public.payouts is E'@fieldName owner\n@foreignFieldName payouts';
create index payouts_owner_idx on app_public.payouts (property_id, owner_id);
alter table app_public.payouts enable row level security;
create trigger _500_audit after insert or update on app_public.payouts for each row execute function audit.tg__record();

create table app_public.payout_lines (
  payout_id uuid not null,
  property_id uuid not null,
  owner_id uuid not null,
  reservation_id uuid not null,
  room_revenue bigint not null,
  cancellation_revenue bigint not null,
  commission bigint not null,
  owner_share bigint not null,
  primary key (payout_id, reservation_id),
  foreign key (property_id, payout_id) references app_public.payouts (property_id, id) on delete restrict,
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete restrict
);
comment on table app_public.payout_lines is E'What a payout included for each stay (differences against earlier payouts of the same stay).';
comment on constraint payout_lines_property_id_payout_id_fkey on app_public.payout_lines is E'@fieldName payout\n@foreignFieldName lines';
comment on constraint payout_lines_property_id_reservation_id_fkey on app_public.payout_lines is E'@fieldName reservation\n@foreignFieldName payoutLines';
create index payout_lines_reservation_idx on app_public.payout_lines (property_id, owner_id, reservation_id);
alter table app_public.payout_lines enable row level security;
create trigger _100_append_only before update or delete on app_public.payout_lines for each row execute function audit.tg__append_only();
--! Included app_public.run_payouts.sql
-- Pays owners their share of the rental revenue (room and cancellation
-- revenue) of stays on their units that ended by period_end (departed, or
-- checked out early): per
-- reservation, the share now due (revenue less the owner's commission)
-- minus what earlier payouts already included for it. So a stay is never
-- paid twice, and a stay whose revenue changed after it was paid out (a late
-- cancellation, a correction) is trued up in the next run. Each owner's row
-- is locked while their payout is computed, so two runs at once cannot both
-- pay the same revenue. Posts per payout: Dr room / cancellation revenue,
-- Cr commission revenue and owner payable. Returns the payouts made.
create or replace function app_public.run_payouts(property_id uuid, period_end date, idempotency_key text)
  returns setof app_public.payouts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_owner app_public.owners;
  v_payout app_public.payouts;
  v_ids uuid[] := '{}';
  v_currency char(3);
  v_due jsonb;
begin
  v_replay := app_private.idempotency_begin('run_payouts', idempotency_key,
                pg_catalog.jsonb_build_object('property_id', property_id, 'period_end', period_end));
  if v_replay is not null then
    return query select p.* from app_public.payouts p
                  where p.id in (select (x #>> '{}')::uuid from pg_catalog.jsonb_array_elements(v_replay) x);
    return;
  end if;
  perform app_private.require_staff(run_payouts.property_id, '{owner,manager,accountant}', 'run owner payouts');
  if period_end is null or period_end > app_private.local_today(run_payouts.property_id) then
    raise exception using errcode = 'DATES', message = 'A payout period must end today or earlier.';
  end if;
  select p.currency into v_currency from app_public.properties p where p.id = run_payouts.property_id;

  for v_owner in
    select o.* from app_public.owners o where o.property_id = run_payouts.property_id order by o.id for update
  loop
    with stays as (
      select r.id
        from app_public.reservations r
        join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
       where r.property_id = run_payouts.property_id and u.owner_id = v_owner.id
         and r.confirmed_at is not null
         and (pg_catalog.upper(r.stay) <= run_payouts.period_end
              or (r.status = 'checked_out'
                  and r.checked_out_at < (run_payouts.period_end + 1)::timestamp at time zone (select p.time_zone from app_public.properties p where p.id = r.property_id)))
    ),
    earned as (
      select s.id as reservation_id,
             coalesce(-sum(p.amount) filter (where a.purpose = 'room_revenue'), 0) as room_revenue,
             coalesce(-sum(p.amount) filter (where a.purpose = 'cancellation_revenue'), 0) as cancellation_revenue
        from stays s
        join app_public.journal_entries e on e.property_id = run_payouts.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
        join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
        join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
       group by s.id
    ),
    paid as (
      select l.reservation_id, sum(l.room_revenue) as room_revenue, sum(l.cancellation_revenue) as cancellation_revenue,
             sum(l.commission) as commission, sum(l.owner_share) as owner_share
        from app_public.payout_lines l
       where l.property_id = run_payouts.property_id and l.owner_id = v_owner.id
       group by l.reservation_id
    ),
    due as (
      select e.reservation_id, e.room_revenue, e.cancellation_revenue,
             round((e.room_revenue + e.cancellation_revenue) * v_owner.commission_percent / 100)::bigint as commission
        from earned e
    )
    select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x)) into v_due
      from (
        select d.reservation_id,
               d.room_revenue - coalesce(p.room_revenue, 0) as room_revenue,
               d.cancellation_revenue - coalesce(p.cancellation_revenue, 0) as cancellation_revenue,
               d.commission - coalesce(p.commission, 0) as commission,
               (d.room_revenue + d.cancellation_revenue - d.commission) - coalesce(p.owner_share, 0) as owner_share
          from due d left join paid p on p.reservation_id = d.reservation_id
         where d.room_revenue - coalesce(p.room_revenue, 0) <> 0 or d.cancellation_revenue - coalesce(p.cancellation_revenue, 0) <> 0
            or d.commission - coalesce(p.commission, 0) <> 0
      ) x;
    continue when v_due is null;

    insert into app_public.payouts (property_id, owner_id, period_end, currency, room_revenue, cancellation_revenue, commission, owner_share, created_by)
    select run_payouts.property_id, v_owner.id, run_payouts.period_end, v_currency,
           sum(d.room_revenue), sum(d.cancellation_revenue), sum(d.commission), sum(d.owner_share), app_hidden.current_user_id()
      from pg_catalog.jsonb_to_recordset(v_due) d(room_revenue bigint, cancellation_revenue bigint, commission bigint, owner_share bigint)
    returning * into v_payout;
    insert into app_public.payout_lines (payout_id, property_id, owner_id, reservation_id, room_revenue, cancellation_revenue, commission, owner_share)
    select v_payout.id, run_payouts.property_id, v_owner.id, d.reservation_id, d.room_revenue, d.cancellation_revenue, d.commission, d.owner_share
      from pg_catalog.jsonb_to_recordset(v_due)
           d(reservation_id uuid, room_revenue bigint, cancellation_revenue bigint, commission bigint, owner_share bigint);
    perform app_private.post_entry(run_payouts.property_id, 'payout', v_payout.id, 'payout:' || v_payout.id || ':accrue',
      pg_catalog.format('Owner share for %s until %s', v_owner.name, run_payouts.period_end),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'room_revenue', 'amount', v_payout.room_revenue, 'currency', v_currency),
        pg_catalog.jsonb_build_object('purpose', 'cancellation_revenue', 'amount', v_payout.cancellation_revenue, 'currency', v_currency),
        pg_catalog.jsonb_build_object('purpose', 'commission_revenue', 'amount', -v_payout.commission, 'currency', v_currency),
        pg_catalog.jsonb_build_object('purpose', 'owner_payable', 'amount', -v_payout.owner_share, 'currency', v_currency)));
    v_ids := v_ids || v_payout.id;
  end loop;

  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  return query select p.* from app_public.payouts p where p.id = any (v_ids);
end;
$$;
comment on function app_public.run_payouts(uuid, date, text) is
  E'Computes and posts each owner''s share of rental revenue for stays ended by period_end, never paying a stay''s revenue twice. Errors: NTFND, DNIED, DATES, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.run_payouts.sql
--! Included app_public.mark_payout_paid.sql
-- Records that a payout was transferred to its owner (or, when negative,
-- repaid by them): Dr owner payable, Cr payouts (the account the transfers
-- leave from).
create or replace function app_public.mark_payout_paid(payout_id uuid, idempotency_key text) returns app_public.payouts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payout app_public.payouts;
begin
  v_replay := app_private.idempotency_begin('mark_payout_paid', idempotency_key, pg_catalog.jsonb_build_object('payout_id', payout_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payouts, v_replay);
  end if;
  select * into v_payout from app_public.payouts p where p.id = mark_payout_paid.payout_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payout, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_payout.property_id, '{owner,manager,accountant}', 'pay owners');
  if v_payout.paid_at is not null then
    raise exception using errcode = 'TRANS', message = 'This payout is recorded as paid already.';
  end if;
  -- A negative payout (revenue taken back after it was paid out) is money
  -- the owner returns: the same entry with the signs turned.
  if v_payout.owner_share <> 0 then
    perform app_private.post_entry(v_payout.property_id, 'payout', v_payout.id, 'payout:' || v_payout.id || ':paid',
      'Payout transferred to the owner',
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'owner_payable', 'amount', v_payout.owner_share, 'currency', v_payout.currency),
        pg_catalog.jsonb_build_object('purpose', 'payouts', 'amount', -v_payout.owner_share, 'currency', v_payout.currency)));
  end if;
  update app_public.payouts p set paid_at = pg_catalog.now() where p.id = v_payout.id returning * into v_payout;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_payout));
  return v_payout;
end;
$$;
comment on function app_public.mark_payout_paid(uuid, text) is
  E'Records a payout as transferred: Dr owner payable / Cr payouts. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_payout_paid.sql
--! Included app_public.owner_statement.sql
-- An owner's statement for a period, from the ledger: per stay on their
-- units that ended in the period (departed, or checked out early), the rental revenue (room and
-- cancellation), the fees collected, the commission, the owner's share and
-- how much of it payouts have included so far.
create or replace function app_public.owner_statement(owner_id uuid, period_start date, period_end date)
  returns table (
    reservation_id uuid,
    confirmation_code text,
    unit_name text,
    arrival date,
    departure date,
    status app_public.reservation_status,
    currency char(3),
    rental_revenue bigint,
    fees bigint,
    commission bigint,
    owner_share bigint,
    paid_out bigint
  )
  language sql stable security invoker
  set search_path to pg_catalog, public, pg_temp
as $$
  with o as (select * from app_public.owners o where o.id = owner_statement.owner_id),
  stays as (
    select r.*, u.name as unit_name, o.commission_percent
      from o
      join app_public.properties p on p.id = o.property_id
      join app_public.units u on u.property_id = o.property_id and u.owner_id = o.id
      join app_public.reservations r on r.property_id = u.property_id and r.unit_id = u.id
     where r.confirmed_at is not null
       and case when r.status = 'checked_out' then least(pg_catalog.upper(r.stay), (r.checked_out_at at time zone p.time_zone)::date)
                else pg_catalog.upper(r.stay) end
           between owner_statement.period_start and owner_statement.period_end
  ),
  earned as (
    select s.id,
           coalesce(-sum(p.amount) filter (where a.purpose in ('room_revenue', 'cancellation_revenue')), 0)::bigint as rental,
           coalesce(-sum(p.amount) filter (where a.purpose = 'fee_revenue'), 0)::bigint as fees
      from stays s
      join app_public.journal_entries e on e.property_id = s.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
     group by s.id
  )
  select s.id, s.confirmation_code, s.unit_name, pg_catalog.lower(s.stay), pg_catalog.upper(s.stay), s.status, s.currency,
         e.rental, e.fees,
         round(e.rental * s.commission_percent / 100)::bigint,
         e.rental - round(e.rental * s.commission_percent / 100)::bigint,
         coalesce((select sum(l.owner_share) from app_public.payout_lines l where l.property_id = s.property_id and l.reservation_id = s.id), 0)::bigint
    from stays s join earned e on e.id = s.id
   order by pg_catalog.upper(s.stay), s.confirmation_code;
$$;
comment on function app_public.owner_statement(uuid, date, date) is
  E'An owner''s statement: per stay ended in the period, rental revenue, fees, commission, owner share and what payouts included.';
--! EndIncluded app_public.owner_statement.sql

------------------------------------------------------------------------------
-- Reconciliation with the provider's settlement reports
------------------------------------------------------------------------------
create type app_public.reconciliation_difference_kind as enum ('missing', 'extra', 'amount_mismatch');
create table app_public.settlement_reports (
  id uuid primary key default gen_random_uuid(),
  provider text not null,
  report_date date not null,
  line_count integer not null,
  difference_count integer not null default 0,
  imported_at timestamptz not null default pg_catalog.now(),
  unique (provider, report_date)
);
comment on table app_public.settlement_reports is E'A provider''s settlement report of one UTC day, imported by the reconciliation job.';
alter table app_public.settlement_reports enable row level security;

create table app_public.settlement_lines (
  report_id uuid not null references app_public.settlement_reports on delete cascade,
  line_no integer not null,
  provider_object_id text not null,
  type text not null,
  occurred_at timestamptz not null,
  currency char(3) not null,
  amount bigint not null,
  fee bigint not null,
  net bigint not null,
  charge_id text,
  reference text,
  primary key (report_id, line_no)
);
comment on table app_public.settlement_lines is E'The lines of a settlement report as the provider sent them.';
alter table app_public.settlement_lines enable row level security;

create table app_public.reconciliation_differences (
  id uuid primary key default gen_random_uuid(),
  report_id uuid not null references app_public.settlement_reports on delete cascade,
  property_id uuid references app_public.properties on delete cascade,
  kind app_public.reconciliation_difference_kind not null,
  reference text,
  provider_object_id text,
  currency char(3),
  ledger_amount bigint,
  report_amount bigint,
  created_at timestamptz not null default pg_catalog.now(),
  resolved_at timestamptz,
  resolved_by uuid references app_public.users on delete set null,
  resolution_note text check (pg_catalog.length(resolution_note) <= 1000)
);
comment on table app_public.reconciliation_differences is E'A difference between the ledger and a settlement report: missing (ledger only), extra (report only), amount_mismatch. Staff resolve them.';
create index reconciliation_differences_property_idx on app_public.reconciliation_differences (property_id, created_at desc);
alter table app_public.reconciliation_differences enable row level security;
--! Included app_private.import_settlement.sql
-- Imports a provider's settlement report of one UTC day and reconciles it
-- with the ledger: every capture (by the provider's capture time) and every
-- paid refund (by its refund time) of that day that moved money through the
-- provider's clearing account, against every line of the report, matched
-- by reference (Keepr's attempt or refund id). Records each difference:
-- missing (in the ledger, not in the report), extra (in the report, not in
-- the ledger) and amount_mismatch. Importing the same day again returns the
-- first import and records nothing new.
create or replace function app_private.import_settlement(provider text, report_date date, lines jsonb) returns uuid
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_report_id uuid;
begin
  insert into app_public.settlement_reports (provider, report_date, line_count)
  values (import_settlement.provider, import_settlement.report_date, pg_catalog.jsonb_array_length(lines))
  on conflict (provider, report_date) do nothing
  returning id into v_report_id;
  if v_report_id is null then
    return (select r.id from app_public.settlement_reports r where r.provider = import_settlement.provider and r.report_date = import_settlement.report_date);
  end if;

  insert into app_public.settlement_lines (report_id, line_no, provider_object_id, type, occurred_at, currency, amount, fee, net, charge_id, reference)
  select v_report_id, l.o::integer, l.v ->> 'id', l.v ->> 'type', (l.v ->> 'created')::timestamptz, l.v ->> 'currency',
         (l.v ->> 'amount')::bigint, (l.v ->> 'fee')::bigint, (l.v ->> 'net')::bigint, l.v ->> 'charge', l.v ->> 'reference'
    from pg_catalog.jsonb_array_elements(lines) with ordinality l(v, o);

  with ledger as (
    select a.property_id, a.id::text as reference, a.provider_charge_id as object_id, a.amount, a.currency
      from app_public.payment_attempts a
      join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
     where a.status = 'captured' and i.provider = import_settlement.provider
       and (a.captured_at at time zone 'UTC')::date = import_settlement.report_date
    union all
    select f.property_id, f.id::text, f.provider_refund_id, -f.amount, f.currency
      from app_public.refunds f
      join app_public.payment_intents i on i.property_id = f.property_id and i.id = f.intent_id
     where f.status = 'succeeded' and i.provider = import_settlement.provider
       and (f.refunded_at at time zone 'UTC')::date = import_settlement.report_date
  ),
  report as (
    select s.reference, s.provider_object_id as object_id, s.amount, s.currency
      from app_public.settlement_lines s where s.report_id = v_report_id
  )
  insert into app_public.reconciliation_differences (report_id, property_id, kind, reference, provider_object_id, currency, ledger_amount, report_amount)
  select v_report_id,
         coalesce(l.property_id,
                  (select a.property_id from app_public.payment_attempts a where a.id::text = r.reference),
                  (select f.property_id from app_public.refunds f where f.id::text = r.reference)),
         (case when r.reference is null then 'missing' when l.reference is null then 'extra' else 'amount_mismatch' end)::app_public.reconciliation_difference_kind,
         coalesce(l.reference, r.reference), coalesce(r.object_id, l.object_id), coalesce(l.currency, r.currency), l.amount, r.amount
    from ledger l
    full join report r on r.reference = l.reference
   where l.reference is null or r.reference is null or l.amount <> r.amount or l.currency <> r.currency;

  update app_public.settlement_reports r
     set difference_count = (select count(*) from app_public.reconciliation_differences d where d.report_id = v_report_id)
   where r.id = v_report_id;
  return v_report_id;
end;
$$;
comment on function app_private.import_settlement(text, date, jsonb) is
  E'Imports a provider settlement report of a UTC day and records every difference with the ledger (missing, extra, amount_mismatch); idempotent per day.';
--! EndIncluded app_private.import_settlement.sql

-- GraphQL names for the ledger's relations (migration 000003).
comment on constraint folios_property_id_reservation_id_fkey on app_public.folios is E'@fieldName reservation\n@foreignSingleFieldName folio';
comment on constraint folio_balances_property_id_folio_id_fkey on app_public.folio_balances is E'@fieldName folio\n@foreignFieldName balances';
comment on constraint postings_property_id_entry_id_fkey on app_public.postings is E'@fieldName entry\n@foreignFieldName postings';
comment on constraint postings_property_id_account_id_fkey on app_public.postings is E'@fieldName account\n@foreignFieldName postings';
comment on constraint postings_property_id_folio_id_fkey on app_public.postings is E'@fieldName folio\n@foreignFieldName postings';
comment on constraint journal_entries_property_id_reverses_entry_id_fkey on app_public.journal_entries is E'@fieldName reversedEntry\n@foreignFieldName reversals';
comment on constraint ledger_accounts_property_id_tax_id_fkey on app_public.ledger_accounts is E'@fieldName tax\n@foreignFieldName ledgerAccounts';
comment on constraint reconciliation_differences_report_id_fkey on app_public.reconciliation_differences is E'@behavior -*';
comment on constraint ledger_accounts_property_id_id_key on app_public.ledger_accounts is E'@behavior -*';
comment on constraint folios_property_id_id_key on app_public.folios is E'@behavior -*';
comment on constraint journal_entries_property_id_id_key on app_public.journal_entries is E'@behavior -*';
-- (property_id, id) keys exist for composite foreign keys only.
comment on constraint payment_intents_property_id_id_key on app_public.payment_intents is E'@behavior -*';
comment on constraint payment_attempts_property_id_id_key on app_public.payment_attempts is E'@behavior -*';
comment on constraint refunds_property_id_id_key on app_public.refunds is E'@behavior -*';
comment on constraint invoices_property_id_id_key on app_public.invoices is E'@behavior -*';
comment on constraint owners_property_id_id_key on app_public.owners is E'@behavior -*';
comment on constraint payouts_property_id_id_key on app_public.payouts is E'@behavior -*';

------------------------------------------------------------------------------
-- Reporting (analysts): the ledger without card tokens or guest identity
------------------------------------------------------------------------------
create view reporting.ledger_postings with (security_barrier) as
  select p.id, p.property_id, e.id as entry_id, e.occurred_at, e.cause_type, e.cause_id, e.reverses_entry_id,
         a.code as account_code, a.name as account_name, a.kind as account_kind, a.purpose as account_purpose,
         p.folio_id, p.amount, p.currency
    from app_public.postings p
    join app_public.journal_entries e on e.property_id = p.property_id and e.id = p.entry_id
    join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id;
comment on view reporting.ledger_postings is E'Every posting with its entry and account.';
create view reporting.folio_balances with (security_barrier) as
  select b.property_id, b.folio_id, f.reservation_id, f.status, b.currency, b.balance
    from app_public.folio_balances b join app_public.folios f on f.property_id = b.property_id and f.id = b.folio_id;
comment on view reporting.folio_balances is E'What each folio owes per currency.';
create view reporting.payments with (security_barrier) as
  select i.id, i.property_id, i.reservation_id, i.kind, i.amount, i.currency, i.status, i.due_at, i.amount_captured, i.amount_refunded,
         i.failure_code, i.created_at
    from app_public.payment_intents i;
comment on view reporting.payments is E'Payment intents without card tokens.';
create view reporting.invoices with (security_barrier) as
  select i.id, i.property_id, i.reservation_id, i.kind, i.document_number, i.currency, i.net_amount, i.tax_amount, i.total_amount,
         reporting.mask_email(i.bill_to ->> 'email') as email_masked, i.issued_at
    from app_public.invoices i;
comment on view reporting.invoices is E'Invoices and credit notes with the guest''s email masked and no name.';
-- Settlement reports span every property; staff see their own properties'
-- differences, analysts all of them (an extra line whose reference Keepr
-- does not know belongs to no property).
create view reporting.reconciliation_differences with (security_barrier) as
  select d.id, d.report_id, r.provider, r.report_date, d.property_id, d.kind, d.reference, d.provider_object_id, d.currency,
         d.ledger_amount, d.report_amount, d.created_at, d.resolved_at
    from app_public.reconciliation_differences d join app_public.settlement_reports r on r.id = d.report_id;
comment on view reporting.reconciliation_differences is E'Every difference between the ledger and the provider''s settlement reports.';
grant select on reporting.ledger_postings, reporting.folio_balances, reporting.payments, reporting.invoices,
  reporting.reconciliation_differences to keepr_analyst;

------------------------------------------------------------------------------
-- Read access
------------------------------------------------------------------------------
grant select on app_public.refunds to keepr_anonymous, keepr_worker;
grant select (id, property_id, reservation_id, folio_id, kind, amount, currency, status, due_at, provider, amount_captured,
              amount_refunded, failure_code, failure_message, created_at, updated_at)
  on app_public.payment_intents to keepr_anonymous;
grant select on app_public.payment_intents to keepr_worker;
grant select (id, property_id, intent_id, amount, currency, status, provider_charge_id, captured_at, failure_code,
              failure_message, created_at, updated_at)
  on app_public.payment_attempts to keepr_anonymous;
grant select on app_public.payment_attempts to keepr_worker;
create policy select_staff_or_guest on app_public.payment_intents for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant,front_desk}'))
  or reservation_id in (select r.id from app_public.reservations r
                         where r.id = (select app_hidden.current_booking_id())
                            or (r.user_id is not null and r.user_id = (select app_hidden.current_user_id())))
);
create policy select_staff_or_guest on app_public.payment_attempts for select using (
  intent_id in (select i.id from app_public.payment_intents i)
);
create policy select_staff_or_guest on app_public.refunds for select using (
  intent_id in (select i.id from app_public.payment_intents i)
);
create policy worker_all on app_public.payment_intents for select to keepr_worker using (true);
create policy worker_all on app_public.payment_attempts for select to keepr_worker using (true);
create policy worker_all on app_public.refunds for select to keepr_worker using (true);
create policy worker_all on app_public.folios for select to keepr_worker using (true);
grant execute on function app_public.pay(uuid, text, text), app_public.refund_payment(uuid, bigint, text, text) to keepr_anonymous;
grant execute on function app_private.record_authorization(uuid, text), app_private.record_capture(uuid, text, timestamptz),
  app_private.record_payment_failure(uuid, text, text), app_private.record_refund(uuid, text, timestamptz),
  app_private.record_refund_failure(uuid, text, text), app_private.apply_payment_event(text, jsonb),
  app_private.start_due_payments()
  to keepr_worker;

-- Guests read their own folio's balance and postings (the folios policy
-- decides which folios they see).
grant select on app_public.folio_balances, app_public.postings to keepr_anonymous;
drop policy if exists select_visible_folio on app_public.folio_balances;
drop policy if exists select_visible_folio on app_public.postings;
create policy select_visible_folio on app_public.folio_balances for select using (folio_id in (select f.id from app_public.folios f));
create policy select_visible_folio on app_public.postings for select using (folio_id in (select f.id from app_public.folios f));
grant select on app_public.invoices to keepr_anonymous, keepr_worker;
create policy select_staff_or_guest on app_public.invoices for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant,front_desk}'))
  or reservation_id in (select r.id from app_public.reservations r
                         where r.id = (select app_hidden.current_booking_id())
                            or (r.user_id is not null and r.user_id = (select app_hidden.current_user_id())))
);
grant execute on function app_public.issue_invoice(uuid, text), app_public.issue_credit_note(uuid, text, text) to keepr_staff;
grant select on app_public.owners, app_public.payouts, app_public.payout_lines to keepr_staff;
grant insert (property_id, name, email, commission_percent), update (name, email, commission_percent) on app_public.owners to keepr_staff;
grant update (owner_id) on app_public.units to keepr_staff;
create policy select_accounting on app_public.owners for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}')));
create policy manage_accounting on app_public.owners for insert with check (
  property_id in (select app_hidden.current_property_ids('{owner,manager}')));
create policy update_accounting on app_public.owners for update using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}')));
create policy select_accounting on app_public.payouts for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}')));
create policy select_accounting on app_public.payout_lines for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}')));
grant execute on function app_public.run_payouts(uuid, date, text), app_public.mark_payout_paid(uuid, text),
  app_public.owner_statement(uuid, date, date) to keepr_staff;
grant select on app_public.reconciliation_differences to keepr_staff;
grant update (resolved_at, resolution_note) on app_public.reconciliation_differences to keepr_staff;
create policy select_accounting on app_public.reconciliation_differences for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}')));
create policy resolve_accounting on app_public.reconciliation_differences for update using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}')));
grant execute on function app_private.import_settlement(text, date, jsonb) to keepr_worker;
grant select on app_public.settlement_reports to keepr_worker;
create policy worker_all on app_public.settlement_reports for select to keepr_worker using (true);
