-- Where a booking was made: front_desk when staff of the property make it,
-- web otherwise.
create or replace function app_private.tg_reservations__channel() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.channel := case when new.property_id in (select app_hidden.current_property_ids()) then 'front_desk' else 'web' end;
  return new;
end;
$$;
comment on function app_private.tg_reservations__channel() is E'Trigger: records whether a reservation was made by a guest (web) or by staff of the property (front_desk).';
