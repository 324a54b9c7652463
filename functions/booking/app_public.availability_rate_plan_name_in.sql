-- A search result's rate plan name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.rate_plan_translation), else the rate plan's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.availability_rate_plan_name_in(availability app_public.availability, language text) returns text
  language sql stable
as $$
  select coalesce((select t.name from app_hidden.rate_plan_translation(availability.property_id, availability.rate_plan_id, availability_rate_plan_name_in.language) t), availability.rate_plan_name);
$$;
comment on function app_public.availability_rate_plan_name_in(app_public.availability, text) is
  E'@behavior -queryField\nThe rate plan''s name in `language` (en, pt, es) when translated, else the rate plan''s own.';
