-- When a stay's pre-arrival message goes out: pre_arrival_days before the
-- arrival date at 10:00 in the property's time zone.
create or replace function app_private.pre_arrival_at(reservation app_public.reservations) returns timestamptz
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select ((pg_catalog.lower(reservation.stay) - p.pre_arrival_days)::timestamp + time '10:00') at time zone p.time_zone
    from app_public.properties p where p.id = reservation.property_id;
$$;
comment on function app_private.pre_arrival_at(app_public.reservations) is E'The moment a stay''s pre-arrival message is due.';
