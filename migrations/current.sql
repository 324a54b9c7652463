-- Issue 23: a booking's Postgres CPU.
--
-- The audit log keeps an update's changed columns only (their old and new
-- values) instead of two whole images of the row; an insert and a delete
-- keep the whole row. The reservation's history in words rebuilds the row
-- before and after each update from its insert and the updates before it.
--! include common/audit.tg__record.sql
--! include operations/app_public.reservation_timeline.sql

-- audit.events' indexes that no reader uses: the history reads by
-- reservation (audit_events_reservation_idx), an operator's look-up of a
-- row's history by table and row (audit_events_row_idx); nothing reads the
-- log by property and time or by request id.
drop index if exists audit.audit_events_property_idx;
drop index if exists audit.audit_events_request_idx;
drop index if exists audit.audit_shared_events_request_idx;

comment on type app_public.reservation_event is
  E'One change to a reservation or its claims, from the audit log: old_values and new_values hold an insert''s or a delete''s whole row, an update''s changed columns only (their old and new values).';
