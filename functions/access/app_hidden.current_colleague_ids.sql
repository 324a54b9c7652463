-- Users who share a property with the current user (staff see their
-- colleagues' names). SECURITY DEFINER so a guest's policy check does not
-- need access to property_memberships.
create or replace function app_hidden.current_colleague_ids() returns setof uuid
  language sql stable security definer parallel safe rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
  select distinct m.user_id
    from app_public.property_memberships m
   where m.property_id in (select app_hidden.current_property_ids());
$$;
comment on function app_hidden.current_colleague_ids() is
  E'Ids of users who are staff at any property the current user is staff at.';
