-- Issue 21, the staff console's "Broken today" (K).

-- 1. The Today board: every stay of the day, whatever became of it.
-- Stays over a night (the board's "in house" on any date) by their range;
-- the day's check-outs, no-shows and cancellations by their timestamps.
create index if not exists reservations_stay_idx on app_public.reservations using gist (property_id, stay)
  where status in ('confirmed', 'checked_in', 'checked_out');
create index if not exists reservations_arrival_any_idx on app_public.reservations (property_id, lower(stay));
create index if not exists reservations_checked_out_at_idx on app_public.reservations (property_id, checked_out_at)
  where checked_out_at is not null;
create index if not exists reservations_no_show_at_idx on app_public.reservations (property_id, no_show_at)
  where no_show_at is not null;
create index if not exists reservations_cancelled_at_idx on app_public.reservations (property_id, cancelled_at)
  where cancelled_at is not null;
--! include operations/app_public.front_desk_day.sql

-- 2. Search reservations by guest name, email, phone or code, in the
-- database: trigram indexes (pg_trgm, a trusted extension) on the guests'
-- profiles and on the bookings' own contact details.
create extension if not exists pg_trgm with schema public;
--! include operations/app_hidden.guest_search_text.sql
--! include operations/app_hidden.search_pattern.sql
create index if not exists guests_search_idx on app_public.guests
  using gin (app_hidden.guest_search_text(full_name, email::text, phone) public.gin_trgm_ops);
create index if not exists reservations_contact_search_idx on app_public.reservations
  using gin (app_hidden.guest_search_text(contact_name, contact_email::text, contact_phone) public.gin_trgm_ops)
  where contact_name is not null or contact_email is not null or contact_phone is not null;
grant execute on function app_hidden.guest_search_text(text, text, text) to keepr_staff;
grant execute on function app_hidden.search_pattern(text) to keepr_staff;

-- 3. Expired and released holds are labelled, and left out of the list
-- unless asked for.
--! include operations/app_public.reservations_hold_state.sql
grant execute on function app_public.reservations_hold_state(app_public.reservations) to keepr_anonymous;
--! include operations/app_public.search_reservations.sql
grant execute on function app_public.search_reservations(uuid, text, boolean) to keepr_staff;

-- 7. The reservation page edits the guest's details and reads its history
-- in words.
--! include operations/app_public.update_reservation_guest.sql
grant execute on function app_public.update_reservation_guest(uuid, text, text, text) to keepr_staff;

drop function if exists app_public.reservation_timeline(uuid);
drop type if exists app_public.reservation_history_line;
create type app_public.reservation_history_line as (
  occurred_at timestamptz,
  summary text,
  actor_name text,
  actor_role text,
  request_id text
);
comment on type app_public.reservation_history_line is
  E'One thing that happened to a reservation, in words: what, when, who (their name and role at the property) and the request.';
comment on column app_public.reservation_history_line.summary is E'What happened, for people: "Moved from 201 to 204", "Checked in".';
comment on column app_public.reservation_history_line.actor_name is E'Who: a staff member''s name, "the guest", or Keepr (a job, the allocator).';
comment on column app_public.reservation_history_line.actor_role is E'The staff member''s role at the property in a word (desk, manager, owner, accounts, housekeeping); null for guests and Keepr.';
--! include operations/app_private.history_unit_name.sql
--! include operations/app_private.history_stay_words.sql
--! include operations/app_private.history_party_words.sql
--! include operations/app_public.reservation_timeline.sql
grant execute on function app_public.reservation_timeline(uuid) to keepr_staff;

-- 5. A same-day quote never shows a past free-cancellation deadline: its
-- terms say "non-refundable from booking" (the text only; the deadline and
-- the penalty are unchanged). app_private.quote_for is the booking domain's:
-- replaced here by K for issue 21, said in the land file.
--! include booking/app_private.quote_for.sql
