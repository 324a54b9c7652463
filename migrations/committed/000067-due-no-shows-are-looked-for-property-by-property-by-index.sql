--! Previous: sha1:b2372dd3a529b61fd4ba664a956918231fcf234f
--! Hash: sha1:a16dd06111798ea6e311fab8cf9aa2c04c19d1c6
--! Message: due no-shows are looked for property by property, by index

--! Included booking/app_private.record_due_no_shows.sql
-- Cron (every 15 minutes): records as no-shows the confirmed stays whose
-- arrival day the night audit has closed already (arrival before the
-- property's business date) and whose no-show time has come since: the
-- audit closes a day after local midnight, and a guest is a no-show only
-- from the property's no-show time (by default the next day at 02:00).
-- Same rule and ledger key as the audit (record_no_show), so the two never
-- record one stay twice. Returns how many.
--
-- Property by property, so each looks only at the property's confirmed
-- stays that arrived before its business date (the partial index on
-- arrivals of confirmed and in-house stays), not at every reservation: one
-- statement over all properties was planned as a scan of the whole table,
-- 3.3 s every 15 minutes on the scale data's 424,000 reservations.
create or replace function app_private.record_due_no_shows() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_property record;
  v_res app_public.reservations;
  v_count integer := 0;
begin
  for v_property in
    select p.id, p.business_date from app_public.properties p where p.business_date is not null order by p.id
  loop
    for v_res in
      select r.* from app_public.reservations r
       where r.property_id = v_property.id and r.status = 'confirmed'
         and pg_catalog.lower(r.stay) < v_property.business_date
         and app_private.no_show_from(r) <= pg_catalog.now()
       order by pg_catalog.lower(r.stay), r.id
         for update of r skip locked
    loop
      perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
      v_count := v_count + 1;
    end loop;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.record_due_no_shows() is
  E'Cron: records the no-shows of closed days whose no-show time has come since the night audit; returns how many.';
--! EndIncluded booking/app_private.record_due_no_shows.sql
