-- Issue 21, housekeeping: do-not-disturb for today. The housekeeping
-- board's staff mark an in-house stay; today's unstarted stay-over cleaning
-- is cancelled and none is made today; the history in words says so.
drop function if exists app_public.set_do_not_disturb(uuid, boolean);
alter table app_public.reservations drop column if exists do_not_disturb_on;
alter table app_public.reservations add column do_not_disturb_on date;
comment on column app_public.reservations.do_not_disturb_on is E'The day (property calendar) the guest in house hung do-not-disturb: no stay-over cleaning that day (setDoNotDisturb).';
--! include operations/app_public.set_do_not_disturb.sql
grant execute on function app_public.set_do_not_disturb(uuid, boolean) to keepr_staff;
--! include operations/app_private.schedule_stayover_cleaning.sql
--! include operations/app_public.reservation_timeline.sql
