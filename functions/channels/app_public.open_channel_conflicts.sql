-- The channel conflicts of a property that staff still have to resolve,
-- newest first (channel_conflicts_open_idx). Resolved conflicts are kept
-- for ever (the history), so a list of all of them grows; this is the
-- to-do list. Security invoker: row-level security decides (owner,
-- manager, front desk).
create or replace function app_public.open_channel_conflicts(property_id uuid)
  returns setof app_public.channel_conflicts
  language sql stable rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
  select k.*
    from app_public.channel_conflicts k
   where k.property_id = open_channel_conflicts.property_id
     and k.status = 'open'
   order by k.detected_at desc, k.id;
$$;
comment on function app_public.open_channel_conflicts(uuid) is
  E'The open channel conflicts of a property, newest first: what staff still have to resolve. Staff see their properties only; any other property gives nothing.';
