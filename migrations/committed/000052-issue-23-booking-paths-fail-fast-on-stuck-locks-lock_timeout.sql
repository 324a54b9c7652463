--! Previous: sha1:83799fd8e2b0edebe56d675e4ae0e1b4cb349313
--! Hash: sha1:bc69529a29d4d16d5ab58f83072b75fc46cd343c
--! Message: Issue 23: booking paths fail fast on stuck locks (lock_timeout 2 s, BUSY); a booking's jobs in one add_jobs with generic plans, its SQL helpers PL/pgSQL, claim_unit's gap lookups bounded

-- Issue 23: a booking costs less Postgres CPU (docs/benchmarks.md, "Where a
-- booking's Postgres CPU goes"). The messages' jobs are queued in one call,
-- graphile_worker's statements keep their generic plans, the gaps around a
-- stay are read from the 60 nights that matter, and the SQL helpers a
-- booking calls are PL/pgSQL (planned once per connection, not per call).
--! Included common/app_private.add_jobs.sql
-- Queues several jobs of one task in one call (graphile_worker.add_jobs, its
-- public batch API): one job per payload, all to run at run_at (now when
-- null) with max_attempts. Like app_private.add_job, each payload carries the
-- transaction's keepr.traceparent as `_trace` when tracing is on. A booking
-- queues its messages' jobs through here: one call for all of them costs
-- about what one add_job costs.
--
-- plan_cache_mode: graphile_worker's statements take the jobs as an array,
-- and Postgres would plan them again on every call (a custom plan for each
-- array, about 0.6 ms a job on the scale data); their generic plans are as
-- good, so they are planned once per connection.
create or replace function app_private.add_jobs(
  identifier text,
  payloads json[],
  run_at timestamptz default null,
  max_attempts integer default null
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_generic_plan
as $$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
  v_traced boolean := v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';
begin
  if pg_catalog.cardinality(payloads) > 0 then
    perform graphile_worker.add_jobs(array(
      select (add_jobs.identifier,
              case when v_traced then (coalesce(p::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json else p end,
              null, add_jobs.run_at, add_jobs.max_attempts::smallint, null, null, null)::graphile_worker.job_spec
        from pg_catalog.unnest(payloads) with ordinality x(p, n)
       order by x.n));
  end if;
end;
$$;

comment on function app_private.add_jobs(text, json[], timestamptz, integer) is
  E'Queues one job of a task per payload in one call (graphile_worker.add_jobs), with the transaction''s keepr.traceparent in each payload as _trace.';
--! EndIncluded common/app_private.add_jobs.sql
--! Included common/app_private.add_job.sql
-- Queues a job, as graphile_worker.add_job does (same arguments), carrying
-- the trace of the transaction that queues it: the API and the worker set
-- keepr.traceparent (transaction-local) when tracing is on, and it goes into
-- the payload as `_trace`, from which the job's span continues the trace
-- (worker/runner.ts). Without it the payload is left as given. Every job
-- Keepr queues from SQL goes through here (or through app_private.add_jobs,
-- several at once). Its statements run with generic plans: graphile_worker's
-- add_jobs takes the job as an array, and a custom plan for it on every call
-- cost about 0.6 ms a job.
create or replace function app_private.add_job(
  identifier text,
  payload json default null,
  queue_name text default null,
  run_at timestamptz default null,
  max_attempts integer default null,
  job_key text default null,
  priority integer default null,
  flags text[] default null,
  job_key_mode text default 'replace'
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_generic_plan
as $$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
begin
  perform graphile_worker.add_job(
    add_job.identifier,
    case when v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
         then (coalesce(add_job.payload::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json
         else add_job.payload end,
    queue_name => add_job.queue_name,
    run_at => add_job.run_at,
    max_attempts => add_job.max_attempts,
    job_key => add_job.job_key,
    priority => add_job.priority,
    flags => add_job.flags,
    job_key_mode => add_job.job_key_mode
  );
end;
$$;

comment on function app_private.add_job(text, json, text, timestamptz, integer, text, integer, text[], text) is
  E'Queues a job as graphile_worker.add_job does, with the transaction''s keepr.traceparent (tracing) in its payload as _trace.';
--! EndIncluded common/app_private.add_job.sql
--! Included operations/app_private.notify.sql
-- Queues a message about a reservation to its guest: by email always, by
-- SMS too for the essentials (confirmation, pre-arrival, cancellation) when
-- the guest gave a phone number. One row per (cause, template, channel,
-- recipient): queuing the same cause again changes nothing. The job that
-- delivers it is added in this transaction, to run at send_after (once per
-- row inserted, so it needs no job key), all of a call's jobs in one
-- app_private.add_jobs.
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
  v_ids uuid[];
begin
  with queued as (
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after)
    select reservation.property_id, reservation.id, notify.template, x.channel, x.recipient, notify.cause, notify.send_after
      from app_public.guests g
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when notify.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where g.property_id = reservation.property_id and g.id = reservation.guest_id and x.recipient is not null
    on conflict (cause, template, channel, recipient, property_id) do nothing
    returning id
  )
  select pg_catalog.array_agg(q.id) into v_ids from queued q;
  if v_ids is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', array(select pg_catalog.json_build_object('id', i) from pg_catalog.unnest(v_ids) i),
                               run_at := notify.send_after, max_attempts := 10);
  return pg_catalog.cardinality(v_ids);
end;
$$;
comment on function app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz) is
  E'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';
--! EndIncluded operations/app_private.notify.sql
--! Included common/app_hidden.current_actor_scope.sql
-- Who is calling, as the scope of their idempotency keys: a signed-in user,
-- the holder of a booking token, the worker, or anonymous (one shared scope,
-- which is why keys must be long and random). PL/pgSQL, not SQL: a booking
-- asks for it seven times, and Postgres 17 plans a SQL function's query on
-- every call from PL/pgSQL.
create or replace function app_hidden.current_actor_scope() returns text
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_id uuid := app_hidden.current_user_id();
begin
  if v_id is not null then
    return 'user:' || v_id;
  end if;
  v_id := app_hidden.current_booking_id();
  if v_id is not null then
    return 'booking:' || v_id;
  end if;
  return case when pg_catalog.current_setting('role', true) = 'keepr_worker' then 'worker' else 'anonymous' end;
end;
$$;
comment on function app_hidden.current_actor_scope() is
  E'The caller as an idempotency scope: user:<id>, booking:<id>, worker or anonymous.';
--! EndIncluded common/app_hidden.current_actor_scope.sql
--! Included common/app_private.idempotency_finish.sql
-- The second half: stores the answer under the caller's key, in the same
-- transaction as the effect, and passes it through. PL/pgSQL, so that its
-- update is planned once per connection, not on every call.
create or replace function app_private.idempotency_finish(key text, response jsonb) returns jsonb
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_response jsonb;
begin
  update app_private.idempotency_keys k
     set response = idempotency_finish.response
   where k.scope = app_hidden.current_actor_scope() and k.key = idempotency_finish.key
  returning k.response into v_response;
  return v_response;
end;
$$;
comment on function app_private.idempotency_finish(text, jsonb) is
  E'Stores the answer of an idempotent mutation under the caller''s key.';
--! EndIncluded common/app_private.idempotency_finish.sql
--! Included booking/app_private.booking_user_id.sql
-- The account a booking at a property belongs to: the signed-in caller when
-- they book for themselves, nobody when staff of that property book on a
-- guest's behalf (a phone or walk-in booking is the guest's, not the
-- clerk's).
create or replace function app_private.booking_user_id(property_id uuid) returns uuid
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_user_id uuid := app_hidden.current_user_id();
begin
  -- Anonymous callers (most bookings) belong to no property.
  if v_user_id is null or booking_user_id.property_id in (select app_hidden.current_property_ids()) then
    return null;
  end if;
  return v_user_id;
end;
$$;
comment on function app_private.booking_user_id(uuid) is
  E'The signed-in guest a booking at the property belongs to, or null for staff of the property and anonymous callers.';
--! EndIncluded booking/app_private.booking_user_id.sql
--! Included booking/app_private.tg_reservations__channel.sql
-- Where a booking was made: front_desk when staff of the property make it,
-- web otherwise.
create or replace function app_private.tg_reservations__channel() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  -- An anonymous caller (no user) is staff of no property: no lookup.
  new.channel := case when app_hidden.current_user_id() is not null and new.property_id in (select app_hidden.current_property_ids())
                      then 'front_desk' else 'web' end;
  return new;
end;
$$;
comment on function app_private.tg_reservations__channel() is E'Trigger: records whether a reservation was made by a guest (web) or by staff of the property (front_desk).';
--! EndIncluded booking/app_private.tg_reservations__channel.sql
--! Included booking/app_private.claim_unit.sql
-- Claims a unit of a room type for a stay, or returns null when none can be
-- had. Candidates: the preferred unit first (only it when exact_unit), then
-- the other free units, the tightest fit first (the unit whose stays before
-- and after leave the smallest gaps, so that long free runs stay whole for
-- long stays), ties in random order, which spreads concurrent bookers over
-- the units instead of queueing them on one. Each try releases expired
-- holds in the way and inserts the claim; the exclusion constraint is the
-- judge, and a loser moves on to the next unit. When no unit is free for
-- the whole stay, a hotel's stays that may move are moved to make room
-- (app_private.reallocate_for) if the stay fits by count.
create or replace function app_private.claim_unit(
  property_id uuid,
  room_type_id uuid,
  stay daterange,
  kind app_public.claim_kind,
  reservation_id uuid default null,
  expires_at timestamptz default null,
  preferred_unit_id uuid default null,
  exact_unit boolean default false,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_candidates uuid[];
  v_unit uuid;
  v_claim app_public.inventory_claims;
begin
  if exact_unit then
    v_candidates := array[preferred_unit_id];
  else
    v_candidates := array(
      select f.unit_id from app_private.free_units(array[claim_unit.property_id], claim_unit.stay, claim_unit.room_type_id) f
       order by f.unit_id is distinct from claim_unit.preferred_unit_id,
                -- the gap this stay would leave before and after it on the unit
                (pg_catalog.lower(claim_unit.stay) - coalesce(
                   (select max(pg_catalog.upper(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.lower(claim_unit.stay) - 60, pg_catalog.lower(claim_unit.stay))
                       and pg_catalog.upper(c.stay) <= pg_catalog.lower(claim_unit.stay)
                       and pg_catalog.upper(c.stay) > pg_catalog.lower(claim_unit.stay) - 60), pg_catalog.lower(claim_unit.stay) - 60))
                + (coalesce(
                   (select min(pg_catalog.lower(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.upper(claim_unit.stay), pg_catalog.upper(claim_unit.stay) + 60)
                       and pg_catalog.lower(c.stay) >= pg_catalog.upper(claim_unit.stay)
                       and pg_catalog.lower(c.stay) < pg_catalog.upper(claim_unit.stay) + 60), pg_catalog.upper(claim_unit.stay) + 60)
                   - pg_catalog.upper(claim_unit.stay)),
                pg_catalog.random()
    );
    if preferred_unit_id is not null and not (preferred_unit_id = any (v_candidates)) then
      v_candidates := preferred_unit_id || v_candidates;
    end if;
  end if;

  foreach v_unit in array v_candidates loop
    perform app_private.release_expired_holds(claim_unit.property_id, v_unit, claim_unit.stay);
    begin
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (claim_unit.property_id, v_unit, claim_unit.stay, claim_unit.kind, claim_unit.reservation_id,
              claim_unit.expires_at, claim_unit.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation or deadlock_detected then
      -- Someone else holds these nights on this unit (or is moving a stay
      -- onto it right now); try the next one.
    end;
  end loop;
  if exact_unit then
    return null;
  end if;
  return app_private.reallocate_for(claim_unit.property_id, claim_unit.room_type_id, claim_unit.stay, claim_unit.kind,
                                    claim_unit.reservation_id, claim_unit.expires_at, claim_unit.note);
end;
$$;
comment on function app_private.claim_unit(uuid, uuid, daterange, app_public.claim_kind, uuid, timestamptz, uuid, boolean, text) is
  E'Claims a free unit of a room type (or exactly the given unit) for a stay; null when none is free.';
--! EndIncluded booking/app_private.claim_unit.sql
--! Included booking/app_private.new_confirmation_code.sql
-- A random confirmation code: 8 characters from 32 that cannot be misread
-- (no I, O, 0 or 1), about 40 bits.
-- (PL/pgSQL: no query to plan on every call.)
create or replace function app_private.new_confirmation_code() returns text
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_bytes bytea := public.gen_random_bytes(8);
  v_code text := '';
begin
  for i in 0..7 loop
    v_code := v_code || pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', (pg_catalog.get_byte(v_bytes, i) % 32) + 1, 1);
  end loop;
  return v_code;
end;
$$;
comment on function app_private.new_confirmation_code() is E'A random 8-character confirmation code.';
--! EndIncluded booking/app_private.new_confirmation_code.sql
--! Included operations/app_private.pre_arrival_at.sql
-- When a stay's pre-arrival message goes out: pre_arrival_days before the
-- arrival date at 10:00 in the property's time zone.
-- (PL/pgSQL, so that its query is planned once per connection.)
create or replace function app_private.pre_arrival_at(reservation app_public.reservations) returns timestamptz
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return (select ((pg_catalog.lower(reservation.stay) - p.pre_arrival_days)::timestamp + time '10:00') at time zone p.time_zone
            from app_public.properties p where p.id = reservation.property_id);
end;
$$;
comment on function app_private.pre_arrival_at(app_public.reservations) is E'The moment a stay''s pre-arrival message is due.';
--! EndIncluded operations/app_private.pre_arrival_at.sql
--! Included money/app_public.folios_due_at_check_out.sql
-- What a folio will show at check-out: its balance, plus, on the primary
-- folio of a booking that is confirmed or in house, the stay's charges not
-- posted yet (nights a nightly-posting plan charges as the night audit
-- closes them; check-out posts the rest). The desk may take a payment of up
-- to this much, so a guest leaving before the last audit can settle.
-- PL/pgSQL, not SQL: its query is planned once per connection (as SQL it
-- was planned on every call, 1.4 ms of a booking's confirmation).
create or replace function app_public.folios_due_at_check_out(folio app_public.folios) returns bigint
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select sum(b.balance) from app_public.folio_balances b
                    where b.property_id = folio.property_id and b.folio_id = folio.id and b.currency = folio.currency), 0)::bigint
       + coalesce((select r.total_amount
                          - coalesce((select sum(p.amount)
                                        from app_public.journal_entries e
                                        join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
                                       where e.property_id = r.property_id and e.cause_type = 'reservation' and e.cause_id = r.id
                                         and p.folio_id is not null), 0)
                     from app_public.reservations r
                    where folio.is_primary and r.property_id = folio.property_id and r.id = folio.reservation_id
                      and r.status in ('confirmed', 'checked_in')), 0)::bigint;
end;
$$;
comment on function app_public.folios_due_at_check_out(app_public.folios) is
  E'What the folio will show at check-out: its balance plus, on a booking''s primary folio, the stay''s charges not posted yet (a nightly-posting plan''s nights not audited). The most a desk payment may be.';
--! EndIncluded money/app_public.folios_due_at_check_out.sql
-- Every booking path waits at most 2 s for a lock (lock_timeout), then fails
-- with BUSY (docs/booking.md, "Stuck locks fail fast").
--! Included booking/app_public.create_hold.sql
-- Holds a unit for a quoted stay, for `minutes` (default 10, at most 30),
-- at the quoted price. The quote token is verified (QUOTE) and must still be
-- valid (QTEXP). A free unit of the room type is claimed (SOLD_OUT when none
-- is left); the claim and the held reservation are one transaction.
create or replace function app_public.create_hold(
  quote_token text,
  idempotency_key text,
  minutes integer default 10
) returns app_public.hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_parts text[] := pg_catalog.string_to_array(quote_token, '.');
  v_quote app_public.quote;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2 or app_private.sign(v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE', message = 'This quote token is not valid; get a new quote.';
  end if;
  v_replay := app_private.idempotency_begin('create_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote,
    pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb);
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);

  -- The claim first (its reservation key is checked at commit), so the
  -- reservation is written once, with its unit.
  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes));
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at
  );

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_hold.sql
--! Included booking/app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created.
--
-- Only whoever made the hold confirms it: the caller gives the hold token
-- createHold returned, or is the signed-in guest the hold belongs to, or is
-- front-office staff of the property; anyone else gets NTFND, as if the
-- hold did not exist. The contact given is kept on the reservation; it
-- updates the property's shared guest profile only when the caller is that
-- guest, signed in, or the property's staff: unverified input never changes
-- or reveals another person's data.
--
-- Its statements, and those of everything it calls (the ledger, the payment
-- schedule, the messages), run with generic plans: they look rows up by
-- keys, so a plan made once per connection is as good as one made for each
-- call's values, and planning them on every call was a fifth of a booking's
-- Postgres CPU (docs/benchmarks.md).
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
  v_email public.citext;
  v_staff boolean;
  v_verified boolean;
  v_user_id uuid;
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
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not (v_staff
          or coalesce(v_res.user_id = app_hidden.current_user_id(), false)
          or coalesce(confirm_booking.hold_token = app_private.sign('hold:' || v_res.id), false)) then
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

  -- A new profile is linked to a signed-in guest only when the email given
  -- is their account's. An existing profile is updated only by the guest it
  -- is linked to or by the staff: account emails are not verified, so
  -- signing up with someone's email never reaches their profile.
  v_email := pg_catalog.btrim(email)::public.citext;
  select u.id into v_user_id from app_public.users u
   where u.id = app_private.booking_user_id(v_res.property_id) and u.email = v_email;
  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, v_email, pg_catalog.btrim(full_name), phone, v_user_id)
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null then
    select g.id, v_staff or coalesce(g.user_id = v_user_id, false) into v_guest_id, v_verified
      from app_public.guests g
     where g.property_id = v_res.property_id and g.email = v_email;
    if v_verified then
      update app_public.guests g
         set full_name = pg_catalog.btrim(confirm_booking.full_name),
             phone = coalesce(confirm_booking.phone, g.phone)
       where g.id = v_guest_id;
    end if;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests,
             contact_name = pg_catalog.btrim(confirm_booking.full_name), contact_email = v_email,
             contact_phone = confirm_booking.phone
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
comment on function app_public.confirm_booking(uuid, text, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_booking.sql
--! Included booking/app_public.modify_reservation.sql
-- Changes a confirmed reservation's dates, guests or rate plan (and so room
-- type), or a checked-in one's departure and guests: re-priced at today's
-- rates and re-claimed in one transaction. The old claim is released only
-- for the new one to be taken; if no unit is free the whole change is
-- undone (SOLD_OUT) and the old claim stands. Staff may book past
-- restrictions (min stay, closed dates); occupancy still holds. The guest
-- (signed in, or with the booking token) may change the dates and guests of
-- a confirmed booking when guest_change_refusal allows it (the rate plan
-- allows changes and the stay still cancels for free), within the rate's
-- restrictions. The folio is charged (or credited) the difference and the
-- open payments follow.
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
  set lock_timeout to '2s'
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
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'change reservations', true);
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not v_staff then
    if app_private.guest_change_refusal(v_res) is not null then
      perform app_private.refuse_guest_change(v_res, app_private.guest_change_refusal(v_res));
    end if;
    if coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id) <> v_res.rate_plan_id or modify_reservation.unit_id is not null then
      perform app_private.refuse_guest_change(v_res, 'DATES_ONLY');
    end if;
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
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children);
    if v_restriction.restriction is not null then
      raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
    end if;
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
         unit_pinned = r.unit_pinned or modify_reservation.unit_id is not null,
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
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NOT_FOUND, ACCESS_DENIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.modify_reservation.sql
--! Included booking/app_public.cancel_reservation.sql
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
  set lock_timeout to '2s'
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
  v_res := app_private.lock_reservation(cancel_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations', true);
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
                                                 'Booking ' || v_res.confirmation_code || ' cancelled'
                                                   || case when v_res.penalty_amount > 0
                                                           then ', cancellation fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency)
                                                           else '' end);
    perform app_private.schedule_payments(v_res);
    perform app_private.refund_overpayment(v_res, 'Reservation cancelled');
  end if;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.cancel_reservation(uuid, text, text) is
  E'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.cancel_reservation.sql
--! Included booking/app_public.move_unit.sql
-- Moves a reservation to another unit of the property (any room type: an
-- upgrade keeps the price). A confirmed stay moves whole; a checked-in one
-- from today on, its nights so far staying on the old unit. The stay is
-- then pinned to its new unit (the allocator does not move it back).
create or replace function app_public.move_unit(
  reservation_id uuid,
  unit_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_unit app_public.units;
  v_from date;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('move_unit', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(move_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'move guests');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'moved');
  end if;
  select * into v_unit from app_public.units u where u.property_id = v_res.property_id and u.id = move_unit.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit at this property.';
  end if;
  if v_unit.id = v_res.unit_id then
    raise exception using errcode = 'INVLD', message = 'The reservation is already in that unit.';
  end if;
  if not v_unit.is_active then
    raise exception using errcode = 'UNAVL', message = 'That unit is not in service.';
  end if;
  v_from := case when v_res.status = 'checked_in'
                 then greatest(app_private.local_today(v_res.property_id), pg_catalog.lower(v_res.stay))
                 else pg_catalog.lower(v_res.stay) end;
  if v_from >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has no nights left to move.';
  end if;

  perform app_private.release_claims(v_res, v_from);
  v_claim := app_private.claim_unit(v_res.property_id, v_unit.room_type_id, pg_catalog.daterange(v_from, pg_catalog.upper(v_res.stay)),
                                    'reservation', reservation_id => v_res.id, preferred_unit_id => v_unit.id, exact_unit => true);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  -- A room move by hand is the hotel's decision: the allocator leaves it there.
  update app_public.reservations r set unit_id = v_unit.id, unit_pinned = true where r.id = v_res.id returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.move_unit(uuid, uuid, text) is
  E'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.move_unit.sql
--! Included booking/app_public.pin_reservation_unit.sql
-- Staff (owner, manager, front desk) pin a stay to its unit (a guest asked
-- for that room, a connecting room, an accessible one) or unpin it. The
-- allocator never moves a pinned stay to make room for another; a room move
-- by hand (moveUnit, or a change with a unit) pins it too. Returns the
-- booking.
create or replace function app_public.pin_reservation_unit(reservation_id uuid, pinned boolean) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  if pinned is null then
    raise exception using errcode = 'INVLD', message = 'Say whether the stay is pinned to its unit (true or false).';
  end if;
  v_res := app_private.lock_reservation(pin_reservation_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'pin stays to units');
  if v_res.status not in ('held', 'confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, case when pinned then 'pinned' else 'unpinned' end);
  end if;
  update app_public.reservations r set unit_pinned = pin_reservation_unit.pinned where r.id = v_res.id returning * into v_res;
  return app_private.booking_of(v_res);
end;
$$;
comment on function app_public.pin_reservation_unit(uuid, boolean) is
  E'Pins a stay to its unit (the allocator never moves it) or unpins it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded booking/app_public.pin_reservation_unit.sql
--! Included booking/app_public.create_block.sql
-- Blocks a unit for the nights start_date … end_date - 1 (an owner's stay
-- or maintenance). Refused with UNIT_UNAVAILABLE when any of those nights is
-- taken, without saying by whom.
create or replace function app_public.create_block(
  unit_id uuid,
  start_date date,
  end_date date,
  kind app_public.claim_kind,
  idempotency_key text,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_unit app_public.units;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('create_block', idempotency_key, pg_catalog.jsonb_build_object(
    'unit_id', unit_id, 'start_date', start_date, 'end_date', end_date, 'kind', kind, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_unit from app_public.units u where u.id = create_block.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, app_hidden.staff_group_roles('front_office'), 'block units');
  if kind is null or kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'A block is an owner_block or a maintenance_block.';
  end if;
  if start_date is null or end_date is null or start_date >= end_date or end_date - start_date > 730 then
    raise exception using errcode = 'DATES', message = 'A block needs an end date after its start date, at most 730 days later.';
  end if;
  if start_date < app_private.local_today(v_unit.property_id) then
    raise exception using errcode = 'DATES', message = 'A block cannot start in the past.';
  end if;
  if pg_catalog.length(note) > 500 then
    raise exception using errcode = 'INVLD', message = 'A note can be at most 500 characters.';
  end if;
  v_claim := app_private.claim_unit(v_unit.property_id, v_unit.room_type_id, pg_catalog.daterange(start_date, end_date), kind,
                                    preferred_unit_id => v_unit.id, exact_unit => true, note => create_block.note);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$$;
comment on function app_public.create_block(uuid, date, date, app_public.claim_kind, text, text) is
  E'Blocks a unit (owner_block or maintenance_block) for the nights from start_date up to end_date. Errors: NOT_FOUND, ACCESS_DENIED, DATES, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_block.sql
--! Included booking/app_public.release_block.sql
-- Releases an owner or maintenance block: its nights are free again.
create or replace function app_public.release_block(
  claim_id uuid,
  idempotency_key text
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('release_block', idempotency_key, pg_catalog.jsonb_build_object('claim_id', claim_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_claim from app_public.inventory_claims c where c.id = release_block.claim_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_claim.property_id, app_hidden.staff_group_roles('front_office'), 'release blocks');
  if v_claim.kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'Only owner and maintenance blocks are released this way.';
  end if;
  if v_claim.released_at is not null then
    raise exception using errcode = 'TRANS', message = 'This block was already released.';
  end if;
  update app_public.inventory_claims c set released_at = pg_catalog.now() where c.id = v_claim.id returning * into v_claim;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$$;
comment on function app_public.release_block(uuid, text) is
  E'Releases an owner or maintenance block. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.release_block.sql
--! Included booking/app_public.check_in.sql
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
  set lock_timeout to '2s'
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
  E'Checks in a confirmed reservation on or after its arrival date; unpaid prepayments need acknowledgeUnpaid. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_NOT_READY, PAYMENT_DUE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.check_in.sql
--! Included booking/app_public.check_out.sql
-- Checks a guest out. Leaving before the departure date gives the remaining
-- nights back (the claim ends today). The unit becomes dirty; nights a
-- nightly-posting plan has not charged yet are charged. Then every guest
-- folio of the stay must be at zero (FOLUN otherwise, naming the folio and
-- what is open: nothing is changed), and they are closed; open card
-- intents are cancelled.
create or replace function app_public.check_out(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_open record;
begin
  v_replay := app_private.idempotency_begin('check_out', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_out.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests out');
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
  -- Settled or not at all: every guest folio of the stay must be at zero.
  select f.label, b.balance, b.currency into v_open
    from app_public.folios f
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and b.balance <> 0
   order by f.is_primary desc, f.created_at, f.id, b.currency
   limit 1;
  if found then
    raise exception using errcode = 'FOLUN', hint = case when v_open.balance > 0 then 'OWED' else 'CREDIT' end,
      message = case when v_open.balance > 0
        then pg_catalog.format('%s is not settled: the guest owes %s. Take a payment or transfer it to a company''s city ledger, then check out.',
                               v_open.label, app_hidden.format_money(v_open.balance, v_open.currency))
        else pg_catalog.format('%s is not settled: %s is due back to the guest. Refund it, then check out.',
                               v_open.label, app_hidden.format_money(-v_open.balance, v_open.currency)) end;
  end if;
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and f.status = 'open';
  -- Settled: nothing more is asked of the card.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status in ('requires_payment', 'failed');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Every guest folio of the stay must be settled (at zero) first: FOLIO_UNSETTLED names the folio and the amount open (extensions.reason OWED or CREDIT). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, FOLIO_UNSETTLED, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.check_out.sql
--! Included booking/app_public.mark_no_show.sql
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
  set lock_timeout to '2s'
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
  E'Marks a confirmed reservation as a no-show from the property''s no-show time after its arrival date: the penalty its rate plan says applies and the unit is freed. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, NO_SHOW_TOO_EARLY, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.mark_no_show.sql
--! Included channels/app_private.apply_channel_feed.sql
-- Makes a unit's claims and conflicts agree with what its feed said at the
-- last applied sync (app_public.channel_feed_events), with the feed's row
-- locked:
--   blocks: every night of the feed's bookings that no other stay, hold or
--     block of the unit holds is blocked for the feed, as few blocks as
--     possible (one per free stretch). A block that still fits keeps its
--     id; one that changed is shrunk or grown in place; what no booking
--     covers any more is released. Expired holds are released first: they
--     never block anyone.
--   conflicts: each booking night that another claim holds is sold twice.
--     One conflict per booking, Keepr side (the reservation, else the
--     claim) and nights. An open one is kept; one that staff closed stays
--     closed while the same booking and the same Keepr side stand; any
--     other overlap opens a conflict and staff are told. An open conflict
--     whose overlap is gone is closed by the sync, saying why.
-- Nights before today at the property are history: blocks wholly in the
-- past are left alone and past overlaps are no conflict. Safe to run any
-- number of times. Returns counts.
create or replace function app_private.apply_channel_feed(feed_id uuid) returns jsonb
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_today date;
  v_row record;
  v_retry boolean;
  v_created integer := 0;
  v_moved integer := 0;
  v_released integer := 0;
  v_unchanged integer := 0;
  v_new_conflicts integer := 0;
  v_open integer;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = apply_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_want (uid text, summary text, nights daterange) on commit drop;
  create temporary table if not exists pg_temp.feed_match (claim_id uuid, stay daterange, nights daterange, summary text) on commit drop;

  -- A concurrent booking may take a night between reading and claiming it:
  -- then read again (at most three times; the next sync finishes the rest).
  for attempt in 1..3 loop
    v_retry := false;
    update app_public.inventory_claims c set released_at = pg_catalog.now()
      from app_public.channel_feed_events e
     where e.feed_id = v_feed.id and c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id
       and c.kind = 'hold' and c.released_at is null and c.expires_at <= pg_catalog.now()
       and c.stay && pg_catalog.daterange(e.start_date, e.end_date);

    -- What the feed should hold: each booking's nights less every other
    -- live claim of the unit, stretches that end before today left out.
    truncate pg_temp.feed_want;
    insert into pg_temp.feed_want
    select e.uid, e.summary, w.nights
      from app_public.channel_feed_events e
     cross join lateral pg_catalog.unnest(
             pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date))
             - coalesce((select pg_catalog.range_agg(c.stay) from app_public.inventory_claims c
                          where c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
                            and c.feed_id is distinct from v_feed.id
                            and c.stay && pg_catalog.daterange(e.start_date, e.end_date)), '{}'::datemultirange)) as w(nights)
     where e.feed_id = v_feed.id and pg_catalog.upper(w.nights) > v_today;

    -- Each of the feed's blocks keeps the stretch it overlaps most, if that
    -- stretch overlaps it most of all the feed's blocks too.
    truncate pg_temp.feed_match;
    insert into pg_temp.feed_match
    with pairs as (
      select c.id as claim_id, c.stay, w.nights, w.summary,
             pg_catalog.upper(c.stay * w.nights) - pg_catalog.lower(c.stay * w.nights) as overlap
        from app_public.inventory_claims c
        join pg_temp.feed_want w on w.nights && c.stay
       where c.property_id = v_feed.property_id and c.feed_id = v_feed.id and c.released_at is null
         and pg_catalog.upper(c.stay) > v_today
    ), claim_best as (
      select distinct on (p.claim_id) p.claim_id, p.nights from pairs p order by p.claim_id, p.overlap desc, pg_catalog.lower(p.nights)
    ), want_best as (
      select distinct on (p.nights) p.nights, p.claim_id from pairs p order by p.nights, p.overlap desc, pg_catalog.lower(p.stay)
    )
    select p.claim_id, p.stay, p.nights, p.summary
      from pairs p
      join claim_best cb on cb.claim_id = p.claim_id and cb.nights = p.nights
      join want_best wb on wb.nights = p.nights and wb.claim_id = p.claim_id;

    with gone as (
      update app_public.inventory_claims c set released_at = pg_catalog.now()
       where c.property_id = v_feed.property_id and c.feed_id = v_feed.id and c.released_at is null
         and pg_catalog.upper(c.stay) > v_today
         and not exists (select 1 from pg_temp.feed_match m where m.claim_id = c.id)
      returning 1
    )
    select v_released + count(*) into v_released from gone;

    -- Shrink first, then grow: blocks of one feed never overlap on the way.
    update app_public.inventory_claims c set stay = c.stay * m.nights
      from pg_temp.feed_match m
     where c.id = m.claim_id and c.stay <> m.nights and not (c.stay <@ m.nights);
    for v_row in select m.* from pg_temp.feed_match m loop
      if v_row.stay = v_row.nights then
        if attempt = 1 then v_unchanged := v_unchanged + 1; end if;
        continue;
      end if;
      begin
        update app_public.inventory_claims c
           set stay = v_row.nights, note = pg_catalog.left(v_feed.name || ': ' || coalesce(v_row.summary, ''), 500)
         where c.id = v_row.claim_id;
        v_moved := v_moved + 1;
      exception when exclusion_violation then
        v_retry := true;
      end;
    end loop;

    for v_row in
      select w.* from pg_temp.feed_want w
       where not exists (select 1 from pg_temp.feed_match m where m.nights = w.nights)
       order by pg_catalog.lower(w.nights)
    loop
      begin
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, feed_id, note)
        values (v_feed.property_id, v_feed.unit_id, v_row.nights, 'ota_block', v_feed.id,
                pg_catalog.left(v_feed.name || ': ' || coalesce(v_row.summary, ''), 500));
        v_created := v_created + 1;
      exception when exclusion_violation then
        v_retry := true;
      end;
    end loop;
    exit when not v_retry;
  end loop;

  -- The nights sold twice: each booking against each other live claim.
  create temporary table if not exists pg_temp.feed_overlap
    (uid text, event daterange, summary text, claim_id uuid, reservation_id uuid, nights daterange) on commit drop;
  truncate pg_temp.feed_overlap;
  insert into pg_temp.feed_overlap
  select e.uid, pg_catalog.daterange(e.start_date, e.end_date), e.summary, c.id, c.reservation_id,
         c.stay * pg_catalog.daterange(e.start_date, e.end_date)
    from app_public.channel_feed_events e
    join app_public.inventory_claims c
      on c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
     and c.feed_id is distinct from v_feed.id and c.stay && pg_catalog.daterange(e.start_date, e.end_date)
   where e.feed_id = v_feed.id
     and pg_catalog.upper(c.stay * pg_catalog.daterange(e.start_date, e.end_date)) > v_today;

  -- Conflicts that still stand (open, or closed by staff) follow their
  -- Keepr side (a changed reservation has a new claim) and the booking's dates.
  update app_public.channel_conflicts k
     set conflicting_claim_id = o.claim_id, summary = o.summary,
         event_start_date = pg_catalog.lower(o.event), event_end_date = pg_catalog.upper(o.event)
    from pg_temp.feed_overlap o
   where k.feed_id = v_feed.id and (k.status = 'open' or k.closed_by = 'staff') and k.uid = o.uid
     and k.start_date = pg_catalog.lower(o.nights) and k.end_date = pg_catalog.upper(o.nights)
     and coalesce(k.conflicting_reservation_id, k.conflicting_claim_id) = coalesce(o.reservation_id, o.claim_id)
     and (k.conflicting_claim_id, k.summary, k.event_start_date, k.event_end_date)
         is distinct from (o.claim_id, o.summary, pg_catalog.lower(o.event), pg_catalog.upper(o.event));

  update app_public.channel_conflicts k
     set status = 'resolved', resolved_at = pg_catalog.now(), closed_by = 'sync',
         resolution = case
           when not exists (select 1 from app_public.channel_feed_events e where e.feed_id = k.feed_id and e.uid = k.uid)
             then 'The channel''s booking left its feed; its nights are no longer sold twice.'
           when not exists (select 1 from pg_temp.feed_overlap o where o.uid = k.uid)
             then 'Keepr''s side was moved, shortened or cancelled: the nights are no longer sold twice, and they are blocked for the channel now.'
           else 'The nights sold twice changed; a newer conflict lists them.' end
   where k.feed_id = v_feed.id and k.status = 'open'
     and not exists (
       select 1 from pg_temp.feed_overlap o
        where o.uid = k.uid and pg_catalog.lower(o.nights) = k.start_date and pg_catalog.upper(o.nights) = k.end_date
          and coalesce(o.reservation_id, o.claim_id) = coalesce(k.conflicting_reservation_id, k.conflicting_claim_id));

  with opened as (
    insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, event_start_date, event_end_date,
                                              summary, conflicting_claim_id, conflicting_reservation_id)
    select v_feed.property_id, v_feed.unit_id, v_feed.id, o.uid, pg_catalog.lower(o.nights), pg_catalog.upper(o.nights),
           pg_catalog.lower(o.event), pg_catalog.upper(o.event), o.summary, o.claim_id, o.reservation_id
      from pg_temp.feed_overlap o
     where not exists (
       select 1 from app_public.channel_conflicts k
        where k.feed_id = v_feed.id and k.uid = o.uid
          and k.start_date = pg_catalog.lower(o.nights) and k.end_date = pg_catalog.upper(o.nights)
          and coalesce(k.conflicting_reservation_id, k.conflicting_claim_id) = coalesce(o.reservation_id, o.claim_id)
          and (k.status = 'open' or k.closed_by = 'staff'))
    returning id
  ), told as (
    select app_private.add_job('notify_channel_conflict', pg_catalog.json_build_object('id', opened.id),
                                   job_key := 'channel_conflict:' || opened.id, max_attempts := 10)
      from opened
  )
  select count(*) into v_new_conflicts from told;

  select count(*) into v_open from app_public.channel_conflicts k where k.feed_id = v_feed.id and k.status = 'open';
  return pg_catalog.jsonb_build_object('created', v_created, 'moved', v_moved, 'released', v_released, 'unchanged', v_unchanged,
                                       'conflicts', v_open, 'new_conflicts', v_new_conflicts);
end;
$$;
comment on function app_private.apply_channel_feed(uuid) is
  E'Makes a unit''s blocks and conflicts agree with its feed''s last applied sync: every free night of its bookings blocked, nights sold twice as conflicts. Returns counts.';
--! EndIncluded channels/app_private.apply_channel_feed.sql
--! Included channels/app_public.accept_channel_feed_change.sql
-- Staff (owner, manager, front desk) accept a feed's fetch that is waiting
-- to be confirmed (it would open most of the feed's blocked nights at once;
-- see app_private.sync_channel_feed): it is applied now, as the feed said
-- it then. Returns the feed.
create or replace function app_public.accept_channel_feed_change(feed_id uuid) returns app_public.channel_feeds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_pending app_private.channel_feed_pending_changes;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = accept_channel_feed_change.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_feed.property_id, app_hidden.staff_group_roles('front_office'), 'accept channel changes');
  select * into v_pending from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;
  if not found then
    raise exception using errcode = 'TRANS', message = 'This feed has no change waiting to be confirmed.';
  end if;
  perform app_private.sync_channel_feed(v_feed.id, v_pending.events, v_pending.content_hash, confirmed => true);
  select * into v_feed from app_public.channel_feeds f where f.id = v_feed.id;
  return v_feed;
end;
$$;
comment on function app_public.accept_channel_feed_change(uuid) is
  E'Applies the feed''s fetch that is waiting to be confirmed (it opens most of the feed''s blocked nights). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION.';
--! EndIncluded channels/app_public.accept_channel_feed_change.sql
--! Included channels/app_public.resolve_channel_conflict.sql
-- Staff close a channel conflict with a note once they have dealt with it
-- (asked the channel to cancel, or accept both bookings: the guest was
-- rebooked elsewhere, the owner stays elsewhere). It stays closed while the
-- same channel booking and the same Keepr side hold the same nights; a new
-- overlap opens a new conflict. (Moving or cancelling Keepr's side closes
-- the conflict by itself: the channel's booking gets the nights.)
create or replace function app_public.resolve_channel_conflict(conflict_id uuid, resolution text) returns app_public.channel_conflicts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_conflict app_public.channel_conflicts;
begin
  select * into v_conflict from app_public.channel_conflicts k where k.id = resolve_channel_conflict.conflict_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such conflict, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_conflict.property_id, app_hidden.staff_group_roles('front_office'), 'resolve channel conflicts');
  if v_conflict.status <> 'open' then
    raise exception using errcode = 'TRANS', message = 'This conflict is resolved already.';
  end if;
  if resolution is null or pg_catalog.length(pg_catalog.btrim(resolution)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'Say how the conflict was resolved (1 to 500 characters).';
  end if;
  update app_public.channel_conflicts k
     set status = 'resolved', closed_by = 'staff', resolved_at = pg_catalog.now(), resolved_by = app_hidden.current_user_id(), resolution = pg_catalog.btrim(resolve_channel_conflict.resolution)
   where k.id = v_conflict.id
  returning * into v_conflict;
  return v_conflict;
end;
$$;
comment on function app_public.resolve_channel_conflict(uuid, text) is E'Closes a channel conflict with a note; it stays closed while the same booking and Keepr side hold the same nights. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded channels/app_public.resolve_channel_conflict.sql
--! Included channels/app_private.sync_channel_feed.sql
-- Applies what an OTA feed says now (events: a JSON array of {uid, start,
-- end, summary, cancelled}, as channels/ical.ts parses it), in one
-- transaction with the feed's row locked (one sync of a feed at a time):
--   1. the bookings: cancelled events and events that end before today at
--      the property dropped; a feed's overlapping and touching events
--      merged into one (a feed never conflicts with itself). An event alone
--      keeps its uid, a merged one is known by its members';
--   2. a glitch never opens nights: a fetch that would give back more than
--      half of the nights the feed blocks from today on (an empty calendar,
--      a sudden drop) is kept aside, not applied, until a fetch at least
--      five minutes later says the same (the feed is polled again then) or
--      staff accept it (confirmed => true). The feed keeps its blocks;
--      the console shows it waiting to confirm;
--   3. otherwise the bookings are stored as what the feed says and the
--      unit's blocks and conflicts made to agree (app_private.apply_channel_feed).
-- Returns the counts, or {"waiting": true, ...} when kept aside.
create or replace function app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text, confirmed boolean default false)
  returns jsonb
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  c_confirm_wait constant interval := interval '5 minutes';
  v_feed app_public.channel_feeds;
  v_today date;
  v_fingerprint text;
  v_blocked integer;
  v_released integer;
  v_pending app_private.channel_feed_pending_changes;
  v_counts jsonb;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_now (uid text primary key, start_date date, end_date date, summary text) on commit drop;
  truncate pg_temp.feed_now;
  with valid as (
    select distinct on (e.uid) e.uid, e.start::date as start_date, e."end"::date as end_date,
           pg_catalog.left(coalesce(e.summary, ''), 200) as summary
      from pg_catalog.jsonb_to_recordset(events) as e(uid text, start text, "end" text, summary text, cancelled boolean)
     where not coalesce(e.cancelled, false) and e."end"::date > e.start::date and e."end"::date > v_today
     order by e.uid
  ), merged as (
    select pg_catalog.unnest(pg_catalog.range_agg(pg_catalog.daterange(v.start_date, v.end_date))) as nights from valid v
  )
  insert into pg_temp.feed_now
  select case when count(*) = 1 then min(v.uid)
              else 'merged:' || pg_catalog.md5(pg_catalog.string_agg(v.uid, E'\n' order by v.uid)) end,
         pg_catalog.lower(m.nights), pg_catalog.upper(m.nights),
         (pg_catalog.array_agg(v.summary order by v.start_date, v.uid))[1]
    from merged m
    join valid v on pg_catalog.daterange(v.start_date, v.end_date) <@ m.nights
   group by m.nights;

  -- The nights from today on that the feed blocks, and those this fetch gives back.
  select coalesce(pg_catalog.md5(pg_catalog.string_agg(n.uid || ' ' || n.start_date || ' ' || n.end_date, E'\n' order by n.uid)), 'empty')
    into v_fingerprint from pg_temp.feed_now n;
  with before as (
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(greatest(e.start_date, v_today), e.end_date)), '{}'::datemultirange) as nights
      from app_public.channel_feed_events e where e.feed_id = v_feed.id and e.end_date > v_today
  ), after as (
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(n.start_date, n.end_date)), '{}'::datemultirange) as nights from pg_temp.feed_now n
  )
  select (select coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0) from pg_catalog.unnest(b.nights) r),
         (select coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0) from pg_catalog.unnest(b.nights - a.nights) r)
    into v_blocked, v_released
    from before b, after a;

  if not confirmed and v_released > 0 and v_released * 2 > v_blocked then
    select * into v_pending from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;
    if not found or v_pending.fingerprint <> v_fingerprint then
      insert into app_private.channel_feed_pending_changes as p
             (feed_id, property_id, events, content_hash, fingerprint, reason, nights_released, nights_blocked, confirm_after)
      values (v_feed.id, v_feed.property_id, events, content_hash, v_fingerprint,
              case when not exists (select 1 from pg_temp.feed_now)
                   then 'The channel''s calendar came back empty: it would open all ' || v_blocked || ' blocked nights.'
                   else 'The channel''s calendar would open ' || v_released || ' of ' || v_blocked || ' blocked nights at once.' end,
              v_released, v_blocked, pg_catalog.now() + c_confirm_wait)
      on conflict (feed_id, property_id) do update
        set events = excluded.events, content_hash = excluded.content_hash, fingerprint = excluded.fingerprint, reason = excluded.reason,
            nights_released = excluded.nights_released, nights_blocked = excluded.nights_blocked,
            first_seen_at = pg_catalog.now(), last_seen_at = pg_catalog.now(), confirm_after = excluded.confirm_after
      returning * into v_pending;
    elsif v_pending.confirm_after > pg_catalog.now() then
      update app_private.channel_feed_pending_changes p set last_seen_at = pg_catalog.now()
       where p.feed_id = v_feed.id returning * into v_pending;
    else
      v_pending := null;  -- a later fetch agrees: apply it
    end if;
    if v_pending.feed_id is not null then
      update app_public.channel_feeds f
         set last_polled_at = pg_catalog.now(), last_error = null, last_error_at = null, consecutive_failures = 0,
             next_poll_at = least(f.next_poll_at, v_pending.confirm_after + interval '10 seconds')
       where f.id = v_feed.id;
      return pg_catalog.jsonb_build_object('waiting', true, 'nights_released', v_released, 'nights_blocked', v_blocked,
                                           'confirm_after', v_pending.confirm_after);
    end if;
  end if;
  delete from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;

  delete from app_public.channel_feed_events e
   where e.feed_id = v_feed.id and not exists (select 1 from pg_temp.feed_now n where n.uid = e.uid);
  insert into app_public.channel_feed_events as e (feed_id, property_id, uid, start_date, end_date, summary)
  select v_feed.id, v_feed.property_id, n.uid, n.start_date, n.end_date, n.summary from pg_temp.feed_now n
  on conflict (feed_id, uid, property_id) do update
    set start_date = excluded.start_date, end_date = excluded.end_date, summary = excluded.summary, seen_at = pg_catalog.now()
    where (e.start_date, e.end_date, e.summary) is distinct from (excluded.start_date, excluded.end_date, excluded.summary);

  v_counts := app_private.apply_channel_feed(v_feed.id);

  update app_public.channel_feeds f
     set last_polled_at = pg_catalog.now(), last_success_at = pg_catalog.now(), last_error = null, last_error_at = null,
         consecutive_failures = 0, events_seen = (select count(*) from pg_temp.feed_now), content_hash = sync_channel_feed.content_hash
   where f.id = v_feed.id;
  return v_counts;
end;
$$;
comment on function app_private.sync_channel_feed(uuid, jsonb, text, boolean) is
  E'Applies an OTA feed''s events to its unit (blocks for every free night of its bookings, conflicts for nights sold twice), unless the fetch would suddenly open most of its nights: that waits for a second fetch or staff. Returns counts.';
--! EndIncluded channels/app_private.sync_channel_feed.sql
