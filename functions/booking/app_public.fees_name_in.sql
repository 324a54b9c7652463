-- A fee's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.fee_translation) and the caller may see its fee, else the
-- fee's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- fee published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.fees_name_in(fee app_public.fees, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.fee_translation(fee.property_id, fee.id, fees_name_in.language) t
                    where exists (select 1 from app_public.properties p where p.id = fee.property_id and p.is_published)
                   or fee.property_id in (select app_hidden.current_property_ids())),
                  fee.name);
end;
$$;
comment on function app_public.fees_name_in(app_public.fees, text) is
  E'The name in `language` (en, pt, es) when translated, else the fee''s own.';
