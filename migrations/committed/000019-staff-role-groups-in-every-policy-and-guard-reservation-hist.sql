--! Previous: sha1:9d63353b921b71fda7aa01fbf92578ce98af7be6
--! Hash: sha1:afb2826b1d55980a295d09b1d4274e357044b9b5
--! Message: Staff role groups in every policy and guard; reservation history for cashiers; propertyBySlug over slugs unique per organization and among published properties

-- Safe by default (issue 15), part 3: every policy and guard names a staff
-- role group (app_hidden.staff_group_roles) instead of spelling out roles.
-- The groups are the same sets as before, except that the reservation
-- history is now the cashiers' (housekeeping reads no reservations).

--! Included app_public.attach_payment_method.sql
-- Keeps a card (a provider token from the hosted card form; Keepr never
-- sees the number) on file for a reservation's open payments without
-- charging it now: the start_due_payments job charges each payment with it
-- when it falls due (the balance of a pay-at-arrival rate, for instance).
-- The guest (signed in, or with the booking token) and staff who take
-- payments may. Payments already being paid or paid keep their card.
create or replace function app_public.attach_payment_method(
  reservation_id uuid,
  payment_token text,
  idempotency_key text
) returns setof app_public.payment_intents
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_ids uuid[];
begin
  v_replay := app_private.idempotency_begin('attach_payment_method', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'payment_token', payment_token));
  if v_replay is null then
    v_res := app_private.lock_reservation(attach_payment_method.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
    if v_res.status not in ('confirmed', 'checked_in') then
      raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no card.', v_res.status),
        hint = v_res.status::text;
    end if;
    if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
      raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
    end if;
    with updated as (
      update app_public.payment_intents i set payment_token = attach_payment_method.payment_token
       where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status = 'requires_payment'
      returning i.id
    )
    select coalesce(pg_catalog.array_agg(u.id), '{}') into v_ids from updated u;
    v_replay := app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  end if;
  return query
    select i.* from app_public.payment_intents i
     where i.id in (select pg_catalog.jsonb_array_elements_text(v_replay)::uuid)
     order by i.due_at, i.id;
end;
$$;
comment on function app_public.attach_payment_method(uuid, text, text) is
  E'Keeps a provider card token on file for the reservation''s open payments, charged when each falls due; returns those payments. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.attach_payment_method.sql
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
--! Included app_public.channel_reconciliation.sql
-- A property's channels against Keepr, per feed, from its latest good sync:
--   conflict               the channel has a booking Keepr could not block
--                          (an open conflict);
--   not_blocked_on_channel Keepr has a stay or block on the unit (not from
--                          this feed) on nights the channel's feed does not
--                          show as taken: the channel has not imported
--                          Keepr's calendar yet, or at all — it could sell
--                          those nights;
--   feed_failing           the last poll failed (the error);
--   feed_stale             no good sync for three poll intervals.
-- Future nights only. Staff of the property (owner, manager, front desk).
create or replace function app_public.channel_reconciliation(property_id uuid)
  returns table (feed_id uuid, feed_name text, unit_name text, kind text, start_date date, end_date date, detail text)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(channel_reconciliation.property_id, app_hidden.staff_group_roles('front_office'), 'read channel reports');
  return query
    with feeds as (
      select f.*, u.name as unit_name, app_private.local_today(f.property_id) as today
        from app_public.channel_feeds f
        join app_public.units u on u.property_id = f.property_id and u.id = f.unit_id
       where f.property_id = channel_reconciliation.property_id and f.is_active
    )
    select f.id, f.name, f.unit_name, 'conflict', k.start_date, k.end_date,
           'The channel''s booking "' || coalesce(k.summary, '') || '" overlaps ' ||
           coalesce('reservation ' || r.confirmation_code, 'a block') || ' in Keepr.'
      from feeds f
      join app_public.channel_conflicts k on k.property_id = f.property_id and k.feed_id = f.id and k.status = 'open'
      left join app_public.reservations r on r.property_id = k.property_id and r.id = k.conflicting_reservation_id
    union all
    select f.id, f.name, f.unit_name, 'not_blocked_on_channel', pg_catalog.lower(gap), pg_catalog.upper(gap),
           'Keepr has ' || coalesce('reservation ' || r.confirmation_code, c.kind::text) || ' on these nights; the channel''s feed does not show them taken.'
      from feeds f
      join app_public.inventory_claims c
        on c.property_id = f.property_id and c.unit_id = f.unit_id and c.released_at is null and c.kind <> 'hold'
       and pg_catalog.upper(c.stay) > f.today
       and not exists (select 1 from app_public.channel_feed_events e where e.feed_id = f.id and e.claim_id = c.id)
      left join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
      cross join lateral pg_catalog.unnest(
        pg_catalog.datemultirange(c.stay * pg_catalog.daterange(f.today, null))
        - coalesce((select pg_catalog.range_agg(pg_catalog.daterange(e.start_date, e.end_date))
                      from app_public.channel_feed_events e where e.feed_id = f.id), '{}'::datemultirange)
      ) gap
     where f.last_success_at is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_failing', null, null, f.last_error
      from feeds f where f.last_error is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_stale', null, null,
           coalesce('Last good sync ' || pg_catalog.to_char(f.last_success_at, 'YYYY-MM-DD HH24:MI TZ') || '.', 'Never synced.')
      from feeds f
     where coalesce(f.last_success_at, '-infinity') < pg_catalog.now() - pg_catalog.make_interval(mins => 3 * f.poll_interval_minutes)
     order by 2, 4, 5;
end;
$$;
comment on function app_public.channel_reconciliation(uuid) is
  E'Per feed of a property: open conflicts, Keepr stays the channel does not show as taken, failing or stale feeds. Errors: NTFND, DNIED.';
--! EndIncluded app_public.channel_reconciliation.sql
--! Included app_public.check_in.sql
-- Checks a confirmed reservation in, from its arrival date until the last
-- night. The unit must be ready: a dirty unit needs force => true, an
-- out-of-order one a room move first (UNIT_NOT_READY).
create or replace function app_public.check_in(
  reservation_id uuid,
  idempotency_key text,
  force boolean default false
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
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force));
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

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_in(uuid, text, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date. Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_NOT_READY, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_in.sql
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
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.status = 'open';
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_out.sql
--! Included app_public.create_block.sql
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
  E'Blocks a unit (owner_block or maintenance_block) for the nights from start_date up to end_date. Errors: NTFND, DNIED, DATES, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.create_block.sql
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
  v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
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
  v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');

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
--! Included app_public.mark_no_show.sql
-- Records that a confirmed guest did not arrive (from the arrival date on):
-- the late-cancellation terms apply (penalty_amount) and the unit is freed;
-- the folio keeps only the penalty, as on cancellation (record_no_show, which
-- the night audit uses too).
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
  if app_private.local_today(v_res.property_id) < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('A no-show can be recorded from the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  v_res := app_private.record_no_show(v_res,
    'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key));
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show on or after its arrival date: the penalty applies and the unit is freed. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_no_show.sql
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
  perform app_private.require_staff(v_payout.property_id, app_hidden.staff_group_roles('back_office'), 'pay owners');
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
--! Included app_public.modify_reservation.sql
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
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NTFND, DNIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.modify_reservation.sql
--! Included app_public.move_unit.sql
-- Moves a reservation to another unit of the property (any room type: an
-- upgrade keeps the price). A confirmed stay moves whole; a checked-in one
-- from today on, its nights so far staying on the old unit.
create or replace function app_public.move_unit(
  reservation_id uuid,
  unit_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
  update app_public.reservations r set unit_id = v_unit.id where r.id = v_res.id returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.move_unit(uuid, uuid, text) is
  E'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.move_unit.sql
--! Included app_public.occupancy_report.sql
-- Staff reports (owner, manager, accountant) of one property over a date
-- range, read from the reporting views analysts share. At most 400 days.

-- Who may read a property's reports, and over what range.
create or replace function app_private.check_report(property_id uuid, from_date date, to_date date) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_staff(check_report.property_id, app_hidden.staff_group_roles('back_office'), 'read reports');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 400 then
    raise exception using errcode = 'DATES', message = 'A report covers 1 to 400 days (from_date to to_date, inclusive).';
  end if;
end;
$$;
comment on function app_private.check_report(uuid, date, date) is E'Raises NTFND or DNIED unless the caller may read the property''s reports, DATES unless the range is 1 to 400 days.';

-- Occupancy, ADR and RevPAR per night, every night of the range (empty
-- nights included).
create or replace function app_public.occupancy_report(property_id uuid, from_date date, to_date date)
  returns table (date date, units_available integer, units_sold integer, occupancy numeric, room_revenue bigint, adr bigint, revpar bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(occupancy_report.property_id, from_date, to_date);
  return query
    select d::date,
           (select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active)::integer,
           coalesce(o.units_sold, 0),
           round(coalesce(o.units_sold, 0)::numeric
                 / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0), 4),
           coalesce(o.room_revenue, 0)::bigint,
           (o.room_revenue / nullif(o.units_sold, 0))::bigint,
           (coalesce(o.room_revenue, 0)
            / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0))::bigint
      from pg_catalog.generate_series(from_date, to_date, interval '1 day') d
      left join reporting.occupancy o on o.property_id = occupancy_report.property_id and o.date = d::date
     order by 1;
end;
$$;
comment on function app_public.occupancy_report(uuid, date, date) is
  E'Occupancy (0–1), ADR and RevPAR (minor units) per night of a property. Errors: NTFND, DNIED, INVALID_DATES.';

-- Bookings made per day of the range (pickup), per channel.
create or replace function app_public.pickup_report(property_id uuid, from_date date, to_date date)
  returns table (booked_on date, channel text, bookings integer, room_nights integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(pickup_report.property_id, from_date, to_date);
  return query
    select p.booked_on, p.channel, p.bookings, p.room_nights, p.room_revenue
      from reporting.pickup p
     where p.property_id = pickup_report.property_id and p.booked_on between from_date and to_date
     order by 1, 2;
end;
$$;
comment on function app_public.pickup_report(uuid, date, date) is E'Bookings made per day and channel. Errors: NTFND, DNIED, INVALID_DATES.';

-- Room nights and revenue per channel for stays in the range.
create or replace function app_public.channel_revenue_report(property_id uuid, from_date date, to_date date)
  returns table (channel text, bookings integer, room_nights integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(channel_revenue_report.property_id, from_date, to_date);
  return query
    select n.channel, count(distinct n.reservation_id)::integer, count(*)::integer, sum(n.room_revenue)::bigint
      from reporting.room_nights n
     where n.property_id = channel_revenue_report.property_id and n.date between from_date and to_date
     group by n.channel
     order by 1;
end;
$$;
comment on function app_public.channel_revenue_report(uuid, date, date) is E'Room nights and revenue per channel for the nights in a range. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.occupancy_report.sql
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
  v_res := app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
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
--! Included app_public.quote_change.sql
-- Prices a change of a booking's dates or guests before it is made
-- (modifyReservation then makes it at today's rates): the new stay on the
-- booking's rate plan, with its cancellation terms and the units free for
-- it, the booking's own nights counting as free (it gives them back when
-- it moves). The same rules as the change itself: a guest (signed in, or
-- with the booking token) only when changeRefusal is null and within the
-- rate's restrictions; staff of the property always. No quote token: this
-- is not a new booking.
create or replace function app_public.quote_change(
  reservation_id uuid,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_staff boolean;
  v_refusal text;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_restriction record;
  v_quote app_public.quote;
begin
  select * into v_res from app_public.reservations r where r.id = quote_change.reservation_id;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if v_res.id is null or not (coalesce(v_staff, false)
                              or coalesce(v_res.id = app_hidden.current_booking_id(), false)
                              or coalesce(v_res.user_id = app_hidden.current_user_id(), false)) then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  if not v_staff then
    v_refusal := app_private.guest_change_refusal(v_res);
    if v_refusal is not null then
      perform app_private.refuse_guest_change(v_res, v_refusal);
    end if;
  end if;
  v_arrival := coalesce(quote_change.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(quote_change.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(quote_change.adults, v_res.adults);
  v_children := coalesce(quote_change.children, v_res.children);
  perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  select * into v_restriction
    from app_private.stay_restrictions(array[v_res.rate_plan_id], v_arrival, v_departure, v_adults, v_children);
  if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children);
  v_quote.units_left := (
    select pg_catalog.count(*)::integer
      from app_public.units u
     where u.property_id = v_res.property_id and u.room_type_id = v_res.room_type_id and u.is_active
       and not exists (
         select 1 from app_public.inventory_claims c
          where c.property_id = u.property_id and c.unit_id = u.id
            and c.stay && pg_catalog.daterange(v_arrival, v_departure)
            and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
            and c.reservation_id is distinct from v_res.id));
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for the changed stay.';
  end if;
  v_quote.valid_until := null;
  v_quote.quote_token := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_change(uuid, date, date, integer, integer) is
  E'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. Errors: NTFND, DNIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';
--! EndIncluded app_public.quote_change.sql
--! Included app_public.rate_grid.sql
-- The rate calendar as staff edit it: every rate plan of a property × every
-- date of a range, with what applies on the date (the calendar's override,
-- else the plan's own price and stay limits) and whether the date has an
-- override. At most 366 days. Staff of the property but housekeeping
-- (security definer, like the reports: it checks the caller's role with
-- require_staff, then reads that one property).
create or replace function app_public.rate_grid(property_id uuid, from_date date, to_date date)
  returns setof app_public.rate_grid_day
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(rate_grid.property_id, app_hidden.staff_group_roles('cashiers'), 'read the rate calendar');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 365 then
    raise exception using errcode = 'DATES', message = 'The rate calendar shows 1 to 366 days (from_date to to_date, inclusive).';
  end if;
  return query
    select rp.id,
           d::date,
           coalesce(c.price, rp.base_price),
           c.price is not null,
           coalesce(c.min_stay, rp.min_stay),
           coalesce(c.max_stay, rp.max_stay),
           coalesce(c.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false),
           coalesce(c.stop_sell, false),
           c.date is not null
      from app_public.rate_plans rp
     cross join pg_catalog.generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') d
      left join app_public.rate_calendar c
        on c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.date = d::date
     where rp.property_id = rate_grid.property_id
     order by rp.id, d;
end;
$$;
comment on function app_public.rate_grid(uuid, date, date) is
  E'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s), and whether the date is overridden. Staff of the property but housekeeping. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.rate_grid.sql
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
  perform app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('back_office'), 'refund payments');
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
--! Included app_public.release_block.sql
-- Releases an owner or maintenance block: its nights are free again.
create or replace function app_public.release_block(
  claim_id uuid,
  idempotency_key text
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
  E'Releases an owner or maintenance block. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.release_block.sql
--! Included app_public.request_export.sql
-- Staff ask for a CSV export of their property over a date range: who may
-- export what follows their role (reservations: owner, manager, front
-- desk, accountant; guests, with their contact details: owner and manager;
-- the ledger: owner, manager, accountant; occupancy: owner, manager,
-- accountant). The job that writes it is queued in the same transaction.
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
  perform graphile_worker.add_job('run_export', pg_catalog.json_build_object('id', v_export.id),
                                  job_key := 'export:' || v_export.id, max_attempts := 5);
  return v_export;
end;
$$;
comment on function app_public.request_export(uuid, app_public.export_kind, date, date) is
  E'Queues a CSV export (reservations, guests, ledger, occupancy) of a property over a date range. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.request_export.sql
--! Included app_public.resolve_channel_conflict.sql
-- Staff close a channel conflict once they have dealt with it (cancelled
-- or moved one side, or told the channel), with a note. The feed's next
-- sync claims the nights if they are free, or records a new conflict if
-- they still are not.
create or replace function app_public.resolve_channel_conflict(conflict_id uuid, resolution text) returns app_public.channel_conflicts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
     set status = 'resolved', resolved_at = pg_catalog.now(), resolved_by = app_hidden.current_user_id(), resolution = pg_catalog.btrim(resolve_channel_conflict.resolution)
   where k.id = v_conflict.id
  returning * into v_conflict;
  perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_conflict.feed_id),
                                  job_key := 'channel_feed:' || v_conflict.feed_id, max_attempts := 3);
  return v_conflict;
end;
$$;
comment on function app_public.resolve_channel_conflict(uuid, text) is E'Closes a channel conflict with a note and re-syncs its feed. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded app_public.resolve_channel_conflict.sql
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
  perform app_private.require_staff(run_night_audit.property_id, app_hidden.staff_group_roles('managers'), 'run the night audit');
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
  perform app_private.require_staff(run_payouts.property_id, app_hidden.staff_group_roles('back_office'), 'run owner payouts');
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
--! Included app_public.set_rates.sql
-- Bulk edit of a rate plan's calendar over first_date … last_date
-- (inclusive), optionally only on some ISO weekdays (1 = Monday … 7 =
-- Sunday). Null arguments leave a field as it is; reset => true first
-- clears every override on those dates. Returns the number of dates written.
create or replace function app_public.set_rates(
  rate_plan_id uuid,
  first_date date,
  last_date date,
  idempotency_key text,
  price bigint default null,
  min_stay integer default null,
  max_stay integer default null,
  closed_to_arrival boolean default null,
  closed_to_departure boolean default null,
  stop_sell boolean default null,
  days_of_week integer[] default null,
  reset boolean default false
) returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_property_id uuid;
  v_count integer;
begin
  v_replay := app_private.idempotency_begin('set_rates', idempotency_key, pg_catalog.jsonb_build_object(
    'rate_plan_id', rate_plan_id, 'first_date', first_date, 'last_date', last_date, 'price', price,
    'min_stay', min_stay, 'max_stay', max_stay, 'closed_to_arrival', closed_to_arrival,
    'closed_to_departure', closed_to_departure, 'stop_sell', stop_sell, 'days_of_week', days_of_week, 'reset', reset));
  if v_replay is not null then
    return (v_replay ->> 'dates')::integer;
  end if;
  select rp.property_id into v_property_id from app_public.rate_plans rp where rp.id = set_rates.rate_plan_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, app_hidden.staff_group_roles('managers'), 'edit rates');
  if first_date is null or last_date is null or first_date > last_date or last_date - first_date > 730 then
    raise exception using errcode = 'DATES', message = 'Give a first and last date, at most 731 days apart.';
  end if;
  if first_date < app_private.local_today(v_property_id) then
    raise exception using errcode = 'DATES',
      message = pg_catalog.format('Rates can be set from today (%s at the property) on.', app_private.local_today(v_property_id));
  end if;
  if days_of_week is not null and (pg_catalog.cardinality(days_of_week) = 0 or exists (
       select 1 from pg_catalog.unnest(days_of_week) d where d is null or d not between 1 and 7)) then
    raise exception using errcode = 'INVLD', message = 'Days of the week are 1 (Monday) to 7 (Sunday).';
  end if;
  if price < 0 then
    raise exception using errcode = 'INVLD', message = 'A price cannot be negative.';
  end if;
  if min_stay not between 1 and 365 or max_stay not between 1 and 365 or max_stay < min_stay then
    raise exception using errcode = 'INVLD', message = 'Stay limits are 1 to 365 nights, max stay at least min stay.';
  end if;

  if reset then
    delete from app_public.rate_calendar c
     where c.property_id = v_property_id and c.rate_plan_id = set_rates.rate_plan_id
       and c.date between first_date and last_date
       and (days_of_week is null or extract(isodow from c.date)::integer = any (days_of_week));
  end if;
  insert into app_public.rate_calendar as c (property_id, rate_plan_id, date, price, min_stay, max_stay,
                                             closed_to_arrival, closed_to_departure, stop_sell)
  select v_property_id, set_rates.rate_plan_id, d::date, set_rates.price, set_rates.min_stay, set_rates.max_stay,
         coalesce(set_rates.closed_to_arrival, false), coalesce(set_rates.closed_to_departure, false),
         coalesce(set_rates.stop_sell, false)
    from pg_catalog.generate_series(first_date::timestamp, last_date::timestamp, interval '1 day') d
   where days_of_week is null or extract(isodow from d)::integer = any (days_of_week)
  on conflict (property_id, rate_plan_id, date) do update
     set price = coalesce(set_rates.price, c.price),
         min_stay = coalesce(set_rates.min_stay, c.min_stay),
         max_stay = coalesce(set_rates.max_stay, c.max_stay),
         closed_to_arrival = coalesce(set_rates.closed_to_arrival, c.closed_to_arrival),
         closed_to_departure = coalesce(set_rates.closed_to_departure, c.closed_to_departure),
         stop_sell = coalesce(set_rates.stop_sell, c.stop_sell);
  get diagnostics v_count = row_count;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.jsonb_build_object('dates', v_count));
  return v_count;
end;
$$;
comment on function app_public.set_rates(uuid, date, date, text, bigint, integer, integer, boolean, boolean, boolean, integer[], boolean) is
  E'Sets price and restrictions of a rate plan on a range of dates (optionally some weekdays) in one call; null leaves a field unchanged, reset clears overrides first. Returns the number of dates written. Owners and managers. Errors: NTFND, DNIED, DATES, INVLD, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.set_rates.sql
--! Included app_public.set_unit_status.sql
-- Housekeeping, front desk and managers set a unit's status: dirty, clean,
-- inspected or out of order. Out of order needs a note (why); a unit with a
-- guest in it cannot be put out of order (move the guest first). Open
-- cleaning tasks of the unit are done when it is marked clean or inspected.
create or replace function app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text default null)
  returns app_public.units
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_unit app_public.units;
begin
  select * into v_unit from app_public.units u where u.id = set_unit_status.unit_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, app_hidden.staff_group_roles('housekeeping_ops'), 'change unit status');
  if status is null then
    raise exception using errcode = 'INVLD', message = 'A status is required.';
  end if;
  if status = 'out_of_order' then
    if note is null or pg_catalog.length(pg_catalog.btrim(note)) not between 1 and 500 then
      raise exception using errcode = 'INVLD', message = 'Say why the unit is out of order (1 to 500 characters).';
    end if;
    if exists (select 1 from app_public.reservations r
                where r.property_id = v_unit.property_id and r.unit_id = v_unit.id and r.status = 'checked_in') then
      raise exception using errcode = 'UNAVL', message = 'A guest is in this unit: move them before putting it out of order.';
    end if;
  end if;
  update app_public.units u set housekeeping_status = set_unit_status.status where u.id = v_unit.id returning * into v_unit;
  if status in ('clean', 'inspected') then
    update app_public.housekeeping_tasks t
       set status = 'done', completed_at = pg_catalog.now(), completed_by = app_hidden.current_user_id()
     where t.property_id = v_unit.property_id and t.unit_id = v_unit.id and t.status in ('open', 'in_progress')
       and (t.kind in ('checkout_clean', 'stayover_clean') or (t.kind = 'inspection' and set_unit_status.status = 'inspected'));
  end if;
  if status = 'out_of_order' then
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, notes, created_by)
    values (v_unit.property_id, v_unit.id, 'maintenance', app_private.local_today(v_unit.property_id), pg_catalog.btrim(note), app_hidden.current_user_id())
    on conflict do nothing;
  end if;
  return v_unit;
end;
$$;
comment on function app_public.set_unit_status(uuid, app_public.housekeeping_status, text) is
  E'Sets a unit''s housekeeping status (out of order needs a note and an empty unit); marking it clean completes its cleaning tasks. Errors: NTFND, DNIED, INVALID_INPUT, UNIT_UNAVAILABLE.';
--! EndIncluded app_public.set_unit_status.sql
--! Included app_public.sync_channel_feed_now.sql
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
  perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                  job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
  return v_feed;
end;
$$;
comment on function app_public.sync_channel_feed_now(uuid) is E'Queues a sync of the feed now. Errors: NTFND, DNIED.';
--! EndIncluded app_public.sync_channel_feed_now.sql
--! Included app_public.update_housekeeping_task.sql
-- Housekeeping staff take a task, finish it or note something on it;
-- managers may cancel it. Finishing a cleaning task makes the unit clean
-- (an inspection: inspected; maintenance: clean, back in order).
create or replace function app_public.update_housekeeping_task(
  task_id uuid,
  status app_public.housekeeping_task_status,
  notes text default null
) returns app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  select * into v_task from app_public.housekeeping_tasks t where t.id = update_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id,
    case when status = 'cancelled' then app_hidden.staff_group_roles('managers') else app_hidden.staff_group_roles('housekeeping_ops') end::app_public.staff_role[],
    'update housekeeping tasks');
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  if pg_catalog.length(notes) > 1000 then
    raise exception using errcode = 'INVLD', message = 'Notes can be at most 1000 characters.';
  end if;
  update app_public.housekeeping_tasks t
     set status = update_housekeeping_task.status, notes = coalesce(update_housekeeping_task.notes, t.notes),
         assigned_to = case when update_housekeeping_task.status = 'in_progress' then app_hidden.current_user_id() else t.assigned_to end,
         completed_at = case when update_housekeeping_task.status in ('done', 'cancelled') then pg_catalog.now() end,
         completed_by = case when update_housekeeping_task.status in ('done', 'cancelled') then app_hidden.current_user_id() end
   where t.id = v_task.id
  returning * into v_task;
  if status = 'done' then
    update app_public.units u
       set housekeeping_status = case v_task.kind when 'inspection' then 'inspected' else 'clean' end::app_public.housekeeping_status
     where u.property_id = v_task.property_id and u.id = v_task.unit_id
       and (u.housekeeping_status <> 'out_of_order' or v_task.kind = 'maintenance');
  end if;
  return v_task;
end;
$$;
comment on function app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text) is
  E'Takes (in_progress), finishes (done: the unit becomes clean, or inspected) or cancels (managers) a housekeeping task. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded app_public.update_housekeeping_task.sql
--! Included app_public.reservation_history.sql
-- Every change to a reservation and its claims, oldest first, from the
-- audit log: who (user and role), when, from which request, old and new
-- values. The staff who read reservations (cashiers: owner, manager, front
-- desk, accountant), as the history holds money and guests' details.
create or replace function app_public.reservation_history(reservation_id uuid) returns setof app_public.reservation_event
  language plpgsql stable security definer rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_property_id uuid;
begin
  select r.property_id into v_property_id from app_public.reservations r where r.id = reservation_history.reservation_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, app_hidden.staff_group_roles('cashiers'), 'see reservation history');
  return query
    select e.occurred_at, e.table_name, e.operation, e.actor_user_id, u.display_name, e.actor_role, e.request_id,
           e.old_values, e.new_values
      from audit.events e
      left join app_public.users u on u.id = e.actor_user_id
     where e.reservation_id = reservation_history.reservation_id
     order by e.id;
end;
$$;
comment on function app_public.reservation_history(uuid) is
  E'The audit trail of a reservation and its claims: who changed what, when, from which request. Staff only. Errors: NTFND.';
--! EndIncluded app_public.reservation_history.sql

-- Policies: the same rules, the role sets named.
drop policy select_staff on app_public.channel_conflicts;
create policy select_staff on app_public.channel_conflicts for select
  using ((property_id IN (select app_hidden.current_property_ids_for('front_office'))));
drop policy select_staff on app_public.channel_feed_events;
create policy select_staff on app_public.channel_feed_events for select
  using ((property_id IN (select app_hidden.current_property_ids_for('front_office'))));
drop policy manage_manager on app_public.channel_feeds;
create policy manage_manager on app_public.channel_feeds for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))))
  with check ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy select_staff on app_public.channel_feeds;
create policy select_staff on app_public.channel_feeds for select
  using ((property_id IN (select app_hidden.current_property_ids_for('front_office'))));
drop policy select_requester_or_manager on app_public.exports;
create policy select_requester_or_manager on app_public.exports for select
  using (((requested_by = (select app_hidden.current_user_id())) OR (property_id IN (select app_hidden.current_property_ids_for('managers')))));
drop policy manage_manager on app_public.fees;
create policy manage_manager on app_public.fees for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy select_staff on app_public.folio_balances;
create policy select_staff on app_public.folio_balances for select
  using ((property_id IN (select app_hidden.current_property_ids_for('cashiers'))));
drop policy select_staff_or_guest on app_public.folios;
create policy select_staff_or_guest on app_public.folios for select
  using (((property_id IN (select app_hidden.current_property_ids_for('cashiers'))) OR (reservation_id IN ( SELECT r.id
   FROM app_public.reservations r
  WHERE ((r.id = (select app_hidden.current_booking_id())) OR ((r.user_id IS NOT NULL) AND (r.user_id = (select app_hidden.current_user_id()))))))));
drop policy update_front_desk on app_public.guests;
create policy update_front_desk on app_public.guests for update to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('front_office'))));
drop policy insert_staff on app_public.housekeeping_tasks;
create policy insert_staff on app_public.housekeeping_tasks for insert to keepr_staff
  with check (((property_id IN (select app_hidden.current_property_ids_for('housekeeping_ops'))) AND (kind = ANY (ARRAY['inspection'::app_public.housekeeping_task_kind, 'maintenance'::app_public.housekeeping_task_kind]))));
drop policy select_staff on app_public.housekeeping_tasks;
create policy select_staff on app_public.housekeeping_tasks for select
  using ((property_id IN (select app_hidden.current_property_ids_for('housekeeping_ops'))));
drop policy select_staff_or_guest on app_public.invoices;
create policy select_staff_or_guest on app_public.invoices for select
  using (((property_id IN (select app_hidden.current_property_ids_for('cashiers'))) OR (reservation_id IN ( SELECT r.id
   FROM app_public.reservations r
  WHERE ((r.id = (select app_hidden.current_booking_id())) OR ((r.user_id IS NOT NULL) AND (r.user_id = (select app_hidden.current_user_id()))))))));
drop policy select_accounting on app_public.journal_entries;
create policy select_accounting on app_public.journal_entries for select
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy manage_accounting on app_public.ledger_accounts;
create policy manage_accounting on app_public.ledger_accounts for insert to keepr_staff
  with check (((property_id IN (select app_hidden.current_property_ids_for('back_office'))) AND (purpose IS NULL)));
drop policy select_accounting on app_public.ledger_accounts;
create policy select_accounting on app_public.ledger_accounts for select
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy update_accounting on app_public.ledger_accounts;
create policy update_accounting on app_public.ledger_accounts for update to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy select_staff on app_public.night_audit_anomalies;
create policy select_staff on app_public.night_audit_anomalies for select
  using ((property_id IN (select app_hidden.current_property_ids_for('cashiers'))));
drop policy select_staff on app_public.night_audits;
create policy select_staff on app_public.night_audits for select
  using ((property_id IN (select app_hidden.current_property_ids_for('cashiers'))));
drop policy manage_manager on app_public.notification_templates;
create policy manage_manager on app_public.notification_templates for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))))
  with check ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy select_staff on app_public.notifications;
create policy select_staff on app_public.notifications for select
  using ((property_id IN (select app_hidden.current_property_ids_for('front_office'))));
drop policy update_owner on app_public.organizations;
create policy update_owner on app_public.organizations for update
  using ((EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE ((p.organization_id = organizations.id) AND (p.id IN (select app_hidden.current_property_ids_for('owners')))))));
drop policy manage_accounting on app_public.owners;
create policy manage_accounting on app_public.owners for insert
  with check ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy select_accounting on app_public.owners;
create policy select_accounting on app_public.owners for select
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy update_accounting on app_public.owners;
create policy update_accounting on app_public.owners for update
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy select_staff_or_guest on app_public.payment_intents;
create policy select_staff_or_guest on app_public.payment_intents for select
  using (((property_id IN (select app_hidden.current_property_ids_for('cashiers'))) OR (reservation_id IN ( SELECT r.id
   FROM app_public.reservations r
  WHERE ((r.id = (select app_hidden.current_booking_id())) OR ((r.user_id IS NOT NULL) AND (r.user_id = (select app_hidden.current_user_id()))))))));
drop policy select_accounting on app_public.payout_lines;
create policy select_accounting on app_public.payout_lines for select
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy select_accounting on app_public.payouts;
create policy select_accounting on app_public.payouts for select
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy select_accounting_or_front_desk on app_public.postings;
create policy select_accounting_or_front_desk on app_public.postings for select
  using (((property_id IN (select app_hidden.current_property_ids_for('back_office'))) OR ((folio_id IS NOT NULL) AND (property_id IN (select app_hidden.current_property_ids_for('cashiers'))))));
drop policy update_manager on app_public.properties;
create policy update_manager on app_public.properties for update to keepr_staff
  using ((id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy manage_manager on app_public.rate_calendar;
create policy manage_manager on app_public.rate_calendar for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy manage_manager on app_public.rate_plan_los_discounts;
create policy manage_manager on app_public.rate_plan_los_discounts for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy manage_manager on app_public.rate_plans;
create policy manage_manager on app_public.rate_plans for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy resolve_accounting on app_public.reconciliation_differences;
create policy resolve_accounting on app_public.reconciliation_differences for update
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy select_accounting on app_public.reconciliation_differences;
create policy select_accounting on app_public.reconciliation_differences for select
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy update_front_desk on app_public.reservations;
create policy update_front_desk on app_public.reservations for update to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('front_office'))));
drop policy manage_manager on app_public.room_types;
create policy manage_manager on app_public.room_types for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))));
drop policy manage_manager on app_public.taxes;
create policy manage_manager on app_public.taxes for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('back_office'))));
drop policy manage_manager on app_public.units;
create policy manage_manager on app_public.units for all to keepr_staff
  using ((property_id IN (select app_hidden.current_property_ids_for('managers'))));

-- Slugs: unique within an organization (000017) and among published
-- properties; propertyBySlug finds the published one.
drop index if exists app_public.properties_published_slug_idx;
create unique index properties_published_slug_idx on app_public.properties (slug) where is_published;
--! Included app_public.property_by_slug.sql
-- A property by its slug, for links such as /hotels/<slug>. Slugs are unique
-- within an organization (so a slug conflict never reveals another tenant's
-- property) and among published properties (a partial unique index): the
-- published property of that slug, else one the caller may see.
create or replace function app_public.property_by_slug(slug text) returns app_public.properties
  language sql stable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select p.*
    from app_public.properties p
   where p.slug = property_by_slug.slug
   order by p.is_published desc, p.created_at
   limit 1;
$$;
comment on function app_public.property_by_slug(text) is
  E'The property with this slug: the published one, else one of yours (slugs are unique within an organization and among published properties).';
--! EndIncluded app_public.property_by_slug.sql
grant execute on function app_public.property_by_slug(text) to keepr_anonymous;
