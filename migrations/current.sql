-- Issue 22: promo codes on group and desk quotes. quoteGroup(promoCode)
-- applies one code to every room of a group (a discount line of each
-- room's price); createGroupHold keeps it on the group (booking_groups.
-- promo_code_id) and confirmGroup counts the group's one use atomically,
-- then gives the code to its rooms. deskQuote(promoCode) lets the front
-- desk apply a guest's code (not with a rate override); createDeskHold
-- keeps it on the reservation and confirmBooking counts it.
drop function if exists app_public.quote_group(app_public.group_room[], date, date);
drop function if exists app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text);

alter table app_public.booking_groups add column if not exists promo_code_id uuid;
comment on column app_public.booking_groups.promo_code_id is
  E'The promo code of the whole group (its discount is a line of each room''s price), counted once as used when the group is confirmed; the rooms get it then.';
alter table app_public.booking_groups drop constraint if exists booking_groups_property_id_promo_code_id_fkey;
alter table app_public.booking_groups add constraint booking_groups_property_id_promo_code_id_fkey
  foreign key (property_id, promo_code_id) references app_public.promo_codes (property_id, id) on delete restrict;
comment on constraint booking_groups_property_id_promo_code_id_fkey on app_public.booking_groups is
  E'@fieldName promoCode\n@foreignFieldName bookingGroups';
create index if not exists booking_groups_promo_code_idx on app_public.booking_groups (property_id, promo_code_id)
  where promo_code_id is not null;

-- The group quote names the promo code it applied to every room.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.group_quote'::pg_catalog.regclass and attname = 'promo_code' and not attisdropped) then
    alter type app_public.group_quote add attribute promo_code text;
  end if;
end;
$$;
comment on column app_public.group_quote.promo_code is E'The promo code applied to every room (a discount line of each room''s price), or none.';

--! include booking/app_private.use_promo_code.sql
--! include booking/app_public.quote_group.sql
--! include booking/app_public.create_group_hold.sql
--! include booking/app_public.confirm_group.sql
--! include booking/app_public.desk_quote.sql
--! include booking/app_public.create_desk_hold.sql
grant execute on function app_public.quote_group(app_public.group_room[], date, date, text) to keepr_anonymous;
grant execute on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text, text) to keepr_staff;

-- One helper runs a whole group's per-room actions under the keepr.group_change
-- marker (review of 000090): change_group_dates and cancel_group call it instead of
-- setting the marker by hand around loops of their own.
--! include booking/app_private.change_group_rooms.sql
--! include booking/app_public.change_group_dates.sql
--! include booking/app_public.cancel_group.sql
