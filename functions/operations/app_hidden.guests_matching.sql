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
