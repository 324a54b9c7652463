-- Properties the current user is a member of, optionally only with one of the
-- given staff roles. SECURITY DEFINER so policies on property_memberships can
-- use it without recursing into their own RLS. Policies use it as
-- `property_id in (select app_hidden.current_property_ids())`: a hashed
-- subplan evaluated once per statement, not once per row.
create or replace function app_hidden.current_property_ids(
  roles app_public.staff_role[] default null
) returns setof uuid
  language sql stable security definer parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select m.property_id
    from app_public.property_memberships m
   where m.user_id = app_hidden.current_user_id()
     and (roles is null or m.role = any (roles));
$$;
comment on function app_hidden.current_property_ids(app_public.staff_role[]) is
  E'Ids of the properties the current user belongs to as staff (optionally only with one of the given roles).';
