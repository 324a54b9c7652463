-- Before a rate plan is deleted: a plan that others follow is not deleted
-- (INVALID_TRANSITION, reason DERIVED_PLANS); delete or detach them first.
-- A delete that cascades from its room type or property (pg_trigger_depth
-- above 1: the foreign key's action runs this) takes the derived plans with
-- it, since they are of the same room type; the foreign key (no action,
-- checked at the end of the statement) stays the last word.
create or replace function app_private.tg_rate_plans__keep_parent()
  returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_names text;
begin
  if pg_catalog.pg_trigger_depth() > 1 then
    return old;
  end if;
  select pg_catalog.string_agg(c.name, ', ' order by c.name) into v_names
    from app_public.rate_plans c
   where c.property_id = old.property_id and c.room_type_id = old.room_type_id and c.parent_rate_plan_id = old.id;
  if v_names is not null then
    raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
      message = pg_catalog.format('%s follow %s: delete them or let them keep their own prices first.', v_names, old.name);
  end if;
  return old;
end;
$$;
comment on function app_private.tg_rate_plans__keep_parent() is
  E'Before a rate plan is deleted: refused (INVALID_TRANSITION, DERIVED_PLANS) while other plans follow it, unless its room type or property is being deleted.';
