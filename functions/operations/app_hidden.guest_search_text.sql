-- What a staff search for a guest matches against, in one lower-case string:
-- the name, the email, and the phone number's digits only (so "+44 20 7946"
-- and "(020) 7946" find the same guest). Immutable, for the trigram indexes
-- on guests and on reservations' contact details (guests_search_idx,
-- reservations_contact_search_idx), which app_public.search_reservations
-- reads with LIKE.
--
-- A SQL-standard body (begin atomic): its names are bound when it is
-- created, so it needs no search_path setting, and without one Postgres
-- inlines it, in the indexes' expressions and in the searches alike (they
-- still match). With the setting it ran as a query of its own twice a
-- booking (the guest's insert, the confirmation's contact details).
create or replace function app_hidden.guest_search_text(full_name text, email text, phone text) returns text
  language sql immutable parallel safe
begin atomic
  select pg_catalog.lower(coalesce(full_name, '') || ' ' || coalesce(email, '') || ' '
         || coalesce(pg_catalog.regexp_replace(phone, '[^0-9]', '', 'g'), ''));
end;
comment on function app_hidden.guest_search_text(text, text, text) is
  E'A guest''s name, email and phone digits as one lower-case string: what a staff search matches (trigram-indexed).';
