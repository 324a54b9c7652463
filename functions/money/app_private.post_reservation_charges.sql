-- Brings a reservation's charges in the ledger to what the reservation now
-- says, in one journal entry of differences: the first call (confirmation)
-- posts everything, a modification posts the difference, a cancellation or
-- no-show leaves only the penalty (on cancellation revenue) and reverses the
-- rest. What is due, per account, credits:
--   room revenue          nights and discount, less inclusive taxes;
--   fee revenue           fees, less the share of inclusive taxes on fees;
--   extras revenue        the extras booked with the stay (extra lines), less
--                         their own VAT (the tax lines with an extra_id);
--   tax payable (per tax) every tax line, inclusive or not;
--   cancellation revenue  the penalty, once cancelled or a no-show, less
--                         the share of the taxes it carries, which stays on
--                         their tax payable accounts (VAT on a penalty; never
--                         a city tax, which app_private.penalty_base leaves
--                         out of the penalty);
-- and the guest's folio (receivable) is debited with their sum. What was
-- posted is read back from the entries caused by the reservation, so a
-- repeated call posts nothing. Creates the folio on first use; the charges
-- post to the reservation's primary folio (staff route them elsewhere).
-- On a rate plan that posts nightly, a stay that is booked or in house is
-- due only the nights the night audit has closed (those before the
-- property's business date): their share of the nights' price, and the same
-- share of the discount, fees, extras and taxes. Once checked out, all of it.
-- A cancellation or no-show reverses the extras in full: the penalty is a
-- share of the room part only (app_private.penalty_base).
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
  insert into app_public.folios (property_id, reservation_id, is_primary, label, currency)
  values (reservation.property_id, reservation.id, true, 'Folio 1', reservation.currency)
  on conflict (property_id, reservation_id) where is_primary do nothing;
  select * into v_folio from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
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
    select l.kind, l.amount, coalesce(l.is_inclusive, false) as is_inclusive, l.extra_id,
           coalesce(l.tax_id, (select t.id from app_public.taxes t
                                where t.property_id = reservation.property_id and l.kind = 'tax'
                                  and pg_catalog.starts_with(l.description, t.name || ' (')
                                order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_to_recordset(reservation.price_lines)
           as l(kind text, amount bigint, is_inclusive boolean, tax_id uuid, description text, extra_id uuid)
  ),
  inclusive_on_fees as (
    -- An inclusive percent tax that also covers fees is split between room
    -- and fee revenue in proportion (one rounding, the rest on the room).
    select coalesce(sum(round(p.amount::numeric * reservation.fees_amount
                              / nullif(reservation.room_amount + reservation.fees_amount, 0))), 0)::bigint as amount
      from price p join app_public.taxes t on t.id = p.tax_id
     where p.kind = 'tax' and p.is_inclusive and t.basis = 'percent_of_room' and t.applies_to_fees and p.extra_id is null
  ),
  penalty_taxes as (
    -- A penalty carries its share of the taxes that apply to penalties
    -- (taxes.applies_to_penalty, e.g. VAT): round(penalty × tax / base),
    -- where the base is what the penalty is a share of (penalty_base).
    -- Taxes a penalty does not carry (a city tax per person-night) are not
    -- in the base, so nothing of them is kept.
    select p.tax_id,
           round(reservation.penalty_amount::numeric * sum(p.amount)
                 / nullif(app_private.penalty_base(reservation), 0))::bigint as amount
      from price p join app_public.taxes t on t.property_id = reservation.property_id and t.id = p.tax_id
     where p.kind = 'tax' and p.extra_id is null and t.applies_to_penalty and reservation.status in ('cancelled', 'no_show')
       and coalesce(reservation.penalty_amount, 0) > 0
     group by p.tax_id
  ),
  due as (
    select 'room_revenue' as purpose, null::uuid as tax_id,
           -(reservation.room_amount - (select coalesce(sum(p.amount), 0) from price p where p.kind = 'tax' and p.is_inclusive and p.extra_id is null)
             + (select f.amount from inclusive_on_fees f)) as amount
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'fee_revenue', null, -(reservation.fees_amount - (select f.amount from inclusive_on_fees f))
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'extras_revenue', null,
           -(sum(p.amount) filter (where p.kind = 'extra')
             - coalesce(sum(p.amount) filter (where p.kind = 'tax' and p.extra_id is not null), 0))
      from price p
     where p.extra_id is not null and reservation.status not in ('cancelled', 'no_show')
    having count(*) > 0
    union all
    select 'tax_payable', p.tax_id, -sum(p.amount)
      from price p
     where p.kind = 'tax' and reservation.status not in ('cancelled', 'no_show')
     group by p.tax_id
    union all
    select 'tax_payable', s.tax_id, -s.amount
      from penalty_taxes s
    union all
    select 'cancellation_revenue', null,
           -(coalesce(reservation.penalty_amount, 0) - (select coalesce(sum(s.amount), 0) from penalty_taxes s))
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
  E'Posts the difference between what a reservation is due (room, fees, extras, each tax, or the penalty once cancelled, less the share of the taxes it carries; on nightly-posting plans only the audited nights until check-out) and what its folio was charged; creates the folio.';
