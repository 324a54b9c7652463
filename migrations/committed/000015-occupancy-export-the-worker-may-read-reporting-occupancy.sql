--! Previous: sha1:0845d2138d640491385fd2c7655d779407f88010
--! Hash: sha1:731a17c5e5f5c871d1ab5bd3a8bb3ddb2356a5cf
--! Message: Occupancy export: the worker may read reporting.occupancy

------------------------------------------------------------------------------
-- The occupancy export (worker/tasks/run_export.ts) reads
-- reporting.occupancy as keepr_worker, which had no rights on the reporting
-- schema: every occupancy export failed ("permission denied for schema
-- reporting"). The view runs with its owner's rights, so select on it is
-- all the worker needs.
------------------------------------------------------------------------------
grant usage on schema reporting to keepr_worker;
grant select on reporting.occupancy to keepr_worker;
