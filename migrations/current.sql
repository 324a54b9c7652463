-- Issue 21, Guests: search, profile (VIP, preferences, notes, who changed it
-- last, stays, nights, spend, likely duplicates), edit, merge.

drop function if exists app_public.merge_guests(uuid, uuid);
drop function if exists app_public.update_guest(uuid, text, text, text, boolean, text, text);
drop function if exists app_public.guests_merges(app_public.guests);
drop function if exists app_public.guests_duplicates(app_public.guests);
drop function if exists app_public.guests_total_spend(app_public.guests);
drop function if exists app_public.guests_nights_count(app_public.guests);
drop function if exists app_public.guests_stays_count(app_public.guests);
drop function if exists app_public.search_guests(uuid, text);
drop function if exists app_hidden.guests_matching(uuid, text);
drop table if exists app_public.guest_merges;
drop trigger if exists _200_updated_by on app_public.guests;
drop function if exists app_private.tg_guests__updated_by();
drop index if exists app_public.guests_property_name_idx;
alter table app_public.guests
  drop column if exists is_vip,
  drop column if exists preferences,
  drop column if exists notes,
  drop column if exists updated_by;

alter table app_public.guests
  add column is_vip boolean not null default false,
  add column preferences text constraint guests_preferences_check check (pg_catalog.length(preferences) between 1 and 1000),
  add column notes text constraint guests_notes_check check (pg_catalog.length(notes) between 1 and 4000),
  add column updated_by uuid constraint guests_updated_by_fkey references app_public.users (id) on delete set null;
create index guests_updated_by_idx on app_public.guests (updated_by) where updated_by is not null;
create index guests_property_name_idx on app_public.guests (property_id, full_name, id);
comment on column app_public.guests.is_vip is E'A VIP: the desk gives them its attention (shown on the profile and the Guests list).';
comment on column app_public.guests.preferences is E'What the guest likes (a quiet room, a high floor, no feathers), free text, at most 1000 characters.';
comment on column app_public.guests.notes is E'The desk''s notes about the guest, free text, at most 4000 characters; staff only.';
comment on column app_public.guests.updated_by is E'Who last changed the profile (null: the system, e.g. a booking''s confirmation).';
comment on constraint guests_updated_by_fkey on app_public.guests is E'@fieldName updatedByUser';
comment on table app_public.guests is E'@behavior -update\nA guest profile at a property, found or created by email when a booking is confirmed. Staff change it with updateGuest (validated, audited) and mergeGuests, not with a raw patch.';

--! include operations/app_private.tg_guests__updated_by.sql
create trigger _200_updated_by before insert or update on app_public.guests
  for each row execute function app_private.tg_guests__updated_by();

create table app_public.guest_merges (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  kept_guest_id uuid not null,
  merged_guest_id uuid not null,
  merged_guest jsonb not null,
  reservation_ids uuid[] not null default '{}',
  merged_by uuid default app_hidden.current_user_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint guest_merges_pkey primary key (id, property_id),
  constraint guest_merges_property_id_merged_guest_id_key unique (property_id, merged_guest_id),
  constraint guest_merges_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint guest_merges_merged_by_fkey foreign key (merged_by) references app_public.users (id) on delete set null,
  constraint guest_merges_check check (kept_guest_id <> merged_guest_id)
);
create index guest_merges_kept_guest_idx on app_public.guest_merges (property_id, kept_guest_id, created_at);
create index guest_merges_merged_by_idx on app_public.guest_merges (merged_by) where merged_by is not null;
comment on table app_public.guest_merges is E'Guest profiles merged into another (mergeGuests): who merged which profile into which, when, the merged profile''s values and the bookings that moved. Append-only.';
comment on constraint guest_merges_pkey on app_public.guest_merges is E'@rowIdentity id';
comment on constraint guest_merges_property_id_merged_guest_id_key on app_public.guest_merges is E'@behavior -*';
comment on constraint guest_merges_merged_by_fkey on app_public.guest_merges is E'@fieldName mergedByUser\n@foreignFieldName -';
comment on column app_public.guest_merges.kept_guest_id is E'The profile that was kept (no foreign key: it may itself be merged into another later, and this record stays).';
comment on column app_public.guest_merges.merged_guest_id is E'The id of the profile merged into it (deleted; its history is in the audit log under this id).';
comment on column app_public.guest_merges.merged_guest is E'The merged profile as it was (name, email, phone, notes, ...).';
comment on column app_public.guest_merges.reservation_ids is E'The bookings that moved to the kept profile.';
comment on column app_public.guest_merges.merged_by is E'Who merged them.';
create trigger _100_timestamps before insert or update on app_public.guest_merges
  for each row execute function app_private.tg__timestamps();
create trigger _100_append_only before update or delete on app_public.guest_merges
  for each row execute function audit.tg__append_only();
create trigger _500_audit after insert or update or delete on app_public.guest_merges
  for each row execute function audit.tg__record();
alter table app_public.guest_merges enable row level security;
create policy select_cashiers on app_public.guest_merges for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));
create policy worker_all on app_public.guest_merges for select to keepr_worker using (true);
grant select on app_public.guest_merges to keepr_staff, keepr_worker;

--! include operations/app_hidden.guests_matching.sql
grant execute on function app_hidden.guests_matching(uuid, text) to keepr_staff;
--! include operations/app_public.search_guests.sql
grant execute on function app_public.search_guests(uuid, text) to keepr_staff;
--! include operations/app_public.guests_stays_count.sql
grant execute on function app_public.guests_stays_count(app_public.guests) to keepr_staff;
--! include operations/app_public.guests_nights_count.sql
grant execute on function app_public.guests_nights_count(app_public.guests) to keepr_staff;
--! include money/app_public.guests_total_spend.sql
grant execute on function app_public.guests_total_spend(app_public.guests) to keepr_staff;
--! include operations/app_public.guests_duplicates.sql
grant execute on function app_public.guests_duplicates(app_public.guests) to keepr_staff;
--! include operations/app_public.guests_merges.sql
grant execute on function app_public.guests_merges(app_public.guests) to keepr_staff;
--! include operations/app_public.update_guest.sql
grant execute on function app_public.update_guest(uuid, text, text, text, boolean, text, text) to keepr_staff;
--! include operations/app_public.merge_guests.sql
grant execute on function app_public.merge_guests(uuid, uuid) to keepr_staff;
