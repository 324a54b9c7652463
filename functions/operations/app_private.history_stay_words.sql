-- A stay's dates for reservation_timeline, from the audit log's text of a
-- daterange ("[2026-12-05,2026-12-07)"): "5 Dec–7 Dec 2026 (2 nights)".
create or replace function app_private.history_stay_words(stay text) returns text
  language sql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.to_char(pg_catalog.lower(s), 'FMDD Mon') || '–' || pg_catalog.to_char(pg_catalog.upper(s), 'FMDD Mon YYYY')
         || ' (' || (pg_catalog.upper(s) - pg_catalog.lower(s)) || case when pg_catalog.upper(s) - pg_catalog.lower(s) = 1 then ' night)' else ' nights)' end
    from (select history_stay_words.stay::daterange as s) x;
$$;
comment on function app_private.history_stay_words(text) is E'A stay''s dates in words for the history ("5 Dec–7 Dec 2026 (2 nights)").';
