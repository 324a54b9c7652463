-- Properties where the current user's staff role is in a staff role group:
-- what policies and guards use, as
-- `property_id in (select app_hidden.current_property_ids_for('front_office'))`.
-- PL/pgSQL, its plan kept per connection: see app_hidden.current_property_ids.
create or replace function app_hidden.current_property_ids_for(staff_group text) returns setof uuid
  language plpgsql stable security definer parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user_id uuid := app_hidden.current_user_id();
  v_roles app_public.staff_role[] := app_hidden.staff_group_roles(staff_group);
begin
  if v_user_id is null or v_roles is null then
    return;
  end if;
  return query
    select m.property_id
      from app_public.property_memberships m
     where m.user_id = v_user_id
       and m.role = any (v_roles);
end;
$$;
comment on function app_hidden.current_property_ids_for(text) is
  E'Ids of the properties where the current user is staff with a role of the given staff role group.';
