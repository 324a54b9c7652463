-- A random confirmation code: 8 characters from 32 that cannot be misread
-- (no I, O, 0 or 1), about 40 bits.
-- (PL/pgSQL: no query to plan on every call.)
create or replace function app_private.new_confirmation_code() returns text
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_bytes bytea := public.gen_random_bytes(8);
  v_code text := '';
begin
  for i in 0..7 loop
    v_code := v_code || pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', (pg_catalog.get_byte(v_bytes, i) % 32) + 1, 1);
  end loop;
  return v_code;
end;
$$;
comment on function app_private.new_confirmation_code() is E'A random 8-character confirmation code.';
