-- Database clean-ups (session 33, helper M).

-- One decoder of the signed quote token: app_private.quote_payload checks
-- the signature and returns the payload; create_hold, create_group_hold and
-- create_desk_hold call it instead of each decoding the token by hand.
--! include booking/app_private.quote_payload.sql
--! include booking/app_public.create_hold.sql
--! include booking/app_public.create_group_hold.sql
--! include booking/app_public.create_desk_hold.sql
