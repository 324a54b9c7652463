-- A party for reservation_timeline: "2 adults", "1 adult, 2 children".
create or replace function app_private.history_party_words(adults integer, children integer) returns text
  language sql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
  select adults || case when adults = 1 then ' adult' else ' adults' end
         || case when coalesce(children, 0) = 0 then '' when children = 1 then ', 1 child' else ', ' || children || ' children' end;
$$;
comment on function app_private.history_party_words(integer, integer) is E'A party in words for the history ("2 adults, 1 child").';
