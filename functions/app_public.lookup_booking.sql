-- A guest without an account finds their booking by confirmation code and
-- email, and gets a booking-scoped token (2 hours) to view or cancel it.
-- Guessing is throttled: a miss returns null and is recorded (it commits,
-- which an error would not), and after 10 misses in 15 minutes for an
-- email or for a code, lookups for it are refused (TOO_MANY_ATTEMPTS).
create or replace function app_public.lookup_booking(confirmation_code text, email text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(lookup_booking.confirmation_code));
  v_email public.citext := pg_catalog.btrim(lookup_booking.email)::public.citext;
  v_id uuid;
begin
  if (select count(*) from app_private.lookup_failures f
       where (f.email = v_email or f.confirmation_code = v_code)
         and f.failed_at > pg_catalog.now() - interval '15 minutes') >= 10 then
    raise exception using errcode = 'LIMIT', message = 'Too many failed lookups; try again in 15 minutes.';
  end if;
  select r.id into v_id
    from app_public.reservations r
    join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
   where r.confirmation_code = v_code
     and g.email = v_email;
  if v_id is null then
    delete from app_private.lookup_failures f where f.failed_at < pg_catalog.now() - interval '1 day';
    insert into app_private.lookup_failures (email, confirmation_code) values (v_email, pg_catalog.left(v_code, 50));
    return null;
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id)::app_public.jwt_token;
end;
$$;
comment on function app_public.lookup_booking(text, text) is
  E'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only; null when nothing matches. After 10 misses in 15 minutes for an email or a code: TOO_MANY_ATTEMPTS.';
