-- Checks the children's ages of a stay request (issue 22): one age per
-- child, each 0 to 17 (INVALID_INPUT, reason CHILD_AGES); required when
-- there are children and a rate plan prices them by age (its
-- child_free_below_age or child_adult_from_age set); no child younger than
-- the property's children_min_age (RESTRICTED, reason CHILD_MIN_AGE). Ages
-- may be null when no plan prices by age (then the minimum age is not
-- checked: the guest was not asked).
create or replace function app_private.check_child_ages(property_id uuid, rate_plan_ids uuid[], children integer, child_ages integer[])
  returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_min_age smallint;
  v_youngest integer;
begin
  if child_ages is null then
    if coalesce(children, 0) > 0 and exists (
         select 1 from app_public.rate_plans rp
          where rp.id = any (check_child_ages.rate_plan_ids)
            and (rp.child_free_below_age is not null or rp.child_adult_from_age is not null)) then
      raise exception using errcode = 'INVLD', hint = 'CHILD_AGES',
        message = 'This rate prices children by age: give the age of each child.';
    end if;
    return;
  end if;
  if pg_catalog.cardinality(child_ages) <> coalesce(children, 0) or coalesce(pg_catalog.array_ndims(child_ages), 1) <> 1 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_AGES',
      message = pg_catalog.format('Give one age per child: %s child%s, %s age%s given.',
                                  coalesce(children, 0), case when children = 1 then '' else 'ren' end,
                                  pg_catalog.cardinality(child_ages), case when pg_catalog.cardinality(child_ages) = 1 then '' else 's' end);
  end if;
  if pg_catalog.array_position(child_ages, null) is not null
     or exists (select 1 from pg_catalog.unnest(child_ages) a where a not between 0 and 17) then
    raise exception using errcode = 'INVLD', hint = 'CHILD_AGES',
      message = 'A child''s age is 0 to 17 (a guest of 18 or more is an adult).';
  end if;
  select p.children_min_age into v_min_age from app_public.properties p where p.id = check_child_ages.property_id;
  v_youngest := (select min(a) from pg_catalog.unnest(child_ages) a);
  if v_min_age is not null and v_youngest < v_min_age then
    raise exception using errcode = 'RSTRC', hint = 'CHILD_MIN_AGE',
      message = pg_catalog.format('This property welcomes children from the age of %s; a child of %s cannot stay.', v_min_age, v_youngest);
  end if;
end;
$$;
comment on function app_private.check_child_ages(uuid, uuid[], integer, integer[]) is
  E'Raises INVALID_INPUT (reason CHILD_AGES) for children''s ages that do not match the children (one each, 0 to 17) or are missing where a rate plan prices by age, and RESTRICTED (reason CHILD_MIN_AGE) for a child younger than the property welcomes.';
