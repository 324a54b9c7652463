-- A booking's extras as app_private.price_lines takes them: what was chosen
-- at booking (app_public.reservation_extras), at the unit price and basis
-- of then, so a change of dates or guests re-prices them by the new nights
-- and guests, never by today's catalogue.
create or replace function app_private.booked_extras(reservation app_public.reservations) returns jsonb
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'extra_id', x.extra_id, 'name', x.name, 'basis', x.basis, 'unit_price', x.unit_price,
           'tax_id', x.tax_id, 'quantity', x.quantity) order by x.position)
    from app_public.reservation_extras x
   where x.property_id = (booked_extras.reservation).property_id and x.reservation_id = (booked_extras.reservation).id;
$$;
comment on function app_private.booked_extras(app_public.reservations) is
  E'A reservation''s booked extras (reservation_extras) as price_lines takes them, at the prices they were booked at.';

