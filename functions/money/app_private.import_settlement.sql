-- Imports a provider's settlement report of one UTC day and reconciles it
-- with the ledger: every capture (by the provider's capture time) and every
-- paid refund (by its refund time) of that day that moved money through the
-- provider's clearing account, against every line of the report, matched
-- by reference (Keepr's attempt or refund id). Records each difference:
-- missing (in the ledger, not in the report), extra (in the report, not in
-- the ledger) and amount_mismatch. A difference belongs to the property of
-- its payment or refund; a report line whose reference is no payment or
-- refund Keepr knows belongs to no property: it is marked unmatched on
-- settlement_lines instead (the report's difference_count counts both).
-- Importing the same day again returns the first import and records nothing new.
create or replace function app_private.import_settlement(provider text, report_date date, lines jsonb) returns uuid
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_report_id uuid;
begin
  insert into app_public.settlement_reports (provider, report_date, line_count)
  values (import_settlement.provider, import_settlement.report_date, pg_catalog.jsonb_array_length(lines))
  on conflict (provider, report_date) do nothing
  returning id into v_report_id;
  if v_report_id is null then
    return (select r.id from app_public.settlement_reports r where r.provider = import_settlement.provider and r.report_date = import_settlement.report_date);
  end if;

  insert into app_public.settlement_lines (report_id, line_no, provider_object_id, type, occurred_at, currency, amount, fee, net, charge_id, reference)
  select v_report_id, l.o::integer, l.v ->> 'id', l.v ->> 'type', (l.v ->> 'created')::timestamptz, l.v ->> 'currency',
         (l.v ->> 'amount')::bigint, (l.v ->> 'fee')::bigint, (l.v ->> 'net')::bigint, l.v ->> 'charge', l.v ->> 'reference'
    from pg_catalog.jsonb_array_elements(lines) with ordinality l(v, o);

  with ledger as (
    select a.property_id, a.id::text as reference, a.provider_charge_id as object_id, a.amount, a.currency
      from app_public.payment_attempts a
      join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
     where a.status = 'captured' and i.provider = import_settlement.provider
       and (a.captured_at at time zone 'UTC')::date = import_settlement.report_date
    union all
    select f.property_id, f.id::text, f.provider_refund_id, -f.amount, f.currency
      from app_public.refunds f
      join app_public.payment_intents i on i.property_id = f.property_id and i.id = f.intent_id
     where f.status = 'succeeded' and i.provider = import_settlement.provider
       and (f.refunded_at at time zone 'UTC')::date = import_settlement.report_date
  ),
  report as (
    select s.line_no, s.reference, s.provider_object_id as object_id, s.amount, s.currency
      from app_public.settlement_lines s where s.report_id = v_report_id
  ),
  differences as (
    select coalesce(l.property_id,
                    (select a.property_id from app_public.payment_attempts a where a.id::text = r.reference),
                    (select f.property_id from app_public.refunds f where f.id::text = r.reference)) as property_id,
           (case when r.reference is null then 'missing' when l.reference is null then 'extra' else 'amount_mismatch' end)::app_public.reconciliation_difference_kind as kind,
           coalesce(l.reference, r.reference) as reference, coalesce(r.object_id, l.object_id) as object_id,
           coalesce(l.currency, r.currency) as currency, l.amount as ledger_amount, r.amount as report_amount, r.line_no
      from ledger l
      full join report r on r.reference = l.reference
     where l.reference is null or r.reference is null or l.amount <> r.amount or l.currency <> r.currency
  ),
  unmatched as (
    update app_public.settlement_lines s set unmatched = true
      from differences d
     where d.property_id is null and s.report_id = v_report_id and s.line_no = d.line_no
  )
  insert into app_public.reconciliation_differences (report_id, property_id, kind, reference, provider_object_id, currency, ledger_amount, report_amount)
  select v_report_id, d.property_id, d.kind, d.reference, d.object_id, d.currency, d.ledger_amount, d.report_amount
    from differences d
   where d.property_id is not null;

  update app_public.settlement_reports r
     set difference_count = (select count(*) from app_public.reconciliation_differences d where d.report_id = v_report_id)
                          + (select count(*) from app_public.settlement_lines s where s.report_id = v_report_id and s.unmatched)
   where r.id = v_report_id;
  return v_report_id;
end;
$$;
comment on function app_private.import_settlement(text, date, jsonb) is
  E'Imports a provider settlement report of a UTC day and records every difference with the ledger (missing, extra, amount_mismatch; a line of no known payment is marked unmatched); idempotent per day.';
