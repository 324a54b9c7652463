-- The translation of an extra's name the guest reads in `language` (issue
-- 22), the same rule as app_hidden.fee_translation: that language's row of
-- app_public.extra_translations, unless the language is the property's own.
-- The one place the rule is for this table; bookable_extras and the
-- notification load take their names through it. A set-returning SQL
-- function with no SET clause and no security definer, so Postgres inlines
-- it into its caller's query.
create or replace function app_hidden.extra_translation(property_id uuid, extra_id uuid, language text)
  returns setof app_public.extra_translations
  language sql stable rows 1
as $$
  select t.* from app_public.extra_translations t
   where t.property_id = extra_translation.property_id and t.extra_id = extra_translation.extra_id
     and t.language = extra_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.extra_translation(uuid, uuid, text) is
  E'The translation of app_public.extra_translations that applies to a guest reading in `language`: none for the property''s own language.';
