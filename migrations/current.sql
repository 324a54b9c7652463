-- Issue 21 (K), slice 2: the reservations search plans its match with the
-- pattern as a literal (app_hidden.reservations_matching), so the trigram
-- indexes are used whatever plan PostGraphile's prepared statement gets.
--! include operations/app_hidden.reservations_matching.sql
grant execute on function app_hidden.reservations_matching(uuid, text) to keepr_staff;
--! include operations/app_public.search_reservations.sql
