-- Refuses a reason or note typed at the desk that is missing (when
-- required), blank or longer than the limit (INVLD).
create or replace function app_private.check_desk_text(value text, required boolean, max_length integer, what text) returns text
  language plpgsql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v text := pg_catalog.btrim(value);
begin
  if v = '' then
    v := null;
  end if;
  if v is null and required then
    raise exception using errcode = 'INVLD', hint = 'REASON', message = pg_catalog.format('%s is required.', what);
  end if;
  if pg_catalog.length(v) > max_length then
    raise exception using errcode = 'INVLD', hint = 'REASON', message = pg_catalog.format('%s can be at most %s characters.', what, max_length);
  end if;
  return v;
end;
$$;
comment on function app_private.check_desk_text(text, boolean, integer, text) is
  E'Trims a reason or note; INVLD (reason REASON) when required and blank, or too long.';
