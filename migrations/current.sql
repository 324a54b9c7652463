-- Database clean-ups (session 33, helper M).

-- One decoder of the signed quote token: app_private.quote_payload checks
-- the signature and returns the payload; create_hold, create_group_hold and
-- create_desk_hold call it instead of each decoding the token by hand.
-- Also: create_group_hold draws another group code only when the unique
-- violation is the (property_id, group_code) key's, and confirm_booking
-- another confirmation code only when it is the (property_id,
-- confirmation_code) key's; any other unique violation goes out as it came.
--! include booking/app_private.quote_payload.sql
--! include booking/app_public.create_hold.sql
--! include booking/app_public.create_group_hold.sql
--! include booking/app_public.create_desk_hold.sql
--! include booking/app_public.confirm_booking.sql

-- The group functions name the room that failed in one place:
-- app_private.raise_room_error ("Room n: …", keeping the SQLSTATE, detail
-- and hint; an empty hint is left out, so no empty extensions.reason).
--! include booking/app_private.raise_room_error.sql
--! include booking/app_public.quote_group.sql
--! include booking/app_public.confirm_group.sql
--! include booking/app_public.cancel_group.sql

-- The rate grid says a plan's own restrictions beside the ones that apply
-- (for a derived plan, its own and its parent's combined), so the console's
-- "Copy a period" copies a derived plan's own calendar exactly instead of
-- writing its parent's restrictions onto it.
alter type app_public.rate_grid_day
  drop attribute if exists own_stop_sell,
  drop attribute if exists own_closed_to_departure,
  drop attribute if exists own_closed_to_arrival,
  drop attribute if exists own_max_stay,
  drop attribute if exists own_min_stay;
alter type app_public.rate_grid_day
  add attribute own_min_stay integer,
  add attribute own_max_stay integer,
  add attribute own_closed_to_arrival boolean,
  add attribute own_closed_to_departure boolean,
  add attribute own_stop_sell boolean;
comment on column app_public.rate_grid_day.own_min_stay is 'The plan''s own minimum nights on the date (its override, else its default), without a parent plan''s: what a copy of the date writes.';
comment on column app_public.rate_grid_day.own_max_stay is 'The plan''s own maximum nights on the date (its override, else its default; null: no limit), without a parent plan''s.';
comment on column app_public.rate_grid_day.own_closed_to_arrival is 'Whether the plan''s own calendar closes the date to arrival (a derived plan''s parent aside).';
comment on column app_public.rate_grid_day.own_closed_to_departure is 'Whether the plan''s own calendar closes the date to departure (a derived plan''s parent aside).';
comment on column app_public.rate_grid_day.own_stop_sell is 'Whether the plan''s own calendar stops selling on the date (a derived plan''s parent aside).';
--! include booking/app_public.rate_grid.sql

-- Groups where staff look for bookings: the reservations search also takes
-- a booking group's code (G-XXXXXXXX, exactly) and gives the group's rooms;
-- analysts' reporting.reservations carries the group's code and the room's
-- number in it (the reservations export does too, worker/tasks/run_export.ts).
--! include operations/app_hidden.reservations_matching.sql
--! include operations/app_public.search_reservations.sql
create or replace view reporting.reservations with (security_barrier) as
  select r.id, r.property_id, r.room_type_id, r.rate_plan_id, r.unit_id, r.status, lower(r.stay) as arrival, upper(r.stay) as departure,
         upper(r.stay) - lower(r.stay) as nights, r.adults, r.children, r.currency, r.room_amount, r.fees_amount, r.taxes_amount,
         r.total_amount, r.penalty_amount, r.refund_amount, r.created_at, r.confirmed_at, r.cancelled_at, r.checked_in_at,
         r.checked_out_at, r.no_show_at, g.group_code, r.room_no
    from app_public.reservations r
    left join app_public.booking_groups g on g.property_id = r.property_id and g.id = r.group_id;
comment on view reporting.reservations is
  E'Every reservation without guest identity; a room of a booking group carries the group''s code and its room number.';
comment on column reporting.reservations.group_code is E'The booking group''s code (G-XXXXXXXX) when the reservation is a room of a group; null otherwise.';
comment on column reporting.reservations.room_no is E'The room''s number within its booking group (1, 2, …); null when not in a group.';
