-- A guest without an account finds their booking by confirmation code and
-- email, and gets a booking-scoped token (2 hours) to view or cancel it.
-- With a group code (G-…) and the booker's email, the token is for the
-- booking group: it reads the group and its rooms and may change or cancel
-- them.
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
  -- One lookup at a time per email and per code (in a fixed order), so the
  -- count of recent failures and the new failure are atomic under
  -- concurrency: the 11th concurrent guess waits for the 10th and sees it.
  perform pg_catalog.pg_advisory_xact_lock(k)
     from pg_catalog.unnest(array[pg_catalog.hashtextextended('lookup_booking:email:' || v_email::text, 0),
                                  pg_catalog.hashtextextended('lookup_booking:code:' || v_code, 0)]) k
    order by k;
  if (select count(*) from app_private.lookup_failures f
       where (f.email = v_email or f.confirmation_code = v_code)
         and f.failed_at > pg_catalog.now() - interval '15 minutes') >= 10 then
    raise exception using errcode = 'LIMIT', message = 'Too many failed lookups; try again in 15 minutes.';
  end if;
  -- The email given for the booking, not the shared guest profile's.
  select r.id into v_id
    from app_public.reservations r
   where r.confirmation_code = v_code
     and r.contact_email = v_email;
  if v_id is not null then
    return ('keepr_anonymous', null, null,
            extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id, null)::app_public.jwt_token;
  end if;
  -- A group code (G-…) with the booker's email: a token for the whole group.
  select g.id into v_id
    from app_public.booking_groups g
   where g.group_code = v_code
     and g.contact_email = v_email;
  if v_id is null then
    delete from app_private.lookup_failures f where f.failed_at < pg_catalog.now() - interval '1 day';
    insert into app_private.lookup_failures (email, confirmation_code) values (v_email, pg_catalog.left(v_code, 50));
    return null;
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, null, v_id)::app_public.jwt_token;
end;
$$;
comment on function app_public.lookup_booking(text, text) is
  E'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only (with a group code and the booker''s email: the group and its rooms); null when nothing matches. After 10 misses in 15 minutes for an email or a code: TOO_MANY_ATTEMPTS.';
