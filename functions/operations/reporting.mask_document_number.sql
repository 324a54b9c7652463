-- Masks an identity document number for analysts and the audit log: every
-- character but the last two becomes '*' (at least three stars, so the
-- length of a short number is not shown).
create or replace function reporting.mask_document_number(document_number text) returns text
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.repeat('*', greatest(pg_catalog.length(document_number) - 2, 3)) || pg_catalog.right(document_number, 2);
$$;
comment on function reporting.mask_document_number(text) is E'Masks an identity document number for analysts: ******78.';
