-- Deferred to the end of the transaction, so an owner can hand a property to
-- a new owner (add the new one, then step down) in any order; a property
-- being deleted takes its memberships with it and needs no owner.
create or replace function app_private.tg_property_memberships__keep_an_owner() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.properties p where p.id = old.property_id)
     and not exists (select 1 from app_public.property_memberships m
                      where m.property_id = old.property_id and m.role = 'owner') then
    raise exception using errcode = 'OWNER',
      message = 'A property must keep at least one owner: make someone else owner first.';
  end if;
  return null;
end;
$$;
comment on function app_private.tg_property_memberships__keep_an_owner() is
  E'Constraint trigger: refuses (OWNER) a change that leaves a property with no owner.';
