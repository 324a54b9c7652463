-- Saves the legal details a property's invoices show (the seller): legal
-- name, address, VAT id, company registration, contact and the footer
-- (bank details, terms). Back office (owner, manager, accountant). Every
-- text is trimmed and an empty one is stored as missing; documents already
-- issued keep the details they were issued with.
create or replace function app_public.set_property_legal_details(
  property_id uuid,
  legal_name text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country_code text,
  vat_id text,
  registration text,
  invoice_footer text,
  email text,
  phone text,
  idempotency_key text
) returns app_public.property_legal_details
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_row app_public.property_legal_details;
  v_clean text[];
begin
  v_replay := app_private.idempotency_begin('set_property_legal_details', idempotency_key, pg_catalog.jsonb_build_object(
    'property_id', property_id, 'legal_name', legal_name, 'address_line1', address_line1, 'address_line2', address_line2,
    'postal_code', postal_code, 'city', city, 'country_code', country_code, 'vat_id', vat_id, 'registration', registration,
    'invoice_footer', invoice_footer, 'email', email, 'phone', phone));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.property_legal_details, v_replay);
  end if;
  perform app_private.require_staff(set_property_legal_details.property_id, app_hidden.staff_group_roles('back_office'), 'edit the property''s legal details');
  select pg_catalog.array_agg(nullif(pg_catalog.btrim(v), '') order by o) into v_clean
    from pg_catalog.unnest(array[legal_name, address_line1, address_line2, postal_code, city, pg_catalog.upper(country_code),
                                 vat_id, registration, invoice_footer, email, phone]) with ordinality x(v, o);
  if exists (select 1 from pg_catalog.unnest(v_clean[1:8] || v_clean[10:11]) v where pg_catalog.length(v) > 200) then
    raise exception using errcode = 'INVLD', message = 'Each legal detail is at most 200 characters (the footer 1000).';
  end if;
  if pg_catalog.length(v_clean[9]) > 1000 then
    raise exception using errcode = 'INVLD', message = 'The invoice footer is at most 1000 characters.';
  end if;
  if v_clean[6] is not null and v_clean[6] !~ '^[A-Z]{2}$' then
    raise exception using errcode = 'INVLD', message = 'The country is a two-letter ISO code, such as PT or DE.';
  end if;
  if v_clean[10] is not null and v_clean[10] !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
  end if;
  insert into app_public.property_legal_details as l (property_id, legal_name, address_line1, address_line2, postal_code, city,
                                                     country_code, vat_id, registration, invoice_footer, email, phone, updated_by)
  values (set_property_legal_details.property_id, v_clean[1], v_clean[2], v_clean[3], v_clean[4], v_clean[5], v_clean[6], v_clean[7],
          v_clean[8], v_clean[9], v_clean[10], v_clean[11], app_hidden.current_user_id())
  on conflict on constraint property_legal_details_pkey do update
     set legal_name = excluded.legal_name, address_line1 = excluded.address_line1, address_line2 = excluded.address_line2,
         postal_code = excluded.postal_code, city = excluded.city, country_code = excluded.country_code, vat_id = excluded.vat_id,
         registration = excluded.registration, invoice_footer = excluded.invoice_footer, email = excluded.email,
         phone = excluded.phone, updated_by = excluded.updated_by
  returning * into v_row;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_row));
  return v_row;
end;
$$;
comment on function app_public.set_property_legal_details(uuid, text, text, text, text, text, text, text, text, text, text, text, text) is
  E'Saves the legal details the property''s invoices show (legal name, address, VAT id, registration, footer with bank details). Owner, manager, accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';
