-- Issue 20, ready to distribute by property (second slice, after 000048's
-- unique keys and indexes): the primary keys of the tenant tables carry
-- property_id, so a Citus-style distribution by property_id can enforce
-- them shard by shard (tests/db/distribution.test.ts; what is left is its
-- notYet list). The API does not change (server/schema.graphql).

-- A settlement report's line whose reference is no payment or refund Keepr
-- knows belongs to no property: it was an "extra" difference with a null
-- property_id, which no staff member could see. It is now marked on
-- settlement_lines (kept on the coordinator), and reconciliation_differences
-- (distributed) holds the differences of a property only.
alter table app_public.settlement_lines add column if not exists unmatched boolean not null default false;
comment on column app_public.settlement_lines.unmatched is
  E'The line''s reference is no payment or refund Keepr knows: a difference of no property (counted in its report''s difference_count; analysts see it in reporting.reconciliation_differences).';
update app_public.settlement_lines s set unmatched = true
  from app_public.reconciliation_differences d
 where d.property_id is null and d.report_id = s.report_id
   and d.reference is not distinct from s.reference and d.provider_object_id is not distinct from s.provider_object_id;
delete from app_public.reconciliation_differences where property_id is null;
alter table app_public.reconciliation_differences alter column property_id set not null;
--! include money/app_private.import_settlement.sql
create or replace view reporting.reconciliation_differences with (security_barrier) as
  select d.id, d.report_id, r.provider, r.report_date, d.property_id, d.kind, d.reference, d.provider_object_id, d.currency,
         d.ledger_amount, d.report_amount, d.created_at, d.resolved_at
    from app_public.reconciliation_differences d join app_public.settlement_reports r on r.id = d.report_id
  union all
  select pg_catalog.md5(s.report_id::text || ':' || s.line_no)::uuid, s.report_id, r.provider, r.report_date, null, 'extra',
         s.reference, s.provider_object_id, s.currency, null, s.amount, r.imported_at, null
    from app_public.settlement_lines s join app_public.settlement_reports r on r.id = s.report_id
   where s.unmatched;
comment on view reporting.reconciliation_differences is
  E'Every difference between the ledger and the provider''s settlement reports; a line of no known payment (settlement_lines.unmatched) as an extra of no property.';

-- The primary keys of the tenant tables the API shows: (id, property_id),
-- id first so a lookup by id keeps its index (the composite foreign keys use
-- the tables' separate unique (property_id, id)). The API keeps naming a
-- row by id (node ids, …ByRowId, mutations by rowId): the key's
-- @rowIdentity tag, read by server/graphql-row-identity.ts.
do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('allocation_moves', 'id'), ('cash_movements', 'id'), ('cash_shifts', 'id'), ('channel_conflicts', 'id'),
      ('channel_feeds', 'id'), ('companies', 'id'), ('exports', 'id'), ('fees', 'id'), ('folio_extras', 'id'),
      ('folios', 'id'), ('guests', 'id'), ('housekeeping_tasks', 'id'), ('inventory_claims', 'id'),
      ('invoice_deliveries', 'id'), ('invoices', 'id'), ('journal_entries', 'id'), ('ledger_accounts', 'id'),
      ('night_audit_anomalies', 'id'), ('night_audits', 'id'), ('notification_templates', 'id'),
      ('notifications', 'id'), ('owners', 'id'), ('payment_attempts', 'id'), ('payment_intents', 'id'),
      ('payouts', 'id'), ('postings', 'id'), ('property_memberships', 'id'), ('rate_plan_los_discounts', 'id'),
      ('rate_plans', 'id'), ('reconciliation_differences', 'id'), ('refunds', 'id'), ('reservations', 'id'),
      ('room_types', 'id'), ('taxes', 'id'), ('units', 'id'),
      ('channel_feed_events', 'feed_id,uid'), ('payout_lines', 'payout_id,reservation_id')
    ) as x(name, identity)
  loop
    if not exists (
      select 1 from pg_catalog.pg_constraint k
        join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
       where k.conrelid = pg_catalog.format('app_public.%I', t.name)::regclass and k.contype = 'p' and a.attname = 'property_id'
    ) then
      execute pg_catalog.format('alter table app_public.%I drop constraint %I, add constraint %I primary key (%s, property_id)',
                                t.name, t.name || '_pkey', t.name || '_pkey', t.identity);
    end if;
    execute pg_catalog.format('comment on constraint %I on app_public.%I is %L', t.name || '_pkey', t.name, '@rowIdentity ' || t.identity);
  end loop;
end
$$;
-- The new keys of channel_feed_events and payout_lines index their foreign
-- key's columns, so PostGraphile would now show ChannelFeed.events,
-- Payout.lines and filtering and ordering of feed events by property: the API
-- stays as it was.
comment on constraint channel_feed_events_property_id_feed_id_fkey on app_public.channel_feed_events is
  E'@fieldName feed\n@foreignFieldName events\n@behavior -list -connection';
comment on constraint payout_lines_property_id_payout_id_fkey on app_public.payout_lines is
  E'@fieldName payout\n@foreignFieldName lines\n@behavior -list -connection';
comment on column app_public.channel_feed_events.property_id is E'@behavior -filterBy -orderBy';

-- channel_feed_events' upsert names its new key.
--! include channels/app_private.sync_channel_feed.sql
