--! Previous: sha1:bbf9965bc6c24ec2a98c939f087373d5162f594a
--! Hash: sha1:82ec24c687c8aa43df435f673333f1e703148709
--! Message: Staff statements: the policies' helpers (current_property_ids, current_property_ids_for, current_colleague_ids, current_organization_ids) are PL/pgSQL, their plans kept per connection, not planned again at every statement (issue 23)

-- Enter migration here
--! Included access/app_hidden.current_property_ids.sql
-- Properties the current user is a member of, optionally only with one of the
-- given staff roles. SECURITY DEFINER so policies on property_memberships can
-- use it without recursing into their own RLS. Policies use it as
-- `property_id in (select app_hidden.current_property_ids())`: a hashed
-- subplan evaluated once per statement, not once per row.
-- PL/pgSQL, not SQL: Postgres 17 plans a SQL function's query again at every
-- statement that calls it (a security definer function is never inlined),
-- and every policy of a staff table calls one of these; PL/pgSQL keeps its
-- plan per connection. A staff member's statements on the scale data: a
-- unit's status change 0.81-0.91 -> 0.59 ms, a policy's check 0.47 -> 0.17
-- ms (docs/benchmarks.md, "Staff statements without planning their
-- policies' helpers"). Nobody signed in (a guest) reads no row at all.
create or replace function app_hidden.current_property_ids(
  roles app_public.staff_role[] default null
) returns setof uuid
  language plpgsql stable security definer parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user_id uuid := app_hidden.current_user_id();
begin
  if v_user_id is null then
    return;
  end if;
  return query
    select m.property_id
      from app_public.property_memberships m
     where m.user_id = v_user_id
       and (current_property_ids.roles is null or m.role = any (current_property_ids.roles));
end;
$$;
comment on function app_hidden.current_property_ids(app_public.staff_role[]) is
  E'Ids of the properties the current user belongs to as staff (optionally only with one of the given roles).';
--! EndIncluded access/app_hidden.current_property_ids.sql
--! Included access/app_hidden.current_property_ids_for.sql
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
--! EndIncluded access/app_hidden.current_property_ids_for.sql
--! Included access/app_hidden.current_colleague_ids.sql
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
--! EndIncluded access/app_hidden.current_colleague_ids.sql
--! Included access/app_hidden.current_organization_ids.sql
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
--! EndIncluded access/app_hidden.current_organization_ids.sql
