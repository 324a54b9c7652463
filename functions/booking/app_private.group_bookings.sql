-- Every room of a booking group as the booking type's JSON, in room order:
-- what the group functions (confirm_group, cancel_group,
-- change_group_dates) store as their idempotent answer and return.
create or replace function app_private.group_bookings(booking_group app_public.booking_groups)
  returns jsonb
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
    from app_public.reservations r
   where r.property_id = booking_group.property_id and r.group_id = booking_group.id;
$$;
comment on function app_private.group_bookings(app_public.booking_groups) is
  E'Every room of a booking group as app_public.booking JSON, in room order (the group functions'' answer).';
