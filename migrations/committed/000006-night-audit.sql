--! Previous: sha1:2f26ca4bdfdc6cff4111dcb5577d15bb69a13e77
--! Hash: sha1:ee82c966d354b93e1199950275143d51d3a9bbbe
--! Message: Night audit

------------------------------------------------------------------------------
-- Night audit: the business date per property, nightly charges where the
-- rate plan says so, anomalies for staff. And guest-message jobs without a
-- job key (one job per notification row inserted).
------------------------------------------------------------------------------
-- The night audit records no-shows itself (it replaces the hourly
-- mark_no_shows cron).
drop function if exists app_private.mark_overdue_no_shows();
drop function if exists app_private.record_exports_purged(uuid[]);
alter table app_public.exports drop column if exists purged_at;
drop function if exists app_public.run_night_audit(uuid);
drop function if exists app_private.run_night_audits();
drop function if exists app_private.close_business_day(uuid);
drop table if exists app_public.night_audit_anomalies;
drop table if exists app_public.night_audits;
drop type if exists app_public.night_audit_anomaly_kind;
drop trigger if exists _210_business_date on app_public.properties;
drop function if exists app_private.tg_properties__business_date();
alter table app_public.properties drop column if exists business_date;
alter table app_public.rate_plans drop column if exists charge_posting;
drop type if exists app_public.charge_posting;

create type app_public.charge_posting as enum ('on_booking', 'nightly');
comment on type app_public.charge_posting is
  E'When a stay''s charges reach the folio: all at confirmation, or night by night at the night audit (the rest at check-out).';
alter table app_public.rate_plans add column charge_posting app_public.charge_posting not null default 'on_booking';
comment on column app_public.rate_plans.charge_posting is
  E'on_booking: the whole stay is charged when it is confirmed. nightly: each night is charged by the night audit that closes it, the rest at check-out. It applies to the plan''s stays from their next posting.';
grant insert (charge_posting), update (charge_posting) on app_public.rate_plans to keepr_staff;

-- The business date: the day the property's books are open for. The night
-- audit closes it once it is over locally and moves it on by one day.
alter table app_public.properties add column business_date date;
update app_public.properties p set business_date = (pg_catalog.now() at time zone p.time_zone)::date;
alter table app_public.properties alter column business_date set not null;
comment on column app_public.properties.business_date is
  E'The business day the books are open for; the night audit closes it after local midnight and moves it to the next day.';

create function app_private.tg_properties__business_date() returns trigger
  language plpgsql
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.business_date := (pg_catalog.now() at time zone new.time_zone)::date;
  return new;
end;
$$;
comment on function app_private.tg_properties__business_date() is E'A new property''s business date is today where it is.';
create trigger _210_business_date before insert on app_public.properties
  for each row execute function app_private.tg_properties__business_date();

create table app_public.night_audits (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  business_date date not null,
  no_shows integer not null default 0,
  nights_posted integer not null default 0,
  anomaly_count integer not null default 0,
  started_at timestamptz not null default pg_catalog.clock_timestamp(),
  finished_at timestamptz,
  error text,
  unique (property_id, business_date),
  unique (property_id, id)
);
comment on table app_public.night_audits is
  E'One closed business day per property: the no-shows recorded, the stays charged a night, the anomalies found.';
comment on constraint night_audits_property_id_id_key on app_public.night_audits is E'@behavior -*';
comment on column app_public.night_audits.nights_posted is E'In-house stays on nightly-posting plans charged by this audit.';
comment on column app_public.night_audits.error is E'Why the last try to close this day failed (the hourly run tries again); null once it is closed.';
create index night_audits_recent_idx on app_public.night_audits (property_id, business_date desc);
alter table app_public.night_audits enable row level security;

create type app_public.night_audit_anomaly_kind as enum (
  'overstay', 'folio_not_settled', 'payment_stuck', 'occupied_out_of_order', 'channel_conflict_open');
comment on type app_public.night_audit_anomaly_kind is
  E'What a night audit flags: a guest in house past departure, a departure whose folio is not settled, a payment stuck with the provider, a guest in an out-of-order unit, an unresolved channel conflict.';

create table app_public.night_audit_anomalies (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  audit_id uuid not null,
  kind app_public.night_audit_anomaly_kind not null,
  reservation_id uuid,
  detail text not null,
  foreign key (property_id, audit_id) references app_public.night_audits (property_id, id) on delete cascade,
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete cascade
);
comment on table app_public.night_audit_anomalies is E'Something the night audit found for staff to look at.';
comment on constraint night_audit_anomalies_property_id_audit_id_fkey on app_public.night_audit_anomalies is
  E'@fieldName audit\n@foreignFieldName anomalies';
comment on constraint night_audit_anomalies_property_id_reservation_id_fkey on app_public.night_audit_anomalies is
  E'@fieldName reservation\n@foreignFieldName nightAuditAnomalies';
create index night_audit_anomalies_audit_idx on app_public.night_audit_anomalies (property_id, audit_id);
create index night_audit_anomalies_reservation_idx on app_public.night_audit_anomalies (property_id, reservation_id) where reservation_id is not null;
alter table app_public.night_audit_anomalies enable row level security;

grant select on app_public.night_audits, app_public.night_audit_anomalies to keepr_staff;
create policy select_staff on app_public.night_audits for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk,accountant}')));
create policy select_staff on app_public.night_audit_anomalies for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk,accountant}')));

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
-- On a rate plan that posts nightly, a stay that is booked or in house is
-- due only the nights the night audit has closed (those before the
-- property's business date): their share of the nights' price, and the same
-- share of the discount, fees and taxes. Once checked out, all of it.
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
  v_share_num numeric := 1;
  v_share_den numeric := 1;
begin
  insert into app_public.folios (property_id, reservation_id)
  values (reservation.property_id, reservation.id)
  on conflict (property_id, reservation_id) do nothing;
  select * into v_folio from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id;
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;

  if reservation.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id and rp.charge_posting = 'nightly') then
    select case when sum(l.amount) > 0 then coalesce(sum(l.amount) filter (where l.date < p.business_date), 0) else count(*) filter (where l.date < p.business_date) end,
           case when sum(l.amount) > 0 then sum(l.amount) else greatest(count(*), 1) end
      into v_share_num, v_share_den
      from pg_catalog.jsonb_to_recordset(reservation.price_lines) as l(kind text, date date, amount bigint)
      join app_public.properties p on p.id = reservation.property_id
     where l.kind = 'night';
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
  due_so_far as (
    select d.purpose, d.tax_id,
           case when d.purpose = 'cancellation_revenue' then d.amount
                else round(d.amount * v_share_num / v_share_den)::bigint end as amount
      from due d
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
      from due_so_far d
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
  E'Posts the difference between what a reservation is due (room, fees, each tax, or the penalty once cancelled; on nightly-posting plans only the audited nights until check-out) and what its folio was charged; creates the folio.';
--! EndIncluded app_private.post_reservation_charges.sql
--! Included app_public.check_out.sql
-- Checks a guest out. Leaving before the departure date gives the remaining
-- nights back (the claim ends today). The unit becomes dirty; nights a
-- nightly-posting plan has not charged yet are charged, and the folio is
-- closed to charges (payments and refunds still post to it).
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
  -- A stay on a nightly-posting plan is charged the nights not yet audited.
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':check_out',
                                               'Booking ' || v_res.confirmation_code || ' check-out');
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.status = 'open';
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_out.sql
--! Included app_private.notify.sql
-- Queues a message about a reservation to its guest: by email always, by
-- SMS too for the essentials (confirmation, pre-arrival, cancellation) when
-- the guest gave a phone number. One row per (cause, template, channel,
-- recipient): queuing the same cause again changes nothing. The job that
-- delivers it is added in this transaction, to run at send_after (once per
-- row inserted, so it needs no job key).
create or replace function app_private.notify(
  reservation app_public.reservations,
  template app_public.notification_kind,
  cause text,
  send_after timestamptz default pg_catalog.now()
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_id uuid;
  v_count integer := 0;
begin
  for v_id in
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after)
    select reservation.property_id, reservation.id, notify.template, x.channel, x.recipient, notify.cause, notify.send_after
      from app_public.guests g
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when notify.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where g.property_id = reservation.property_id and g.id = reservation.guest_id and x.recipient is not null
    on conflict (cause, template, channel, recipient) do nothing
    returning id
  loop
    perform graphile_worker.add_job('send_notification', pg_catalog.json_build_object('id', v_id),
                                    run_at := notify.send_after, max_attempts := 10);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz) is
  E'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';
--! EndIncluded app_private.notify.sql
--! Included app_private.close_business_day.sql
-- The night audit of one property and one business date: closes the day
-- and rolls the property's business date to the next one. In one
-- transaction, with the property row locked:
--   1. confirmed stays that were due to arrive by that day become no-shows;
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

  for v_res in
    select r.* from app_public.reservations r
     where r.property_id = v_property.id and r.status = 'confirmed' and pg_catalog.lower(r.stay) <= v_day
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
         pg_catalog.format('%s left on %s with %s %s %s.', r.confirmation_code, pg_catalog.upper(r.stay),
                           case when b.balance > 0 then 'an unpaid balance of' else 'a credit of' end,
                           pg_catalog.abs(b.balance), b.currency)
    from app_public.reservations r
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where r.property_id = v_property.id and r.status = 'checked_out' and b.balance <> 0
     and (r.checked_out_at at time zone v_property.time_zone)::date = v_day
  union all
  select v_property.id, v_audit.id, 'payment_stuck', i.reservation_id,
         pg_catalog.format('A payment of %s %s has been %s since %s.', a.amount, a.currency, a.status, a.created_at)
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
--! Included app_private.run_night_audits.sql
-- Hourly: closes every business day that is over at its property, oldest
-- first, one property at a time, each in its own subtransaction: a
-- property whose audit fails keeps its business date, the error is kept on
-- that day's audit row for staff (and raised as a warning), the others go
-- on, and the next run tries again. A property another transaction is
-- auditing is skipped. Returns how many days were closed.
create or replace function app_private.run_night_audits() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_property_id uuid;
  v_count integer := 0;
begin
  for v_property_id in
    select p.id from app_public.properties p
     where p.business_date < (pg_catalog.now() at time zone p.time_zone)::date
     order by p.business_date, p.id
  loop
    begin
      perform 1 from app_public.properties p where p.id = v_property_id for update skip locked;
      continue when not found;
      while (app_private.close_business_day(v_property_id)).id is not null loop
        v_count := v_count + 1;
      end loop;
    exception when others then
      insert into app_public.night_audits (property_id, business_date, error)
      select p.id, p.business_date, pg_catalog.left(sqlerrm || ' (' || sqlstate || ')', 1000)
        from app_public.properties p where p.id = v_property_id
      on conflict (property_id, business_date) do update set error = excluded.error;
      raise warning 'night audit of property % failed: % (%)', v_property_id, sqlerrm, sqlstate;
    end;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.run_night_audits() is
  E'Closes every business day that is over, at every property; returns how many.';
--! EndIncluded app_private.run_night_audits.sql
--! Included app_public.run_night_audit.sql
-- A manager runs the night audit by hand (the hourly cron does it after
-- local midnight otherwise): closes each business day of the property that
-- is over, and returns those audits, oldest first. Nothing to close
-- returns no rows.
create or replace function app_public.run_night_audit(property_id uuid) returns setof app_public.night_audits
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_audit app_public.night_audits;
begin
  perform app_private.require_staff(run_night_audit.property_id, '{owner,manager}', 'run the night audit');
  loop
    v_audit := app_private.close_business_day(run_night_audit.property_id);
    exit when v_audit.id is null;
    return next v_audit;
  end loop;
end;
$$;
comment on function app_public.run_night_audit(uuid) is
  E'Runs the night audit of a property now: closes each business day that is over and returns the audits. Errors: NTFND, DNIED.';
--! EndIncluded app_public.run_night_audit.sql


grant execute on function app_private.run_night_audits() to keepr_worker;
grant execute on function app_public.run_night_audit(uuid) to keepr_staff;

------------------------------------------------------------------------------
-- Export files are deleted once their link expired (the hourly
-- purge_expired_exports job); the row stays, as the record of the export.
------------------------------------------------------------------------------
alter table app_public.exports add column purged_at timestamptz;
comment on column app_public.exports.purged_at is E'When the file was deleted from the export store, after its link expired.';
create index exports_to_purge_idx on app_public.exports (expires_at) where status = 'done' and purged_at is null;

create function app_private.record_exports_purged(ids uuid[]) returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with purged as (
    update app_public.exports e set purged_at = pg_catalog.now()
     where e.id = any(record_exports_purged.ids) and e.purged_at is null and e.expires_at <= pg_catalog.now()
    returning 1
  )
  select pg_catalog.count(*)::integer from purged;
$$;
comment on function app_private.record_exports_purged(uuid[]) is E'Records that the files of these expired exports were deleted; returns how many.';
grant execute on function app_private.record_exports_purged(uuid[]) to keepr_worker;
