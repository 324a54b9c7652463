-- How far ahead a message's delivery job goes into graphile_worker's queue.
-- A message due later (a pre-arrival message, days or months before the
-- stay) waits as its notification row alone (awaiting_job), and
-- app_private.queue_due_notifications, every 10 minutes, queues its job
-- when it comes within this horizon, still to run at its send_after. Why:
-- graphile_worker finds due jobs by an index on (priority, run_at), which
-- a poll that finds none reads to its end, so every waiting job cost every
-- empty poll of every worker (2.6 ms at 18,000 waiting jobs, 20 ms at
-- 289,000: a pre-arrival job per future stay of a year's bookings; issue
-- 23, docs/benchmarks.md "Messages months ahead kept out of the job
-- queue"). An hour is six sweeps' margin.
create or replace function app_private.notification_horizon() returns interval
  language sql immutable parallel safe
begin atomic
  select interval '1 hour';
end;
comment on function app_private.notification_horizon() is
  E'How far ahead of its send_after a notification''s delivery job is queued (later ones wait for app_private.queue_due_notifications).';
