-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change; a change's messages in one
-- notify_all (one call that queues their jobs). A booking group's
-- confirmation (and pre-arrival message) goes once, with its first room.
create or replace function app_private.tg_reservations__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pre_arrival timestamptz;
begin
  if new.guest_id is null then
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
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['modification', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':modified:' || pg_catalog.txid_current(), 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'modification', 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current());
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__notify() is
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages.';
