-- A random confirmation code: 8 characters from 32 that cannot be misread
-- (no I, O, 0 or 1), about 40 bits.
create or replace function app_private.new_confirmation_code() returns text
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.string_agg(pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', (pg_catalog.get_byte(b, i) % 32) + 1, 1), '' order by i)
    from (select public.gen_random_bytes(8) as b) r
    cross join pg_catalog.generate_series(0, 7) i;
$$;
comment on function app_private.new_confirmation_code() is E'A random 8-character confirmation code.';
