-- Where a booking was made: front_desk when staff of the property make it,
-- web otherwise.
create or replace function app_private.tg_reservations__channel() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  -- An anonymous caller (no user) is staff of no property: no lookup.
  new.channel := case when app_hidden.current_user_id() is not null and new.property_id in (select app_hidden.current_property_ids())
                      then 'front_desk' else 'web' end;
  return new;
end;
$$;
comment on function app_private.tg_reservations__channel() is E'Trigger: records whether a reservation was made by a guest (web) or by staff of the property (front_desk).';
