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
