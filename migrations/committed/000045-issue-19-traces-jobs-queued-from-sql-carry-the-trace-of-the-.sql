--! Previous: sha1:200b792a442cfb5083672ccd25991658fde37947
--! Hash: sha1:0024d13f27e5779d5a5f72f4fbd4a0457674fe51
--! Message: Issue 19, traces: jobs queued from SQL carry the trace of the transaction that queued them (app_private.add_job)

-- Issue 19, traces: every job queued from SQL carries the trace of the
-- transaction that queued it (app_private.add_job puts keepr.traceparent in
-- its payload as _trace), so the job's span continues the request's trace.

--! Included common/app_private.add_job.sql
-- Queues a job, as graphile_worker.add_job does (same arguments), carrying
-- the trace of the transaction that queues it: the API and the worker set
-- keepr.traceparent (transaction-local) when tracing is on, and it goes into
-- the payload as `_trace`, from which the job's span continues the trace
-- (worker/runner.ts). Without it the payload is left as given. Every job
-- Keepr queues from SQL goes through here.
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
--! Included access/app_public.register.sql
create or replace function app_public.register(
  email text,
  password text,
  display_name text
) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users;
  v_refusal text;
begin
  if register.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(register.email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  v_refusal := app_private.password_refusal(register.password, register.email);
  if v_refusal is not null then
    raise exception using errcode = 'WEAKP', message = v_refusal;
  end if;
  if pg_catalog.length(pg_catalog.btrim(register.display_name)) not between 1 and 100 then
    raise exception using errcode = 'INVNM', message = 'A display name of 1 to 100 characters is required.';
  end if;

  insert into app_public.users (email, display_name)
  values (register.email, pg_catalog.btrim(register.display_name))
  on conflict do nothing
  returning * into v_user;
  if v_user.id is null then
    raise exception using errcode = 'EMTKN', message = 'An account with this email address already exists.';
  end if;

  insert into app_private.user_secrets (user_id, password_hash)
  values (v_user.id, public.crypt(register.password, public.gen_salt('bf', 10)));

  perform app_private.add_job(
    'send_welcome_email',
    pg_catalog.json_build_object('id', v_user.id),
    job_key := 'send_welcome_email:' || v_user.id,
    max_attempts := 10
  );

  return app_private.create_session(v_user.id);
end;
$$;
comment on function app_public.register(text, text, text) is
  E'Creates a guest account (email, password of 10 to 72 bytes that is not the email or a common password, display name), signs it in and queues a welcome email. Errors: INVALID_EMAIL, WEAK_PASSWORD, INVALID_NAME, EMAIL_TAKEN.';
--! EndIncluded access/app_public.register.sql
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
--! Included channels/app_private.hand_nights_to_channels.sql
-- Nights a unit has just given back (a stay cancelled, moved or shortened,
-- a block released, an expired hold let go, another feed's booking gone)
-- go at once to every channel feed of the unit with a booking on them
-- (app_private.apply_channel_feed), except the feed that gave them back: a
-- channel sold those nights, and they must not go on sale in Keepr. A feed
-- that another transaction is syncing at this moment is not waited for (it
-- could be waiting for this one): its sync is queued instead, and it or
-- the running sync sees the nights once this transaction commits.
create or replace function app_private.hand_nights_to_channels(property_id uuid, unit_id uuid, nights datemultirange, except_feed_id uuid default null)
  returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_feed_id uuid;
begin
  for v_feed_id in
    select distinct e.feed_id
      from app_public.channel_feeds f
      join app_public.channel_feed_events e on e.feed_id = f.id
     where f.property_id = hand_nights_to_channels.property_id and f.unit_id = hand_nights_to_channels.unit_id
       and f.id is distinct from hand_nights_to_channels.except_feed_id
       and pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date)) && hand_nights_to_channels.nights
  loop
    perform 1 from app_public.channel_feeds f where f.id = v_feed_id for update skip locked;
    if found then
      perform app_private.apply_channel_feed(v_feed_id);
    else
      perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed_id),
                                      job_key := 'channel_feed:' || v_feed_id, max_attempts := 3);
    end if;
  end loop;
end;
$$;
comment on function app_private.hand_nights_to_channels(uuid, uuid, datemultirange, uuid) is
  E'Gives nights a unit gave back to its channel feeds with a booking on them, at once (or queues the sync of a feed being synced).';
--! EndIncluded channels/app_private.hand_nights_to_channels.sql
--! Included channels/app_private.schedule_channel_polls.sql
-- Cron: queues a sync job for every active feed that is due, and sets its
-- next poll one interval later, plus up to a fifth of it at random (jitter:
-- feeds added together do not poll together). A feed already queued is not
-- queued twice (job key). Returns how many were queued.
create or replace function app_private.schedule_channel_polls() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_feed record;
  v_count integer := 0;
begin
  for v_feed in
    select f.id, f.poll_interval_minutes from app_public.channel_feeds f
     where f.is_active and f.next_poll_at <= pg_catalog.now()
     order by f.next_poll_at
       for update skip locked
  loop
    perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                    job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
    update app_public.channel_feeds f
       set next_poll_at = pg_catalog.now() + pg_catalog.make_interval(secs => v_feed.poll_interval_minutes * 60 * (1 + pg_catalog.random() / 5))
     where f.id = v_feed.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.schedule_channel_polls() is E'Cron: queues the sync of every due feed (once), with jitter on the next poll.';
--! EndIncluded channels/app_private.schedule_channel_polls.sql
--! Included channels/app_public.sync_channel_feed_now.sql
-- Staff (owner, manager, front desk) ask for a feed to be read now rather
-- than at its next poll. Returns the feed.
create or replace function app_public.sync_channel_feed_now(feed_id uuid) returns app_public.channel_feeds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed_now.feed_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_feed.property_id, app_hidden.staff_group_roles('front_office'), 'sync channels');
  perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                  job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
  return v_feed;
end;
$$;
comment on function app_public.sync_channel_feed_now(uuid) is E'Queues a sync of the feed now. Errors: NOT_FOUND, ACCESS_DENIED.';
--! EndIncluded channels/app_public.sync_channel_feed_now.sql
--! Included money/app_private.enforce_payment_deadline.sql
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
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'not_yet';
  end if;
  if exists (select 1 from app_public.payment_attempts a
               join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
              where i.property_id = v_res.property_id and i.reservation_id = v_res.id
                and i.kind <> 'incidental' and a.status in ('pending', 'authorized')) then
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
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
--! EndIncluded money/app_private.enforce_payment_deadline.sql
--! Included money/app_private.record_payment_failure.sql
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
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  end if;
end;
$$;
comment on function app_private.record_payment_failure(uuid, text, text) is
  E'Records that an attempt failed, with the reason (idempotent; never undoes a capture); a due payment that failed makes a confirmed booking "payment due" with its plan''s deadline and queues the cancellation job.';
--! EndIncluded money/app_private.record_payment_failure.sql
--! Included money/app_private.start_attempt.sql
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
  perform app_private.add_job('process_payment_attempt', pg_catalog.json_build_object('attempt_id', v_attempt.id),
                                  job_key := 'payment_attempt:' || v_attempt.id, max_attempts := 15);
  return v_attempt;
end;
$$;
comment on function app_private.start_attempt(app_public.payment_intents, text) is
  E'Creates a payment attempt for an intent and queues its capture job (same transaction).';
--! EndIncluded money/app_private.start_attempt.sql
--! Included money/app_private.start_refund.sql
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
      'Refund of ' || app_hidden.format_money(v_refund.amount, intent.currency) || ' requested'
        || coalesce(': ' || nullif(pg_catalog.btrim(start_refund.reason), ''), ''),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', intent.folio_id, 'amount', v_refund.amount, 'currency', intent.currency),
        pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', -v_refund.amount, 'currency', intent.currency)));
    perform app_private.add_job('process_refund', pg_catalog.json_build_object('refund_id', v_refund.id),
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
--! EndIncluded money/app_private.start_refund.sql
--! Included money/app_public.extend_payment_deadline.sql
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
  perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                  run_at := v_res.payment_due_by, max_attempts := 10,
                                  job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.extend_payment_deadline(uuid, timestamptz, text, text) is
  E'Moves the payment deadline of a booking whose payment is due to a later time (at most 30 days ahead), with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (no payment due), INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded money/app_public.extend_payment_deadline.sql
--! Included money/app_public.send_invoice.sql
-- Sends an issued invoice or credit note by email with its PDF attached:
-- records the delivery and adds the send_invoice job in this transaction
-- (the worker renders the PDF from the frozen document and sends it through
-- the mail provider, once per delivery however often the job runs).
-- Cashiers. The address defaults to the document's bill-to email.
create or replace function app_public.send_invoice(invoice_id uuid, email text, idempotency_key text) returns app_public.invoice_deliveries
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_email text;
  v_delivery app_public.invoice_deliveries;
begin
  v_replay := app_private.idempotency_begin('send_invoice', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'email', email));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoice_deliveries, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = send_invoice.invoice_id;
  if not found or v_invoice.property_id not in (select app_hidden.current_property_ids()) then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_invoice.property_id, app_hidden.staff_group_roles('cashiers'), 'send invoices');
  v_email := coalesce(nullif(pg_catalog.btrim(email), ''), v_invoice.bill_to ->> 'email');
  if v_email is null then
    raise exception using errcode = 'INVEM', message = 'This document''s bill-to has no email address: give one to send it to.';
  end if;
  if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(v_email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
  end if;
  insert into app_public.invoice_deliveries (property_id, invoice_id, recipient, requested_by)
  values (v_invoice.property_id, v_invoice.id, v_email, app_hidden.current_user_id())
  returning * into v_delivery;
  perform app_private.add_job('send_invoice', pg_catalog.json_build_object('id', v_delivery.id),
                                  job_key := 'invoice_delivery:' || v_delivery.id, max_attempts := 10);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_delivery));
  return v_delivery;
end;
$$;
comment on function app_public.send_invoice(uuid, text, text) is
  E'Emails an issued invoice or credit note with its PDF attached (to the given address, else the bill-to''s email) through a job added in the same transaction. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded money/app_public.send_invoice.sql
--! Included operations/app_private.notify.sql
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
    perform app_private.add_job('send_notification', pg_catalog.json_build_object('id', v_id),
                                    run_at := notify.send_after, max_attempts := 10);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz) is
  E'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';
--! EndIncluded operations/app_private.notify.sql
--! Included operations/app_public.request_export.sql
-- Staff ask for a CSV export of their property over a date range: who may
-- export what follows their role (reservations: owner, manager, front
-- desk, accountant; guests, with their contact details: owner and manager;
-- the ledger: owner, manager, accountant; occupancy: owner, manager,
-- accountant; the city tax: owner, manager, accountant). Amounts leave in
-- major units beside their currency (run_export.ts). The job that writes it
-- is queued in the same transaction.
create or replace function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date)
  returns app_public.exports
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_export app_public.exports;
begin
  perform app_private.require_staff(request_export.property_id,
    case kind
      when 'reservations' then app_hidden.staff_group_roles('cashiers')
      when 'guests' then app_hidden.staff_group_roles('managers')
      else app_hidden.staff_group_roles('back_office')
    end::app_public.staff_role[], 'export ' || kind::text);
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 3660 then
    raise exception using errcode = 'DATES', message = 'An export covers 1 day to 10 years (from_date to to_date, inclusive).';
  end if;
  insert into app_public.exports (property_id, kind, from_date, to_date, requested_by)
  values (request_export.property_id, request_export.kind, from_date, to_date, app_hidden.current_user_id())
  returning * into v_export;
  perform app_private.add_job('run_export', pg_catalog.json_build_object('id', v_export.id),
                                  job_key := 'export:' || v_export.id, max_attempts := 5);
  return v_export;
end;
$$;
comment on function app_public.request_export(uuid, app_public.export_kind, date, date) is
  E'Queues a CSV export (reservations, guests, ledger, occupancy, city_tax) of a property over a date range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
--! EndIncluded operations/app_public.request_export.sql
