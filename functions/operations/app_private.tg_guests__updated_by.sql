-- Who last changed a guest profile: the signed-in user of the transaction
-- (null for the system: a booking's confirmation, a job). Read with
-- updated_at as the profile's "last changed … by …".
create or replace function app_private.tg_guests__updated_by() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.updated_by := app_hidden.current_user_id();
  return new;
end;
$$;
comment on function app_private.tg_guests__updated_by() is
  E'Trigger: sets guests.updated_by to the user making the change (null for the system).';
