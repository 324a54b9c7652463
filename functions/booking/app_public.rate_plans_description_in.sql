-- A rate plan's description for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.rate_plan_translation), else the rate plan's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.rate_plans_description_in(rate_plan app_public.rate_plans, language text) returns text
  language sql stable
as $$
  select coalesce((select t.description from app_hidden.rate_plan_translation(rate_plan.property_id, rate_plan.id, rate_plans_description_in.language) t), rate_plan.description);
$$;
comment on function app_public.rate_plans_description_in(app_public.rate_plans, text) is
  E'The description in `language` (en, pt, es) when translated, else the rate plan''s own.';
