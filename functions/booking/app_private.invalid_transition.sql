-- Raises TRANS: the reservation's state does not allow the operation.
create or replace function app_private.invalid_transition(r app_public.reservations, what text) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  raise exception using errcode = 'TRANS',
    message = pg_catalog.format('A reservation that is %s cannot be %s.', pg_catalog.replace(r.status::text, '_', ' '), what),
    hint = r.status::text;
end;
$$;
comment on function app_private.invalid_transition(app_public.reservations, text) is E'Raises TRANS for an operation the reservation''s state does not allow.';
