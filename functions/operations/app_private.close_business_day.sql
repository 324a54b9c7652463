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
