-- Database clean-ups (session 33, helper M).

-- One decoder of the signed quote token: app_private.quote_payload checks
-- the signature and returns the payload; create_hold, create_group_hold and
-- create_desk_hold call it instead of each decoding the token by hand.
-- create_group_hold draws another group code only when the unique
-- violation is the (property_id, group_code) key's; any other goes out.
--! include booking/app_private.quote_payload.sql
--! include booking/app_public.create_hold.sql
--! include booking/app_public.create_group_hold.sql
--! include booking/app_public.create_desk_hold.sql

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
