-- The reservations list of the staff console (issue 21): a property's
-- reservations, optionally searched by guest name, email, phone (its digits)
-- or confirmation code, or a booking group's code (its rooms), in the
-- database. Real bookings and live holds by
-- default; expired and released holds (app_public.reservations_hold_state)
-- only with include_holds. The matching ids come from
-- app_hidden.reservations_matching, called once per query (an uncorrelated
-- sub-select, hashed), which plans the name/email/phone match with its
-- pattern as a literal on the trigram indexes and the code on the
-- (property_id, confirmation_code) key.
--
-- language sql without SET clauses on purpose: Postgres inlines it into
-- PostGraphile's query, so the API's order, page and condition reach the
-- indexes instead of reading every reservation of the property first. Every
-- name is schema-qualified instead; security invoker, so row-level security
-- decides (another property's id gives nothing).
create or replace function app_public.search_reservations(property_id uuid, search text default null, include_holds boolean default false)
  returns setof app_public.reservations
  language sql stable
as $$
  select r.*
    from app_public.reservations r
   where r.property_id = search_reservations.property_id
     and (coalesce(search_reservations.include_holds, false)
          or r.confirmed_at is not null
          or (r.status = 'held' and r.hold_expires_at > pg_catalog.now()))
     and (coalesce(pg_catalog.btrim(search_reservations.search), '') = ''
          or r.id in (select app_hidden.reservations_matching(search_reservations.property_id, search_reservations.search)));
$$;
comment on function app_public.search_reservations(uuid, text, boolean) is
  E'@behavior +order +filter\nA property''s reservations for the staff list: `search` matches the guest''s name, email or phone (any part; a phone by its digits) or the exact confirmation code, or the exact group code (G-…: the group''s rooms); bookings and live holds only, unless `includeHolds` (then expired and released holds too, see holdState). Staff who read reservations; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
