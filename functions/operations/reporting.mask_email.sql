-- Masks an email address for analysts (the reporting views are the boundary:
-- PII is masked in them).
create or replace function reporting.mask_email(email text) returns text
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.left(email, 1) || '***@' || pg_catalog.split_part(email, '@', 2);
$$;
comment on function reporting.mask_email(text) is E'Masks an email address for analysts: a***@example.com.';
