--! Previous: sha1:f786352731e8f5683e69f076c6517e711db5298c
--! Hash: sha1:a8dfceb2b78ee171b2ff2676a2acb31c0b8e3ea2
--! Message: Issue 18: payment guarantee per rate plan, card on file, no-show time

-- Issue 18 (helper B): a payment guarantee per rate plan, the card on file,
-- the no-show time.

------------------------------------------------------------------------------
-- Schema
------------------------------------------------------------------------------
-- How long a booking may stay unpaid after a due payment failed.
alter table app_public.rate_plans add column if not exists payment_deadline_hours integer not null default 24;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'rate_plans_payment_deadline_hours_check') then
    alter table app_public.rate_plans add constraint rate_plans_payment_deadline_hours_check
      check (payment_deadline_hours between 1 and 720);
  end if;
end
$$;
comment on column app_public.rate_plans.payment_deadline_hours is
  E'The payment guarantee: how many hours a booking may stay unpaid after a payment that was due failed (1 to 720, default 24). Then it is cancelled under the plan''s cancellation terms and its nights are released, unless staff extend the deadline or waive the guarantee.';
grant insert (payment_deadline_hours), update (payment_deadline_hours) on app_public.rate_plans to keepr_staff;

-- When a confirmed guest who did not arrive may be recorded as a no-show.
alter table app_public.properties add column if not exists no_show_time time not null default '02:00';
alter table app_public.properties add column if not exists no_show_day_offset integer not null default 1;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'properties_no_show_day_offset_check') then
    alter table app_public.properties add constraint properties_no_show_day_offset_check check (no_show_day_offset between 0 and 7);
  end if;
end
$$;
comment on column app_public.properties.no_show_time is
  E'The local time from which a guest who did not arrive may be recorded as a no-show, on the day no_show_day_offset days after the arrival date (default: the next day at 02:00).';
comment on column app_public.properties.no_show_day_offset is
  E'The day of the no-show time: 0 = the arrival date, 1 = the next day (default), up to 7.';
grant update (no_show_time, no_show_day_offset) on app_public.properties to keepr_staff;

-- The guarantee and the card on file of a reservation.
alter table app_public.reservations add column if not exists payment_due_by timestamptz;
alter table app_public.reservations add column if not exists payment_guarantee_waived_at timestamptz;
alter table app_public.reservations add column if not exists payment_guarantee_note text;
alter table app_public.reservations add column if not exists card_brand text;
alter table app_public.reservations add column if not exists card_last4 text;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'reservations_payment_guarantee_note_check') then
    alter table app_public.reservations add constraint reservations_payment_guarantee_note_check
      check (pg_catalog.length(payment_guarantee_note) <= 500);
  end if;
  if not exists (select 1 from pg_constraint where conname = 'reservations_card_check') then
    alter table app_public.reservations add constraint reservations_card_check
      check (card_last4 ~ '^[0-9]{4}$' and card_brand ~ '^[a-z_]{1,20}$');
  end if;
end
$$;
comment on column app_public.reservations.payment_due_by is
  E'Payment due: a payment that was due failed, and the booking is cancelled under its rate plan''s terms if it is still unpaid at this time (set from the plan''s payment_deadline_hours; staff may extend it or waive the guarantee). Null when nothing is due.';
comment on column app_public.reservations.payment_guarantee_waived_at is
  E'When staff waived the payment guarantee: the booking is kept even if a payment stays unpaid.';
comment on column app_public.reservations.payment_guarantee_note is
  E'The reason staff gave for the last extension or waiver of the payment deadline.';
comment on column app_public.reservations.card_brand is
  E'The card on file: its brand (visa, mastercard, amex, ...), from the payment provider. The card that last succeeded, or the one the guest gave last.';
comment on column app_public.reservations.card_last4 is
  E'The card on file: its last four digits.';
create index if not exists reservations_payment_due_idx on app_public.reservations (property_id, payment_due_by) where payment_due_by is not null;

-- Which card paid, as the provider said it (never its number).
alter table app_public.payment_attempts add column if not exists card_brand text;
alter table app_public.payment_attempts add column if not exists card_last4 text;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'payment_attempts_card_check') then
    alter table app_public.payment_attempts add constraint payment_attempts_card_check
      check (card_last4 ~ '^[0-9]{4}$' and card_brand ~ '^[a-z_]{1,20}$');
  end if;
end
$$;
comment on column app_public.payment_attempts.card_brand is E'The brand of the card charged (visa, mastercard, ...), from the provider once captured.';
comment on column app_public.payment_attempts.card_last4 is E'The last four digits of the card charged, from the provider once captured.';
grant select (card_brand, card_last4) on app_public.payment_attempts to keepr_anonymous, keepr_worker;

-- The token of the card on file (never a card number), out of the API's reach.
create table if not exists app_private.cards_on_file (
  reservation_id uuid primary key,
  property_id uuid not null,
  payment_token text not null check (payment_token ~ '^tok_[A-Za-z0-9_]{6,100}$'),
  brand text check (brand ~ '^[a-z_]{1,20}$'),
  last4 text check (last4 ~ '^[0-9]{4}$'),
  set_at timestamptz not null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete cascade
);
comment on table app_private.cards_on_file is
  E'The card on file of each reservation: the provider token charged for its remaining schedule and at the desk. set_at orders replacements: a capture of an attempt older than the card on file does not take its place.';
create index if not exists cards_on_file_property_idx on app_private.cards_on_file (property_id, reservation_id);
drop trigger if exists _100_timestamps on app_private.cards_on_file;
create trigger _100_timestamps before insert or update on app_private.cards_on_file
  for each row execute function app_private.tg__timestamps();

-- A charge on the card on file at the desk (extras, damages): not part of
-- the booking's schedule.
alter type app_public.payment_kind add value if not exists 'incidental';

-- What a booking is, with its payment deadline.
do $$
begin
  if not exists (select 1 from pg_attribute where attrelid = 'app_public.booking'::regclass and attname = 'payment_due_by' and not attisdropped) then
    alter type app_public.booking add attribute payment_due_by timestamptz;
  end if;
end
$$;

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------
--! Included app_private.card_label.sql
-- How people name a card: "Visa •• 4242" (brand as the card says it, the
-- last four digits). Null without the last four.
create or replace function app_private.card_label(brand text, last4 text) returns text
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when last4 is null then null
              else case lower(coalesce(brand, ''))
                     when 'visa' then 'Visa'
                     when 'mastercard' then 'Mastercard'
                     when 'amex' then 'American Express'
                     when 'discover' then 'Discover'
                     when 'jcb' then 'JCB'
                     when 'diners' then 'Diners Club'
                     when 'unionpay' then 'UnionPay'
                     else 'Card'
                   end || ' •• ' || last4
         end;
$$;
comment on function app_private.card_label(text, text) is E'A card as people name it: "Visa •• 4242".';
--! EndIncluded app_private.card_label.sql
--! Included app_private.booking_of.sql
-- The booking result of a reservation.
create or replace function app_private.booking_of(r app_public.reservations) returns app_public.booking
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (r.id, r.property_id, r.confirmation_code, r.status, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay),
          r.currency, r.total_amount, r.penalty_amount, r.refund_amount, r.payment_due_by)::app_public.booking;
$$;
comment on function app_private.booking_of(app_public.reservations) is E'A reservation as a booking result.';
--! EndIncluded app_private.booking_of.sql
--! Included app_private.set_card_on_file.sql
-- Makes a card the card on file of a (locked) reservation: its token for
-- every open payment of the schedule (charged when each falls due) and for
-- the desk, its brand and last four on the reservation for people to see.
-- `since` orders replacements: a card given or proven at an earlier moment
-- than the card on file (a capture arriving late for an older attempt) does
-- not replace it. Returns whether the card became the card on file.
create or replace function app_private.set_card_on_file(
  reservation app_public.reservations,
  payment_token text,
  brand text,
  last4 text,
  since timestamptz
) returns boolean
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_current app_private.cards_on_file;
  v_brand text := case when lower(brand) ~ '^[a-z_]{1,20}$' then lower(brand) end;
  v_last4 text := case when last4 ~ '^[0-9]{4}$' then last4 end;
begin
  select * into v_current from app_private.cards_on_file c where c.reservation_id = reservation.id for update;
  if found then
    if v_current.set_at > since then
      return false;
    end if;
    if v_current.payment_token = set_card_on_file.payment_token then
      -- The same card: keep what is known of it.
      v_brand := coalesce(v_brand, v_current.brand);
      v_last4 := coalesce(v_last4, v_current.last4);
    end if;
    update app_private.cards_on_file c
       set payment_token = set_card_on_file.payment_token, brand = v_brand, last4 = v_last4, set_at = since
     where c.reservation_id = reservation.id;
  else
    insert into app_private.cards_on_file (reservation_id, property_id, payment_token, brand, last4, set_at)
    values (reservation.id, reservation.property_id, set_card_on_file.payment_token, v_brand, v_last4, since);
  end if;
  update app_public.payment_intents i set payment_token = set_card_on_file.payment_token
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id
     and i.status in ('requires_payment', 'failed') and i.payment_token is distinct from set_card_on_file.payment_token;
  update app_public.reservations r
     set card_brand = case when v_last4 is null then null else coalesce(v_brand, 'card') end, card_last4 = v_last4
   where r.id = reservation.id and (r.card_brand, r.card_last4) is distinct from
                                    (case when v_last4 is null then null else coalesce(v_brand, 'card') end, v_last4);
  return true;
end;
$$;
comment on function app_private.set_card_on_file(app_public.reservations, text, text, text, timestamptz) is
  E'Makes a card token the card on file of a reservation (its open payments, brand and last four), unless a newer card is on file.';
--! EndIncluded app_private.set_card_on_file.sql
--! Included app_private.no_show_from.sql
-- The moment from which a guest who did not arrive may be recorded as a
-- no-show: the property's no-show time, no_show_day_offset days after the
-- arrival date, in the property's time zone (by default the next day at
-- 02:00, local wall-clock time whatever the daylight-saving change).
create or replace function app_private.no_show_from(reservation app_public.reservations) returns timestamptz
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select ((pg_catalog.lower(reservation.stay) + p.no_show_day_offset)::timestamp + p.no_show_time) at time zone p.time_zone
    from app_public.properties p
   where p.id = reservation.property_id;
$$;
comment on function app_private.no_show_from(app_public.reservations) is
  E'When a reservation''s guest may be recorded as a no-show, by the property''s no-show time.';
--! EndIncluded app_private.no_show_from.sql
--! Included app_private.unpaid_prepayment.sql
-- What a reservation's guest should have paid before arriving and has not:
-- its open payments (to pay, or failed) that fell due before now, but a
-- balance due at check-in itself (that one is taken at the desk).
create or replace function app_private.unpaid_prepayment(reservation app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(sum(i.amount), 0)::bigint
    from app_public.payment_intents i
    join app_public.properties p on p.id = i.property_id
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id
     and i.status in ('requires_payment', 'failed') and i.kind::text <> 'incidental'
     and i.due_at <= pg_catalog.now()
     and (i.kind = 'deposit' or i.status = 'failed'
          or i.due_at < ((pg_catalog.lower(reservation.stay))::timestamp + p.check_in_time) at time zone p.time_zone);
$$;
comment on function app_private.unpaid_prepayment(app_public.reservations) is
  E'The prepayments of a reservation that fell due and are unpaid (a balance due at check-in excluded).';
--! EndIncluded app_private.unpaid_prepayment.sql
--! Included app_public.reservations_unpaid_prepayment.sql
-- Reservation.unpaidPrepayment: what check-in warns about (the same rule as
-- app_private.unpaid_prepayment, read with the caller's rights).
create or replace function app_public.reservations_unpaid_prepayment(r app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(sum(i.amount), 0)::bigint
    from app_public.payment_intents i
    join app_public.properties p on p.id = i.property_id
   where i.property_id = r.property_id and i.reservation_id = r.id
     and i.status in ('requires_payment', 'failed') and i.kind::text <> 'incidental'
     and i.due_at <= pg_catalog.now()
     and (i.kind::text = 'deposit' or i.status = 'failed'
          or i.due_at < ((pg_catalog.lower(r.stay))::timestamp + p.check_in_time) at time zone p.time_zone);
$$;
comment on function app_public.reservations_unpaid_prepayment(app_public.reservations) is
  E'Prepayments that fell due and are unpaid, in minor units (0 when none): check-in asks to confirm when there are some.';
--! EndIncluded app_public.reservations_unpaid_prepayment.sql
--! Included app_public.reservations_no_show_from.sql
-- Reservation.noShowFrom: when the desk may record a no-show (the same rule
-- as app_private.no_show_from, read with the caller's rights).
create or replace function app_public.reservations_no_show_from(r app_public.reservations) returns timestamptz
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select ((pg_catalog.lower(r.stay) + p.no_show_day_offset)::timestamp + p.no_show_time) at time zone p.time_zone
    from app_public.properties p
   where p.id = r.property_id;
$$;
comment on function app_public.reservations_no_show_from(app_public.reservations) is
  E'When a guest who did not arrive may be recorded as a no-show: the property''s no-show time after the arrival date.';
--! EndIncluded app_public.reservations_no_show_from.sql
--! Included app_public.reservations_card_on_file.sql
-- Reservation.cardOnFile: "Visa •• 4242" (formats the row's own columns).
create or replace function app_public.reservations_card_on_file(r app_public.reservations) returns text
  language sql immutable parallel safe security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select app_private.card_label(r.card_brand, r.card_last4);
$$;
comment on function app_public.reservations_card_on_file(app_public.reservations) is
  E'The card on file as people name it ("Visa •• 4242"), or null.';
--! EndIncluded app_public.reservations_card_on_file.sql
--! Included app_private.refund_overpayment.sql
-- Gives back what a reservation's guest paid beyond what it now costs (the
-- penalty once cancelled or a no-show, the total otherwise): refunds on the
-- captured intents, newest first, for the excess over refunds already made
-- or under way. Returns the amount refunded. Charges on the card on file at
-- the desk (incidental: extras, damages) pay the folio, not the booking's
-- price: they are neither counted nor refunded here.
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
                                             where i2.property_id = reservation.property_id and i2.reservation_id = reservation.id
                                               and i2.kind <> 'incidental')), 0)
         - v_due
    into v_excess
    from app_public.payment_intents i
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind <> 'incidental';

  for v_intent in
    select i.*, i.amount_captured - i.amount_refunded
                - coalesce((select sum(f.amount) from app_public.refunds f
                             where f.property_id = i.property_id and f.intent_id = i.id and f.status = 'pending'), 0) as refundable
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.amount_captured > i.amount_refunded
       and i.kind <> 'incidental'
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
--! Included app_private.clear_payment_due.sql
-- Ends "payment due" on a locked reservation once nothing that fell due is
-- left unpaid (a capture, a smaller price): the deadline is cleared and its
-- cancellation job removed. Returns whether it was cleared.
create or replace function app_private.clear_payment_due(reservation app_public.reservations) returns boolean
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if reservation.payment_due_by is null then
    return false;
  end if;
  if exists (select 1 from app_public.payment_intents i
              where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                and i.status in ('requires_payment', 'failed') and i.kind <> 'incidental' and i.due_at <= pg_catalog.now()) then
    return false;
  end if;
  update app_public.reservations r set payment_due_by = null where r.id = reservation.id;
  perform graphile_worker.remove_job('payment_deadline:' || reservation.id);
  return true;
end;
$$;
comment on function app_private.clear_payment_due(app_public.reservations) is
  E'Clears a reservation''s payment deadline (and its cancellation job) when nothing due is unpaid.';
--! EndIncluded app_private.clear_payment_due.sql
--! Included app_private.cap_open_intents.sql
-- Keeps the card schedule from collecting what the guest paid another way:
-- the open card intents of a confirmed or in-house reservation (requires
-- payment, failed) are shrunk, the balance first, then cancelled, so that
-- with the card payments under way they never ask for more than the
-- guest's folios will owe at check-out. A cash or bank payment at the desk,
-- or a transfer to a company's city ledger, thus takes the place of the
-- card charge it covers.
create or replace function app_private.cap_open_intents(reservation app_public.reservations) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room bigint;
  v_intent app_public.payment_intents;
begin
  if reservation.status not in ('confirmed', 'checked_in') then
    return;
  end if;
  select coalesce(sum(app_public.folios_due_at_check_out(f)), 0) into v_room
    from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.kind = 'guest'
     and f.currency = reservation.currency;
  v_room := v_room - coalesce((select sum(i.amount) from app_public.payment_intents i
                                where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                                  and i.status in ('processing', 'authorized')), 0);
  -- The deposit keeps its share first; the balance gives way.
  for v_intent in
    select * from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.status in ('requires_payment', 'failed')
     order by i.kind = 'deposit' desc, i.due_at, i.id
       for update
  loop
    if v_room <= 0 then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_intent.id;
    elsif v_intent.amount > v_room then
      update app_public.payment_intents i set amount = v_room where i.id = v_intent.id;
      v_room := 0;
    else
      v_room := v_room - v_intent.amount;
    end if;
  end loop;
  -- Paid another way (at the desk, or moved to a company): a booking whose
  -- payment was due no longer is once nothing due is unpaid.
  perform app_private.clear_payment_due(reservation);
end;
$$;
comment on function app_private.cap_open_intents(app_public.reservations) is
  E'Shrinks or cancels a reservation''s open card intents so that they never ask for more than its folios owe at check-out (less card payments under way).';
--! EndIncluded app_private.cap_open_intents.sql
--! Included app_private.record_payment_failure.sql
-- An attempt failed for good (declined, or the provider stayed unreachable
-- through every retry): the attempt and its intent are failed with the
-- reason, for the guest to pay again and for staff to see (when the
-- reservation opened another intent of the kind meanwhile, that one takes
-- over the amount). A captured attempt stays captured.
--
-- The payment guarantee: when the payment was due (the deposit at booking,
-- the balance on its date) and the booking is confirmed, it becomes
-- "payment due" with a deadline, its rate plan's payment_deadline_hours
-- from now (a deadline already running is kept; a waived guarantee sets
-- none). A job at the deadline cancels it if it is still unpaid then
-- (app_private.enforce_payment_deadline). The guest's payment-failed
-- message (queued by the attempts' trigger) says the deadline and links to
-- the booking's page to pay.
create or replace function app_private.record_payment_failure(attempt_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_hours integer;
begin
  -- The reservation first (the order every booking function locks in).
  select r.* into v_res
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
    join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
   where a.id = record_payment_failure.attempt_id
     for update of r;
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

  if v_res.status = 'confirmed' and v_intent.kind <> 'incidental' and v_intent.due_at <= pg_catalog.now()
     and v_res.payment_due_by is null and v_res.payment_guarantee_waived_at is null then
    select rp.payment_deadline_hours into v_hours
      from app_public.rate_plans rp where rp.property_id = v_res.property_id and rp.id = v_res.rate_plan_id;
    update app_public.reservations r
       set payment_due_by = pg_catalog.date_trunc('minute', pg_catalog.now()) + pg_catalog.make_interval(hours => coalesce(v_hours, 24))
     where r.id = v_res.id
    returning * into v_res;
    perform graphile_worker.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  end if;
end;
$$;
comment on function app_private.record_payment_failure(uuid, text, text) is
  E'Records that an attempt failed, with the reason (idempotent; never undoes a capture); a due payment that failed makes a confirmed booking "payment due" with its plan''s deadline and queues the cancellation job.';
--! EndIncluded app_private.record_payment_failure.sql
drop function if exists app_private.record_capture(uuid, text, timestamptz);
--! Included app_private.record_capture.sql
-- The provider captured an attempt's charge (from the capture job or a
-- webhook; the second call changes nothing): the attempt and its intent are
-- captured, and the money moves from the guest's folio to the provider's
-- clearing account (Dr payment clearing, Cr guest receivable). The provider
-- is the truth: a charge captured after Keepr gave up on it is recorded all
-- the same. Money beyond what the reservation costs (a stay cancelled
-- meanwhile, a guest who paid again after a lost reply) is refunded.
--
-- The card that succeeded becomes the card on file for the rest of the
-- schedule (unless a card was put on file after this attempt started), with
-- the brand and last four the provider gave (`card`: {brand, last4}); and a
-- booking whose payment was due is no longer once nothing due is unpaid.
create or replace function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamptz, card jsonb default null) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_card app_private.cards_on_file;
  v_brand text := pg_catalog.lower(card ->> 'brand');
  v_last4 text := card ->> 'last4';
begin
  -- The reservation first (the order every booking function locks in), so
  -- a capture and the deadline's cancellation job take turns.
  perform 1
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
    join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
   where a.id = record_capture.attempt_id
     for update of r;
  select * into v_attempt from app_public.payment_attempts a where a.id = record_capture.attempt_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = pg_catalog.format('No payment attempt %s.', record_capture.attempt_id);
  end if;
  if v_attempt.status = 'captured' then
    return;
  end if;
  -- What is known of the card: the provider's word, else what the card
  -- form said when it was put on file.
  select c.* into v_card from app_private.cards_on_file c
    join app_public.payment_intents i on i.reservation_id = c.reservation_id
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id;
  if v_card.payment_token = v_attempt.payment_token then
    v_brand := coalesce(v_brand, v_card.brand);
    v_last4 := coalesce(v_last4, v_card.last4);
  end if;
  if v_last4 !~ '^[0-9]{4}$' or v_brand !~ '^[a-z_]{1,20}$' then
    v_brand := null;
    v_last4 := null;
  end if;
  update app_public.payment_attempts a
     set status = 'captured', provider_charge_id = record_capture.charge_id, captured_at = record_capture.captured_at,
         failure_code = null, failure_message = null, card_brand = v_brand, card_last4 = v_last4
   where a.id = v_attempt.id;
  -- The intent is what was captured on it: an intent resized while its
  -- attempt ran (or after Keepr gave up on it) does not claim more; the
  -- schedule below opens what is still due.
  update app_public.payment_intents i
     set status = 'captured', amount = i.amount_captured + v_attempt.amount,
         amount_captured = i.amount_captured + v_attempt.amount, failure_code = null, failure_message = null
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id
  returning * into v_intent;

  select * into v_res from app_public.reservations r where r.property_id = v_intent.property_id and r.id = v_intent.reservation_id for update;
  perform app_private.post_entry(v_attempt.property_id, 'payment', v_attempt.id, 'payment:' || v_attempt.id || ':capture',
    coalesce('Card payment, ' || app_private.card_label(v_brand, v_last4), 'Card payment'),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', v_attempt.amount, 'currency', v_attempt.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_intent.folio_id, 'amount', -v_attempt.amount, 'currency', v_attempt.currency)));

  perform app_private.schedule_payments(v_res);
  if v_res.status in ('confirmed', 'checked_in', 'checked_out') then
    perform app_private.set_card_on_file(v_res, v_attempt.payment_token, v_brand, v_last4, v_attempt.created_at);
    select * into v_res from app_public.reservations r where r.id = v_res.id;
    perform app_private.clear_payment_due(v_res);
  end if;
  perform app_private.refund_overpayment(v_res, case when v_res.status in ('cancelled', 'no_show')
                                                     then 'Paid after the reservation was cancelled'
                                                     else 'Paid more than the reservation costs' end);
end;
$$;
comment on function app_private.record_capture(uuid, text, timestamptz, jsonb) is
  E'Records a captured charge: attempt and intent captured, Dr payment clearing / Cr the folio (idempotent); the card becomes the card on file and a payment deadline ends when nothing due is unpaid.';
--! EndIncluded app_private.record_capture.sql
--! Included app_private.apply_payment_event.sql
-- Applies a payment provider's webhook event, once: the event id is
-- recorded first, and an event seen before changes nothing ('duplicate').
-- Charges and refunds name Keepr's attempt or refund id as their
-- reference; events about anything else are recorded and 'ignored'. The
-- record_* functions are idempotent, so an event racing the job that caused
-- it is harmless. A capture passes on the card's brand and last four
-- (payment_method) for the card on file.
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
        perform app_private.record_capture(v_reference, v_object ->> 'id', v_at,
                                           case when pg_catalog.jsonb_typeof(v_object -> 'payment_method') = 'object' then v_object -> 'payment_method' end);
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
--! Included app_private.enforce_payment_deadline.sql
-- The payment guarantee's job, at a booking's payment deadline (payload
-- {reservation_id}, job key payment_deadline:<id>): with the reservation
-- locked, it checks again, so a payment made meanwhile wins:
--   - not confirmed any more, no deadline (paid, waived), or a deadline
--     moved later (extended): nothing ('nothing', or 'not_yet' after
--     queuing itself again at the new deadline);
--   - a payment still with the provider: waits for its answer, 10 minutes
--     ('waiting');
--   - nothing due unpaid after all: the deadline is cleared ('paid');
--   - else the booking is cancelled under its rate plan's cancellation
--     terms (the penalty they say, the rest of the charges reversed, open
--     payments cancelled, anything paid beyond the penalty refunded) and its
--     nights are released ('cancelled'). The guest's cancellation message
--     follows from the reservations' trigger.
-- Running it again changes nothing.
create or replace function app_private.enforce_payment_deadline(reservation_id uuid) returns text
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint;
  v_due_by timestamptz;
begin
  select * into v_res from app_public.reservations r where r.id = enforce_payment_deadline.reservation_id for update;
  if not found or v_res.status <> 'confirmed' or v_res.payment_due_by is null then
    return 'nothing';
  end if;
  if v_res.payment_due_by > pg_catalog.now() then
    perform graphile_worker.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'not_yet';
  end if;
  if exists (select 1 from app_public.payment_attempts a
               join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
              where i.property_id = v_res.property_id and i.reservation_id = v_res.id
                and i.kind <> 'incidental' and a.status in ('pending', 'authorized')) then
    perform graphile_worker.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := pg_catalog.now() + interval '10 minutes', max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'waiting';
  end if;
  if app_private.clear_payment_due(v_res) then
    return 'paid';
  end if;

  v_due_by := v_res.payment_due_by;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());
  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = 'Payment not received by the deadline',
         payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:payment_deadline',
                                               'Booking ' || v_res.confirmation_code || ' cancelled: payment not received');
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'Reservation cancelled: payment not received');
  return 'cancelled';
end;
$$;
comment on function app_private.enforce_payment_deadline(uuid) is
  E'Job: cancels a confirmed booking still unpaid at its payment deadline under its plan''s terms and releases its nights; a payment made meanwhile, an extension or a waiver wins (idempotent).';
--! EndIncluded app_private.enforce_payment_deadline.sql
--! Included app_public.extend_payment_deadline.sql
-- Gives a booking whose payment is due more time (owner, manager, front
-- desk): the deadline moves to `until` (later than now, at most 30 days
-- ahead, and never earlier than it is), with a reason kept on the booking
-- and in its audit history; the cancellation job moves with it.
create or replace function app_public.extend_payment_deadline(
  reservation_id uuid,
  until timestamptz,
  reason text,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_reason text := pg_catalog.btrim(reason);
begin
  v_replay := app_private.idempotency_begin('extend_payment_deadline', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'until', until, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(extend_payment_deadline.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'extend payment deadlines');
  if v_res.status <> 'confirmed' or v_res.payment_due_by is null then
    raise exception using errcode = 'TRANS', message = 'No payment is due on this booking: there is no deadline to extend.',
      hint = case when v_res.status <> 'confirmed' then v_res.status::text else 'NO_PAYMENT_DUE' end;
  end if;
  if v_reason is null or v_reason = '' or pg_catalog.length(v_reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'Give a reason for the extension (at most 500 characters).';
  end if;
  if until is null or until <= pg_catalog.now() or until > pg_catalog.now() + interval '30 days' then
    raise exception using errcode = 'INVLD', message = 'The new deadline must be in the future, at most 30 days from now.';
  end if;
  if until < v_res.payment_due_by then
    raise exception using errcode = 'INVLD', message = 'The new deadline must be later than the current one.';
  end if;
  update app_public.reservations r set payment_due_by = extend_payment_deadline.until, payment_guarantee_note = v_reason
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                  run_at := v_res.payment_due_by, max_attempts := 10,
                                  job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.extend_payment_deadline(uuid, timestamptz, text, text) is
  E'Moves the payment deadline of a booking whose payment is due to a later time (at most 30 days ahead), with a reason. Errors: NTFND, DNIED, INVALID_TRANSITION (no payment due), INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.extend_payment_deadline.sql
--! Included app_public.waive_payment_guarantee.sql
-- Keeps a booking whatever it has paid (owner, manager): its payment
-- deadline ends and no later failed payment sets one. What is due stays due
-- (the folio shows it); the reason is kept on the booking and in its audit
-- history.
create or replace function app_public.waive_payment_guarantee(
  reservation_id uuid,
  reason text,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_reason text := pg_catalog.btrim(reason);
begin
  v_replay := app_private.idempotency_begin('waive_payment_guarantee', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(waive_payment_guarantee.reservation_id, app_hidden.staff_group_roles('managers'),
                                        'waive payment guarantees');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a payment waiver');
  end if;
  if v_res.payment_guarantee_waived_at is not null then
    raise exception using errcode = 'TRANS', message = 'The payment guarantee of this booking is waived already.', hint = 'WAIVED';
  end if;
  if v_reason is null or v_reason = '' or pg_catalog.length(v_reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'Give a reason for the waiver (at most 500 characters).';
  end if;
  update app_public.reservations r
     set payment_due_by = null, payment_guarantee_waived_at = pg_catalog.now(), payment_guarantee_note = v_reason
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id);
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.waive_payment_guarantee(uuid, text, text) is
  E'Waives a booking''s payment guarantee: its payment deadline ends and no later failed payment sets one; with a reason. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.waive_payment_guarantee.sql
drop function if exists app_public.attach_payment_method(uuid, text, text);
--! Included app_public.attach_payment_method.sql
-- Puts a card (a provider token from the hosted card form; Keepr never sees
-- the number) on file for a reservation without charging what is not due:
-- it replaces the card on file for every open payment of the schedule (the
-- start_due_payments job charges each when it falls due) and for the desk.
-- A payment that was due and failed (a booking whose payment is due) is
-- charged on the new card at once. card_brand and card_last4 are what the
-- card form answered (shown as "Visa •• 4242" until the provider's own word
-- arrives with a capture). The guest (signed in, or with the booking
-- token) and staff who take payments may. Payments already being paid or
-- paid keep their card. Returns the reservation's open payments.
create or replace function app_public.attach_payment_method(
  reservation_id uuid,
  payment_token text,
  idempotency_key text,
  card_brand text default null,
  card_last4 text default null
) returns setof app_public.payment_intents
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_intent app_public.payment_intents;
  v_ids uuid[] := '{}';
begin
  v_replay := app_private.idempotency_begin('attach_payment_method', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'payment_token', payment_token,
                                              'card_brand', card_brand, 'card_last4', card_last4));
  if v_replay is null then
    v_res := app_private.lock_reservation(attach_payment_method.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
    if v_res.status not in ('confirmed', 'checked_in') then
      raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no card.', pg_catalog.replace(v_res.status::text, '_', ' ')),
        hint = v_res.status::text;
    end if;
    if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
      raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
    end if;
    if (card_last4 is not null and card_last4 !~ '^[0-9]{4}$') or (card_brand is not null and pg_catalog.lower(card_brand) !~ '^[a-z_]{1,20}$') then
      raise exception using errcode = 'INVLD', message = 'The card''s brand and last four digits are as the payment form gave them (e.g. visa, 4242).';
    end if;
    perform app_private.set_card_on_file(v_res, attach_payment_method.payment_token, card_brand, card_last4, pg_catalog.now());
    for v_intent in
      select i.* from app_public.payment_intents i
       where i.property_id = v_res.property_id and i.reservation_id = v_res.id
         and i.status = 'failed' and i.kind <> 'incidental' and i.due_at <= pg_catalog.now()
       order by i.due_at, i.id
         for update
    loop
      perform app_private.start_attempt(v_intent, attach_payment_method.payment_token);
    end loop;
    select coalesce(pg_catalog.array_agg(i.id order by i.due_at, i.id), '{}') into v_ids
      from app_public.payment_intents i
     where i.property_id = v_res.property_id and i.reservation_id = v_res.id
       and (i.status in ('requires_payment', 'failed') or (i.status = 'processing' and i.payment_token = attach_payment_method.payment_token));
    v_replay := app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  end if;
  return query
    select i.* from app_public.payment_intents i
     where i.id in (select pg_catalog.jsonb_array_elements_text(v_replay)::uuid)
     order by i.due_at, i.id;
end;
$$;
comment on function app_public.attach_payment_method(uuid, text, text, text, text) is
  E'Puts a provider card token on file for the reservation (its open payments, charged when each falls due, and the desk); a due payment that failed is charged on it at once. cardBrand/cardLast4: what the card form gave. Returns the open payments. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.attach_payment_method.sql
--! Included app_public.charge_card_on_file.sql
-- Charges the card on file of a reservation at the desk (owner, manager,
-- front desk, accountant): an amount of the reservation's currency, such as
-- extras or what the folio still owes, paid into its folio. An attempt
-- starts and its job authorizes and captures it with the provider; the
-- result arrives on the attempt (captured, or failed with the reason). A
-- desk charge is not part of the booking's schedule: it does not count as
-- prepayment, never sets a payment deadline, and is not refunded as an
-- overpayment (refund it with refundPayment). Returns the attempt.
create or replace function app_public.charge_card_on_file(
  reservation_id uuid,
  amount bigint,
  idempotency_key text
) returns app_public.payment_attempts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_card app_private.cards_on_file;
  v_folio_id uuid;
  v_intent app_public.payment_intents;
  v_attempt app_public.payment_attempts;
begin
  v_replay := app_private.idempotency_begin('charge_card_on_file', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'amount', amount));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payment_attempts, v_replay);
  end if;
  v_res := app_private.lock_reservation(charge_card_on_file.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments');
  if v_res.status not in ('confirmed', 'checked_in', 'checked_out') then
    perform app_private.invalid_transition(v_res, 'charged');
  end if;
  if amount is null or amount <= 0 or amount > 99999999 then
    raise exception using errcode = 'INVLD', message = 'The amount must be more than zero and at most 999,999.99.';
  end if;
  select * into v_card from app_private.cards_on_file c where c.reservation_id = v_res.id;
  if not found then
    raise exception using errcode = 'NOCRD', message = 'This booking has no card on file: take the payment with a new card.';
  end if;
  -- Into the stay's primary folio (its charges and card payments).
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.is_primary;
  -- A desk charge that failed before is closed: this one replaces it.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.kind = 'incidental' and i.status = 'failed';
  insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at, payment_token)
  values (v_res.property_id, v_res.id, v_folio_id, 'incidental', charge_card_on_file.amount, v_res.currency, pg_catalog.now(), v_card.payment_token)
  returning * into v_intent;
  v_attempt := app_private.start_attempt(v_intent, v_card.payment_token);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_attempt));
  return v_attempt;
end;
$$;
comment on function app_public.charge_card_on_file(uuid, bigint, text) is
  E'Charges an amount on the reservation''s card on file into its folio (the desk: extras, the balance); returns the attempt, captured by a job. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, NO_CARD_ON_FILE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.charge_card_on_file.sql
--! Included app_public.payment_due_reservations.sql
-- The bookings of a property whose payment is due (a due payment failed),
-- soonest deadline first: the desk's list on the Today board, with Extend
-- and Waive. Security invoker: row-level security decides, so a property the
-- caller is not staff of gives nothing. Reads reservations_payment_due_idx.
create or replace function app_public.payment_due_reservations(property_id uuid)
  returns setof app_public.reservations
  language sql stable rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.*
    from app_public.reservations r
   where r.property_id = payment_due_reservations.property_id
     and r.payment_due_by is not null
     and r.status = 'confirmed'
   order by r.payment_due_by, r.confirmation_code;
$$;
comment on function app_public.payment_due_reservations(uuid) is
  E'The confirmed bookings of a property whose payment is due, soonest deadline first (the desk''s list: extend or waive). Staff see their properties only.';
--! EndIncluded app_public.payment_due_reservations.sql
drop function if exists app_public.check_in(uuid, text, boolean);
--! Included app_public.check_in.sql
-- Checks a confirmed reservation in, from its arrival date until the last
-- night. The unit must be ready: a dirty unit needs force => true, an
-- out-of-order one a room move first (UNIT_NOT_READY). Prepayments that
-- fell due and are unpaid (a declined deposit, a balance due before
-- arrival) are refused with PAYMENT_DUE, saying how much, unless the desk
-- acknowledges them (acknowledge_unpaid => true: checked in all the same,
-- the folio still shows what is owed). Once in house, the payment deadline
-- no longer cancels the stay.
create or replace function app_public.check_in(
  reservation_id uuid,
  idempotency_key text,
  force boolean default false,
  acknowledge_unpaid boolean default false
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_housekeeping app_public.housekeeping_status;
  v_unpaid bigint;
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force,
                                              'acknowledge_unpaid', coalesce(acknowledge_unpaid, false)));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_in.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests in');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'checked in');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('Check-in opens on the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  if v_today >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has already ended; record a no-show or cancel it.';
  end if;
  select u.housekeeping_status into v_housekeeping from app_public.units u where u.id = v_res.unit_id;
  if v_housekeeping = 'out_of_order' or (v_housekeeping = 'dirty' and not coalesce(force, false)) then
    raise exception using errcode = 'UNRDY',
      message = pg_catalog.format('The unit is %s; %s.', pg_catalog.replace(v_housekeeping::text, '_', ' '),
                                  case when v_housekeeping = 'dirty' then 'clean it first or check in with force' else 'move the guest to another unit' end);
  end if;
  v_unpaid := app_private.unpaid_prepayment(v_res);
  if v_unpaid > 0 and not coalesce(acknowledge_unpaid, false) then
    raise exception using errcode = 'PAYDU',
      message = pg_catalog.format('%s of prepayment is unpaid%s. Take the payment first, or check in acknowledging it.',
                                  app_hidden.format_money(v_unpaid, v_res.currency::text),
                                  case when v_res.payment_due_by is not null then ' (payment due)' else '' end),
      hint = 'UNPAID_PREPAYMENT';
  end if;

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now(), payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id)
    where v_unpaid > 0;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_in(uuid, text, boolean, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date; unpaid prepayments need acknowledgeUnpaid. Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_NOT_READY, PAYMENT_DUE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_in.sql
--! Included app_public.mark_no_show.sql
-- Records that a confirmed guest did not arrive, from the property's
-- no-show time on (properties.no_show_time, no_show_day_offset days after
-- the arrival date, in its time zone: by default the next day at 02:00);
-- before it, NO_SHOW_TOO_EARLY says when it becomes possible (its
-- extensions.reason is that moment, ISO 8601). The penalty is what the
-- rate plan's locked cancellation terms say (app_private.cancellation_penalty),
-- the unit is freed, the folio keeps only the penalty, as on cancellation
-- (record_no_show, which the night audit uses too).
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
  v_from timestamptz;
  v_zone text;
begin
  v_replay := app_private.idempotency_begin('mark_no_show', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(mark_no_show.reservation_id, app_hidden.staff_group_roles('front_office'), 'record no-shows');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'marked as a no-show');
  end if;
  v_from := app_private.no_show_from(v_res);
  if pg_catalog.now() < v_from then
    select p.time_zone into v_zone from app_public.properties p where p.id = v_res.property_id;
    raise exception using errcode = 'NSHOW',
      message = pg_catalog.format('A no-show can be recorded from %s (%s), the property''s no-show time.',
                                  pg_catalog.to_char(v_from at time zone v_zone, 'FMDD Mon YYYY, HH24:MI'), v_zone),
      hint = pg_catalog.to_char(v_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
  end if;
  v_res := app_private.record_no_show(v_res,
    'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key));
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show from the property''s no-show time after its arrival date: the penalty its rate plan says applies and the unit is freed. Errors: NTFND, DNIED, INVALID_TRANSITION, NO_SHOW_TOO_EARLY, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_no_show.sql
--! Included app_private.close_business_day.sql
-- The night audit of one property and one business date: closes the day
-- and rolls the property's business date to the next one. In one
-- transaction, with the property row locked:
--   1. confirmed stays that were due to arrive by that day become no-shows,
--      once the property's no-show time has come (else record_due_no_shows
--      records them later);
--   2. each in-house stay on a rate plan that posts nightly is charged its
--      audited nights (post_reservation_charges posts the difference, so a
--      night is never charged twice);
--   3. anomalies are recorded for staff: guests still in house after their
--      departure day, folios of that day's departures that are not
--      settled, payments stuck with the provider for more than an hour,
--      guests in an out-of-order unit, channel conflicts still open;
--   4. the business date moves on, and the audit row keeps the counts.
-- Returns the audit, or null when the day is not over yet at the property.
create or replace function app_private.close_business_day(property_id uuid) returns app_public.night_audits
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_property app_public.properties;
  v_day date;
  v_audit app_public.night_audits;
  v_res app_public.reservations;
  v_no_shows integer := 0;
  v_posted integer := 0;
begin
  select * into v_property from app_public.properties p where p.id = close_business_day.property_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  v_day := v_property.business_date;
  if v_day >= (pg_catalog.now() at time zone v_property.time_zone)::date then
    return null;
  end if;

  insert into app_public.night_audits (property_id, business_date)
  values (v_property.id, v_day)
  on conflict (property_id, business_date) do update set started_at = pg_catalog.clock_timestamp(), error = null
  returning * into v_audit;

  -- Only those whose no-show time has come (properties.no_show_time after
  -- the arrival date): the others are recorded by the record_due_no_shows
  -- cron once it has (app_private.record_due_no_shows, same ledger key).
  for v_res in
    select r.* from app_public.reservations r
     where r.property_id = v_property.id and r.status = 'confirmed' and pg_catalog.lower(r.stay) <= v_day
       and app_private.no_show_from(r) <= pg_catalog.now()
     order by pg_catalog.lower(r.stay), r.id
       for update
  loop
    perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
    v_no_shows := v_no_shows + 1;
  end loop;

  -- The business date moves first: nights before the new date are audited.
  update app_public.properties p set business_date = v_day + 1 where p.id = v_property.id;

  for v_res in
    select r.* from app_public.reservations r
      join app_public.rate_plans rp on rp.property_id = r.property_id and rp.id = r.rate_plan_id
     where r.property_id = v_property.id and r.status = 'checked_in' and rp.charge_posting = 'nightly'
       and pg_catalog.lower(r.stay) <= v_day
     order by r.id
       for update of r
  loop
    if app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':night:' || v_day,
                                            'Booking ' || v_res.confirmation_code || ', night of ' || v_day) is not null then
      v_posted := v_posted + 1;
    end if;
  end loop;

  insert into app_public.night_audit_anomalies (property_id, audit_id, kind, reservation_id, detail)
  select v_property.id, v_audit.id, 'overstay'::app_public.night_audit_anomaly_kind, r.id,
         pg_catalog.format('%s is still checked in; departure was %s.', r.confirmation_code, pg_catalog.upper(r.stay))
    from app_public.reservations r
   where r.property_id = v_property.id and r.status = 'checked_in' and pg_catalog.upper(r.stay) <= v_day
  union all
  select v_property.id, v_audit.id, 'folio_not_settled', r.id,
         pg_catalog.format('%s left on %s with %s %s.', r.confirmation_code, pg_catalog.upper(r.stay),
                           case when b.balance > 0 then 'an unpaid balance of' else 'a credit of' end,
                           app_hidden.format_money(pg_catalog.abs(b.balance), b.currency))
    from app_public.reservations r
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where r.property_id = v_property.id and r.status = 'checked_out' and b.balance <> 0
     and (r.checked_out_at at time zone v_property.time_zone)::date = v_day
  union all
  select v_property.id, v_audit.id, 'payment_stuck', i.reservation_id,
         pg_catalog.format('A payment of %s has been %s since %s.', app_hidden.format_money(a.amount, a.currency), a.status,
                           pg_catalog.to_char(a.created_at at time zone v_property.time_zone, 'YYYY-MM-DD HH24:MI'))
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
   where a.property_id = v_property.id and a.status in ('pending', 'authorized') and a.created_at < pg_catalog.now() - interval '1 hour'
  union all
  select v_property.id, v_audit.id, 'occupied_out_of_order', r.id,
         pg_catalog.format('%s is in house in unit %s, which is out of order.', r.confirmation_code, u.name)
    from app_public.reservations r
    join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
   where r.property_id = v_property.id and r.status = 'checked_in' and u.housekeeping_status = 'out_of_order'
  union all
  select v_property.id, v_audit.id, 'channel_conflict_open', c.conflicting_reservation_id,
         pg_catalog.format('A channel booking (%s to %s) overlaps a stay here and is not resolved.', c.start_date, c.end_date)
    from app_public.channel_conflicts c
   where c.property_id = v_property.id and c.status = 'open';

  update app_public.night_audits a
     set no_shows = v_no_shows,
         nights_posted = v_posted,
         anomaly_count = (select pg_catalog.count(*) from app_public.night_audit_anomalies x where x.audit_id = a.id),
         finished_at = pg_catalog.clock_timestamp()
   where a.id = v_audit.id
  returning * into v_audit;
  return v_audit;
end;
$$;
comment on function app_private.close_business_day(uuid) is
  E'Night audit of a property''s business date once it is over locally: no-shows, nightly charges, anomalies; rolls the business date. Null when the day is not over.';
--! EndIncluded app_private.close_business_day.sql
--! Included app_private.record_due_no_shows.sql
-- Cron (every 15 minutes): records as no-shows the confirmed stays whose
-- arrival day the night audit has closed already (arrival before the
-- property's business date) and whose no-show time has come since: the
-- audit closes a day after local midnight, and a guest is a no-show only
-- from the property's no-show time (by default the next day at 02:00).
-- Same rule and ledger key as the audit (record_no_show), so the two never
-- record one stay twice. Returns how many.
create or replace function app_private.record_due_no_shows() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_res app_public.reservations;
  v_count integer := 0;
begin
  for v_res in
    select r.* from app_public.reservations r
      join app_public.properties p on p.id = r.property_id
     where r.status = 'confirmed' and pg_catalog.lower(r.stay) < p.business_date
       and app_private.no_show_from(r) <= pg_catalog.now()
     order by pg_catalog.lower(r.stay), r.id
       for update of r skip locked
  loop
    perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.record_due_no_shows() is
  E'Cron: records the no-shows of closed days whose no-show time has come since the night audit; returns how many.';
--! EndIncluded app_private.record_due_no_shows.sql

grant execute on function app_private.record_capture(uuid, text, timestamptz, jsonb), app_private.enforce_payment_deadline(uuid),
  app_private.record_due_no_shows()
  to keepr_worker;
grant execute on function app_public.extend_payment_deadline(uuid, timestamptz, text, text), app_public.waive_payment_guarantee(uuid, text, text),
  app_public.charge_card_on_file(uuid, bigint, text), app_public.check_in(uuid, text, boolean, boolean)
  to keepr_staff;
grant execute on function app_public.attach_payment_method(uuid, text, text, text, text), app_public.reservations_unpaid_prepayment(app_public.reservations),
  app_public.reservations_no_show_from(app_public.reservations), app_public.reservations_card_on_file(app_public.reservations)
  to keepr_anonymous;
grant execute on function app_public.payment_due_reservations(uuid) to keepr_staff;
