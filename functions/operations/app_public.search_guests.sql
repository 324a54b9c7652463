-- The Guests list of the staff console (issue 21): a property's guest
-- profiles, optionally searched by name, email, phone (its digits), the
-- contact details of one of their bookings or a booking's confirmation code,
-- in the database (app_hidden.guests_matching, called once per query).
-- language sql without SET clauses on purpose, as search_reservations: it is
-- inlined into PostGraphile's query, so the API's order and page reach the
-- (property_id, full_name) index. Security invoker: row-level security
-- decides who reads profiles (the cashiers group); another property's id
-- gives nothing.
create or replace function app_public.search_guests(property_id uuid, search text default null)
  returns setof app_public.guests
  language sql stable
as $$
  select g.*
    from app_public.guests g
   where g.property_id = search_guests.property_id
     and (coalesce(pg_catalog.btrim(search_guests.search), '') = ''
          or g.id in (select app_hidden.guests_matching(search_guests.property_id, search_guests.search)));
$$;
comment on function app_public.search_guests(uuid, text) is
  E'@behavior +order +filter\nA property''s guest profiles for the staff Guests list: `search` matches the name, email or phone (any part; a phone by its digits), the contact details of one of their bookings, or the exact confirmation code of one. Staff who read guest profiles; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
