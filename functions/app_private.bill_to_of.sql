-- Whom a folio's next invoice is addressed to: the bill-to saved on the
-- folio (setFolioBillTo), else the company the folio is billed to (a
-- company folio, or a guest folio routed to a company), else the guest of
-- the reservation. 'source' says which. The stay (confirmation code,
-- arrival, departure) is added for documents of a reservation's folio.
-- Company folios and companies are read through to_jsonb, so this works
-- before and after they exist in the schema.
create or replace function app_private.bill_to_of(folio app_public.folios) returns jsonb
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio jsonb := pg_catalog.to_jsonb(folio);
  v_bill jsonb;
  v_company jsonb;
  v_stay jsonb := '{}';
begin
  if v_folio ->> 'reservation_id' is not null then
    select pg_catalog.jsonb_build_object('confirmation_code', r.confirmation_code, 'arrival', pg_catalog.lower(r.stay),
                                         'departure', pg_catalog.upper(r.stay), 'guest_name', g.full_name)
      into v_stay
      from app_public.reservations r
      left join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = (v_folio ->> 'reservation_id')::uuid;
  end if;
  select pg_catalog.jsonb_build_object('source', 'folio', 'name', b.name, 'address_line1', b.address_line1,
           'address_line2', b.address_line2, 'postal_code', b.postal_code, 'city', b.city, 'country_code', b.country_code,
           'tax_id', b.tax_id, 'email', b.email)
    into v_bill
    from app_public.folio_bill_to b
   where b.property_id = folio.property_id and b.folio_id = folio.id;
  if v_bill is null and v_folio ->> 'company_id' is not null and pg_catalog.to_regclass('app_public.companies') is not null then
    execute 'select pg_catalog.to_jsonb(c) from app_public.companies c where c.property_id = $1 and c.id = $2'
       into v_company using folio.property_id, (v_folio ->> 'company_id')::uuid;
    if v_company is not null then
      v_bill := pg_catalog.jsonb_build_object('source', 'company',
        'name', coalesce(v_company ->> 'legal_name', v_company ->> 'name'),
        'address_line1', coalesce(v_company ->> 'address_line1', v_company ->> 'line1'),
        'address_line2', coalesce(v_company ->> 'address_line2', v_company ->> 'line2'),
        'postal_code', v_company ->> 'postal_code', 'city', v_company ->> 'city',
        'country_code', coalesce(v_company ->> 'country_code', v_company ->> 'country'),
        'tax_id', v_company ->> 'tax_id', 'email', v_company ->> 'email');
    end if;
  end if;
  if v_bill is null then
    select pg_catalog.jsonb_build_object('source', 'guest', 'name', g.full_name, 'email', g.email::text)
      into v_bill
      from app_public.reservations r
      join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = (v_folio ->> 'reservation_id')::uuid;
  end if;
  return pg_catalog.jsonb_strip_nulls(coalesce(v_bill, pg_catalog.jsonb_build_object('source', 'none')) || coalesce(v_stay, '{}'));
end;
$$;
comment on function app_private.bill_to_of(app_public.folios) is
  E'The bill-to of a folio''s next document: saved on the folio, else its company, else the reservation''s guest; with the stay.';
