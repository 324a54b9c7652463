-- Organizations where the current user is staff of some property with one of
-- the roles. SECURITY DEFINER so policies on properties can use it without
-- reading properties under their own policies (infinite recursion).
-- PL/pgSQL, its plan kept per connection: see app_hidden.current_property_ids.
create or replace function app_hidden.current_organization_ids(roles app_public.staff_role[]) returns setof uuid
  language plpgsql stable security definer parallel safe rows 5
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user_id uuid := app_hidden.current_user_id();
begin
  if v_user_id is null then
    return;
  end if;
  return query
    select distinct p.organization_id
      from app_public.property_memberships m
      join app_public.properties p on p.id = m.property_id
     where m.user_id = v_user_id
       and m.role = any (current_organization_ids.roles);
end;
$$;
comment on function app_hidden.current_organization_ids(app_public.staff_role[]) is
  E'Ids of the organizations where the current user is staff of some property with one of the given roles.';
