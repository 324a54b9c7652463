-- The seller block of an invoice: the property's legal details as they are
-- now (frozen into each document when it is issued). Refuses with
-- LEGAL_DETAILS_MISSING, naming every missing field, while the property has
-- not given what a legal invoice must show: legal name, street address,
-- postal code, city, country and VAT id. 'language' is the language the
-- document is written in: the property's (properties.language) at issue.
create or replace function app_private.invoice_seller(property_id uuid) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_legal app_public.property_legal_details;
  v_missing text[];
begin
  select * into v_legal from app_public.property_legal_details l where l.property_id = invoice_seller.property_id;
  v_missing := array_remove(array[
    case when v_legal.legal_name is null then 'legal name' end,
    case when v_legal.address_line1 is null then 'street address' end,
    case when v_legal.postal_code is null then 'postal code' end,
    case when v_legal.city is null then 'city' end,
    case when v_legal.country_code is null then 'country' end,
    case when v_legal.vat_id is null then 'VAT id' end
  ], null);
  if pg_catalog.cardinality(v_missing) > 0 then
    raise exception using errcode = 'LEGAL',
      message = pg_catalog.format('Invoices need the property''s legal details first. Missing: %s (Accounting › Legal details).',
                                  pg_catalog.array_to_string(v_missing, ', '));
  end if;
  return pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'legal_name', v_legal.legal_name, 'address_line1', v_legal.address_line1, 'address_line2', v_legal.address_line2,
    'postal_code', v_legal.postal_code, 'city', v_legal.city, 'country_code', v_legal.country_code,
    'vat_id', v_legal.vat_id, 'registration', v_legal.registration, 'invoice_footer', v_legal.invoice_footer,
    'email', v_legal.email, 'phone', v_legal.phone,
    'language', (select p.language from app_public.properties p where p.id = invoice_seller.property_id)));
end;
$$;
comment on function app_private.invoice_seller(uuid) is
  E'The property''s legal details (and the language its documents are written in) as an invoice''s seller block; LEGAL_DETAILS_MISSING (naming the fields) while incomplete.';
