-- Users who share a property with the current user (staff see their
-- colleagues' names). SECURITY DEFINER so a guest's policy check does not
-- need access to property_memberships. PL/pgSQL, its plan kept per
-- connection: see app_hidden.current_property_ids.
create or replace function app_hidden.current_colleague_ids() returns setof uuid
  language plpgsql stable security definer parallel safe rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return query
    select distinct m.user_id
      from app_public.property_memberships m
     where m.property_id in (select app_hidden.current_property_ids());
end;
$$;
comment on function app_hidden.current_colleague_ids() is
  E'Ids of users who are staff at any property the current user is staff at.';
