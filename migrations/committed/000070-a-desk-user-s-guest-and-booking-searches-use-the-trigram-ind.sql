--! Previous: sha1:e206b3002a5ebaa580ba4136f70fc21a102e0378
--! Hash: sha1:2a75fc2c3e7298129ba3a8576ab25beec3ae6992
--! Message: A desk user's guest and booking searches use the trigram indexes (match functions as security definer)

-- Issue 21 (Guests) and issue 23: a desk user's guest and booking searches
-- use the trigram indexes. Under row-level security the LIKE of the match
-- functions (not leakproof) was not an index condition, so every guest or
-- booking of the property went through guest_search_text; as security
-- definer functions (ids only, for the property's cashiers group) the
-- pattern is planned as the owner's is.
--! Included operations/app_hidden.guests_matching.sql
-- The ids of a property's guest profiles that a staff search finds: by the
-- profile's name, email or phone digits, by the contact details a booking
-- of theirs was made with, or by the exact confirmation code of one of
-- their bookings. As app_hidden.reservations_matching: the LIKE pattern goes
-- into the statement as a literal (EXECUTE … %L), so each call is planned
-- with it and the trigram indexes (guests_search_idx,
-- reservations_contact_search_idx) are chosen from their statistics.
-- Security definer: under row-level security a LIKE (not leakproof) is not
-- used as an index condition, so every row of the property went through
-- guest_search_text (a desk user's search cost 4-6x the owner's; see
-- docs/benchmarks.md). It returns ids only, and only to the property's staff
-- of the 'cashiers' group, the policies' own; the caller's query reads the
-- rows under its own row-level security.
create or replace function app_hidden.guests_matching(property_id uuid, search text) returns setof uuid
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  -- Only the property's staff who read its guests and bookings (the
  -- policies' 'cashiers' group) get ids; the caller's query then reads the
  -- rows themselves under its own row-level security.
  if v_pattern is null
     or not exists (select 1 from app_hidden.current_property_ids_for('cashiers') p where p = guests_matching.property_id) then
    return;
  end if;
  return query execute pg_catalog.format($q$
    select s.id
      from app_public.guests s
     where s.property_id = %1$L
       and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone) like %3$L
    union
    select c.guest_id
      from app_public.reservations c
     where c.property_id = %1$L and c.confirmation_code = %2$L and c.guest_id is not null
    union
    select t.guest_id
      from app_public.reservations t
     where t.property_id = %1$L
       and (t.contact_name is not null or t.contact_email is not null or t.contact_phone is not null)
       and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone) like %3$L
       and t.guest_id is not null
    $q$, guests_matching.property_id, pg_catalog.upper(pg_catalog.btrim(search)), v_pattern);
end;
$$;
comment on function app_hidden.guests_matching(uuid, text) is
  E'Ids of a property''s guest profiles matching a staff search (name, email, phone digits, a booking''s contact details, or the exact code of one of their bookings), planned with the pattern as a literal so the trigram indexes are used. Security definer, so the pattern is an index condition (below row-level security a LIKE, not leakproof, is not); ids only, and only for the property''s cashiers group; the caller reads the rows under its own row-level security. INVALID_INPUT (reason SEARCH) over 200 characters.';
--! EndIncluded operations/app_hidden.guests_matching.sql
--! Included operations/app_hidden.reservations_matching.sql
-- The ids of a property's reservations whose guest (profile or the
-- booking's own contact) matches a staff search, or whose confirmation code
-- is the search: what app_public.search_reservations filters on. The LIKE
-- pattern goes into the statement as a literal (EXECUTE … %L), so every call
-- is planned with it: the trigram indexes (guests_search_idx,
-- reservations_contact_search_idx) are chosen from their statistics for the
-- pattern, never a generic plan's guess that reads and lower-cases every row
-- of the property. The contact match repeats the partial index's own
-- predicate (a contact given), or the planner could not use it.
-- Security definer: under row-level security a LIKE (not leakproof) is not
-- used as an index condition, so every row of the property went through
-- guest_search_text (a desk user's search cost 4-6x the owner's; see
-- docs/benchmarks.md). It returns ids only, and only to the property's staff
-- of the 'cashiers' group, the policies' own; the caller's query reads the
-- rows under its own row-level security.
create or replace function app_hidden.reservations_matching(property_id uuid, search text) returns setof uuid
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  -- Only the property's staff who read its guests and bookings (the
  -- policies' 'cashiers' group) get ids; the caller's query then reads the
  -- rows themselves under its own row-level security.
  if v_pattern is null
     or not exists (select 1 from app_hidden.current_property_ids_for('cashiers') p where p = reservations_matching.property_id) then
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
  E'Ids of a property''s reservations matching a staff search (guest name, email, phone digits, or the exact code), planned with the pattern as a literal so the trigram indexes are used. Security definer, so the pattern is an index condition (below row-level security a LIKE, not leakproof, is not); ids only, and only for the property''s cashiers group; the caller reads the rows under its own row-level security. INVALID_INPUT (reason SEARCH) over 200 characters.';
--! EndIncluded operations/app_hidden.reservations_matching.sql
