-- Issue 19, traces: the audit trigger writes a traced transaction's
-- traceparent (keepr.traceparent) into the WAL once, as a transactional
-- logical message realtime receives with the transaction's changes, so
-- realtime's delivery of them is a span of the same trace.

--! include common/audit.tg__record.sql
