-- Whom a folio's next invoice is addressed to: the bill-to saved on the
-- folio (setFolioBillTo), else the folio's company (a company's folio, a
-- guest folio billed to a company, or the company whose city ledger the
-- folio's balance was transferred to, the latest), else the reservation's
-- guest. 'source' says which. The stay (confirmation code, arrival,
-- departure, guest) is added for documents of a reservation's folio.
create or replace function app_private.bill_to_of(folio app_public.folios) returns jsonb
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_bill jsonb;
  v_stay jsonb := '{}';
  v_company_id uuid := folio.company_id;
begin
  if folio.reservation_id is not null then
    select pg_catalog.jsonb_build_object('confirmation_code', r.confirmation_code, 'arrival', pg_catalog.lower(r.stay),
                                         'departure', pg_catalog.upper(r.stay), 'guest_name', g.full_name)
      into v_stay
      from app_public.reservations r
      left join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = folio.reservation_id;
  end if;
  select pg_catalog.jsonb_build_object('source', 'folio', 'name', b.name, 'address_line1', b.address_line1,
           'address_line2', b.address_line2, 'postal_code', b.postal_code, 'city', b.city, 'country_code', b.country_code,
           'tax_id', b.tax_id, 'email', b.email)
    into v_bill
    from app_public.folio_bill_to b
   where b.property_id = folio.property_id and b.folio_id = folio.id;
  if v_bill is null and v_company_id is null then
    select cf.company_id into v_company_id
      from app_public.journal_entries e
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.folios cf on cf.property_id = p.property_id and cf.id = p.folio_id and cf.kind = 'company'
     where e.property_id = folio.property_id and e.cause_type = 'city_ledger_transfer' and e.cause_id = folio.id
     order by e.occurred_at desc, p.id desc
     limit 1;
  end if;
  if v_bill is null and v_company_id is not null then
    select pg_catalog.jsonb_build_object('source', 'company', 'name', coalesce(c.legal_name, c.name),
             'address_line1', c.address_line1, 'address_line2', c.address_line2, 'postal_code', c.postal_code, 'city', c.city,
             'country_code', c.country, 'tax_id', c.tax_id, 'email', c.email::text)
      into v_bill
      from app_public.companies c
     where c.property_id = folio.property_id and c.id = v_company_id;
  end if;
  if v_bill is null then
    select pg_catalog.jsonb_build_object('source', 'guest', 'name', g.full_name, 'email', g.email::text)
      into v_bill
      from app_public.reservations r
      join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = folio.reservation_id;
  end if;
  return pg_catalog.jsonb_strip_nulls(coalesce(v_bill, pg_catalog.jsonb_build_object('source', 'none')) || coalesce(v_stay, '{}'));
end;
$$;
comment on function app_private.bill_to_of(app_public.folios) is
  E'The bill-to of a folio''s next document: saved on the folio, else its company (or the one its balance went to on the city ledger), else the reservation''s guest; with the stay.';
