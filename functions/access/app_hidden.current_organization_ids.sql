-- Organizations where the current user is staff of some property with one of
-- the roles. SECURITY DEFINER so policies on properties can use it without
-- reading properties under their own policies (infinite recursion).
create or replace function app_hidden.current_organization_ids(roles app_public.staff_role[]) returns setof uuid
  language sql stable security definer parallel safe rows 5
  set search_path to pg_catalog, public, pg_temp
as $$
  select distinct p.organization_id
    from app_public.property_memberships m
    join app_public.properties p on p.id = m.property_id
   where m.user_id = app_hidden.current_user_id()
     and m.role = any (roles);
$$;
comment on function app_hidden.current_organization_ids(app_public.staff_role[]) is
  E'Ids of the organizations where the current user is staff of some property with one of the given roles.';
