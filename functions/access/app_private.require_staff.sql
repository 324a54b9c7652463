-- Refuses a caller who is not staff of the property with one of the roles:
-- NTFND when they are not staff there at all (so nothing is revealed),
-- DNIED when their role does not allow it.
create or replace function app_private.require_staff(property_id uuid, roles app_public.staff_role[], what text) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  if require_staff.property_id in (select app_hidden.current_property_ids(require_staff.roles)) then
    return;
  end if;
  if require_staff.property_id in (select app_hidden.current_property_ids()) then
    raise exception using errcode = 'DNIED',
      message = pg_catalog.format('Your role at this property does not allow you to %s.', what);
  end if;
  raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
end;
$$;
comment on function app_private.require_staff(uuid, app_public.staff_role[], text) is
  E'Raises NOT_FOUND (not staff of the property) or ACCESS_DENIED (role not allowed) unless the caller has one of the roles there.';
