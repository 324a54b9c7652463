-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change; a change's messages in one
-- notify_all (one call that queues their jobs). A booking group's
-- confirmation (and pre-arrival message) goes once, with its first room.
--
-- A change of a whole group is one message too. app_private.change_group_rooms
-- (which change_group_dates and cancel_group call) sets the transaction-local
-- setting keepr.group_change to the group's id around its loop over the rooms
-- (and back to '' after it):
-- the first room of that group whose change is to be told queues the
-- group's one message (cause 'booking_group:<group>:…') and marks the
-- setting '<group>:told', so the group's other rooms queue nothing. The
-- message goes with that room (its guest, its language) in the same
-- transaction; the worker reads every room at sending time. A group's
-- modification's cause ends with the group's total before the change (the
-- rooms not cancelled), which the email compares with the total after it.
-- A room changed or cancelled on its own (modifyReservation,
-- cancelReservation) runs without the setting and is told as its own.
create or replace function app_private.tg_reservations__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pre_arrival timestamptz;
  v_group_change text := pg_catalog.current_setting('keepr.group_change', true);
  v_whole boolean;
  v_cause text;
  v_before bigint;
begin
  if new.guest_id is null then
    return null;
  end if;
  -- Inside change_group_dates / cancel_group of this room's group: told once, by the first room told.
  v_whole := new.group_id is not null and v_group_change in (new.group_id::text, new.group_id::text || ':told');
  if v_whole and v_group_change = new.group_id::text || ':told' then
    return null;
  end if;
  if old.status = 'held' and new.status = 'confirmed' and new.group_id is not null and new.room_no > 1 then
    -- A booking group is confirmed in one call and told once: its first
    -- room carries the group's confirmation and pre-arrival message.
    null;
  elsif old.status = 'held' and new.status = 'confirmed' then
    v_pre_arrival := app_private.pre_arrival_at(new);
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['confirmation', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':confirmed', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.child_ages, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.child_ages, new.rate_plan_id, new.total_amount) then
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_whole then
      -- The group's total before the change: the other rooms have not moved yet, this one had old's total.
      select coalesce(sum(x.total_amount), 0) - new.total_amount + old.total_amount into v_before
        from app_public.reservations x
       where x.property_id = new.property_id and x.group_id = new.group_id and x.status <> 'cancelled';
      v_cause := 'booking_group:' || new.group_id || ':modified:' || pg_catalog.txid_current() || ':' || v_before;
      perform pg_catalog.set_config('keepr.group_change', new.group_id::text || ':told', true);
    else
      v_cause := 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current();
    end if;
    -- The pre-arrival message keeps the reservation's cause (the worker skips it once the stay moves).
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['modification', 'pre_arrival']::app_public.notification_kind[],
                                     array[v_cause, 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'modification', v_cause);
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    if v_whole then
      perform pg_catalog.set_config('keepr.group_change', new.group_id::text || ':told', true);
      perform app_private.notify(new, 'cancellation', 'booking_group:' || new.group_id || ':cancelled:' || pg_catalog.txid_current());
    else
      perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
    end if;
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__notify() is
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages; a booking group''s confirmation, and a change or cancellation of the whole group (keepr.group_change, set by app_private.change_group_rooms for change_group_dates and cancel_group), once for the group.';
