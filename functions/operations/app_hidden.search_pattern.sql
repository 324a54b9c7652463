-- A staff search as a LIKE pattern over app_hidden.guest_search_text: the
-- words lower-cased with LIKE's own characters escaped; a search made only
-- of phone characters with at least three digits becomes its digits. Null
-- for an empty search (no filter). More than 200 characters is refused with
-- INVALID_INPUT (reason SEARCH): no name, email or phone is that long.
create or replace function app_hidden.search_pattern(search text) returns text
  language plpgsql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_search text := pg_catalog.btrim(search);
  v_digits text;
begin
  if v_search is null or v_search = '' then
    return null;
  end if;
  if pg_catalog.length(v_search) > 200 then
    raise exception using errcode = 'INVLD', hint = 'SEARCH',
      message = 'A search is at most 200 characters: a name, an email, a phone number or a confirmation code.';
  end if;
  v_digits := pg_catalog.regexp_replace(v_search, '[^0-9]', '', 'g');
  if v_search ~ '^\+?[0-9 ()./-]+$' and pg_catalog.length(v_digits) >= 3 then
    return '%' || v_digits || '%';
  end if;
  return '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.lower(v_search), '\', '\\'), '%', '\%'), '_', '\_') || '%';
end;
$$;
comment on function app_hidden.search_pattern(text) is
  E'A staff search as a LIKE pattern over guest_search_text (escaped; phone searches by digits); null when empty; INVALID_INPUT (reason SEARCH) over 200 characters.';
