--! Previous: sha1:9c69afbb65fc1d68a9cf93deb4417f6e64592978
--! Hash: sha1:c09104e066f53c9452107fa6b69963e40ae3e66d
--! Message: Issue 23: guest_search_text inlined (begin atomic); the postings balance check in one query; a first payment schedule in one insert

-- Issue 23, a booking's Postgres CPU (helper R, session 35).
-- 1. app_hidden.guest_search_text as a SQL-standard body (begin atomic),
--    without a search_path setting: Postgres inlines it in the trigram
--    indexes' expressions (a guest's insert, a confirmation's contact
--    details) instead of running it as a query of its own; the staff
--    searches inline it the same way and still match the indexes.
--! Included operations/app_hidden.guest_search_text.sql
-- What a staff search for a guest matches against, in one lower-case string:
-- the name, the email, and the phone number's digits only (so "+44 20 7946"
-- and "(020) 7946" find the same guest). Immutable, for the trigram indexes
-- on guests and on reservations' contact details (guests_search_idx,
-- reservations_contact_search_idx), which app_public.search_reservations
-- reads with LIKE.
--
-- A SQL-standard body (begin atomic): its names are bound when it is
-- created, so it needs no search_path setting, and without one Postgres
-- inlines it, in the indexes' expressions and in the searches alike (they
-- still match). With the setting it ran as a query of its own twice a
-- booking (the guest's insert, the confirmation's contact details).
create or replace function app_hidden.guest_search_text(full_name text, email text, phone text) returns text
  language sql immutable parallel safe
begin atomic
  select pg_catalog.lower(coalesce(full_name, '') || ' ' || coalesce(email, '') || ' '
         || coalesce(pg_catalog.regexp_replace(phone, '[^0-9]', '', 'g'), ''));
end;
comment on function app_hidden.guest_search_text(text, text, text) is
  E'A guest''s name, email and phone digits as one lower-case string: what a staff search matches (trigram-indexed).';
--! EndIncluded operations/app_hidden.guest_search_text.sql
-- 2. The postings' balance check looks at the entry's postings once, not twice.
--! Included money/app_private.tg_postings__check_balanced.sql
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
  v_postings bigint;
  v_currency text;
  v_total numeric;
begin
  -- One look at the entry's postings: how many, and the first currency
  -- that does not sum to zero (if any).
  select pg_catalog.sum(x.postings), (pg_catalog.array_agg(x.currency order by x.currency) filter (where x.total <> 0))[1],
         (pg_catalog.array_agg(x.total order by x.currency) filter (where x.total <> 0))[1]
    into v_postings, v_currency, v_total
    from (select p.currency, pg_catalog.sum(p.amount) as total, pg_catalog.count(*) as postings
            from app_public.postings p
           where p.property_id = new.property_id and p.entry_id = new.entry_id
           group by p.currency) x;
  if v_currency is not null then
    raise exception using errcode = 'UNBAL',
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_currency,
                                  app_hidden.format_money(v_total::bigint, v_currency));
  end if;
  if coalesce(v_postings, 0) < 2 then
    raise exception using errcode = 'UNBAL', message = pg_catalog.format('Journal entry %s needs at least two postings.', new.entry_id);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__check_balanced() is
  E'Constraint trigger (deferred to commit): raises UNBAL unless the posting''s entry sums to zero per currency with at least two postings.';
--! EndIncluded money/app_private.tg_postings__check_balanced.sql
-- 3. A reservation's first payment schedule (its confirmation) inserts its
--    intents in one statement, without the four look-ups of what is
--    collected and open (there is nothing yet).
--! Included money/app_private.schedule_payments.sql
-- Keeps a reservation's payment intents in step with what it costs, by its
-- rate plan: the deposit (deposit_percent of the total) is due at once, the
-- rest balance_due_days before arrival at the check-in time (0: at
-- check-in). Money already collected or being collected is never touched;
-- the open intent of each kind is resized, created or cancelled so that
-- collected + open = due, and no more than the folios owe at check-out
-- (cap_open_intents: paid at the desk, or moved to a company). A cancelled
-- or no-show reservation cancels its open intents (refunds are
-- refund_overpayment's).
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
  v_first boolean := false;
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
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  v_deposit := round(reservation.total_amount * v_plan.deposit_percent / 100)::bigint;
  select greatest(pg_catalog.now(), ((pg_catalog.lower(reservation.stay) - v_plan.balance_due_days)::timestamp + p.check_in_time) at time zone p.time_zone)
    into v_balance_due_at
    from app_public.properties p where p.id = reservation.property_id;

  if not exists (select from app_public.payment_intents i
                  where i.property_id = reservation.property_id and i.reservation_id = reservation.id) then
    -- Its first schedule (the confirmation): nothing collected, nothing
    -- open, so each kind due is one new intent, all in one insert.
    insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at)
    select reservation.property_id, reservation.id, v_folio_id, k.kind::app_public.payment_kind, k.due, reservation.currency, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
     where k.due > 0;
    v_first := true;
  end if;
  -- Otherwise, kind by kind: what is collected and what is open.
  for v_kind in
    select k.kind::app_public.payment_kind as kind, k.due, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
     where not v_first
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
  -- What the guest paid at the desk (cash, bank) or a company took over is
  -- not asked of the card again.
  perform app_private.cap_open_intents(reservation);
end;
$$;
comment on function app_private.schedule_payments(app_public.reservations) is
  E'Creates, resizes or cancels a reservation''s open payment intents (deposit, balance) so that collected plus open equals what it costs.';
--! EndIncluded money/app_private.schedule_payments.sql
