-- Issues 22 and 23: the search returns the translated room type and rate plan
-- names itself (search_availability's `language`), joined in its own query,
-- instead of a security-definer function call per result row
-- (availability_room_type_name_in / availability_rate_plan_name_in, dropped:
-- only the guest app's search read them). docs/benchmarks.md has the figures.
drop function if exists app_public.availability_room_type_name_in(app_public.availability, text);
drop function if exists app_public.availability_rate_plan_name_in(app_public.availability, text);

--! include booking/app_public.search_availability.sql

-- The search cache's feed must hear of a translation's change now that a
-- search answer carries translated names: publish the two tables' key
-- columns (no names travel), as 000066 did for rates and fees.
do $$
declare
  t record;
begin
  for t in select * from (values
      ('room_type_translations', 'property_id, room_type_id, language'),
      ('rate_plan_translations', 'property_id, rate_plan_id, language')) v(name, columns)
  loop
    if exists (select 1 from pg_catalog.pg_publication_tables
                where pubname = 'keepr_realtime' and schemaname = 'app_public' and tablename = t.name) then
      execute pg_catalog.format('alter publication keepr_realtime drop table app_public.%I', t.name);
    end if;
    execute pg_catalog.format('alter publication keepr_realtime add table app_public.%I (%s)', t.name, t.columns);
  end loop;
end
$$;
