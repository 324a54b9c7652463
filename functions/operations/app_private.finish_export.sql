-- The export job's end: records the file written to the export store (and a
-- download link valid 24 hours) or the error, on a pending export.
create or replace function app_private.finish_export(id uuid, file_key text, row_count bigint, byte_count bigint, error text) returns app_public.exports
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.exports e
     set status = case when finish_export.error is null then 'done' else 'failed' end::app_public.export_status,
         file_key = finish_export.file_key, row_count = finish_export.row_count, byte_count = finish_export.byte_count,
         error = pg_catalog.left(finish_export.error, 1000), finished_at = pg_catalog.now(),
         download_token = case when finish_export.error is null then pg_catalog.encode(public.gen_random_bytes(24), 'hex') end,
         expires_at = case when finish_export.error is null then pg_catalog.now() + interval '24 hours' end
   where e.id = finish_export.id and e.status = 'pending'
  returning e.*;
$$;
comment on function app_private.finish_export(uuid, text, bigint, bigint, text) is E'Records an export''s file (and a download link valid 24 hours) or its error.';
