--! Previous: sha1:58b8705b76749d7d0f7277d177ada2f884babe4a
--! Hash: sha1:1bbdd7c783496301fa50ccebab348d9a4c4a0e1b
--! Message: Issue 21: the reservations search plans its match with the pattern as a literal (reservations_matching)

-- Issue 21 (K), slice 2: the reservations search plans its match with the
-- pattern as a literal (app_hidden.reservations_matching), so the trigram
-- indexes are used whatever plan PostGraphile's prepared statement gets.
--! Included operations/app_hidden.reservations_matching.sql
-- The ids of a property's reservations whose guest (profile or the
-- booking's own contact) matches a staff search, or whose confirmation code
-- is the search: what app_public.search_reservations filters on. The LIKE
-- pattern goes into the statement as a literal (EXECUTE … %L), so every call
-- is planned with it: the trigram indexes (guests_search_idx,
-- reservations_contact_search_idx) are chosen from their statistics for the
-- pattern, never a generic plan's guess that reads and lower-cases every row
-- of the property. The contact match repeats the partial index's own
-- predicate (a contact given), or the planner could not use it. Security
-- invoker: the caller's row-level security applies to both tables.
create or replace function app_hidden.reservations_matching(property_id uuid, search text) returns setof uuid
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  if v_pattern is null then
    return;
  end if;
  return query execute pg_catalog.format($q$
    select c.id
      from app_public.reservations c
     where c.property_id = %1$L and c.confirmation_code = %2$L
    union
    select g.id
      from app_public.guests s
      join app_public.reservations g on g.property_id = s.property_id and g.guest_id = s.id
     where s.property_id = %1$L
       and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone) like %3$L
    union
    select t.id
      from app_public.reservations t
     where t.property_id = %1$L
       and (t.contact_name is not null or t.contact_email is not null or t.contact_phone is not null)
       and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone) like %3$L
    $q$, reservations_matching.property_id, pg_catalog.upper(pg_catalog.btrim(search)), v_pattern);
end;
$$;
comment on function app_hidden.reservations_matching(uuid, text) is
  E'Ids of a property''s reservations matching a staff search (guest name, email, phone digits, or the exact code), planned with the pattern as a literal so the trigram indexes are used. Security invoker. INVALID_INPUT (reason SEARCH) over 200 characters.';
--! EndIncluded operations/app_hidden.reservations_matching.sql
grant execute on function app_hidden.reservations_matching(uuid, text) to keepr_staff;
--! Included operations/app_public.search_reservations.sql
-- The reservations list of the staff console (issue 21): a property's
-- reservations, optionally searched by guest name, email, phone (its digits)
-- or confirmation code, in the database. Real bookings and live holds by
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
  E'@behavior +order +filter\nA property''s reservations for the staff list: `search` matches the guest''s name, email or phone (any part; a phone by its digits) or the exact confirmation code; bookings and live holds only, unless `includeHolds` (then expired and released holds too, see holdState). Staff who read reservations; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
--! EndIncluded operations/app_public.search_reservations.sql
