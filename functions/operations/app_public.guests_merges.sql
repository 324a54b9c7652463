-- The profiles merged into this guest (app_public.merge_guests), newest
-- first: who merged which profile when, with its values as they were.
create or replace function app_public.guests_merges(guest app_public.guests) returns setof app_public.guest_merges
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select m.*
    from app_public.guest_merges m
   where m.property_id = guest.property_id and m.kept_guest_id = guest.id
   order by m.created_at desc, m.id;
$$;
comment on function app_public.guests_merges(app_public.guests) is
  E'@behavior -connection +list\nThe profiles merged into this guest, newest first.';
