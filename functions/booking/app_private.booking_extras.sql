-- The extras a guest chose for a stay (quote's `extras`: a JSON array of
-- {"extraId": "<uuid>", "quantity": n}), checked against the property's
-- catalogue and resolved to what price_lines needs: a JSON array of
-- {extra_id, name, basis, unit_price, tax_id, quantity} sorted by the
-- catalogue's order. Refusals are INVALID_INPUT with a reason (hint):
-- EXTRAS (not an array of {extraId, quantity}, more than 20, an extra twice),
-- EXTRA_UNKNOWN (no such extra at this property: the same answer for an
-- unknown id and another property's), EXTRA_NOT_BOOKABLE (guests may not
-- book it, or its tax is not a percentage), EXTRA_INACTIVE (withdrawn from
-- the catalogue) and EXTRA_QUANTITY (not 1 to the extra's max_quantity).
-- Called by quote (prices at today's catalogue) and again by create_hold
-- (the catalogue may have changed since the quote; the quoted price stands).
create or replace function app_private.booking_extras(property_id uuid, extras jsonb) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_item jsonb;
  v_id uuid;
  v_quantity integer;
  v_extra app_public.folio_extras;
  v_tax_basis text;
  v_ids uuid[] := '{}';
  v_result jsonb := '[]';
begin
  if extras is null or extras = 'null'::jsonb or extras = '[]'::jsonb then
    return null;
  end if;
  if pg_catalog.jsonb_typeof(extras) <> 'array' or pg_catalog.jsonb_array_length(extras) > 20 then
    raise exception using errcode = 'INVLD', hint = 'EXTRAS',
      message = 'Extras must be a list of at most 20 items, each with an extraId and a quantity.';
  end if;
  for v_item in select e from pg_catalog.jsonb_array_elements(extras) e loop
    if pg_catalog.jsonb_typeof(v_item) <> 'object'
       or pg_catalog.jsonb_typeof(v_item -> 'extraId') is distinct from 'string'
       or (v_item ->> 'extraId') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception using errcode = 'INVLD', hint = 'EXTRAS',
        message = 'Each extra needs an extraId (the id of an extra of the property) and a quantity.';
    end if;
    v_id := (v_item ->> 'extraId')::uuid;
    if v_id = any (v_ids) then
      raise exception using errcode = 'INVLD', hint = 'EXTRAS', message = 'An extra is listed twice; give it once with its quantity.';
    end if;
    v_ids := v_ids || v_id;
    select * into v_extra from app_public.folio_extras e
     where e.property_id = booking_extras.property_id and e.id = v_id;
    if not found then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_UNKNOWN', message = 'This extra is not offered here.';
    end if;
    if not v_extra.is_active then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_INACTIVE',
        message = pg_catalog.format('%s is no longer offered; choose again.', v_extra.name);
    end if;
    select t.basis into v_tax_basis from app_public.taxes t
     where t.property_id = v_extra.property_id and t.id = v_extra.tax_id;
    if not v_extra.is_bookable or (v_extra.tax_id is not null and v_tax_basis is distinct from 'percent_of_room') then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_NOT_BOOKABLE',
        message = pg_catalog.format('%s cannot be booked online; ask the property.', v_extra.name);
    end if;
    if pg_catalog.jsonb_typeof(v_item -> 'quantity') is distinct from 'number'
       or (v_item ->> 'quantity') !~ '^[0-9]{1,9}$'
       or (v_item ->> 'quantity')::integer not between 1 and v_extra.max_quantity then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_QUANTITY',
        message = pg_catalog.format('%s: choose 1 to %s.', v_extra.name, v_extra.max_quantity);
    end if;
    v_quantity := (v_item ->> 'quantity')::integer;
    v_result := v_result || pg_catalog.jsonb_build_object(
      'extra_id', v_extra.id, 'name', v_extra.name, 'basis', v_extra.booking_basis, 'unit_price', v_extra.unit_price,
      'tax_id', v_extra.tax_id, 'quantity', v_quantity, 'sort_order', v_extra.sort_order);
  end loop;
  return (select pg_catalog.jsonb_agg(e - 'sort_order' order by (e ->> 'sort_order')::integer, e ->> 'name')
            from pg_catalog.jsonb_array_elements(v_result) e);
end;
$$;
comment on function app_private.booking_extras(uuid, jsonb) is
  E'The extras chosen for a stay ([{extraId, quantity}]) checked against the property''s catalogue (bookable, active, quantity 1 to max_quantity) and resolved for pricing; INVALID_INPUT with reason EXTRAS, EXTRA_UNKNOWN, EXTRA_NOT_BOOKABLE, EXTRA_INACTIVE or EXTRA_QUANTITY.';
