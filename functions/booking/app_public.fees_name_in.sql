-- A fee's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.fee_translation), else the fee's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.fees_name_in(fee app_public.fees, language text) returns text
  language sql stable
as $$
  select coalesce((select t.name from app_hidden.fee_translation(fee.property_id, fee.id, fees_name_in.language) t), fee.name);
$$;
comment on function app_public.fees_name_in(app_public.fees, text) is
  E'The name in `language` (en, pt, es) when translated, else the fee''s own.';
