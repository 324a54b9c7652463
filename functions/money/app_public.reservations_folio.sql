-- A reservation's primary folio (Reservation.folio), as before a
-- reservation could have more than one; Reservation.folios lists them all.
create or replace function app_public.reservations_folio(r app_public.reservations) returns app_public.folios
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select f.* from app_public.folios f where f.property_id = r.property_id and f.reservation_id = r.id and f.is_primary;
$$;
comment on function app_public.reservations_folio(app_public.reservations) is
  E'The reservation''s primary folio (the stay''s charges and card payments); `folios` lists every folio of the reservation.';
