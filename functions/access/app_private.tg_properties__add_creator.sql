-- Whoever creates a property becomes its owner, so they can see and run it.
create or replace function app_private.tg_properties__add_creator() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if app_hidden.current_user_id() is not null then
    insert into app_public.property_memberships (property_id, user_id, role)
    values (new.id, app_hidden.current_user_id(), 'owner')
    on conflict (property_id, user_id) do nothing;
  end if;
  return null;
end;
$$;
comment on function app_private.tg_properties__add_creator() is E'Trigger: makes the user who created a property its owner.';
