-- Issues 21 and 22: changing a confirmed booking group (helper G).
-- 1. confirmGroup takes the rooming list (guestNames), written in the
--    booking's own transaction, so the confirmation message has it.
-- 2. A group's token reads its rooms' folios, payment intents and invoices
--    (and so their balances, postings, attempts and refunds), as a room's
--    own token reads its own.
-- 3. Changes to a confirmed group, each all or nothing, priced first:
--    addGroupRoom (priced by quote), changeGroupDates (priced by
--    quoteGroupChange); one room is cancelled by cancelReservation (its
--    cancellationPenaltyNow first).
-- 4. booking_groups in the realtime publication (its SELECT policy decides
--    who hears a change, as for every published table).

drop function if exists app_public.confirm_group(uuid, text, text, text, text, text, text);
drop function if exists app_public.quote_group_change(uuid, date, date);
drop function if exists app_public.change_group_dates(uuid, text, date, date);
drop function if exists app_public.add_group_room(uuid, text, uuid, integer, integer, text);
drop type if exists app_public.group_change_quote;
drop type if exists app_public.group_change_room;

create type app_public.group_change_room as (
  room_no integer,
  reservation_id uuid,
  current_total bigint,
  quote app_public.quote
);
comment on type app_public.group_change_room is 'One room of a group''s change of dates: its place, its reservation, what it costs now and its new quote.';
comment on column app_public.group_change_room.current_total is 'What the room costs now, in minor units.';
create type app_public.group_change_quote as (
  booking_group_id uuid,
  arrival date,
  departure date,
  nights integer,
  currency character(3),
  current_total bigint,
  total_amount bigint,
  difference bigint,
  rooms app_public.group_change_room[]
);
comment on type app_public.group_change_quote is 'A booking group''s change of dates priced before it is made: each room''s new quote, the sums now and after, and the difference (changeGroupDates makes it).';
comment on column app_public.group_change_quote.difference is 'The new total less the current one, in minor units: positive is more to pay, negative is less.';

--! include booking/app_private.lock_booking_group.sql
--! include booking/app_private.group_bookings.sql
--! include booking/app_public.confirm_group.sql
--! include booking/app_public.quote_group_change.sql
--! include booking/app_public.change_group_dates.sql
--! include booking/app_public.cancel_group.sql
--! include booking/app_public.add_group_room.sql
grant execute on function app_public.confirm_group(uuid, text, text, text, text, text, text, text[]) to keepr_anonymous;
grant execute on function app_public.quote_group_change(uuid, date, date) to keepr_anonymous;
grant execute on function app_public.change_group_dates(uuid, text, date, date) to keepr_anonymous;
grant execute on function app_public.add_group_room(uuid, text, uuid, integer, integer, text) to keepr_anonymous;

-- A group's token reads what its rooms' own tokens read. The rooms are
-- found through the group's key and the (property_id, group_id, room_no)
-- index, so a request without a group token looks up nothing.
drop policy if exists select_group_token on app_public.folios;
create policy select_group_token on app_public.folios for select
  using (reservation_id in (select r.id
                              from app_public.booking_groups g
                              join app_public.reservations r on r.property_id = g.property_id and r.group_id = g.id
                             where g.id = (select app_hidden.current_booking_group_id())));
drop policy if exists select_group_token on app_public.payment_intents;
create policy select_group_token on app_public.payment_intents for select
  using (reservation_id in (select r.id
                              from app_public.booking_groups g
                              join app_public.reservations r on r.property_id = g.property_id and r.group_id = g.id
                             where g.id = (select app_hidden.current_booking_group_id())));
drop policy if exists select_group_token on app_public.invoices;
create policy select_group_token on app_public.invoices for select
  using (reservation_id in (select r.id
                              from app_public.booking_groups g
                              join app_public.reservations r on r.property_id = g.property_id and r.group_id = g.id
                             where g.id = (select app_hidden.current_booking_group_id())));

-- Live group fields for the console's group page (replica identity is
-- already FULL: a change judged on its old row reaches only those who saw it).
do $$
begin
  if not exists (select 1 from pg_catalog.pg_publication_tables
                  where pubname = 'keepr_realtime' and schemaname = 'app_public' and tablename = 'booking_groups') then
    alter publication keepr_realtime add table app_public.booking_groups;
  end if;
end;
$$;
