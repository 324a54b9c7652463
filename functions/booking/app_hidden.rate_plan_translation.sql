-- The translation of a rate plan's name and description
-- the guest reads in `language` (issues 21 and 22): that language's row
-- of app_public.rate_plan_translations, unless the language is the property's own (its own
-- text is the base: a translation left from before the property changed its
-- language is kept but unused). For this table the one place the rule is; the
-- readers (`…_in` computed columns) and the notification load take their
-- texts through it. A set-returning SQL function with no SET clause and no
-- security definer, so Postgres inlines it into its caller's query (one
-- index probe; the property's language looked up only when a row matched).
-- Security invoker: the translation is read as the caller may read it.
create or replace function app_hidden.rate_plan_translation(property_id uuid, rate_plan_id uuid, language text)
  returns setof app_public.rate_plan_translations
  language sql stable rows 1
as $$
  select t.* from app_public.rate_plan_translations t
   where t.property_id = rate_plan_translation.property_id and t.rate_plan_id = rate_plan_translation.rate_plan_id
     and t.language = rate_plan_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.rate_plan_translation(uuid, uuid, text) is
  E'The translation of app_public.rate_plan_translations that applies to a guest reading in `language`: none for the property''s own language.';
