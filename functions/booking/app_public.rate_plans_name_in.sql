-- A rate plan's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.rate_plan_translation) and the caller may see its rate plan, else the
-- rate plan's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- rate plan published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.rate_plans_name_in(rate_plan app_public.rate_plans, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.rate_plan_translation(rate_plan.property_id, rate_plan.id, rate_plans_name_in.language) t
                    where exists (select 1 from app_public.rate_plans x
                              join app_public.room_types r on r.property_id = x.property_id and r.id = x.room_type_id
                              join app_public.properties p on p.id = x.property_id
                            where x.property_id = rate_plan.property_id and x.id = rate_plan.id and x.is_published and r.is_published and p.is_published)
                   or rate_plan.property_id in (select app_hidden.current_property_ids_for('cashiers'))),
                  rate_plan.name);
end;
$$;
comment on function app_public.rate_plans_name_in(app_public.rate_plans, text) is
  E'The name in `language` (en, pt, es) when translated, else the rate plan''s own.';
