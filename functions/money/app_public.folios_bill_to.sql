-- The folio's bill-to as its next invoice will show it (GraphQL: Folio.billTo).
-- Readable by whoever may issue the folio's invoices: cashiers of the property
-- (security definer: it reads the saved bill-to, the company or the guest).
create or replace function app_public.folios_bill_to(folio app_public.folios) returns jsonb
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select app_private.bill_to_of(folio)
   where folio.property_id in (select app_hidden.current_property_ids_for('cashiers'));
$$;
comment on function app_public.folios_bill_to(app_public.folios) is
  E'Whom the folio''s next invoice is addressed to: {source: folio|company|guest, name, address_line1, address_line2, postal_code, city, country_code, tax_id, email} and the stay; null for callers other than the property''s cashiers.';
