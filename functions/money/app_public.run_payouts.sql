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
  E'Computes and posts each owner''s share of rental revenue for stays ended by period_end, never paying a stay''s revenue twice. Errors: NOT_FOUND, ACCESS_DENIED, DATES, IDEMPOTENCY_KEY_REUSED.';
