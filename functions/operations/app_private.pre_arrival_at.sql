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
