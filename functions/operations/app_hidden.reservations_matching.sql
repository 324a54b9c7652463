-- The ids of a property's reservations whose guest (profile or the
-- booking's own contact) matches a staff search, whose confirmation code
-- is the search, or whose booking group's code is (G-XXXXXXXX: every room of
-- the group, found by the (property_id, group_code) key and the
-- reservations' (property_id, group_id, room_no) index): what
-- app_public.search_reservations filters on. The LIKE
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
    select m.id
      from app_public.booking_groups bg
      join app_public.reservations m on m.property_id = bg.property_id and m.group_id = bg.id
     where bg.property_id = %1$L and bg.group_code = %2$L
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
  E'Ids of a property''s reservations matching a staff search (guest name, email, phone digits, the exact confirmation code, or the exact group code: the group''s rooms), planned with the pattern as a literal so the trigram indexes are used. Security definer, so the pattern is an index condition (below row-level security a LIKE, not leakproof, is not); ids only, and only for the property''s cashiers group; the caller reads the rows under its own row-level security. INVALID_INPUT (reason SEARCH) over 200 characters.';
