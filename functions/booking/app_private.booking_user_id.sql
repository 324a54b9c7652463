-- The account a booking at a property belongs to: the signed-in caller when
-- they book for themselves, nobody when staff of that property book on a
-- guest's behalf (a phone or walk-in booking is the guest's, not the
-- clerk's).
create or replace function app_private.booking_user_id(property_id uuid) returns uuid
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_user_id uuid := app_hidden.current_user_id();
begin
  -- Anonymous callers (most bookings) belong to no property.
  if v_user_id is null or booking_user_id.property_id in (select app_hidden.current_property_ids()) then
    return null;
  end if;
  return v_user_id;
end;
$$;
comment on function app_private.booking_user_id(uuid) is
  E'The signed-in guest a booking at the property belongs to, or null for staff of the property and anonymous callers.';
