-- Keeps the extras of a quote (app_public.quote.extras) with the hold made
-- from it, after checking them against the catalogue again
-- (app_private.booking_extras: an extra withdrawn or made unbookable since
-- the quote is refused, INVALID_INPUT), and against their daily limits under
-- a lock of the extra (app_private.check_extra_limits: EXTRA_SOLD_OUT when
-- another hold took the last one); the quoted unit prices stand.
create or replace function app_private.hold_extras(reservation_id uuid, property_id uuid, extras jsonb) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  if extras is null or pg_catalog.jsonb_array_length(extras) = 0 then
    return;
  end if;
  perform app_private.booking_extras(hold_extras.property_id,
            (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('extraId', e ->> 'extra_id', 'quantity', (e ->> 'quantity')::integer))
               from pg_catalog.jsonb_array_elements(hold_extras.extras) e));
  perform app_private.check_extra_limits(hold_extras.property_id,
            (select r.stay from app_public.reservations r where r.property_id = hold_extras.property_id and r.id = hold_extras.reservation_id),
            hold_extras.extras, hold_extras.reservation_id, lock => true);
  insert into app_public.reservation_extras (property_id, reservation_id, extra_id, position, name, basis, unit_price, tax_id, quantity)
  select hold_extras.property_id, hold_extras.reservation_id, (e.x ->> 'extra_id')::uuid, e.position::integer, e.x ->> 'name',
         e.x ->> 'basis', (e.x ->> 'unit_price')::bigint, (e.x ->> 'tax_id')::uuid, (e.x ->> 'quantity')::integer
    from pg_catalog.jsonb_array_elements(hold_extras.extras) with ordinality as e(x, position);
end;
$$;
comment on function app_private.hold_extras(uuid, uuid, jsonb) is
  E'Checks a quote''s extras against the catalogue again (INVALID_INPUT when one was withdrawn) and keeps them on the held reservation at the quoted prices.';
