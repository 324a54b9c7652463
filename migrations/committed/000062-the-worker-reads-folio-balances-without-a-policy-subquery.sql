--! Previous: sha1:2a58271473045208678c394e15dd1c0c1e3bfece
--! Hash: sha1:b72eb4ad41dc3afd0e093ed5585afbae81dbc2d6
--! Message: the worker reads folio balances without a policy subquery

-- The worker sees every folio (worker_all since 000004) but had no policy of
-- its own on folio_balances, so its reads went through the guests' and
-- staff's policies: `folio_id in (select id from folios)` became a hashed
-- scan of every folio on each read (send_notification's balance, O(folios)
-- a message). A policy that is true for the worker folds that away.
drop policy if exists worker_all on app_public.folio_balances;
create policy worker_all on app_public.folio_balances for select to keepr_worker using (true);
