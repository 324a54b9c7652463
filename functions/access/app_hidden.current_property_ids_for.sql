-- Properties where the current user's staff role is in a staff role group:
-- what policies and guards use, as
-- `property_id in (select app_hidden.current_property_ids_for('front_office'))`.
create or replace function app_hidden.current_property_ids_for(staff_group text) returns setof uuid
  language sql stable security definer parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select m.property_id
    from app_public.property_memberships m
   where m.user_id = app_hidden.current_user_id()
     and m.role = any (app_hidden.staff_group_roles(staff_group));
$$;
comment on function app_hidden.current_property_ids_for(text) is
  E'Ids of the properties where the current user is staff with a role of the given staff role group.';
