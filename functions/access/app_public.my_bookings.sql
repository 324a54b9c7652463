-- The signed-in guest's bookings (booked while signed in, or attached),
-- confirmed or later, newest stay first. Reads through reservations' policy
-- select_guest_account, with the account's own index.
create or replace function app_public.my_bookings() returns setof app_public.reservations
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.*
    from app_public.reservations r
   where r.guest_account_id = app_hidden.current_guest_account_id()
     and r.confirmed_at is not null
   order by pg_catalog.lower(r.stay) desc, r.id;
$$;
comment on function app_public.my_bookings() is
  E'The signed-in guest account''s confirmed bookings (and their later states), newest arrival first; none for anyone else.';
