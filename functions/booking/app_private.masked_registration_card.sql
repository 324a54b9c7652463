-- A registration card as the audit log keeps it: the document number masked
-- but its last two characters (reporting.mask_document_number), the year of
-- birth instead of the date, no address; the rest as it is.
create or replace function app_private.masked_registration_card(card app_public.registration_cards) returns jsonb
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (pg_catalog.to_jsonb(card) - 'document_number' - 'date_of_birth' - 'address')
         || pg_catalog.jsonb_build_object(
              'document_number', reporting.mask_document_number(card.document_number),
              'birth_year', pg_catalog.date_part('year', card.date_of_birth)::integer,
              'address', case when card.address is not null then '(recorded)' end);
$$;
comment on function app_private.masked_registration_card(app_public.registration_cards) is
  E'A registration card as the audit log keeps it: number masked, year of birth, no address.';
