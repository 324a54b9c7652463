--! Previous: sha1:24c2d7c2b80398a5bcddcb4506c7c7d861d368e6
--! Hash: sha1:e12a69b1235d616641abfa660d061539b753b5c1
--! Message: Issue 21: search_reservations computes its pattern once per query

-- Issue 21 (K), slice 2: the reservations search computes its LIKE pattern
-- once per query (an InitPlan), not once per row under a generic plan.
--! Included operations/app_public.search_reservations.sql
-- The reservations list of the staff console (issue 21): a property's
-- reservations, optionally searched by guest name, email, phone (its digits)
-- or confirmation code, in the database. Real bookings and live holds by
-- default; expired and released holds (app_public.reservations_hold_state)
-- only with include_holds. The name/email/phone match reads the trigram
-- indexes on guests and on reservations' contact details; the code match
-- the (property_id, confirmation_code) key.
--
-- language sql without SET clauses on purpose: Postgres inlines it into
-- PostGraphile's query, so the API's order, page and condition reach the
-- indexes instead of reading every reservation of the property first. Every
-- name is schema-qualified instead; security invoker, so row-level security
-- decides (another property's id gives nothing). The LIKE pattern is a
-- sub-select, computed once per query (an InitPlan) even when the search
-- arrives as a parameter of a generic plan, not once per row; the trigram
-- index takes it as a run-time key.
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
          or r.id in (
            select c.id
              from app_public.reservations c
             where c.property_id = search_reservations.property_id
               and c.confirmation_code = pg_catalog.upper(pg_catalog.btrim(search_reservations.search))
            union
            select g.id
              from app_public.guests s
              join app_public.reservations g on g.property_id = s.property_id and g.guest_id = s.id
             where s.property_id = search_reservations.property_id
               and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone)
                   operator(pg_catalog.~~) (select app_hidden.search_pattern(search_reservations.search))
            union
            select t.id
              from app_public.reservations t
             where t.property_id = search_reservations.property_id
               and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone)
                   operator(pg_catalog.~~) (select app_hidden.search_pattern(search_reservations.search))
          ));
$$;
comment on function app_public.search_reservations(uuid, text, boolean) is
  E'@behavior +order +filter\nA property''s reservations for the staff list: `search` matches the guest''s name, email or phone (any part; a phone by its digits) or the exact confirmation code; bookings and live holds only, unless `includeHolds` (then expired and released holds too, see holdState). Staff who read reservations; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
--! EndIncluded operations/app_public.search_reservations.sql
