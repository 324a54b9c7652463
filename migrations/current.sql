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
