-- db/schema.sql: Keepr's database schema as the migrations leave it, read from
-- the catalogue by db/schema-sql.ts. GENERATED: do not edit. After changing
-- migrations/current.sql (or functions/), run `npm run -s db -- schema`;
-- tests/db/schema_dump.test.ts fails while this file and a freshly migrated
-- database differ. Review a migration by its diff here.
--
-- Holds what Keepr creates: the schemas app_public, app_hidden, app_private, audit, reporting,
-- the grants on schema public, default privileges, extensions (not what they
-- bring) and publications. Left out: graphile-migrate's and graphile-worker's
-- own schemas (graphile_migrate, graphile_worker), roles (core/roles.ts), the
-- database's settings.
--
-- Order: contents (every name), extensions, schema public's grants, default
-- privileges; then schema by schema (the API first): every table with all of
-- its parts (columns, constraints, indexes, row level security and policies,
-- triggers, replica identity, grants, comments), then views, types, sequences
-- and functions, each by name; publications last. Everything belongs to
-- keepr_owner unless an `owner to` says otherwise; the owner's own privileges
-- are implied. Printed by PostgreSQL 17.

-- ============================================================================
-- contents
-- ============================================================================
-- app_public
--   tables: allocation_moves, booking_groups, cash_movements, cash_shifts,
--     channel_conflicts, channel_feed_events, channel_feeds, companies,
--     exports, fees, folio_balances, folio_bill_to, folio_extras, folios,
--     guest_merges, guest_unmerges, guests, housekeeping_tasks,
--     inventory_claims, invoice_deliveries, invoices, journal_entries,
--     ledger_accounts, night_audit_anomalies, night_audits,
--     notification_templates, notifications, organizations, owners,
--     payment_attempts, payment_intents, payout_lines, payouts, postings,
--     promo_codes, properties, property_legal_details, property_memberships,
--     property_translations, rate_calendar, rate_overrides,
--     rate_plan_los_discounts, rate_plans, reconciliation_differences, refunds,
--     registration_cards, reservations, room_types, settlement_lines,
--     settlement_reports, taxes, units, users
--   views: account_balances, trial_balance
--   types: account_kind, availability, booking, cancellation_penalty_kind,
--     cash_movement_kind, channel_conflict_closer, channel_conflict_status,
--     channel_feed_pending_change, channel_source, charge_posting, claim_kind,
--     desk_payment_method, export_kind, export_status, fee_basis, folio_kind,
--     folio_status, group_hold, group_quote, group_quote_room, group_room,
--     hold, housekeeping_status, housekeeping_stay, housekeeping_task_kind,
--     housekeeping_task_status, identity_document_type,
--     invoice_delivery_status, invoice_kind, jwt_token, meal_plan,
--     night_audit_anomaly_kind, notification_channel, notification_kind,
--     notification_status, payment_attempt_status, payment_kind,
--     payment_status, price_line, property_kind, quote, rate_grid_day,
--     reconciliation_difference_kind, refund_status, reservation_event,
--     reservation_history_line, reservation_status, room_combination,
--     staff_role, stay_suggestion, tax_basis
--   functions: accept_channel_feed_change, ar_aging, assign_housekeeping_task,
--     assign_housekeeping_tasks, attach_payment_method,
--     booking_groups_total_amount, cancel_group, cancel_reservation,
--     cash_shifts_expected_cash, channel_feeds_pending_change,
--     channel_reconciliation, channel_revenue_report, charge_card_on_file,
--     check_in, check_out, city_tax_report, close_cash_shift, companies_folio,
--     confirm_booking, confirm_group, correct_folio_entry, create_block,
--     create_desk_hold, create_folio, create_group_hold, create_hold,
--     create_promo_code, current_booking, current_user, desk_quote,
--     extend_payment_deadline, folio_list, folios_bill_to,
--     folios_due_at_check_out, front_desk_day, guests_duplicates,
--     guests_merges, guests_nights_count, guests_stays_count,
--     guests_total_spend, housekeeping_board, housekeeping_stays,
--     inventory_claims_end_date, inventory_claims_start_date,
--     issue_credit_note, issue_invoice, journal_entries_between, login, logout,
--     lookup_booking, mark_no_show, mark_payout_paid, merge_guests,
--     modify_reservation, move_unit, nearest_stays, occupancy_report,
--     on_the_books_report, open_cash_shift, open_channel_conflicts,
--     owner_statement, pay, payment_due_reservations, pickup_report,
--     pin_reservation_unit, post_folio_allowance, post_folio_charge,
--     properties_arrival_instructions_in, properties_description_in,
--     property_by_slug, quote, quote_change, quote_group, rate_grid,
--     record_registration_card, refund_folio_payment, refund_payment, register,
--     release_block, request_export, reservation_history, reservation_timeline,
--     reservations_arrival, reservations_cancellation_penalty_now,
--     reservations_card_on_file, reservations_change_refusal,
--     reservations_departure, reservations_folio, reservations_hold_state,
--     reservations_nights, reservations_no_show_from,
--     reservations_rate_override, reservations_unpaid_prepayment,
--     resolve_channel_conflict, room_combinations, room_type_held_until,
--     route_folio_postings, run_night_audit, run_payouts, search_availability,
--     search_guests, search_reservations, send_invoice, set_do_not_disturb,
--     set_folio_bill_to, set_promo_code_active, set_property_legal_details,
--     set_property_translation, set_rates, set_room_guest_name,
--     set_unit_status, sync_channel_feed_now, take_folio_payment,
--     tape_chart_claims, transfer_folio_to_city_ledger, undo_guest_merge,
--     unit_calendar, update_guest, update_housekeeping_task,
--     update_property_content, update_reservation_guest,
--     waive_payment_guarantee
-- app_hidden
--   functions: currency_digits, current_actor_scope, current_booking_group_id,
--     current_booking_id, current_colleague_ids, current_organization_ids,
--     current_property_ids, current_property_ids_for, current_session_id,
--     current_user_id, format_money, guest_search_text, guests_matching,
--     is_country_code, major_units, reservations_matching, search_pattern,
--     staff_group_roles, valid_amenities, valid_photo_urls
-- app_private
--   tables: cards_on_file, channel_feed_pending_changes, folio_routes,
--     idempotency_keys, invoice_counters, job_minutes, lookup_failures,
--     payment_provider_events, rate_limits, sessions, signing_keys,
--     user_secrets, worker_heartbeats
--   functions: add_job, add_jobs, apply_channel_feed, apply_payment_event,
--     bill_to_of, booking_of, booking_user_id, caller_cash_shift,
--     cancellation_penalty, cap_open_intents, card_label, charge_on_folio,
--     check_desk_amount, check_desk_override, check_desk_text,
--     check_promo_code, check_report, check_stay, city_tax_figures, claim_unit,
--     clear_payment_due, close_business_day, create_ledger_accounts,
--     create_session, derived_price, desk_key, enforce_payment_deadline,
--     finish_export, folio_charges, folio_place, folio_receivable, free_units,
--     guest_change_refusal, hand_nights_to_channels, history_party_words,
--     history_stay_words, history_unit_name, idempotency_begin,
--     idempotency_finish, import_settlement, insert_invoice,
--     invalid_transition, invoice_delivery, invoice_lines, invoice_payments,
--     invoice_seller, local_today, lock_booking_group, lock_folio,
--     lock_reservation, masked_registration_card, new_confirmation_code,
--     no_show_from, notify, notify_all, password_refusal, penalty_base,
--     post_entry, post_reservation_charges, pre_arrival_at, price_lines,
--     purge_idempotency_keys, quote_for, quote_payload, raise_room_error,
--     reallocate_for, record_authorization, record_capture,
--     record_channel_feed_error, record_due_no_shows, record_exports_purged,
--     record_invoice_delivery, record_job_runs, record_no_show,
--     record_notification, record_payment_failure, record_refund,
--     record_refund_failure, refund_overpayment, refuse_guest_change,
--     release_claims, release_expired_holds, release_stale_claims,
--     renumber_tax_accounts, require_staff, room_type_units_left,
--     run_night_audits, schedule_channel_polls, schedule_payments,
--     schedule_stayover_cleaning, set_card_on_file, shift_label, sign,
--     start_attempt, start_due_payments, start_refund, stay_restrictions,
--     sync_channel_feed, tg__create_ledger_accounts, tg__timestamps,
--     tg_channel_feeds__release_blocks, tg_companies__city_ledger_folio,
--     tg_folio_balances__folio_status, tg_guests__updated_by,
--     tg_inventory_claims__reapply_channel_feeds, tg_payment_attempts__notify,
--     tg_postings__check_balanced, tg_postings__folio_balance,
--     tg_properties__add_creator, tg_properties__business_date,
--     tg_properties__check_time_zone, tg_properties__create_ledger_accounts,
--     tg_property_memberships__keep_an_owner, tg_rate_calendar__derived_price,
--     tg_rate_plans__derived, tg_rate_plans__follow_parent,
--     tg_rate_plans__keep_parent, tg_registration_cards__audit,
--     tg_reservations__channel, tg_reservations__housekeeping,
--     tg_reservations__notify, tg_reservations__unit_occupancy,
--     tg_reservations__unlink_allocation_moves, tg_taxes__name_ledger_account,
--     tg_taxes__penalty_default, unpaid_prepayment, worker_heartbeat
-- audit
--   tables: events, shared_events
--   functions: tg__append_only, tg__record
-- reporting
--   views: folio_balances, inventory_claims, invoices, job_health,
--     ledger_postings, occupancy, payments, pickup, properties, rate_plans,
--     reconciliation_differences, registration_cards, reservations,
--     revenue_by_channel, room_nights, room_types, units, users
--   functions: job_queue, mask_document_number, mask_email

-- ============================================================================
-- extensions
-- ============================================================================
create extension btree_gist with schema public;
create extension citext with schema public;
create extension pg_trgm with schema public;
create extension pgcrypto with schema public;

-- ============================================================================
-- schema public (Postgres creates it; Keepr sets its grants and installs extensions there)
-- ============================================================================
grant usage on schema public to keepr_analyst;
grant usage on schema public to keepr_anonymous;
grant usage on schema public to keepr_worker;

-- ============================================================================
-- default privileges
-- ============================================================================
alter default privileges for role keepr_owner revoke execute on functions from public;

-- ============================================================================
-- schema app_public
-- ============================================================================
create schema app_public;
grant usage on schema app_public to keepr_anonymous;
grant usage on schema app_public to keepr_worker;
comment on schema app_public is 'Exposed as the GraphQL API. Every table has row level security.';

-- ----------------------------------------------------------------------------
-- table app_public.allocation_moves
-- ----------------------------------------------------------------------------
create table app_public.allocation_moves (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  reservation_id uuid not null,
  from_unit_id uuid not null,
  to_unit_id uuid not null,
  arrival date not null,
  departure date not null,
  caused_by_reservation_id uuid,
  moved_at timestamp with time zone default now() not null,
  constraint allocation_moves_check CHECK (from_unit_id <> to_unit_id AND arrival < departure),
  constraint allocation_moves_pkey PRIMARY KEY (id, property_id),
  constraint allocation_moves_property_id_caused_by_reservation_id_fkey FOREIGN KEY (property_id, caused_by_reservation_id) REFERENCES app_public.reservations(property_id, id) DEFERRABLE INITIALLY DEFERRED,
  constraint allocation_moves_property_id_from_unit_id_fkey FOREIGN KEY (property_id, from_unit_id) REFERENCES app_public.units(property_id, id) ON DELETE CASCADE,
  constraint allocation_moves_property_id_id_key UNIQUE (property_id, id),
  constraint allocation_moves_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE,
  constraint allocation_moves_property_id_to_unit_id_fkey FOREIGN KEY (property_id, to_unit_id) REFERENCES app_public.units(property_id, id) ON DELETE CASCADE
);
CREATE INDEX allocation_moves_property_arrival_idx ON app_public.allocation_moves USING btree (property_id, arrival, moved_at DESC);
CREATE INDEX allocation_moves_reservation_idx ON app_public.allocation_moves USING btree (property_id, reservation_id);
alter table app_public.allocation_moves enable row level security;
create policy select_staff on app_public.allocation_moves for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
CREATE TRIGGER _500_audit AFTER INSERT ON app_public.allocation_moves FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.allocation_moves to keepr_staff;
comment on table app_public.allocation_moves is 'Every stay the allocator moved to another unit of its room type to make room for a booking: which, from where to where, and which booking caused it. The desk sees the moves of arrivals of today and tomorrow.';
comment on constraint allocation_moves_pkey on app_public.allocation_moves is '@rowIdentity id';
comment on constraint allocation_moves_property_id_caused_by_reservation_id_fkey on app_public.allocation_moves is '@fieldName causedBy
@foreignFieldName allocationMovesCaused';
comment on constraint allocation_moves_property_id_from_unit_id_fkey on app_public.allocation_moves is '@fieldName fromUnit
@foreignFieldName allocationMovesFrom';
comment on constraint allocation_moves_property_id_id_key on app_public.allocation_moves is '@behavior -*';
comment on constraint allocation_moves_property_id_reservation_id_fkey on app_public.allocation_moves is '@fieldName reservation
@foreignFieldName allocationMoves';
comment on constraint allocation_moves_property_id_to_unit_id_fkey on app_public.allocation_moves is '@fieldName toUnit
@foreignFieldName allocationMovesTo';

-- ----------------------------------------------------------------------------
-- table app_public.booking_groups
-- ----------------------------------------------------------------------------
create table app_public.booking_groups (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  group_code text not null,
  name text,
  user_id uuid,
  channel text default 'web'::text not null,
  contact_name text,
  contact_email citext,
  contact_phone text,
  confirmed_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint booking_groups_channel_check CHECK (channel = ANY (ARRAY['web'::text, 'front_desk'::text])),
  constraint booking_groups_contact_email_check CHECK (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::citext AND length(contact_email::text) <= 254),
  constraint booking_groups_contact_name_check CHECK (length(contact_name) >= 1 AND length(contact_name) <= 200),
  constraint booking_groups_contact_phone_check CHECK (contact_phone ~ '^\+?[0-9 ()./-]{5,30}$'::text),
  constraint booking_groups_group_code_check CHECK (group_code ~ '^G-[A-Z2-9]{8}$'::text),
  constraint booking_groups_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 200),
  constraint booking_groups_pkey PRIMARY KEY (id, property_id),
  constraint booking_groups_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE RESTRICT,
  constraint booking_groups_property_id_group_code_key UNIQUE (property_id, group_code),
  constraint booking_groups_property_id_id_key UNIQUE (property_id, id),
  constraint booking_groups_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX booking_groups_group_code_idx ON app_public.booking_groups USING btree (group_code);
CREATE INDEX booking_groups_user_idx ON app_public.booking_groups USING btree (user_id) WHERE (user_id IS NOT NULL);
alter table app_public.booking_groups enable row level security;
create policy select_staff_booker_or_token on app_public.booking_groups for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)) OR user_id = (( SELECT app_hidden.current_user_id() AS current_user_id)) OR id = (( SELECT app_hidden.current_booking_group_id() AS current_booking_group_id)));
create policy worker_all on app_public.booking_groups for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.booking_groups FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.booking_groups FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.booking_groups replica identity full;
grant select on app_public.booking_groups to keepr_anonymous;
grant select on app_public.booking_groups to keepr_worker;
comment on table app_public.booking_groups is 'A group or multi-room booking: several rooms (reservations with this group_id) of one stay under one group code, held, confirmed and cancelled together (each room may also be changed or cancelled alone).';
comment on column app_public.booking_groups.group_code is 'The group''s code (G- and 8 characters), shown to the booker; lookupBooking with it and the contact email gives a token for the whole group.';
comment on column app_public.booking_groups.name is 'What the hotel calls the group, e.g. "Smith wedding"; optional.';
comment on column app_public.booking_groups.user_id is 'The signed-in guest who made the group, if any.';
comment on column app_public.booking_groups.channel is 'web (a guest) or front_desk (staff of the property).';
comment on column app_public.booking_groups.contact_name is 'The booker''s name as given at confirmation.';
comment on column app_public.booking_groups.contact_email is 'The booker''s email as given at confirmation (the group''s lookup uses it).';
comment on column app_public.booking_groups.contact_phone is 'The booker''s phone, if given.';
comment on column app_public.booking_groups.confirmed_at is 'When the group was confirmed (every room at once); null while held.';
comment on constraint booking_groups_pkey on app_public.booking_groups is '@rowIdentity id';
comment on constraint booking_groups_property_id_id_key on app_public.booking_groups is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.cash_movements
-- ----------------------------------------------------------------------------
create table app_public.cash_movements (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  shift_id uuid not null,
  entry_id uuid not null,
  folio_id uuid not null,
  kind app_public.cash_movement_kind not null,
  amount bigint not null,
  currency character(3) not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint cash_movements_amount_check CHECK (amount <> 0),
  constraint cash_movements_check CHECK ((kind = 'payment'::app_public.cash_movement_kind) = (amount > 0)),
  constraint cash_movements_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint cash_movements_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  constraint cash_movements_pkey PRIMARY KEY (id, property_id),
  constraint cash_movements_property_id_entry_id_fkey FOREIGN KEY (property_id, entry_id) REFERENCES app_public.journal_entries(property_id, id) ON DELETE RESTRICT,
  constraint cash_movements_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint cash_movements_property_id_folio_id_fkey FOREIGN KEY (property_id, folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT,
  constraint cash_movements_property_id_shift_id_fkey FOREIGN KEY (property_id, shift_id) REFERENCES app_public.cash_shifts(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX cash_movements_created_by_idx ON app_public.cash_movements USING btree (created_by);
CREATE INDEX cash_movements_entry_idx ON app_public.cash_movements USING btree (property_id, entry_id);
CREATE INDEX cash_movements_folio_idx ON app_public.cash_movements USING btree (property_id, folio_id);
CREATE INDEX cash_movements_shift_idx ON app_public.cash_movements USING btree (property_id, shift_id);
alter table app_public.cash_movements enable row level security;
create policy select_staff on app_public.cash_movements for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.cash_movements FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _500_audit AFTER INSERT ON app_public.cash_movements FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.cash_movements to keepr_staff;
comment on table app_public.cash_movements is 'Cash into (+, a payment) and out of (−, a refund) a shift''s drawer, one per journal entry; written by takeFolioPayment and refundFolioPayment only (append-only).';
comment on constraint cash_movements_pkey on app_public.cash_movements is '@rowIdentity id';

-- ----------------------------------------------------------------------------
-- table app_public.cash_shifts
-- ----------------------------------------------------------------------------
create table app_public.cash_shifts (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  currency character(3) not null,
  opened_by uuid not null,
  opened_at timestamp with time zone default now() not null,
  opening_float bigint not null,
  closed_at timestamp with time zone,
  closed_by uuid,
  counted_amount bigint,
  expected_amount bigint,
  difference bigint,
  difference_entry_id uuid,
  note text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint cash_shifts_check CHECK ((closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (counted_amount IS NULL) AND (closed_at IS NULL) = (expected_amount IS NULL) AND (closed_at IS NULL) = (difference IS NULL)),
  constraint cash_shifts_check1 CHECK (difference IS NULL OR difference = (counted_amount - expected_amount)),
  constraint cash_shifts_check2 CHECK ((difference_entry_id IS NOT NULL) = (COALESCE(difference, 0::bigint) <> 0)),
  constraint cash_shifts_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES app_public.users(id) ON DELETE RESTRICT,
  constraint cash_shifts_counted_amount_check CHECK (counted_amount >= 0 AND counted_amount <= '100000000000'::bigint),
  constraint cash_shifts_note_check CHECK (length(note) <= 500),
  constraint cash_shifts_opened_by_fkey FOREIGN KEY (opened_by) REFERENCES app_public.users(id) ON DELETE RESTRICT,
  constraint cash_shifts_opening_float_check CHECK (opening_float >= 0 AND opening_float <= '100000000000'::bigint),
  constraint cash_shifts_pkey PRIMARY KEY (id, property_id),
  constraint cash_shifts_property_id_currency_fkey FOREIGN KEY (property_id, currency) REFERENCES app_public.properties(id, currency) ON DELETE CASCADE,
  constraint cash_shifts_property_id_difference_entry_id_fkey FOREIGN KEY (property_id, difference_entry_id) REFERENCES app_public.journal_entries(property_id, id) ON DELETE RESTRICT,
  constraint cash_shifts_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint cash_shifts_property_id_id_key UNIQUE (property_id, id)
);
CREATE INDEX cash_shifts_closed_by_idx ON app_public.cash_shifts USING btree (closed_by) WHERE (closed_by IS NOT NULL);
CREATE UNIQUE INDEX cash_shifts_one_open_idx ON app_public.cash_shifts USING btree (property_id, opened_by) WHERE (closed_at IS NULL);
CREATE INDEX cash_shifts_opened_by_idx ON app_public.cash_shifts USING btree (opened_by);
CREATE INDEX cash_shifts_opened_idx ON app_public.cash_shifts USING btree (property_id, opened_at DESC);
alter table app_public.cash_shifts enable row level security;
create policy select_staff on app_public.cash_shifts for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.cash_shifts FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.cash_shifts FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.cash_shifts to keepr_staff;
comment on table app_public.cash_shifts is 'A cashier''s shift at the cash drawer: opened with a float (openCashShift), takes cash payments and refunds (cash_movements), closed with a count (closeCashShift): expected = float + cash in − cash out; the difference is posted to cash over/short. One open shift per person and property.';
comment on column app_public.cash_shifts.opening_float is 'Cash in the drawer at the start (minor units); handed over, not posted.';
comment on column app_public.cash_shifts.expected_amount is 'At close: opening float + cash payments − cash refunds of the shift.';
comment on column app_public.cash_shifts.difference is 'At close: counted − expected (positive: over, negative: short); posted to 6900 cash over/short.';
comment on column app_public.cash_shifts.difference_entry_id is 'The journal entry that posted the difference (none when the count matched).';
comment on constraint cash_shifts_pkey on app_public.cash_shifts is '@rowIdentity id';
comment on constraint cash_shifts_property_id_currency_fkey on app_public.cash_shifts is '@behavior -*';
comment on constraint cash_shifts_property_id_id_key on app_public.cash_shifts is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.channel_conflicts
-- ----------------------------------------------------------------------------
create table app_public.channel_conflicts (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  unit_id uuid not null,
  feed_id uuid not null,
  uid text not null,
  start_date date not null,
  end_date date not null,
  summary text,
  conflicting_claim_id uuid not null,
  conflicting_reservation_id uuid,
  status app_public.channel_conflict_status default 'open'::app_public.channel_conflict_status not null,
  detected_at timestamp with time zone default now() not null,
  resolved_at timestamp with time zone,
  resolved_by uuid,
  resolution text,
  event_start_date date not null,
  event_end_date date not null,
  closed_by app_public.channel_conflict_closer,
  constraint channel_conflicts_check CHECK ((status = 'resolved'::app_public.channel_conflict_status) = (resolved_at IS NOT NULL)),
  constraint channel_conflicts_closed_by CHECK ((status = 'resolved'::app_public.channel_conflict_status) = (closed_by IS NOT NULL)),
  constraint channel_conflicts_nights_in_event CHECK (start_date < end_date AND event_start_date <= start_date AND end_date <= event_end_date),
  constraint channel_conflicts_pkey PRIMARY KEY (id, property_id),
  constraint channel_conflicts_property_id_conflicting_claim_id_fkey FOREIGN KEY (property_id, conflicting_claim_id) REFERENCES app_public.inventory_claims(property_id, id) ON DELETE CASCADE,
  constraint channel_conflicts_property_id_conflicting_reservation_id_fkey FOREIGN KEY (property_id, conflicting_reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE,
  constraint channel_conflicts_property_id_feed_id_fkey FOREIGN KEY (property_id, feed_id) REFERENCES app_public.channel_feeds(property_id, id) ON DELETE CASCADE,
  constraint channel_conflicts_property_id_id_key UNIQUE (property_id, id),
  constraint channel_conflicts_resolution_check CHECK (length(resolution) <= 500),
  constraint channel_conflicts_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX channel_conflicts_feed_uid_idx ON app_public.channel_conflicts USING btree (feed_id, uid);
CREATE INDEX channel_conflicts_open_claim_idx ON app_public.channel_conflicts USING btree (conflicting_claim_id) WHERE (status = 'open'::app_public.channel_conflict_status);
CREATE INDEX channel_conflicts_open_idx ON app_public.channel_conflicts USING btree (property_id, detected_at DESC) WHERE (status = 'open'::app_public.channel_conflict_status);
CREATE UNIQUE INDEX channel_conflicts_open_key ON app_public.channel_conflicts USING btree (feed_id, uid, start_date, end_date, COALESCE(conflicting_reservation_id, conflicting_claim_id), property_id) WHERE (status = 'open'::app_public.channel_conflict_status);
alter table app_public.channel_conflicts enable row level security;
create policy select_staff on app_public.channel_conflicts for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.channel_conflicts for select to keepr_worker
  using (true);
CREATE TRIGGER _500_audit AFTER INSERT OR UPDATE ON app_public.channel_conflicts FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.channel_conflicts replica identity full;
grant select on app_public.channel_conflicts to keepr_staff;
grant select on app_public.channel_conflicts to keepr_worker;
comment on table app_public.channel_conflicts is 'A channel''s booking that overlaps a stay or block Keepr already has: both sides, until staff resolve it. Never deleted silently: resolved with a reason.';
comment on column app_public.channel_conflicts.start_date is 'The first night sold twice: held by the channel''s booking and by Keepr''s side.';
comment on column app_public.channel_conflicts.end_date is 'The day after the last night sold twice.';
comment on column app_public.channel_conflicts.event_start_date is 'The channel booking''s first night. Its nights outside the conflict are blocked in Keepr.';
comment on column app_public.channel_conflicts.event_end_date is 'The channel booking''s checkout day.';
comment on constraint channel_conflicts_pkey on app_public.channel_conflicts is '@rowIdentity id';
comment on constraint channel_conflicts_property_id_conflicting_claim_id_fkey on app_public.channel_conflicts is '@fieldName conflictingClaim
@foreignFieldName channelConflicts';
comment on constraint channel_conflicts_property_id_conflicting_reservation_id_fkey on app_public.channel_conflicts is '@fieldName conflictingReservation
@foreignFieldName channelConflicts';
comment on constraint channel_conflicts_property_id_feed_id_fkey on app_public.channel_conflicts is '@fieldName feed
@foreignFieldName conflicts';
comment on constraint channel_conflicts_property_id_id_key on app_public.channel_conflicts is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.channel_feed_events
-- ----------------------------------------------------------------------------
create table app_public.channel_feed_events (
  feed_id uuid not null,
  property_id uuid not null,
  uid text not null,
  start_date date not null,
  end_date date not null,
  summary text,
  seen_at timestamp with time zone default now() not null,
  constraint channel_feed_events_pkey PRIMARY KEY (feed_id, uid, property_id),
  constraint channel_feed_events_property_id_feed_id_fkey FOREIGN KEY (property_id, feed_id) REFERENCES app_public.channel_feeds(property_id, id) ON DELETE CASCADE
);
alter table app_public.channel_feed_events enable row level security;
create policy select_staff on app_public.channel_feed_events for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.channel_feed_events for select to keepr_worker
  using (true);
grant select on app_public.channel_feed_events to keepr_staff;
grant select on app_public.channel_feed_events to keepr_worker;
comment on table app_public.channel_feed_events is 'What each feed said at its last applied sync: its bookings (a feed''s overlapping and touching events merged into one), from today on.';
comment on column app_public.channel_feed_events.property_id is '@behavior -filterBy -orderBy';
comment on column app_public.channel_feed_events.seen_at is 'When the sync last stored this booking as new or changed.';
comment on constraint channel_feed_events_pkey on app_public.channel_feed_events is '@rowIdentity feed_id,uid';
comment on constraint channel_feed_events_property_id_feed_id_fkey on app_public.channel_feed_events is '@fieldName feed
@foreignFieldName events
@behavior -list -connection';

-- ----------------------------------------------------------------------------
-- table app_public.channel_feeds
-- ----------------------------------------------------------------------------
create table app_public.channel_feeds (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  unit_id uuid not null,
  source app_public.channel_source not null,
  name text not null,
  url text not null,
  is_active boolean default true not null,
  poll_interval_minutes integer default 15 not null,
  next_poll_at timestamp with time zone default now() not null,
  last_polled_at timestamp with time zone,
  last_success_at timestamp with time zone,
  last_error text,
  last_error_at timestamp with time zone,
  consecutive_failures integer default 0 not null,
  events_seen integer,
  content_hash text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint channel_feeds_name_check CHECK (length(name) >= 1 AND length(name) <= 100),
  constraint channel_feeds_pkey PRIMARY KEY (id, property_id),
  constraint channel_feeds_poll_interval_minutes_check CHECK (poll_interval_minutes >= 1 AND poll_interval_minutes <= 1440),
  constraint channel_feeds_property_id_id_key UNIQUE (property_id, id),
  constraint channel_feeds_property_id_unit_id_fkey FOREIGN KEY (property_id, unit_id) REFERENCES app_public.units(property_id, id) ON DELETE CASCADE,
  constraint channel_feeds_unit_id_url_property_id_key UNIQUE (unit_id, url, property_id),
  constraint channel_feeds_url_check CHECK (url ~ '^https?://'::text AND length(url) <= 2000)
);
CREATE INDEX channel_feeds_due_idx ON app_public.channel_feeds USING btree (next_poll_at) WHERE is_active;
alter table app_public.channel_feeds enable row level security;
create policy manage_manager on app_public.channel_feeds for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)))
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_staff on app_public.channel_feeds for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.channel_feeds for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.channel_feeds FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _300_release_blocks BEFORE DELETE ON app_public.channel_feeds FOR EACH ROW EXECUTE FUNCTION app_private.tg_channel_feeds__release_blocks();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE ON app_public.channel_feeds FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.channel_feeds replica identity using index channel_feeds_property_id_id_key;
grant delete, select on app_public.channel_feeds to keepr_staff;
grant select on app_public.channel_feeds to keepr_worker;
grant insert (property_id, unit_id, source, name, url, is_active, poll_interval_minutes), update (name, url, is_active, poll_interval_minutes) on app_public.channel_feeds to keepr_staff;
comment on table app_public.channel_feeds is 'An iCal feed of a unit''s bookings elsewhere (Airbnb, Vrbo, Booking.com, another PMS), polled on a schedule with jitter.';
comment on constraint channel_feeds_pkey on app_public.channel_feeds is '@rowIdentity id';
comment on constraint channel_feeds_property_id_id_key on app_public.channel_feeds is '@behavior -*';
comment on constraint channel_feeds_property_id_unit_id_fkey on app_public.channel_feeds is '@fieldName unit
@foreignFieldName channelFeeds
@behavior -list -connection';
comment on constraint channel_feeds_unit_id_url_property_id_key on app_public.channel_feeds is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.companies
-- ----------------------------------------------------------------------------
create table app_public.companies (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  name text not null,
  legal_name text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country text,
  tax_id text,
  email citext,
  payment_terms_days integer default 30 not null,
  is_active boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint companies_address_line1_check CHECK (length(address_line1) <= 200),
  constraint companies_address_line2_check CHECK (length(address_line2) <= 200),
  constraint companies_city_check CHECK (length(city) <= 100),
  constraint companies_country_check CHECK (country ~ '^[A-Z]{2}$'::text),
  constraint companies_email_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'::citext AND length(email::text) <= 254),
  constraint companies_legal_name_check CHECK (length(legal_name) >= 1 AND length(legal_name) <= 200),
  constraint companies_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint companies_payment_terms_days_check CHECK (payment_terms_days >= 0 AND payment_terms_days <= 365),
  constraint companies_pkey PRIMARY KEY (id, property_id),
  constraint companies_postal_code_check CHECK (length(postal_code) <= 20),
  constraint companies_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint companies_property_id_id_key UNIQUE (property_id, id),
  constraint companies_tax_id_check CHECK (length(tax_id) >= 1 AND length(tax_id) <= 50)
);
CREATE UNIQUE INDEX companies_name_idx ON app_public.companies USING btree (property_id, lower(name));
alter table app_public.companies enable row level security;
create policy insert_staff on app_public.companies for insert to keepr_staff
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy select_staff on app_public.companies for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy update_staff on app_public.companies for update to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.companies for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.companies FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _300_city_ledger_folio AFTER INSERT OR UPDATE OF name ON app_public.companies FOR EACH ROW EXECUTE FUNCTION app_private.tg_companies__city_ledger_folio();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.companies FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.companies to keepr_staff;
grant select on app_public.companies to keepr_worker;
grant insert (property_id, name, legal_name, address_line1, address_line2, postal_code, city, country, tax_id, email, payment_terms_days, is_active), update (name, legal_name, address_line1, address_line2, postal_code, city, country, tax_id, email, payment_terms_days, is_active) on app_public.companies to keepr_staff;
comment on table app_public.companies is 'Companies and travel agents a property bills (accounts receivable). Each has one city-ledger folio (kind company), made with it: guest folios are transferred to it, and its payments settle its oldest items first (arAging).';
comment on column app_public.companies.name is 'The name staff know the company by (unique per property, ignoring case).';
comment on column app_public.companies.legal_name is 'The name invoices bill.';
comment on column app_public.companies.country is 'ISO 3166-1 alpha-2 country code (DE, FR, …).';
comment on column app_public.companies.tax_id is 'The company''s VAT or tax number.';
comment on column app_public.companies.payment_terms_days is 'Days the company has to pay an item on its city ledger; arAging counts an item overdue after them.';
comment on column app_public.companies.is_active is 'An inactive company takes no new transfers; what it owes stays on its folio.';
comment on constraint companies_pkey on app_public.companies is '@rowIdentity id';
comment on constraint companies_property_id_id_key on app_public.companies is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.exports
-- ----------------------------------------------------------------------------
create table app_public.exports (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  kind app_public.export_kind not null,
  from_date date not null,
  to_date date not null,
  status app_public.export_status default 'pending'::app_public.export_status not null,
  requested_by uuid,
  file_key text,
  row_count bigint,
  byte_count bigint,
  error text,
  download_token text,
  expires_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  purged_at timestamp with time zone,
  constraint exports_check CHECK (to_date >= from_date),
  constraint exports_check1 CHECK ((status = 'done'::app_public.export_status) = (file_key IS NOT NULL AND download_token IS NOT NULL AND expires_at IS NOT NULL)),
  constraint exports_download_token_property_id_key UNIQUE (download_token, property_id),
  constraint exports_pkey PRIMARY KEY (id, property_id),
  constraint exports_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint exports_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX exports_property_idx ON app_public.exports USING btree (property_id, created_at DESC);
CREATE INDEX exports_to_purge_idx ON app_public.exports USING btree (expires_at) WHERE ((status = 'done'::app_public.export_status) AND (purged_at IS NULL));
alter table app_public.exports enable row level security;
create policy select_requester_or_manager on app_public.exports for select to public
  using (requested_by = (( SELECT app_hidden.current_user_id() AS current_user_id)) OR (property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.exports for select to keepr_worker
  using (true);
CREATE TRIGGER _500_audit AFTER INSERT ON app_public.exports FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.exports to keepr_staff;
grant select on app_public.exports to keepr_worker;
comment on table app_public.exports is 'A CSV export of a property''s data, made by a job; download it at /exports/<download_token> until expires_at.';
comment on column app_public.exports.download_token is 'The secret of the download link (/exports/<token>), valid until expires_at.';
comment on column app_public.exports.purged_at is 'When the file was deleted from the export store, after its link expired.';
comment on constraint exports_download_token_property_id_key on app_public.exports is '@behavior -*';
comment on constraint exports_pkey on app_public.exports is '@rowIdentity id';

-- ----------------------------------------------------------------------------
-- table app_public.fees
-- ----------------------------------------------------------------------------
create table app_public.fees (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  room_type_id uuid,
  name text not null,
  basis app_public.fee_basis not null,
  amount bigint not null,
  currency character(3) not null,
  is_active boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint fees_amount_check CHECK (amount >= 0),
  constraint fees_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint fees_pkey PRIMARY KEY (id, property_id),
  constraint fees_property_id_currency_fkey FOREIGN KEY (property_id, currency) REFERENCES app_public.properties(id, currency) ON DELETE CASCADE,
  constraint fees_property_id_id_key UNIQUE (property_id, id),
  constraint fees_property_id_name_key UNIQUE (property_id, name),
  constraint fees_property_id_room_type_id_fkey FOREIGN KEY (property_id, room_type_id) REFERENCES app_public.room_types(property_id, id) ON DELETE CASCADE
);
CREATE INDEX fees_room_type_idx ON app_public.fees USING btree (property_id, room_type_id);
alter table app_public.fees enable row level security;
create policy manage_manager on app_public.fees for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy select_published_or_member on app_public.fees for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE p.id = fees.property_id AND p.is_published)) OR (property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.fees FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.fees FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.fees to keepr_anonymous;
grant delete on app_public.fees to keepr_staff;
grant insert (property_id, room_type_id, name, basis, amount, currency, is_active), update (room_type_id, name, basis, amount, is_active) on app_public.fees to keepr_staff;
comment on table app_public.fees is 'A charge added to stays at a property (all room types, or one): per stay, per night or per guest-night.';
comment on constraint fees_pkey on app_public.fees is '@rowIdentity id';
comment on constraint fees_property_id_currency_fkey on app_public.fees is '@behavior -*';
comment on constraint fees_property_id_id_key on app_public.fees is '@behavior -*';
comment on constraint fees_property_id_room_type_id_fkey on app_public.fees is '@fieldName roomType
@foreignFieldName fees';

-- ----------------------------------------------------------------------------
-- table app_public.folio_balances
-- ----------------------------------------------------------------------------
create table app_public.folio_balances (
  property_id uuid not null,
  folio_id uuid not null,
  currency character(3) not null,
  balance bigint not null,
  constraint folio_balances_pkey PRIMARY KEY (property_id, folio_id, currency),
  constraint folio_balances_property_id_folio_id_fkey FOREIGN KEY (property_id, folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX folio_balances_unsettled_idx ON app_public.folio_balances USING btree (property_id, folio_id) WHERE (balance <> 0);
alter table app_public.folio_balances enable row level security;
create policy select_staff on app_public.folio_balances for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy select_visible_folio on app_public.folio_balances for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.folios f
  WHERE f.property_id = folio_balances.property_id AND f.id = folio_balances.folio_id)));
create policy worker_all on app_public.folio_balances for select to keepr_worker
  using (true);
CREATE TRIGGER _300_folio_status AFTER INSERT OR UPDATE OF balance ON app_public.folio_balances FOR EACH ROW EXECUTE FUNCTION app_private.tg_folio_balances__folio_status();
grant select on app_public.folio_balances to keepr_anonymous;
grant select on app_public.folio_balances to keepr_staff;
grant select on app_public.folio_balances to keepr_worker;
comment on table app_public.folio_balances is 'What the guest owes on a folio per currency (charges minus payments), kept by a trigger on postings.';
comment on constraint folio_balances_property_id_folio_id_fkey on app_public.folio_balances is '@fieldName folio
@foreignFieldName balances';

-- ----------------------------------------------------------------------------
-- table app_public.folio_bill_to
-- ----------------------------------------------------------------------------
create table app_public.folio_bill_to (
  property_id uuid not null,
  folio_id uuid not null,
  name text not null,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country_code character(2),
  tax_id text,
  email text,
  updated_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint folio_bill_to_address_line1_check CHECK (length(address_line1) >= 1 AND length(address_line1) <= 200),
  constraint folio_bill_to_address_line2_check CHECK (length(address_line2) >= 1 AND length(address_line2) <= 200),
  constraint folio_bill_to_city_check CHECK (length(city) >= 1 AND length(city) <= 200),
  constraint folio_bill_to_country_code_check CHECK (country_code ~ '^[A-Z]{2}$'::text),
  constraint folio_bill_to_email_check CHECK (length(email) >= 3 AND length(email) <= 254),
  constraint folio_bill_to_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint folio_bill_to_pkey PRIMARY KEY (property_id, folio_id),
  constraint folio_bill_to_postal_code_check CHECK (length(postal_code) >= 1 AND length(postal_code) <= 200),
  constraint folio_bill_to_property_id_folio_id_fkey FOREIGN KEY (property_id, folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE CASCADE,
  constraint folio_bill_to_tax_id_check CHECK (length(tax_id) >= 1 AND length(tax_id) <= 200),
  constraint folio_bill_to_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX folio_bill_to_updated_by_idx ON app_public.folio_bill_to USING btree (updated_by) WHERE (updated_by IS NOT NULL);
alter table app_public.folio_bill_to enable row level security;
create policy select_staff on app_public.folio_bill_to for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.folio_bill_to FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.folio_bill_to FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.folio_bill_to to keepr_staff;
comment on table app_public.folio_bill_to is 'Whom a folio''s next invoices are addressed to, when not its company or guest (setFolioBillTo). Issued documents keep the bill-to they were issued with.';
comment on constraint folio_bill_to_property_id_folio_id_fkey on app_public.folio_bill_to is '@fieldName folio
@foreignSingleFieldName savedBillTo';

-- ----------------------------------------------------------------------------
-- table app_public.folio_extras
-- ----------------------------------------------------------------------------
create table app_public.folio_extras (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  name text not null,
  unit_price bigint not null,
  currency character(3) not null,
  tax_id uuid,
  is_active boolean default true not null,
  sort_order integer default 0 not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint folio_extras_name_check CHECK (length(name) >= 1 AND length(name) <= 100),
  constraint folio_extras_pkey PRIMARY KEY (id, property_id),
  constraint folio_extras_property_id_currency_fkey FOREIGN KEY (property_id, currency) REFERENCES app_public.properties(id, currency) ON DELETE CASCADE,
  constraint folio_extras_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint folio_extras_property_id_id_key UNIQUE (property_id, id),
  constraint folio_extras_property_id_tax_id_fkey FOREIGN KEY (property_id, tax_id) REFERENCES app_public.taxes(property_id, id) ON DELETE RESTRICT,
  constraint folio_extras_sort_order_check CHECK (sort_order >= '-1000000'::integer AND sort_order <= 1000000),
  constraint folio_extras_unit_price_check CHECK (unit_price > 0 AND unit_price <= '100000000000'::bigint)
);
CREATE UNIQUE INDEX folio_extras_name_idx ON app_public.folio_extras USING btree (property_id, lower(name));
CREATE INDEX folio_extras_tax_idx ON app_public.folio_extras USING btree (property_id, tax_id) WHERE (tax_id IS NOT NULL);
alter table app_public.folio_extras enable row level security;
create policy manage_managers on app_public.folio_extras for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)))
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_staff on app_public.folio_extras for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.folio_extras FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.folio_extras FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant delete, select on app_public.folio_extras to keepr_staff;
grant insert (property_id, name, unit_price, currency, tax_id, is_active, sort_order), update (name, unit_price, tax_id, is_active, sort_order) on app_public.folio_extras to keepr_staff;
comment on table app_public.folio_extras is 'The property''s catalogue of extras the desk posts to folios (minibar, parking, breakfast, late check-out): credited to extras revenue (4400), less the VAT of tax_id when set.';
comment on column app_public.folio_extras.unit_price is 'Price of one, in minor units, including the VAT of tax_id.';
comment on column app_public.folio_extras.tax_id is 'A percentage tax of the property included in the price (its VAT rate for extras), or null: no tax.';
comment on column app_public.folio_extras.sort_order is 'Order in the desk''s list (then name).';
comment on constraint folio_extras_pkey on app_public.folio_extras is '@rowIdentity id';
comment on constraint folio_extras_property_id_currency_fkey on app_public.folio_extras is '@behavior -*';
comment on constraint folio_extras_property_id_id_key on app_public.folio_extras is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.folios
-- ----------------------------------------------------------------------------
create table app_public.folios (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  reservation_id uuid,
  status app_public.folio_status default 'open'::app_public.folio_status not null,
  closed_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  kind app_public.folio_kind default 'guest'::app_public.folio_kind not null,
  label text default 'Folio 1'::text not null,
  is_primary boolean default false not null,
  company_id uuid,
  currency character(3) not null,
  constraint folios_check CHECK ((status = 'closed'::app_public.folio_status) = (closed_at IS NOT NULL)),
  constraint folios_company_fkey FOREIGN KEY (property_id, company_id) REFERENCES app_public.companies(property_id, id) ON DELETE RESTRICT,
  constraint folios_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  constraint folios_kind_check CHECK ((kind = 'guest'::app_public.folio_kind) = (reservation_id IS NOT NULL) AND (kind <> 'company'::app_public.folio_kind OR company_id IS NOT NULL) AND (NOT is_primary OR kind = 'guest'::app_public.folio_kind)),
  constraint folios_label_check CHECK (length(label) >= 1 AND length(label) <= 100),
  constraint folios_pkey PRIMARY KEY (id, property_id),
  constraint folios_property_id_id_key UNIQUE (property_id, id),
  constraint folios_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX folios_city_ledger_idx ON app_public.folios USING btree (property_id, company_id) WHERE (kind = 'company'::app_public.folio_kind);
CREATE INDEX folios_company_id_idx ON app_public.folios USING btree (company_id);
CREATE INDEX folios_created_idx ON app_public.folios USING btree (property_id, created_at DESC);
CREATE UNIQUE INDEX folios_primary_idx ON app_public.folios USING btree (property_id, reservation_id) WHERE is_primary;
CREATE INDEX folios_property_reservation_idx ON app_public.folios USING btree (property_id, reservation_id);
CREATE INDEX folios_reservation_id_idx ON app_public.folios USING btree (reservation_id);
alter table app_public.folios enable row level security;
create policy select_staff_or_guest on app_public.folios for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)) OR (reservation_id IN ( SELECT r.id
   FROM app_public.reservations r
  WHERE r.id = (( SELECT app_hidden.current_booking_id() AS current_booking_id)) OR r.user_id IS NOT NULL AND r.user_id = (( SELECT app_hidden.current_user_id() AS current_user_id)))));
create policy worker_all on app_public.folios for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.folios FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.folios FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.folios replica identity full;
grant select on app_public.folios to keepr_anonymous;
grant select on app_public.folios to keepr_worker;
comment on table app_public.folios is 'The guest''s bill for a reservation: the postings to guest receivable that carry its id.';
comment on column app_public.folios.reservation_id is 'The reservation of a guest folio; null for a company folio.';
comment on column app_public.folios.status is 'open, or closed: the reservation checked out and the folio is at zero (it takes no more charges). A closed folio that moves off zero (a late capture, a correction) opens again.';
comment on column app_public.folios.kind is 'guest (a reservation''s) or company (a company''s city ledger).';
comment on column app_public.folios.label is 'What staff call the folio: "Folio 1", "Extras", the company''s name.';
comment on column app_public.folios.is_primary is 'The reservation''s main folio (exactly one per reservation): the stay''s charges and card payments post to it.';
comment on column app_public.folios.company_id is 'A company folio: the company whose city ledger it is. A guest folio: the company it is billed to (invoices), if any.';
comment on column app_public.folios.currency is 'The folio''s currency: the reservation''s, or the property''s for a company folio.';
comment on constraint folios_pkey on app_public.folios is '@rowIdentity id';
comment on constraint folios_property_id_id_key on app_public.folios is '@behavior -*';
comment on constraint folios_property_id_reservation_id_fkey on app_public.folios is '@fieldName reservation';

-- ----------------------------------------------------------------------------
-- table app_public.guest_merges
-- ----------------------------------------------------------------------------
create table app_public.guest_merges (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  kept_guest_id uuid not null,
  merged_guest_id uuid not null,
  merged_guest jsonb not null,
  reservation_ids uuid[] default '{}'::uuid[] not null,
  merged_by uuid default app_hidden.current_user_id(),
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  kept_guest jsonb,
  kept_guest_merged jsonb,
  constraint guest_merges_check CHECK (kept_guest_id <> merged_guest_id),
  constraint guest_merges_merged_by_fkey FOREIGN KEY (merged_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint guest_merges_pkey PRIMARY KEY (id, property_id),
  constraint guest_merges_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE
);
CREATE INDEX guest_merges_kept_guest_idx ON app_public.guest_merges USING btree (property_id, kept_guest_id, created_at);
CREATE INDEX guest_merges_merged_by_idx ON app_public.guest_merges USING btree (merged_by) WHERE (merged_by IS NOT NULL);
CREATE INDEX guest_merges_merged_guest_idx ON app_public.guest_merges USING btree (property_id, merged_guest_id, created_at);
alter table app_public.guest_merges enable row level security;
create policy select_cashiers on app_public.guest_merges for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.guest_merges for select to keepr_worker
  using (true);
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.guest_merges FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guest_merges FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.guest_merges FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.guest_merges to keepr_staff;
grant select on app_public.guest_merges to keepr_worker;
comment on table app_public.guest_merges is 'Guest profiles merged into another (mergeGuests): who merged which profile into which, when, the merged profile''s values and the bookings that moved. Append-only.';
comment on column app_public.guest_merges.kept_guest_id is 'The profile that was kept (no foreign key: it may itself be merged into another later, and this record stays).';
comment on column app_public.guest_merges.merged_guest_id is 'The id of the profile merged into it (deleted; its history is in the audit log under this id).';
comment on column app_public.guest_merges.merged_guest is 'The merged profile as it was (name, email, phone, notes, ...).';
comment on column app_public.guest_merges.reservation_ids is 'The bookings that moved to the kept profile.';
comment on column app_public.guest_merges.merged_by is 'Who merged them.';
comment on column app_public.guest_merges.kept_guest is 'The kept profile as it was before the merge (null for merges before undo existed).';
comment on column app_public.guest_merges.kept_guest_merged is 'The kept profile as the merge left it: an undo restores only the fields that still hold these values.';
comment on constraint guest_merges_merged_by_fkey on app_public.guest_merges is '@fieldName mergedByUser
@foreignFieldName -';
comment on constraint guest_merges_pkey on app_public.guest_merges is '@rowIdentity id';

-- ----------------------------------------------------------------------------
-- table app_public.guest_unmerges
-- ----------------------------------------------------------------------------
create table app_public.guest_unmerges (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  merge_id uuid not null,
  restored_guest_id uuid not null,
  reservation_ids uuid[] default '{}'::uuid[] not null,
  undone_by uuid default app_hidden.current_user_id(),
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint guest_unmerges_merge_id_fkey FOREIGN KEY (merge_id, property_id) REFERENCES app_public.guest_merges(id, property_id) ON DELETE CASCADE,
  constraint guest_unmerges_merge_id_property_id_key UNIQUE (merge_id, property_id),
  constraint guest_unmerges_pkey PRIMARY KEY (id, property_id),
  constraint guest_unmerges_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint guest_unmerges_undone_by_fkey FOREIGN KEY (undone_by) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX guest_unmerges_property_id_idx ON app_public.guest_unmerges USING btree (property_id, created_at);
CREATE INDEX guest_unmerges_undone_by_idx ON app_public.guest_unmerges USING btree (undone_by) WHERE (undone_by IS NOT NULL);
alter table app_public.guest_unmerges enable row level security;
create policy select_cashiers on app_public.guest_unmerges for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.guest_unmerges for select to keepr_worker
  using (true);
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.guest_unmerges FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guest_unmerges FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.guest_unmerges FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.guest_unmerges to keepr_staff;
grant select on app_public.guest_unmerges to keepr_worker;
comment on table app_public.guest_unmerges is 'Merges of guest profiles that were undone (undoGuestMerge): who undid which merge when, and the bookings that moved back. Append-only.';
comment on column app_public.guest_unmerges.restored_guest_id is 'The profile brought back (the merged profile''s own id).';
comment on column app_public.guest_unmerges.reservation_ids is 'The bookings that moved back to the restored profile (those of the merge still on the kept profile).';
comment on column app_public.guest_unmerges.undone_by is 'Who undid the merge.';
comment on constraint guest_unmerges_merge_id_fkey on app_public.guest_unmerges is '@fieldName merge
@foreignFieldName undo';
comment on constraint guest_unmerges_merge_id_property_id_key on app_public.guest_unmerges is '@behavior -*';
comment on constraint guest_unmerges_pkey on app_public.guest_unmerges is '@rowIdentity id';
comment on constraint guest_unmerges_property_id_fkey on app_public.guest_unmerges is '@behavior -*';
comment on constraint guest_unmerges_undone_by_fkey on app_public.guest_unmerges is '@fieldName undoneByUser';

-- ----------------------------------------------------------------------------
-- table app_public.guests
-- ----------------------------------------------------------------------------
create table app_public.guests (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  email citext,
  full_name text not null,
  phone text,
  user_id uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  is_vip boolean default false not null,
  preferences text,
  notes text,
  updated_by uuid,
  constraint guests_email_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::citext AND length(email::text) <= 254),
  constraint guests_full_name_check CHECK (length(full_name) >= 1 AND length(full_name) <= 200),
  constraint guests_notes_check CHECK (length(notes) >= 1 AND length(notes) <= 4000),
  constraint guests_phone_check CHECK (phone ~ '^\+?[0-9 ()./-]{5,30}$'::text),
  constraint guests_pkey PRIMARY KEY (id, property_id),
  constraint guests_preferences_check CHECK (length(preferences) >= 1 AND length(preferences) <= 1000),
  constraint guests_property_id_email_key UNIQUE (property_id, email),
  constraint guests_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint guests_property_id_id_key UNIQUE (property_id, id),
  constraint guests_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint guests_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX guests_property_name_idx ON app_public.guests USING btree (property_id, full_name, id);
CREATE INDEX guests_search_idx ON app_public.guests USING gin (app_hidden.guest_search_text(full_name, (email)::text, phone) gin_trgm_ops);
CREATE INDEX guests_updated_by_idx ON app_public.guests USING btree (updated_by) WHERE (updated_by IS NOT NULL);
CREATE INDEX guests_user_id_idx ON app_public.guests USING btree (user_id) WHERE (user_id IS NOT NULL);
alter table app_public.guests enable row level security;
create policy select_member_self_or_booking on app_public.guests for select to public
  using ((property_id = ANY ((ARRAY( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)))) OR user_id = (( SELECT app_hidden.current_user_id() AS current_user_id)));
create policy update_front_desk on app_public.guests for update to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.guests for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.guests FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _200_updated_by BEFORE INSERT OR UPDATE ON app_public.guests FOR EACH ROW EXECUTE FUNCTION app_private.tg_guests__updated_by();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.guests FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.guests replica identity full;
grant select on app_public.guests to keepr_guest;
grant select on app_public.guests to keepr_worker;
grant update (full_name, phone) on app_public.guests to keepr_staff;
comment on table app_public.guests is '@behavior -update
A guest profile at a property, found or created by email when a booking is confirmed. Staff change it with updateGuest (validated, audited) and mergeGuests, not with a raw patch.';
comment on column app_public.guests.email is 'The guest''s email (unique at the property); null for a guest booked at the desk without one (no messages are sent then).';
comment on column app_public.guests.is_vip is 'A VIP: the desk gives them its attention (shown on the profile and the Guests list).';
comment on column app_public.guests.preferences is 'What the guest likes (a quiet room, a high floor, no feathers), free text, at most 1000 characters.';
comment on column app_public.guests.notes is 'The desk''s notes about the guest, free text, at most 4000 characters; staff only.';
comment on column app_public.guests.updated_by is 'Who last changed the profile (null: the system, e.g. a booking''s confirmation).';
comment on constraint guests_pkey on app_public.guests is '@rowIdentity id';
comment on constraint guests_property_id_id_key on app_public.guests is '@behavior -*';
comment on constraint guests_updated_by_fkey on app_public.guests is '@fieldName updatedByUser';

-- ----------------------------------------------------------------------------
-- table app_public.housekeeping_tasks
-- ----------------------------------------------------------------------------
create table app_public.housekeeping_tasks (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  unit_id uuid not null,
  kind app_public.housekeeping_task_kind not null,
  due_date date not null,
  status app_public.housekeeping_task_status default 'open'::app_public.housekeeping_task_status not null,
  reservation_id uuid,
  assigned_to uuid,
  notes text,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  completed_at timestamp with time zone,
  completed_by uuid,
  constraint housekeeping_tasks_assigned_to_fkey FOREIGN KEY (assigned_to) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint housekeeping_tasks_check CHECK ((status = ANY (ARRAY['done'::app_public.housekeeping_task_status, 'cancelled'::app_public.housekeeping_task_status])) = (completed_at IS NOT NULL)),
  constraint housekeeping_tasks_completed_by_fkey FOREIGN KEY (completed_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint housekeeping_tasks_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint housekeeping_tasks_notes_check CHECK (length(notes) <= 1000),
  constraint housekeeping_tasks_pkey PRIMARY KEY (id, property_id),
  constraint housekeeping_tasks_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE,
  constraint housekeeping_tasks_property_id_unit_id_fkey FOREIGN KEY (property_id, unit_id) REFERENCES app_public.units(property_id, id) ON DELETE CASCADE
);
CREATE INDEX housekeeping_tasks_board_idx ON app_public.housekeeping_tasks USING btree (property_id, due_date) WHERE (status = ANY (ARRAY['open'::app_public.housekeeping_task_status, 'in_progress'::app_public.housekeeping_task_status]));
CREATE INDEX housekeeping_tasks_day_idx ON app_public.housekeeping_tasks USING btree (property_id, due_date);
CREATE UNIQUE INDEX housekeeping_tasks_once_idx ON app_public.housekeeping_tasks USING btree (unit_id, kind, due_date, property_id) WHERE (status <> 'cancelled'::app_public.housekeeping_task_status);
alter table app_public.housekeeping_tasks enable row level security;
create policy insert_staff on app_public.housekeeping_tasks for insert to keepr_staff
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('housekeeping_ops'::text) AS current_property_ids_for)) AND (kind = ANY (ARRAY['inspection'::app_public.housekeeping_task_kind, 'maintenance'::app_public.housekeeping_task_kind])));
create policy select_staff on app_public.housekeeping_tasks for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('housekeeping_ops'::text) AS current_property_ids_for)));
create policy worker_all on app_public.housekeeping_tasks for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.housekeeping_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR UPDATE ON app_public.housekeeping_tasks FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.housekeeping_tasks replica identity full;
grant select on app_public.housekeeping_tasks to keepr_staff;
grant select on app_public.housekeeping_tasks to keepr_worker;
grant insert (property_id, unit_id, kind, due_date, notes) on app_public.housekeeping_tasks to keepr_staff;
comment on table app_public.housekeeping_tasks is 'Work on a unit: cleaning after check-out or during a stay, inspection, maintenance.';
comment on constraint housekeeping_tasks_pkey on app_public.housekeeping_tasks is '@rowIdentity id';
comment on constraint housekeeping_tasks_property_id_reservation_id_fkey on app_public.housekeeping_tasks is '@fieldName reservation
@foreignFieldName housekeepingTasks';
comment on constraint housekeeping_tasks_property_id_unit_id_fkey on app_public.housekeeping_tasks is '@fieldName unit
@foreignFieldName housekeepingTasks';

-- ----------------------------------------------------------------------------
-- table app_public.inventory_claims
-- ----------------------------------------------------------------------------
create table app_public.inventory_claims (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  unit_id uuid not null,
  stay daterange not null,
  kind app_public.claim_kind not null,
  reservation_id uuid,
  expires_at timestamp with time zone,
  released_at timestamp with time zone,
  note text,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  feed_id uuid,
  constraint inventory_claims_check CHECK ((kind = 'hold'::app_public.claim_kind) = (expires_at IS NOT NULL)),
  constraint inventory_claims_check1 CHECK ((kind = ANY (ARRAY['hold'::app_public.claim_kind, 'reservation'::app_public.claim_kind])) = (reservation_id IS NOT NULL)),
  constraint inventory_claims_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint inventory_claims_feed_id_kind CHECK (feed_id IS NULL OR kind = 'ota_block'::app_public.claim_kind),
  constraint inventory_claims_no_overlap EXCLUDE USING gist (property_id WITH =, unit_id WITH =, stay WITH &&) WHERE (released_at IS NULL),
  constraint inventory_claims_note_check CHECK (length(note) <= 500),
  constraint inventory_claims_pkey PRIMARY KEY (id, property_id),
  constraint inventory_claims_property_id_feed_id_fkey FOREIGN KEY (property_id, feed_id) REFERENCES app_public.channel_feeds(property_id, id),
  constraint inventory_claims_property_id_id_key UNIQUE (property_id, id),
  constraint inventory_claims_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  constraint inventory_claims_property_id_unit_id_fkey FOREIGN KEY (property_id, unit_id) REFERENCES app_public.units(property_id, id) ON DELETE RESTRICT,
  constraint inventory_claims_stay_check CHECK (NOT isempty(stay) AND lower_inc(stay) AND NOT upper_inc(stay) AND NOT lower_inf(stay) AND NOT upper_inf(stay))
);
CREATE INDEX inventory_claims_expired_holds_idx ON app_public.inventory_claims USING btree (expires_at) WHERE ((released_at IS NULL) AND (kind = 'hold'::app_public.claim_kind));
CREATE INDEX inventory_claims_feed_idx ON app_public.inventory_claims USING btree (property_id, feed_id) WHERE ((feed_id IS NOT NULL) AND (released_at IS NULL));
CREATE INDEX inventory_claims_live_stay_idx ON app_public.inventory_claims USING gist (property_id, stay) INCLUDE (unit_id, expires_at) WHERE (released_at IS NULL);
CREATE INDEX inventory_claims_reservation_idx ON app_public.inventory_claims USING btree (property_id, reservation_id) WHERE (reservation_id IS NOT NULL);
alter table app_public.inventory_claims enable row level security;
create policy select_member on app_public.inventory_claims for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
create policy worker_all on app_public.inventory_claims for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.inventory_claims FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.inventory_claims FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
CREATE CONSTRAINT TRIGGER _900_reapply_channel_feeds AFTER UPDATE OF released_at, stay ON app_public.inventory_claims DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (old.released_at IS NULL AND (new.released_at IS NOT NULL OR NOT old.stay <@ new.stay)) EXECUTE FUNCTION app_private.tg_inventory_claims__reapply_channel_feeds();
alter table app_public.inventory_claims replica identity full;
grant select on app_public.inventory_claims to keepr_staff;
grant select on app_public.inventory_claims to keepr_worker;
comment on table app_public.inventory_claims is 'Every hold, reservation and block of a unit for a stay. An exclusion constraint keeps active claims on a unit from overlapping; an expired hold is released by whoever needs its nights, so it never blocks anyone.';
comment on column app_public.inventory_claims.expires_at is 'Holds only: after this the claim no longer counts.';
comment on column app_public.inventory_claims.released_at is 'When the claim stopped counting (cancelled, moved, expired, block released).';
comment on column app_public.inventory_claims.feed_id is 'For a block made by channel sync: the feed whose booking it mirrors. One booking may need several blocks (around a stay Keepr already had).';
comment on constraint inventory_claims_pkey on app_public.inventory_claims is '@rowIdentity id';
comment on constraint inventory_claims_property_id_feed_id_fkey on app_public.inventory_claims is '@fieldName feed
@foreignFieldName blocks';
comment on constraint inventory_claims_property_id_id_key on app_public.inventory_claims is '@behavior -*';
comment on constraint inventory_claims_property_id_reservation_id_fkey on app_public.inventory_claims is '@fieldName reservation
@foreignFieldName inventoryClaims';
comment on constraint inventory_claims_property_id_unit_id_fkey on app_public.inventory_claims is '@fieldName unit
@foreignFieldName inventoryClaims';

-- ----------------------------------------------------------------------------
-- table app_public.invoice_deliveries
-- ----------------------------------------------------------------------------
create table app_public.invoice_deliveries (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  invoice_id uuid not null,
  recipient text not null,
  status app_public.invoice_delivery_status default 'pending'::app_public.invoice_delivery_status not null,
  attempts integer default 0 not null,
  provider_message_id text,
  last_error text,
  requested_by uuid,
  requested_at timestamp with time zone default now() not null,
  sent_at timestamp with time zone,
  constraint invoice_deliveries_pkey PRIMARY KEY (id, property_id),
  constraint invoice_deliveries_property_id_invoice_id_fkey FOREIGN KEY (property_id, invoice_id) REFERENCES app_public.invoices(property_id, id) ON DELETE RESTRICT,
  constraint invoice_deliveries_recipient_check CHECK (length(recipient) >= 3 AND length(recipient) <= 254),
  constraint invoice_deliveries_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX invoice_deliveries_invoice_idx ON app_public.invoice_deliveries USING btree (property_id, invoice_id, requested_at DESC);
CREATE INDEX invoice_deliveries_requested_by_idx ON app_public.invoice_deliveries USING btree (requested_by) WHERE (requested_by IS NOT NULL);
alter table app_public.invoice_deliveries enable row level security;
create policy select_staff on app_public.invoice_deliveries for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
grant select on app_public.invoice_deliveries to keepr_staff;
comment on table app_public.invoice_deliveries is 'Each sending of an invoice or credit note by email (sendInvoice), with its PDF attached, and how it went.';
comment on constraint invoice_deliveries_pkey on app_public.invoice_deliveries is '@rowIdentity id';
comment on constraint invoice_deliveries_property_id_invoice_id_fkey on app_public.invoice_deliveries is '@fieldName invoice
@foreignFieldName deliveries';

-- ----------------------------------------------------------------------------
-- table app_public.invoices
-- ----------------------------------------------------------------------------
create table app_public.invoices (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  folio_id uuid not null,
  reservation_id uuid,
  kind app_public.invoice_kind not null,
  number integer not null,
  document_number text not null,
  credits_invoice_id uuid,
  reason text,
  currency character(3) not null,
  lines jsonb not null,
  net_amount bigint not null,
  tax_amount bigint not null,
  total_amount bigint not null,
  bill_to jsonb not null,
  issued_at timestamp with time zone default now() not null,
  issued_by uuid,
  seller jsonb,
  vat_summary jsonb,
  payments jsonb,
  amount_due bigint,
  constraint invoices_check CHECK (total_amount = (net_amount + tax_amount)),
  constraint invoices_check1 CHECK ((kind = 'credit_note'::app_public.invoice_kind) = (credits_invoice_id IS NOT NULL)),
  constraint invoices_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint invoices_lines_check CHECK (jsonb_typeof(lines) = 'array'::text AND jsonb_array_length(lines) > 0),
  constraint invoices_number_check CHECK (number > 0),
  constraint invoices_pkey PRIMARY KEY (id, property_id),
  constraint invoices_property_id_credits_invoice_id_fkey FOREIGN KEY (property_id, credits_invoice_id) REFERENCES app_public.invoices(property_id, id) ON DELETE RESTRICT,
  constraint invoices_property_id_credits_invoice_id_key UNIQUE (property_id, credits_invoice_id),
  constraint invoices_property_id_folio_id_fkey FOREIGN KEY (property_id, folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT,
  constraint invoices_property_id_id_key UNIQUE (property_id, id),
  constraint invoices_property_id_kind_number_key UNIQUE (property_id, kind, number),
  constraint invoices_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE RESTRICT,
  constraint invoices_reason_check CHECK (length(reason) <= 500)
);
CREATE INDEX invoices_folio_idx ON app_public.invoices USING btree (property_id, folio_id);
CREATE INDEX invoices_issued_idx ON app_public.invoices USING btree (property_id, issued_at DESC);
alter table app_public.invoices enable row level security;
create policy select_staff_or_guest on app_public.invoices for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)) OR (reservation_id IN ( SELECT r.id
   FROM app_public.reservations r
  WHERE r.id = (( SELECT app_hidden.current_booking_id() AS current_booking_id)) OR r.user_id IS NOT NULL AND r.user_id = (( SELECT app_hidden.current_user_id() AS current_user_id)))));
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.invoices FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_append_only_truncate BEFORE TRUNCATE ON app_public.invoices FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _500_audit AFTER INSERT ON app_public.invoices FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.invoices replica identity using index invoices_property_id_id_key;
grant select on app_public.invoices to keepr_anonymous;
comment on table app_public.invoices is 'Invoices and credit notes of a folio, numbered per property and kind without gaps. Immutable once issued.';
comment on column app_public.invoices.reservation_id is 'The stay, for documents of a reservation''s folio; null for a company''s (city-ledger) folio.';
comment on column app_public.invoices.lines is '[{key, type: night|discount|fee|city_tax|cancellation|extra|allowance|charge|adjustment, kind: revenue|tax, date, description, quantity, net, vat_rate, vat, amount, postings: [{account_id, amount}]}], amounts in minor units (negative on credit notes); amount = net + vat; postings are the ledger amounts per account the line stands for. Documents issued before issue 18 hold [{account_id, description, kind, amount}].';
comment on column app_public.invoices.bill_to is 'Whom the document is addressed to (name, address, tax id, email; source folio|company|guest) and the stay, as when it was issued.';
comment on column app_public.invoices.seller is 'The property''s legal details (legal name, address, VAT id, registration, footer) as when the document was issued.';
comment on column app_public.invoices.vat_summary is '[{rate, net, vat, gross}] per VAT rate over the revenue lines (rate 0: no VAT).';
comment on column app_public.invoices.payments is 'On an invoice: [{date, method, description, amount}] received on the folio up to its issue (+ received, − paid back).';
comment on column app_public.invoices.amount_due is 'On an invoice: the folio''s balance when it was issued (negative: in credit).';
comment on constraint invoices_pkey on app_public.invoices is '@rowIdentity id';
comment on constraint invoices_property_id_credits_invoice_id_fkey on app_public.invoices is '@fieldName creditedInvoice
@foreignSingleFieldName creditNote';
comment on constraint invoices_property_id_credits_invoice_id_key on app_public.invoices is '@behavior -*';
comment on constraint invoices_property_id_folio_id_fkey on app_public.invoices is '@fieldName folio
@foreignFieldName invoices';
comment on constraint invoices_property_id_id_key on app_public.invoices is '@behavior -*';
comment on constraint invoices_property_id_kind_number_key on app_public.invoices is '@behavior -*';
comment on constraint invoices_property_id_reservation_id_fkey on app_public.invoices is '@fieldName reservation
@foreignFieldName invoices';

-- ----------------------------------------------------------------------------
-- table app_public.journal_entries
-- ----------------------------------------------------------------------------
create table app_public.journal_entries (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  occurred_at timestamp with time zone default now() not null,
  cause_type text not null,
  cause_id uuid,
  idempotency_key text not null,
  description text not null,
  reverses_entry_id uuid,
  created_by uuid,
  constraint journal_entries_cause_type_check CHECK (cause_type = ANY (ARRAY['reservation'::text, 'payment'::text, 'refund'::text, 'payout'::text, 'adjustment'::text, 'folio_charge'::text, 'folio_allowance'::text, 'folio_correction'::text, 'folio_payment'::text, 'folio_refund'::text, 'folio_route'::text, 'city_ledger_transfer'::text, 'cash_count'::text])),
  constraint journal_entries_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint journal_entries_description_check CHECK (length(description) >= 1 AND length(description) <= 500),
  constraint journal_entries_idempotency_key_check CHECK (length(idempotency_key) >= 1 AND length(idempotency_key) <= 200),
  constraint journal_entries_pkey PRIMARY KEY (id, property_id),
  constraint journal_entries_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE RESTRICT,
  constraint journal_entries_property_id_id_key UNIQUE (property_id, id),
  constraint journal_entries_property_id_idempotency_key_key UNIQUE (property_id, idempotency_key),
  constraint journal_entries_property_id_reverses_entry_id_fkey FOREIGN KEY (property_id, reverses_entry_id) REFERENCES app_public.journal_entries(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX journal_entries_cause_idx ON app_public.journal_entries USING btree (property_id, cause_type, cause_id);
CREATE UNIQUE INDEX journal_entries_corrected_once_idx ON app_public.journal_entries USING btree (property_id, reverses_entry_id) WHERE (cause_type = 'folio_correction'::text);
CREATE INDEX journal_entries_occurred_idx ON app_public.journal_entries USING btree (property_id, occurred_at DESC);
alter table app_public.journal_entries enable row level security;
create policy select_accounting on app_public.journal_entries for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy select_folio_entries on app_public.journal_entries for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)) AND (EXISTS ( SELECT 1
   FROM app_public.postings p
  WHERE p.property_id = journal_entries.property_id AND p.entry_id = journal_entries.id AND p.folio_id IS NOT NULL)));
create policy worker_all on app_public.journal_entries for select to keepr_worker
  using (true);
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.journal_entries FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_append_only_truncate BEFORE TRUNCATE ON app_public.journal_entries FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _500_audit AFTER INSERT ON app_public.journal_entries FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.journal_entries to keepr_staff;
grant select on app_public.journal_entries to keepr_worker;
comment on table app_public.journal_entries is 'A balanced set of postings, linked to its cause. Append-only: corrections are reversing entries.';
comment on column app_public.journal_entries.cause_type is 'What caused the entry (cause_id names it): reservation, payment (an attempt), refund, payout, adjustment; at the desk (cause_id = the folio): folio_charge (an extra), folio_allowance, folio_correction (reverses_entry_id names the corrected entry), folio_payment and folio_refund (cash or bank transfer), folio_route (charges moved between folios), city_ledger_transfer; cash_count (cause_id = the cash shift: its counted difference).';
comment on constraint journal_entries_pkey on app_public.journal_entries is '@rowIdentity id';
comment on constraint journal_entries_property_id_id_key on app_public.journal_entries is '@behavior -*';
comment on constraint journal_entries_property_id_reverses_entry_id_fkey on app_public.journal_entries is '@fieldName reversedEntry
@foreignFieldName reversals';

-- ----------------------------------------------------------------------------
-- table app_public.ledger_accounts
-- ----------------------------------------------------------------------------
create table app_public.ledger_accounts (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  code text not null,
  name text not null,
  kind app_public.account_kind not null,
  purpose text,
  tax_id uuid,
  provider text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint ledger_accounts_check CHECK ((purpose = 'tax_payable'::text) = (tax_id IS NOT NULL)),
  constraint ledger_accounts_check1 CHECK ((purpose = 'payment_clearing'::text) = (provider IS NOT NULL)),
  constraint ledger_accounts_code_check CHECK (code ~ '^[0-9A-Za-z.-]{1,20}$'::text),
  constraint ledger_accounts_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint ledger_accounts_pkey PRIMARY KEY (id, property_id),
  constraint ledger_accounts_property_id_code_key UNIQUE (property_id, code),
  constraint ledger_accounts_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint ledger_accounts_property_id_id_key UNIQUE (property_id, id),
  constraint ledger_accounts_property_id_tax_id_fkey FOREIGN KEY (property_id, tax_id) REFERENCES app_public.taxes(property_id, id) ON DELETE CASCADE,
  constraint ledger_accounts_purpose_check CHECK (purpose = ANY (ARRAY['guest_receivable'::text, 'payment_clearing'::text, 'payouts'::text, 'tax_payable'::text, 'owner_payable'::text, 'refunds'::text, 'room_revenue'::text, 'fee_revenue'::text, 'cancellation_revenue'::text, 'commission_revenue'::text, 'cash_drawer'::text, 'bank'::text, 'city_ledger'::text, 'extras_revenue'::text, 'allowances'::text, 'cash_over_short'::text]))
);
CREATE UNIQUE INDEX ledger_accounts_purpose_idx ON app_public.ledger_accounts USING btree (property_id, purpose, COALESCE(tax_id, '00000000-0000-0000-0000-000000000000'::uuid), COALESCE(provider, ''::text)) WHERE (purpose IS NOT NULL);
alter table app_public.ledger_accounts enable row level security;
create policy manage_accounting on app_public.ledger_accounts for insert to keepr_staff
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)) AND purpose IS NULL);
create policy select_accounting on app_public.ledger_accounts for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy update_accounting on app_public.ledger_accounts for update to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.ledger_accounts for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.ledger_accounts FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.ledger_accounts FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.ledger_accounts to keepr_staff;
grant select on app_public.ledger_accounts to keepr_worker;
grant insert (property_id, code, name, kind), update (name) on app_public.ledger_accounts to keepr_staff;
comment on table app_public.ledger_accounts is 'The chart of accounts of a property: system accounts (with a purpose) and accounts staff add.';
comment on constraint ledger_accounts_pkey on app_public.ledger_accounts is '@rowIdentity id';
comment on constraint ledger_accounts_property_id_id_key on app_public.ledger_accounts is '@behavior -*';
comment on constraint ledger_accounts_property_id_tax_id_fkey on app_public.ledger_accounts is '@fieldName tax
@foreignFieldName ledgerAccounts';

-- ----------------------------------------------------------------------------
-- table app_public.night_audit_anomalies
-- ----------------------------------------------------------------------------
create table app_public.night_audit_anomalies (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  audit_id uuid not null,
  kind app_public.night_audit_anomaly_kind not null,
  reservation_id uuid,
  detail text not null,
  constraint night_audit_anomalies_pkey PRIMARY KEY (id, property_id),
  constraint night_audit_anomalies_property_id_audit_id_fkey FOREIGN KEY (property_id, audit_id) REFERENCES app_public.night_audits(property_id, id) ON DELETE CASCADE,
  constraint night_audit_anomalies_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE
);
CREATE INDEX night_audit_anomalies_audit_idx ON app_public.night_audit_anomalies USING btree (property_id, audit_id);
CREATE INDEX night_audit_anomalies_reservation_idx ON app_public.night_audit_anomalies USING btree (property_id, reservation_id) WHERE (reservation_id IS NOT NULL);
alter table app_public.night_audit_anomalies enable row level security;
create policy select_staff on app_public.night_audit_anomalies for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
alter table app_public.night_audit_anomalies replica identity full;
grant select on app_public.night_audit_anomalies to keepr_staff;
comment on table app_public.night_audit_anomalies is 'Something the night audit found for staff to look at.';
comment on constraint night_audit_anomalies_pkey on app_public.night_audit_anomalies is '@rowIdentity id';
comment on constraint night_audit_anomalies_property_id_audit_id_fkey on app_public.night_audit_anomalies is '@fieldName audit
@foreignFieldName anomalies';
comment on constraint night_audit_anomalies_property_id_reservation_id_fkey on app_public.night_audit_anomalies is '@fieldName reservation
@foreignFieldName nightAuditAnomalies';

-- ----------------------------------------------------------------------------
-- table app_public.night_audits
-- ----------------------------------------------------------------------------
create table app_public.night_audits (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  business_date date not null,
  no_shows integer default 0 not null,
  nights_posted integer default 0 not null,
  anomaly_count integer default 0 not null,
  started_at timestamp with time zone default clock_timestamp() not null,
  finished_at timestamp with time zone,
  error text,
  constraint night_audits_pkey PRIMARY KEY (id, property_id),
  constraint night_audits_property_id_business_date_key UNIQUE (property_id, business_date),
  constraint night_audits_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint night_audits_property_id_id_key UNIQUE (property_id, id)
);
CREATE INDEX night_audits_recent_idx ON app_public.night_audits USING btree (property_id, business_date DESC);
alter table app_public.night_audits enable row level security;
create policy select_staff on app_public.night_audits for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
alter table app_public.night_audits replica identity using index night_audits_property_id_id_key;
grant select on app_public.night_audits to keepr_staff;
comment on table app_public.night_audits is 'One closed business day per property: the no-shows recorded, the stays charged a night, the anomalies found.';
comment on column app_public.night_audits.nights_posted is 'In-house stays on nightly-posting plans charged by this audit.';
comment on column app_public.night_audits.error is 'Why the last try to close this day failed (the hourly run tries again); null once it is closed.';
comment on constraint night_audits_pkey on app_public.night_audits is '@rowIdentity id';
comment on constraint night_audits_property_id_id_key on app_public.night_audits is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.notification_templates
-- ----------------------------------------------------------------------------
create table app_public.notification_templates (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  template app_public.notification_kind not null,
  channel app_public.notification_channel not null,
  language text not null,
  subject text,
  body_text text not null,
  body_html text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint notification_templates_body_html_check CHECK (length(body_html) <= 100000),
  constraint notification_templates_body_text_check CHECK (length(body_text) <= 20000),
  constraint notification_templates_check CHECK ((channel = 'email'::app_public.notification_channel) = (subject IS NOT NULL)),
  constraint notification_templates_language_check CHECK (language = ANY (ARRAY['en'::text, 'pt'::text, 'de'::text, 'fr'::text, 'es'::text])),
  constraint notification_templates_pkey PRIMARY KEY (id, property_id),
  constraint notification_templates_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint notification_templates_property_id_template_channel_languag_key UNIQUE (property_id, template, channel, language),
  constraint notification_templates_subject_check CHECK (length(subject) <= 300)
);
alter table app_public.notification_templates enable row level security;
create policy manage_manager on app_public.notification_templates for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)))
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.notification_templates for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.notification_templates FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.notification_templates FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant delete, select on app_public.notification_templates to keepr_staff;
grant select on app_public.notification_templates to keepr_worker;
grant insert (property_id, template, channel, language, subject, body_text, body_html), update (subject, body_text, body_html) on app_public.notification_templates to keepr_staff;
comment on table app_public.notification_templates is 'A property''s own wording of a message (Handlebars), used instead of Keepr''s built-in template of that language.';
comment on constraint notification_templates_pkey on app_public.notification_templates is '@rowIdentity id';

-- ----------------------------------------------------------------------------
-- table app_public.notifications
-- ----------------------------------------------------------------------------
create table app_public.notifications (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  reservation_id uuid not null,
  template app_public.notification_kind not null,
  channel app_public.notification_channel not null,
  recipient text not null,
  cause text not null,
  status app_public.notification_status default 'pending'::app_public.notification_status not null,
  send_after timestamp with time zone default now() not null,
  attempts integer default 0 not null,
  last_error text,
  subject text,
  body_text text,
  provider_message_id text,
  sent_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint notifications_cause_check CHECK (length(cause) >= 1 AND length(cause) <= 200),
  constraint notifications_cause_template_channel_recipient_property_id_key UNIQUE (cause, template, channel, recipient, property_id),
  constraint notifications_check CHECK ((status = 'sent'::app_public.notification_status) = (sent_at IS NOT NULL)),
  constraint notifications_pkey PRIMARY KEY (id, property_id),
  constraint notifications_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE,
  constraint notifications_recipient_check CHECK (length(recipient) >= 3 AND length(recipient) <= 254)
);
CREATE INDEX notifications_failed_idx ON app_public.notifications USING btree (property_id, created_at DESC) WHERE (status = 'failed'::app_public.notification_status);
CREATE INDEX notifications_reservation_idx ON app_public.notifications USING btree (property_id, reservation_id);
alter table app_public.notifications enable row level security;
create policy select_staff on app_public.notifications for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.notifications for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.notifications FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
alter table app_public.notifications replica identity full;
grant select on app_public.notifications to keepr_staff;
grant select on app_public.notifications to keepr_worker;
comment on table app_public.notifications is 'Every message to a guest: queued with its cause, delivered once by a job, kept with what was sent (the outbox staff browse).';
comment on column app_public.notifications.cause is 'What caused it (reservation:<id>:confirmed, payment:<attempt id>, ...): one notification per cause, template, channel and recipient.';
comment on constraint notifications_cause_template_channel_recipient_property_id_key on app_public.notifications is '@behavior -*';
comment on constraint notifications_pkey on app_public.notifications is '@rowIdentity id';
comment on constraint notifications_property_id_reservation_id_fkey on app_public.notifications is '@fieldName reservation
@foreignFieldName notifications';

-- ----------------------------------------------------------------------------
-- table app_public.organizations
-- ----------------------------------------------------------------------------
create table app_public.organizations (
  id uuid default gen_random_uuid() not null,
  name text not null,
  slug text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint organizations_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint organizations_pkey PRIMARY KEY (id),
  constraint organizations_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text),
  constraint organizations_slug_key UNIQUE (slug),
  constraint organizations_slug_length_check CHECK (length(slug) <= 100)
);
alter table app_public.organizations enable row level security;
create policy select_public_or_member on app_public.organizations for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE p.organization_id = organizations.id AND (p.is_published OR (p.id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids))))));
create policy update_owner on app_public.organizations for update to public
  using ((EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE p.organization_id = organizations.id AND (p.id IN ( SELECT app_hidden.current_property_ids_for('owners'::text) AS current_property_ids_for)))));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.organizations FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.organizations FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.organizations to keepr_anonymous;
grant update (name) on app_public.organizations to keepr_staff;
comment on table app_public.organizations is 'A company operating one or more properties.';

-- ----------------------------------------------------------------------------
-- table app_public.owners
-- ----------------------------------------------------------------------------
create table app_public.owners (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  name text not null,
  email citext,
  commission_percent numeric(5,2) not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint owners_commission_percent_check CHECK (commission_percent >= 0::numeric AND commission_percent <= 100::numeric),
  constraint owners_email_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'::citext),
  constraint owners_email_length_check CHECK (length(email::text) <= 254),
  constraint owners_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint owners_pkey PRIMARY KEY (id, property_id),
  constraint owners_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint owners_property_id_id_key UNIQUE (property_id, id)
);
alter table app_public.owners enable row level security;
create policy manage_accounting on app_public.owners for insert to public
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_accounting on app_public.owners for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy update_accounting on app_public.owners for update to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.owners FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.owners FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.owners to keepr_staff;
grant insert (property_id, name, email, commission_percent), update (name, email, commission_percent) on app_public.owners to keepr_staff;
comment on table app_public.owners is 'Who owns units of a property (vacation rentals) and the commission the property manager keeps on their rental revenue.';
comment on constraint owners_pkey on app_public.owners is '@rowIdentity id';
comment on constraint owners_property_id_id_key on app_public.owners is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.payment_attempts
-- ----------------------------------------------------------------------------
create table app_public.payment_attempts (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  intent_id uuid not null,
  amount bigint not null,
  currency character(3) not null,
  status app_public.payment_attempt_status default 'pending'::app_public.payment_attempt_status not null,
  payment_token text not null,
  provider_charge_id text,
  captured_at timestamp with time zone,
  failure_code text,
  failure_message text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  card_brand text,
  card_last4 text,
  constraint payment_attempts_amount_check CHECK (amount > 0),
  constraint payment_attempts_card_check CHECK (card_last4 ~ '^[0-9]{4}$'::text AND card_brand ~ '^[a-z_]{1,20}$'::text),
  constraint payment_attempts_check CHECK ((status = 'captured'::app_public.payment_attempt_status) = (captured_at IS NOT NULL)),
  constraint payment_attempts_check1 CHECK ((status = 'failed'::app_public.payment_attempt_status) = (failure_code IS NOT NULL)),
  constraint payment_attempts_payment_token_check CHECK (payment_token ~ '^tok_[A-Za-z0-9_]{6,100}$'::text),
  constraint payment_attempts_pkey PRIMARY KEY (id, property_id),
  constraint payment_attempts_property_id_id_key UNIQUE (property_id, id),
  constraint payment_attempts_property_id_intent_id_fkey FOREIGN KEY (property_id, intent_id) REFERENCES app_public.payment_intents(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX payment_attempts_created_idx ON app_public.payment_attempts USING btree (property_id, created_at DESC);
CREATE UNIQUE INDEX payment_attempts_in_flight_idx ON app_public.payment_attempts USING btree (intent_id, property_id) WHERE (status = ANY (ARRAY['pending'::app_public.payment_attempt_status, 'authorized'::app_public.payment_attempt_status]));
CREATE INDEX payment_attempts_intent_idx ON app_public.payment_attempts USING btree (property_id, intent_id);
alter table app_public.payment_attempts enable row level security;
create policy select_staff_or_guest on app_public.payment_attempts for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.payment_intents i
  WHERE i.property_id = payment_attempts.property_id AND i.id = payment_attempts.intent_id)));
create policy worker_all on app_public.payment_attempts for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.payment_attempts FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.payment_attempts FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
CREATE TRIGGER _600_notify AFTER UPDATE OF status ON app_public.payment_attempts FOR EACH ROW WHEN (new.status IS DISTINCT FROM old.status AND (new.status = ANY (ARRAY['captured'::app_public.payment_attempt_status, 'failed'::app_public.payment_attempt_status]))) EXECUTE FUNCTION app_private.tg_payment_attempts__notify();
alter table app_public.payment_attempts replica identity using index payment_attempts_property_id_id_key;
grant select on app_public.payment_attempts to keepr_worker;
grant select (id, property_id, intent_id, amount, currency, status, provider_charge_id, captured_at, failure_code, failure_message, created_at, updated_at, card_brand, card_last4) on app_public.payment_attempts to keepr_anonymous;
grant select (card_brand, card_last4) on app_public.payment_attempts to keepr_worker;
comment on table app_public.payment_attempts is 'One try to collect a payment intent with a card token; the provider''s idempotency keys derive from its id, so retries never charge twice.';
comment on column app_public.payment_attempts.payment_token is '@behavior -*
The provider''s card token (never a card number).';
comment on column app_public.payment_attempts.card_brand is 'The brand of the card charged (visa, mastercard, ...), from the provider once captured.';
comment on column app_public.payment_attempts.card_last4 is 'The last four digits of the card charged, from the provider once captured.';
comment on constraint payment_attempts_pkey on app_public.payment_attempts is '@rowIdentity id';
comment on constraint payment_attempts_property_id_id_key on app_public.payment_attempts is '@behavior -*';
comment on constraint payment_attempts_property_id_intent_id_fkey on app_public.payment_attempts is '@fieldName intent
@foreignFieldName attempts';

-- ----------------------------------------------------------------------------
-- table app_public.payment_intents
-- ----------------------------------------------------------------------------
create table app_public.payment_intents (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  reservation_id uuid not null,
  folio_id uuid not null,
  kind app_public.payment_kind not null,
  amount bigint not null,
  currency character(3) not null,
  status app_public.payment_status default 'requires_payment'::app_public.payment_status not null,
  due_at timestamp with time zone not null,
  provider text default 'simulated'::text not null,
  payment_token text,
  amount_captured bigint default 0 not null,
  amount_refunded bigint default 0 not null,
  failure_code text,
  failure_message text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint payment_intents_amount_captured_check CHECK (amount_captured >= 0),
  constraint payment_intents_amount_check CHECK (amount > 0),
  constraint payment_intents_amount_refunded_check CHECK (amount_refunded >= 0),
  constraint payment_intents_check CHECK (amount_captured <= amount AND amount_refunded <= amount_captured),
  constraint payment_intents_check1 CHECK (status <> 'failed'::app_public.payment_status OR failure_code IS NOT NULL),
  constraint payment_intents_payment_token_check CHECK (payment_token ~ '^tok_[A-Za-z0-9_]{6,100}$'::text),
  constraint payment_intents_pkey PRIMARY KEY (id, property_id),
  constraint payment_intents_property_id_folio_id_fkey FOREIGN KEY (property_id, folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT,
  constraint payment_intents_property_id_id_key UNIQUE (property_id, id),
  constraint payment_intents_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX payment_intents_due_idx ON app_public.payment_intents USING btree (due_at) WHERE (status = 'requires_payment'::app_public.payment_status);
CREATE UNIQUE INDEX payment_intents_open_idx ON app_public.payment_intents USING btree (reservation_id, kind, property_id) WHERE (status = ANY (ARRAY['requires_payment'::app_public.payment_status, 'failed'::app_public.payment_status]));
CREATE INDEX payment_intents_reservation_idx ON app_public.payment_intents USING btree (property_id, reservation_id);
alter table app_public.payment_intents enable row level security;
create policy select_staff_or_guest on app_public.payment_intents for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)) OR (reservation_id IN ( SELECT r.id
   FROM app_public.reservations r
  WHERE r.id = (( SELECT app_hidden.current_booking_id() AS current_booking_id)) OR r.user_id IS NOT NULL AND r.user_id = (( SELECT app_hidden.current_user_id() AS current_user_id)))));
create policy worker_all on app_public.payment_intents for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.payment_intents FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.payment_intents FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.payment_intents replica identity using index payment_intents_property_id_id_key;
grant select on app_public.payment_intents to keepr_worker;
grant select (id, property_id, reservation_id, folio_id, kind, amount, currency, status, due_at, provider, amount_captured, amount_refunded, failure_code, failure_message, created_at, updated_at) on app_public.payment_intents to keepr_anonymous;
comment on table app_public.payment_intents is 'Money a reservation is to collect: the deposit at booking and the balance before arrival, per its rate plan.';
comment on column app_public.payment_intents.payment_token is '@behavior -*
The card on file (a provider token), charged when the intent falls due.';
comment on constraint payment_intents_pkey on app_public.payment_intents is '@rowIdentity id';
comment on constraint payment_intents_property_id_folio_id_fkey on app_public.payment_intents is '@fieldName folio
@foreignFieldName paymentIntents';
comment on constraint payment_intents_property_id_id_key on app_public.payment_intents is '@behavior -*';
comment on constraint payment_intents_property_id_reservation_id_fkey on app_public.payment_intents is '@fieldName reservation
@foreignFieldName paymentIntents';

-- ----------------------------------------------------------------------------
-- table app_public.payout_lines
-- ----------------------------------------------------------------------------
create table app_public.payout_lines (
  payout_id uuid not null,
  property_id uuid not null,
  owner_id uuid not null,
  reservation_id uuid not null,
  room_revenue bigint not null,
  cancellation_revenue bigint not null,
  commission bigint not null,
  owner_share bigint not null,
  constraint payout_lines_pkey PRIMARY KEY (payout_id, reservation_id, property_id),
  constraint payout_lines_property_id_payout_id_fkey FOREIGN KEY (property_id, payout_id) REFERENCES app_public.payouts(property_id, id) ON DELETE RESTRICT,
  constraint payout_lines_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX payout_lines_reservation_idx ON app_public.payout_lines USING btree (property_id, owner_id, reservation_id);
alter table app_public.payout_lines enable row level security;
create policy select_accounting on app_public.payout_lines for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.payout_lines FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
grant select on app_public.payout_lines to keepr_staff;
comment on table app_public.payout_lines is 'What a payout included for each stay (differences against earlier payouts of the same stay).';
comment on constraint payout_lines_pkey on app_public.payout_lines is '@rowIdentity payout_id,reservation_id';
comment on constraint payout_lines_property_id_payout_id_fkey on app_public.payout_lines is '@fieldName payout
@foreignFieldName lines
@behavior -list -connection';
comment on constraint payout_lines_property_id_reservation_id_fkey on app_public.payout_lines is '@fieldName reservation
@foreignFieldName payoutLines';

-- ----------------------------------------------------------------------------
-- table app_public.payouts
-- ----------------------------------------------------------------------------
create table app_public.payouts (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  owner_id uuid not null,
  period_end date not null,
  currency character(3) not null,
  room_revenue bigint not null,
  cancellation_revenue bigint not null,
  commission bigint not null,
  owner_share bigint not null,
  paid_at timestamp with time zone,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint payouts_check CHECK (owner_share = (room_revenue + cancellation_revenue - commission)),
  constraint payouts_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint payouts_pkey PRIMARY KEY (id, property_id),
  constraint payouts_property_id_id_key UNIQUE (property_id, id),
  constraint payouts_property_id_owner_id_fkey FOREIGN KEY (property_id, owner_id) REFERENCES app_public.owners(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX payouts_created_idx ON app_public.payouts USING btree (property_id, created_at DESC);
CREATE INDEX payouts_owner_idx ON app_public.payouts USING btree (property_id, owner_id);
alter table app_public.payouts enable row level security;
create policy select_accounting on app_public.payouts for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
CREATE TRIGGER _500_audit AFTER INSERT OR UPDATE ON app_public.payouts FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.payouts to keepr_staff;
comment on table app_public.payouts is 'One owner''s share of rental revenue in a payout run, posted to owner payable; paid_at once transferred.';
comment on constraint payouts_pkey on app_public.payouts is '@rowIdentity id';
comment on constraint payouts_property_id_id_key on app_public.payouts is '@behavior -*';
comment on constraint payouts_property_id_owner_id_fkey on app_public.payouts is '@fieldName owner
@foreignFieldName payouts';

-- ----------------------------------------------------------------------------
-- table app_public.postings
-- ----------------------------------------------------------------------------
create table app_public.postings (
  id bigint generated always as identity,
  property_id uuid not null,
  entry_id uuid not null,
  account_id uuid not null,
  folio_id uuid,
  amount bigint not null,
  currency character(3) not null,
  constraint postings_amount_check CHECK (amount <> 0),
  constraint postings_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  constraint postings_pkey PRIMARY KEY (id, property_id),
  constraint postings_property_id_account_id_fkey FOREIGN KEY (property_id, account_id) REFERENCES app_public.ledger_accounts(property_id, id) ON DELETE RESTRICT,
  constraint postings_property_id_entry_id_fkey FOREIGN KEY (property_id, entry_id) REFERENCES app_public.journal_entries(property_id, id) ON DELETE RESTRICT,
  constraint postings_property_id_folio_id_fkey FOREIGN KEY (property_id, folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX postings_account_idx ON app_public.postings USING btree (property_id, account_id, currency);
CREATE INDEX postings_entry_idx ON app_public.postings USING btree (property_id, entry_id);
CREATE INDEX postings_folio_idx ON app_public.postings USING btree (property_id, folio_id) WHERE (folio_id IS NOT NULL);
alter table app_public.postings enable row level security;
create policy select_accounting_or_front_desk on app_public.postings for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)) OR folio_id IS NOT NULL AND (property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy select_visible_folio on app_public.postings for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.folios f
  WHERE f.property_id = postings.property_id AND f.id = postings.folio_id)));
create policy worker_all on app_public.postings for select to keepr_worker
  using (true);
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON app_public.postings FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_append_only_truncate BEFORE TRUNCATE ON app_public.postings FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _200_folio_balance AFTER INSERT ON app_public.postings FOR EACH ROW EXECUTE FUNCTION app_private.tg_postings__folio_balance();
CREATE CONSTRAINT TRIGGER _900_balanced AFTER INSERT ON app_public.postings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app_private.tg_postings__check_balanced();
grant select on app_public.postings to keepr_anonymous;
grant select on app_public.postings to keepr_staff;
grant select on app_public.postings to keepr_worker;
comment on table app_public.postings is 'One line of a journal entry: a signed amount (debit positive, credit negative) in minor units on an account, and on a folio for guest receivable. Append-only.';
comment on constraint postings_pkey on app_public.postings is '@rowIdentity id';
comment on constraint postings_property_id_account_id_fkey on app_public.postings is '@fieldName account
@foreignFieldName postings';
comment on constraint postings_property_id_entry_id_fkey on app_public.postings is '@fieldName entry
@foreignFieldName postings';
comment on constraint postings_property_id_folio_id_fkey on app_public.postings is '@fieldName folio
@foreignFieldName postings
@isIndexed';

-- ----------------------------------------------------------------------------
-- table app_public.promo_codes
-- ----------------------------------------------------------------------------
create table app_public.promo_codes (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  code text not null,
  percent_off numeric(5,2),
  amount_off bigint,
  currency character(3) not null,
  rate_plan_ids uuid[],
  stays_from date,
  stays_until date,
  bookable_from date,
  bookable_until date,
  max_uses integer,
  uses integer default 0 not null,
  is_active boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint promo_codes_amount_off_check CHECK (amount_off > 0 AND amount_off <= '100000000000'::bigint),
  constraint promo_codes_bookable_check CHECK (bookable_until >= bookable_from),
  constraint promo_codes_code_check CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,31}$'::text),
  constraint promo_codes_max_uses_check CHECK (max_uses >= 1 AND max_uses <= 1000000),
  constraint promo_codes_one_discount_check CHECK (num_nonnulls(percent_off, amount_off) = 1),
  constraint promo_codes_percent_off_check CHECK (percent_off > 0::numeric AND percent_off <= 100::numeric),
  constraint promo_codes_pkey PRIMARY KEY (id, property_id),
  constraint promo_codes_property_id_code_key UNIQUE (property_id, code),
  constraint promo_codes_property_id_currency_fkey FOREIGN KEY (property_id, currency) REFERENCES app_public.properties(id, currency) ON DELETE CASCADE,
  constraint promo_codes_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint promo_codes_property_id_id_key UNIQUE (property_id, id),
  constraint promo_codes_rate_plan_ids_check CHECK (cardinality(rate_plan_ids) >= 1 AND cardinality(rate_plan_ids) <= 100),
  constraint promo_codes_stays_check CHECK (stays_until >= stays_from),
  constraint promo_codes_uses_check CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses))
);
alter table app_public.promo_codes enable row level security;
create policy select_managers on app_public.promo_codes for select to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.promo_codes FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.promo_codes FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.promo_codes to keepr_staff;
comment on table app_public.promo_codes is 'The property''s promo codes: percent or amount off the room price of a stay (after any length-of-stay discount), written by createPromoCode and setPromoCodeActive. quote(promoCode) applies one; confirmBooking counts its use.';
comment on column app_public.promo_codes.code is 'The code guests type, stored upper case (guests may type it in any case): 3 to 32 letters, digits, - and _, unique at the property.';
comment on column app_public.promo_codes.percent_off is 'Percent off the room price (0.01 to 100); or amount_off.';
comment on column app_public.promo_codes.amount_off is 'Minor units off the room price of the stay, never more than the room price; or percent_off.';
comment on column app_public.promo_codes.currency is 'The property''s currency (of amount_off).';
comment on column app_public.promo_codes.rate_plan_ids is 'The rate plans it applies to; none: every rate plan of the property.';
comment on column app_public.promo_codes.stays_from is 'First night a stay may include; none: no limit.';
comment on column app_public.promo_codes.stays_until is 'Last night a stay may include; none: no limit.';
comment on column app_public.promo_codes.bookable_from is 'First day (the property''s calendar) it may be used to book; none: from now.';
comment on column app_public.promo_codes.bookable_until is 'Last day (the property''s calendar) it may be used to book; none: no end.';
comment on column app_public.promo_codes.max_uses is 'How many confirmed bookings may use it; none: unlimited.';
comment on column app_public.promo_codes.uses is 'Confirmed bookings that used it (a cancellation does not give the use back).';
comment on column app_public.promo_codes.is_active is 'False: deactivated, refused by quote and at hold and confirmation.';
comment on constraint promo_codes_pkey on app_public.promo_codes is '@rowIdentity id';
comment on constraint promo_codes_property_id_code_key on app_public.promo_codes is '@behavior -*';
comment on constraint promo_codes_property_id_currency_fkey on app_public.promo_codes is '@behavior -*';
comment on constraint promo_codes_property_id_id_key on app_public.promo_codes is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.properties
-- ----------------------------------------------------------------------------
create table app_public.properties (
  id uuid default gen_random_uuid() not null,
  organization_id uuid not null,
  name text not null,
  slug text not null,
  kind app_public.property_kind not null,
  time_zone text not null,
  currency character(3) not null,
  country_code character(2) not null,
  city text not null,
  address text,
  description text,
  is_published boolean default false not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  check_in_time time without time zone default '15:00:00'::time without time zone not null,
  check_out_time time without time zone default '11:00:00'::time without time zone not null,
  language text default 'en'::text not null,
  pre_arrival_days integer default 2 not null,
  stayover_clean_nights integer default 0 not null,
  business_date date not null,
  photo_urls text[] default '{}'::text[] not null,
  amenities text[] default '{}'::text[] not null,
  no_show_time time without time zone default '02:00:00'::time without time zone not null,
  no_show_day_offset integer default 1 not null,
  contact_email text,
  contact_phone text,
  arrival_instructions text,
  desk_max_discount_percent numeric(5,2) default 10 not null,
  registration_card_required boolean default false not null,
  constraint properties_address_length_check CHECK (length(address) <= 500),
  constraint properties_amenities_check CHECK (app_hidden.valid_amenities(amenities)),
  constraint properties_arrival_instructions_check CHECK (length(arrival_instructions) >= 1 AND length(arrival_instructions) <= 2000),
  constraint properties_city_check CHECK (length(city) >= 1 AND length(city) <= 200),
  constraint properties_contact_email_check CHECK (length(contact_email) <= 254 AND contact_email ~ '^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$'::text),
  constraint properties_contact_phone_check CHECK (contact_phone ~ '^\+?[0-9][0-9 ()./-]{3,39}$'::text),
  constraint properties_country_code_check CHECK (country_code ~ '^[A-Z]{2}$'::text),
  constraint properties_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  constraint properties_description_length_check CHECK (length(description) <= 5000),
  constraint properties_desk_max_discount_percent_check CHECK (desk_max_discount_percent >= 0::numeric AND desk_max_discount_percent <= 100::numeric),
  constraint properties_id_currency_key UNIQUE (id, currency),
  constraint properties_language_check CHECK (language = ANY (ARRAY['en'::text, 'pt'::text, 'de'::text, 'fr'::text, 'es'::text])),
  constraint properties_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint properties_no_show_day_offset_check CHECK (no_show_day_offset >= 0 AND no_show_day_offset <= 7),
  constraint properties_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES app_public.organizations(id) ON DELETE RESTRICT,
  constraint properties_organization_id_slug_key UNIQUE (organization_id, slug),
  constraint properties_photo_urls_check CHECK (app_hidden.valid_photo_urls(photo_urls)),
  constraint properties_pkey PRIMARY KEY (id),
  constraint properties_pre_arrival_days_check CHECK (pre_arrival_days >= 0 AND pre_arrival_days <= 30),
  constraint properties_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text),
  constraint properties_slug_length_check CHECK (length(slug) <= 100),
  constraint properties_stayover_clean_nights_check CHECK (stayover_clean_nights >= 0 AND stayover_clean_nights <= 30)
);
CREATE INDEX properties_organization_id_idx ON app_public.properties USING btree (organization_id);
CREATE INDEX properties_published_idx ON app_public.properties USING btree (city) WHERE is_published;
CREATE UNIQUE INDEX properties_published_slug_idx ON app_public.properties USING btree (slug) WHERE is_published;
alter table app_public.properties enable row level security;
create policy insert_organization_owner on app_public.properties for insert to keepr_staff
  with check ((organization_id IN ( SELECT app_hidden.current_organization_ids(app_hidden.staff_group_roles('owners'::text)) AS current_organization_ids)));
create policy select_published_or_member on app_public.properties for select to public
  using (is_published OR (id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)) OR (organization_id IN ( SELECT app_hidden.current_organization_ids(app_hidden.staff_group_roles('owners'::text)) AS current_organization_ids)));
create policy update_manager on app_public.properties for update to keepr_staff
  using ((id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.properties for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.properties FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _200_check_time_zone BEFORE INSERT OR UPDATE OF time_zone ON app_public.properties FOR EACH ROW EXECUTE FUNCTION app_private.tg_properties__check_time_zone();
CREATE TRIGGER _210_business_date BEFORE INSERT ON app_public.properties FOR EACH ROW EXECUTE FUNCTION app_private.tg_properties__business_date();
CREATE TRIGGER _300_add_creator AFTER INSERT ON app_public.properties FOR EACH ROW EXECUTE FUNCTION app_private.tg_properties__add_creator();
CREATE TRIGGER _310_ledger_accounts AFTER INSERT ON app_public.properties FOR EACH ROW EXECUTE FUNCTION app_private.tg_properties__create_ledger_accounts();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.properties FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.properties replica identity full;
grant select on app_public.properties to keepr_anonymous;
grant select on app_public.properties to keepr_worker;
grant insert (organization_id, name, slug, kind, time_zone, currency, country_code, city, address, description, is_published, check_in_time, check_out_time, photo_urls, amenities), update (name, slug, time_zone, currency, country_code, city, address, description, is_published, check_in_time, check_out_time, language, pre_arrival_days, stayover_clean_nights, photo_urls, amenities, no_show_time, no_show_day_offset, contact_email, contact_phone, arrival_instructions, desk_max_discount_percent, registration_card_required) on app_public.properties to keepr_staff;
comment on table app_public.properties is 'A hotel or vacation rental. Guests see published properties; staff see the ones they belong to.';
comment on column app_public.properties.time_zone is 'IANA time zone; stay dates are calendar dates in this zone.';
comment on column app_public.properties.currency is 'ISO 4217 code; every price of the property is in this currency, in minor units.';
comment on column app_public.properties.is_published is 'Whether guests can find and book this property.';
comment on column app_public.properties.check_in_time is 'Local time guests may check in; cancellation deadlines count back from it.';
comment on column app_public.properties.check_out_time is 'Local time guests check out by.';
comment on column app_public.properties.language is 'The language guests are written to in (en, pt, de, fr, es; templates exist for en and pt, others fall back to en).';
comment on column app_public.properties.pre_arrival_days is 'How many days before arrival the pre-arrival message goes out (at 10:00 local time).';
comment on column app_public.properties.stayover_clean_nights is 'Clean an occupied unit every this many nights of a stay (0: only on check-out).';
comment on column app_public.properties.business_date is 'The business day the books are open for; the night audit closes it after local midnight and moves it to the next day.';
comment on column app_public.properties.photo_urls is 'Photos of the property, first the one to show first: paths on this server (/photos/...) or https URLs; at most 20.';
comment on column app_public.properties.amenities is 'What the property offers, as codes apps translate (wifi, parking, pool, restaurant, bar, gym, spa, sauna, ski_storage, elevator, pets_allowed, airport_shuttle, ...); at most 40.';
comment on column app_public.properties.no_show_time is 'The local time from which a guest who did not arrive may be recorded as a no-show, on the day no_show_day_offset days after the arrival date (default: the next day at 02:00).';
comment on column app_public.properties.no_show_day_offset is 'The day of the no-show time: 0 = the arrival date, 1 = the next day (default), up to 7.';
comment on column app_public.properties.contact_email is 'The address guests write to (public: the guest app shows it; guest emails are sent with it as Reply-To).';
comment on column app_public.properties.contact_phone is 'The phone number guests call (public: the guest app and the guest emails show it).';
comment on column app_public.properties.arrival_instructions is 'How to get in and find the property (keys, door codes given later, parking): in the confirmation and pre-arrival emails. At most 2,000 characters.';
comment on column app_public.properties.desk_max_discount_percent is 'The most the front desk may take off a stay''s room price at the desk (percent, 0 to 100; default 10). Managers and owners have no limit.';
comment on column app_public.properties.registration_card_required is 'Whether checkIn refuses a stay without a registration card (REGISTRATION_CARD_REQUIRED).';
comment on constraint properties_id_currency_key on app_public.properties is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.property_legal_details
-- ----------------------------------------------------------------------------
create table app_public.property_legal_details (
  property_id uuid not null,
  legal_name text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country_code character(2),
  vat_id text,
  registration text,
  invoice_footer text,
  email text,
  phone text,
  updated_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint property_legal_details_address_line1_check CHECK (length(address_line1) >= 1 AND length(address_line1) <= 200),
  constraint property_legal_details_address_line2_check CHECK (length(address_line2) >= 1 AND length(address_line2) <= 200),
  constraint property_legal_details_city_check CHECK (length(city) >= 1 AND length(city) <= 200),
  constraint property_legal_details_country_code_check CHECK (country_code ~ '^[A-Z]{2}$'::text),
  constraint property_legal_details_email_check CHECK (length(email) >= 3 AND length(email) <= 254),
  constraint property_legal_details_invoice_footer_check CHECK (length(invoice_footer) >= 1 AND length(invoice_footer) <= 1000),
  constraint property_legal_details_legal_name_check CHECK (length(legal_name) >= 1 AND length(legal_name) <= 200),
  constraint property_legal_details_phone_check CHECK (length(phone) >= 1 AND length(phone) <= 200),
  constraint property_legal_details_pkey PRIMARY KEY (property_id),
  constraint property_legal_details_postal_code_check CHECK (length(postal_code) >= 1 AND length(postal_code) <= 200),
  constraint property_legal_details_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint property_legal_details_registration_check CHECK (length(registration) >= 1 AND length(registration) <= 200),
  constraint property_legal_details_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint property_legal_details_vat_id_check CHECK (length(vat_id) >= 1 AND length(vat_id) <= 200)
);
CREATE INDEX property_legal_details_updated_by_idx ON app_public.property_legal_details USING btree (updated_by) WHERE (updated_by IS NOT NULL);
alter table app_public.property_legal_details enable row level security;
create policy select_staff on app_public.property_legal_details for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.property_legal_details FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.property_legal_details FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.property_legal_details to keepr_staff;
comment on table app_public.property_legal_details is 'What the property''s invoices show as the seller: legal name, address, VAT id, company registration, contact, footer (bank details, terms). Required (legal name, address, postal code, city, country, VAT id) before the first invoice. Written by setPropertyLegalDetails.';
comment on column app_public.property_legal_details.vat_id is 'The VAT identification number, e.g. PT123456789.';
comment on column app_public.property_legal_details.registration is 'Company registration (register and number), shown under the seller.';
comment on column app_public.property_legal_details.invoice_footer is 'Printed at the foot of every document: bank details (IBAN, BIC), payment terms.';

-- ----------------------------------------------------------------------------
-- table app_public.property_memberships
-- ----------------------------------------------------------------------------
create table app_public.property_memberships (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  user_id uuid not null,
  role app_public.staff_role not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint property_memberships_pkey PRIMARY KEY (id, property_id),
  constraint property_memberships_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint property_memberships_property_id_user_id_key UNIQUE (property_id, user_id),
  constraint property_memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE
);
CREATE INDEX property_memberships_user_id_idx ON app_public.property_memberships USING btree (user_id, property_id);
alter table app_public.property_memberships enable row level security;
create policy delete_manager on app_public.property_memberships for delete to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)) AND (role <> 'owner'::app_public.staff_role OR (property_id IN ( SELECT app_hidden.current_property_ids_for('owners'::text) AS current_property_ids_for))));
create policy insert_manager on app_public.property_memberships for insert to public
  with check ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)) AND (role <> 'owner'::app_public.staff_role OR (property_id IN ( SELECT app_hidden.current_property_ids_for('owners'::text) AS current_property_ids_for))));
create policy select_colleagues on app_public.property_memberships for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
create policy update_manager on app_public.property_memberships for update to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)) AND (role <> 'owner'::app_public.staff_role OR (property_id IN ( SELECT app_hidden.current_property_ids_for('owners'::text) AS current_property_ids_for))))
  with check (role <> 'owner'::app_public.staff_role OR (property_id IN ( SELECT app_hidden.current_property_ids_for('owners'::text) AS current_property_ids_for)));
create policy worker_all on app_public.property_memberships for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.property_memberships FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE CONSTRAINT TRIGGER _200_keep_an_owner AFTER DELETE OR UPDATE OF role ON app_public.property_memberships DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (old.role = 'owner'::app_public.staff_role) EXECUTE FUNCTION app_private.tg_property_memberships__keep_an_owner();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.property_memberships FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant delete, select on app_public.property_memberships to keepr_staff;
grant select on app_public.property_memberships to keepr_worker;
grant insert (property_id, user_id, role), update (role) on app_public.property_memberships to keepr_staff;
comment on table app_public.property_memberships is 'Staff of a property and their role there.';
comment on constraint property_memberships_pkey on app_public.property_memberships is '@rowIdentity id';

-- ----------------------------------------------------------------------------
-- table app_public.property_translations
-- ----------------------------------------------------------------------------
create table app_public.property_translations (
  property_id uuid not null,
  language text not null,
  description text,
  arrival_instructions text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint property_translations_arrival_instructions_check CHECK (length(arrival_instructions) >= 1 AND length(arrival_instructions) <= 2000),
  constraint property_translations_description_check CHECK (length(description) >= 1 AND length(description) <= 5000),
  constraint property_translations_language_check CHECK (language = ANY (ARRAY['en'::text, 'pt'::text, 'es'::text])),
  constraint property_translations_pkey PRIMARY KEY (property_id, language),
  constraint property_translations_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint property_translations_some_text_check CHECK (description IS NOT NULL OR arrival_instructions IS NOT NULL)
);
alter table app_public.property_translations enable row level security;
create policy select_published_or_member on app_public.property_translations for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE p.id = property_translations.property_id AND p.is_published)) OR (property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
create policy worker_all on app_public.property_translations for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.property_translations FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.property_translations FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.property_translations to keepr_anonymous;
grant select on app_public.property_translations to keepr_worker;
comment on table app_public.property_translations is 'The property''s description and arrival instructions in another language the guest app speaks; what a translation lacks is the property''s own (properties.description_in, arrival_instructions_in). Written by setPropertyTranslation.';
comment on column app_public.property_translations.language is 'en, pt or es: a language of the guest app other than the property''s own.';
comment on column app_public.property_translations.description is 'The description in this language (at most 5,000 characters); none: the property''s own.';
comment on column app_public.property_translations.arrival_instructions is 'The arrival instructions in this language (at most 2,000 characters); none: the property''s own.';

-- ----------------------------------------------------------------------------
-- table app_public.rate_calendar
-- ----------------------------------------------------------------------------
create table app_public.rate_calendar (
  property_id uuid not null,
  rate_plan_id uuid not null,
  date date not null,
  price bigint,
  min_stay integer,
  max_stay integer,
  closed_to_arrival boolean default false not null,
  closed_to_departure boolean default false not null,
  stop_sell boolean default false not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint rate_calendar_check CHECK (max_stay IS NULL OR min_stay IS NULL OR max_stay >= min_stay),
  constraint rate_calendar_max_stay_check CHECK (max_stay >= 1 AND max_stay <= 365),
  constraint rate_calendar_min_stay_check CHECK (min_stay >= 1 AND min_stay <= 365),
  constraint rate_calendar_pkey PRIMARY KEY (property_id, rate_plan_id, date),
  constraint rate_calendar_price_check CHECK (price >= 0),
  constraint rate_calendar_property_id_rate_plan_id_fkey FOREIGN KEY (property_id, rate_plan_id) REFERENCES app_public.rate_plans(property_id, id) ON DELETE CASCADE
);
alter table app_public.rate_calendar enable row level security;
create policy manage_manager on app_public.rate_calendar for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_cashiers on app_public.rate_calendar for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.rate_calendar FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _200_derived_price BEFORE INSERT OR UPDATE ON app_public.rate_calendar FOR EACH ROW EXECUTE FUNCTION app_private.tg_rate_calendar__derived_price();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.rate_calendar FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant delete, select on app_public.rate_calendar to keepr_staff;
grant insert (property_id, rate_plan_id, date, price, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell), update (price, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell) on app_public.rate_calendar to keepr_staff;
comment on table app_public.rate_calendar is 'Per rate plan and date: a price and restrictions overriding the plan''s defaults. min_stay/max_stay/closed_to_arrival apply to the arrival date, closed_to_departure to the departure date, stop_sell to every night.';
comment on column app_public.rate_calendar.price is 'Nightly price in minor units for this date; the plan''s base price when null.';
comment on constraint rate_calendar_property_id_rate_plan_id_fkey on app_public.rate_calendar is '@fieldName ratePlan
@foreignFieldName calendar';

-- ----------------------------------------------------------------------------
-- table app_public.rate_overrides
-- ----------------------------------------------------------------------------
create table app_public.rate_overrides (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  reservation_id uuid not null,
  kind text not null,
  quoted_room_amount bigint not null,
  room_amount bigint not null,
  discount_percent numeric(7,2) not null,
  reason text not null,
  created_by uuid,
  creator_role app_public.staff_role not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint rate_overrides_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint rate_overrides_kind_check CHECK (kind = ANY (ARRAY['room_amount'::text, 'discount_percent'::text])),
  constraint rate_overrides_pkey PRIMARY KEY (id, property_id),
  constraint rate_overrides_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint rate_overrides_property_id_reservation_id_key UNIQUE (property_id, reservation_id),
  constraint rate_overrides_quoted_room_amount_check CHECK (quoted_room_amount >= 0),
  constraint rate_overrides_reason_check CHECK (length(reason) >= 3 AND length(reason) <= 500),
  constraint rate_overrides_reservation_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE,
  constraint rate_overrides_room_amount_check CHECK (room_amount >= 0)
);
CREATE INDEX rate_overrides_created_by_idx ON app_public.rate_overrides USING btree (created_by) WHERE (created_by IS NOT NULL);
alter table app_public.rate_overrides enable row level security;
create policy select_cashiers on app_public.rate_overrides for select to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.rate_overrides FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.rate_overrides FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.rate_overrides to keepr_staff;
comment on table app_public.rate_overrides is 'The price the front desk set for a stay (createDeskHold): the quoted room price, the price given, the effective percent off, why and who. One per reservation; read as Reservation.rateOverride.';
comment on column app_public.rate_overrides.kind is 'room_amount (the desk gave the room price) or discount_percent (the desk gave a percent off).';
comment on column app_public.rate_overrides.quoted_room_amount is 'The room price (nights less the length-of-stay discount, minor units) before the override.';
comment on column app_public.rate_overrides.room_amount is 'The room price after the override (minor units); taxes follow it.';
comment on column app_public.rate_overrides.discount_percent is 'The effective percent off the quoted room price (negative when the desk raised it).';
comment on column app_public.rate_overrides.reason is 'Why the price was changed, as the desk wrote it.';
comment on column app_public.rate_overrides.created_by is 'Who set the price.';
comment on column app_public.rate_overrides.creator_role is 'Their role at the property then (what limit applied).';
comment on constraint rate_overrides_pkey on app_public.rate_overrides is '@rowIdentity id';
comment on constraint rate_overrides_property_id_reservation_id_key on app_public.rate_overrides is '@behavior -*';
comment on constraint rate_overrides_reservation_fkey on app_public.rate_overrides is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.rate_plan_los_discounts
-- ----------------------------------------------------------------------------
create table app_public.rate_plan_los_discounts (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  rate_plan_id uuid not null,
  min_nights integer not null,
  percent_off numeric(5,2) not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint rate_plan_los_discounts_min_nights_check CHECK (min_nights >= 2 AND min_nights <= 365),
  constraint rate_plan_los_discounts_percent_off_check CHECK (percent_off > 0::numeric AND percent_off <= 100::numeric),
  constraint rate_plan_los_discounts_pkey PRIMARY KEY (id, property_id),
  constraint rate_plan_los_discounts_property_id_rate_plan_id_fkey FOREIGN KEY (property_id, rate_plan_id) REFERENCES app_public.rate_plans(property_id, id) ON DELETE CASCADE,
  constraint rate_plan_los_discounts_property_id_rate_plan_id_min_nights_key UNIQUE (property_id, rate_plan_id, min_nights)
);
alter table app_public.rate_plan_los_discounts enable row level security;
create policy manage_manager on app_public.rate_plan_los_discounts for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_visible_plan on app_public.rate_plan_los_discounts for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.rate_plans rp
  WHERE rp.id = rate_plan_los_discounts.rate_plan_id)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.rate_plan_los_discounts FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.rate_plan_los_discounts FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.rate_plan_los_discounts to keepr_anonymous;
grant delete on app_public.rate_plan_los_discounts to keepr_staff;
grant insert (property_id, rate_plan_id, min_nights, percent_off), update (min_nights, percent_off) on app_public.rate_plan_los_discounts to keepr_staff;
comment on table app_public.rate_plan_los_discounts is 'Length-of-stay discounts: stays of at least min_nights get percent_off the room total. The largest applicable discount wins.';
comment on constraint rate_plan_los_discounts_pkey on app_public.rate_plan_los_discounts is '@rowIdentity id';
comment on constraint rate_plan_los_discounts_property_id_rate_plan_id_fkey on app_public.rate_plan_los_discounts is '@fieldName ratePlan
@foreignFieldName losDiscounts';

-- ----------------------------------------------------------------------------
-- table app_public.rate_plans
-- ----------------------------------------------------------------------------
create table app_public.rate_plans (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  room_type_id uuid not null,
  name text not null,
  description text,
  currency character(3) not null,
  base_price bigint not null,
  included_guests integer default 2 not null,
  extra_adult_fee bigint default 0 not null,
  extra_child_fee bigint default 0 not null,
  meal_plan app_public.meal_plan default 'room_only'::app_public.meal_plan not null,
  min_stay integer default 1 not null,
  max_stay integer,
  is_refundable boolean default true not null,
  free_cancellation_days integer default 1 not null,
  cancellation_penalty_kind app_public.cancellation_penalty_kind default 'nights'::app_public.cancellation_penalty_kind not null,
  cancellation_penalty_value integer default 1 not null,
  is_published boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  deposit_percent numeric(5,2) default 0 not null,
  balance_due_days integer default 0 not null,
  charge_posting app_public.charge_posting default 'on_booking'::app_public.charge_posting not null,
  guest_changes_allowed boolean default true not null,
  payment_deadline_hours integer default 24 not null,
  parent_rate_plan_id uuid,
  adjustment_percent numeric(5,2),
  adjustment_amount bigint,
  rounding_step integer default 1 not null,
  constraint rate_plans_adjustment_amount_check CHECK (adjustment_amount >= '-1000000'::integer AND adjustment_amount <= 1000000),
  constraint rate_plans_adjustment_percent_check CHECK (adjustment_percent >= '-90'::integer::numeric AND adjustment_percent <= 100::numeric),
  constraint rate_plans_balance_due_days_check CHECK (balance_due_days >= 0 AND balance_due_days <= 365),
  constraint rate_plans_base_price_check CHECK (base_price >= 0),
  constraint rate_plans_cancellation_penalty_value_check CHECK (cancellation_penalty_value >= 0),
  constraint rate_plans_check CHECK (max_stay IS NULL OR max_stay >= min_stay),
  constraint rate_plans_check1 CHECK (cancellation_penalty_kind <> 'percent'::app_public.cancellation_penalty_kind OR cancellation_penalty_value <= 100),
  constraint rate_plans_deposit_percent_check CHECK (deposit_percent >= 0::numeric AND deposit_percent <= 100::numeric),
  constraint rate_plans_derived_check CHECK (
CASE
    WHEN parent_rate_plan_id IS NULL THEN adjustment_percent IS NULL AND adjustment_amount IS NULL
    ELSE parent_rate_plan_id <> id AND num_nonnulls(adjustment_percent, adjustment_amount) = 1
END),
  constraint rate_plans_description_length_check CHECK (length(description) <= 5000),
  constraint rate_plans_extra_adult_fee_check CHECK (extra_adult_fee >= 0),
  constraint rate_plans_extra_child_fee_check CHECK (extra_child_fee >= 0),
  constraint rate_plans_free_cancellation_days_check CHECK (free_cancellation_days >= 0 AND free_cancellation_days <= 365),
  constraint rate_plans_included_guests_check CHECK (included_guests >= 1 AND included_guests <= 50),
  constraint rate_plans_max_stay_check CHECK (max_stay >= 1 AND max_stay <= 365),
  constraint rate_plans_min_stay_check CHECK (min_stay >= 1 AND min_stay <= 365),
  constraint rate_plans_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint rate_plans_parent_fkey FOREIGN KEY (property_id, room_type_id, parent_rate_plan_id) REFERENCES app_public.rate_plans(property_id, room_type_id, id),
  constraint rate_plans_payment_deadline_hours_check CHECK (payment_deadline_hours >= 1 AND payment_deadline_hours <= 720),
  constraint rate_plans_pkey PRIMARY KEY (id, property_id),
  constraint rate_plans_property_id_currency_fkey FOREIGN KEY (property_id, currency) REFERENCES app_public.properties(id, currency) ON DELETE CASCADE,
  constraint rate_plans_property_id_id_key UNIQUE (property_id, id),
  constraint rate_plans_property_id_name_key UNIQUE (property_id, name),
  constraint rate_plans_property_id_room_type_id_fkey FOREIGN KEY (property_id, room_type_id) REFERENCES app_public.room_types(property_id, id) ON DELETE CASCADE,
  constraint rate_plans_property_id_room_type_id_id_key UNIQUE (property_id, room_type_id, id),
  constraint rate_plans_rounding_step_check CHECK (rounding_step >= 1 AND rounding_step <= 100000)
);
CREATE INDEX rate_plans_parent_idx ON app_public.rate_plans USING btree (property_id, room_type_id, parent_rate_plan_id) WHERE (parent_rate_plan_id IS NOT NULL);
CREATE INDEX rate_plans_room_type_idx ON app_public.rate_plans USING btree (property_id, room_type_id);
alter table app_public.rate_plans enable row level security;
create policy manage_manager on app_public.rate_plans for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_published_or_member on app_public.rate_plans for select to public
  using (is_published AND (EXISTS ( SELECT 1
   FROM app_public.room_types rt
     JOIN app_public.properties p ON p.id = rt.property_id
  WHERE rt.id = rate_plans.room_type_id AND rt.is_published AND p.is_published)) OR (property_id IN ( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)));
create policy worker_all on app_public.rate_plans for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.rate_plans FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _200_derived BEFORE INSERT OR UPDATE ON app_public.rate_plans FOR EACH ROW EXECUTE FUNCTION app_private.tg_rate_plans__derived();
CREATE TRIGGER _200_follow_parent AFTER UPDATE OF base_price ON app_public.rate_plans FOR EACH ROW WHEN (old.base_price IS DISTINCT FROM new.base_price) EXECUTE FUNCTION app_private.tg_rate_plans__follow_parent();
CREATE TRIGGER _200_keep_parent BEFORE DELETE ON app_public.rate_plans FOR EACH ROW EXECUTE FUNCTION app_private.tg_rate_plans__keep_parent();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.rate_plans FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.rate_plans replica identity full;
grant select on app_public.rate_plans to keepr_anonymous;
grant delete on app_public.rate_plans to keepr_staff;
grant select on app_public.rate_plans to keepr_worker;
grant insert (property_id, room_type_id, name, description, currency, base_price, included_guests, extra_adult_fee, extra_child_fee, meal_plan, min_stay, max_stay, is_refundable, free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value, is_published, deposit_percent, balance_due_days, charge_posting, guest_changes_allowed, payment_deadline_hours, parent_rate_plan_id, adjustment_percent, adjustment_amount, rounding_step), update (name, description, base_price, included_guests, extra_adult_fee, extra_child_fee, meal_plan, min_stay, max_stay, is_refundable, free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value, is_published, deposit_percent, balance_due_days, charge_posting, guest_changes_allowed, payment_deadline_hours, parent_rate_plan_id, adjustment_percent, adjustment_amount, rounding_step) on app_public.rate_plans to keepr_staff;
comment on table app_public.rate_plans is 'A way to sell a room type: nightly price, included guests, extra-guest fees, meal plan, stay limits and cancellation policy.';
comment on column app_public.rate_plans.base_price is 'Nightly price in minor units for the included guests, unless the rate calendar overrides it. A derived plan''s is its parent''s adjusted (set by the database).';
comment on column app_public.rate_plans.included_guests is 'Guests the nightly price covers; adults fill these places before children.';
comment on column app_public.rate_plans.extra_adult_fee is 'Per night, for each adult beyond the included guests.';
comment on column app_public.rate_plans.extra_child_fee is 'Per night, for each child beyond the included guests.';
comment on column app_public.rate_plans.min_stay is 'Fewest nights, unless the calendar row of the arrival date says otherwise.';
comment on column app_public.rate_plans.max_stay is 'Most nights (none when null), unless the calendar row of the arrival date says otherwise.';
comment on column app_public.rate_plans.is_refundable is 'False: non-refundable, a cancellation costs the whole stay.';
comment on column app_public.rate_plans.free_cancellation_days is 'Cancelling is free until this many days before arrival (at the property''s check-in time).';
comment on column app_public.rate_plans.cancellation_penalty_value is 'After the free period: nights charged, or percent of the total.';
comment on column app_public.rate_plans.deposit_percent is 'The share of the total charged at booking (0–100). 0 with balance_due_days 0: pay at check-in.';
comment on column app_public.rate_plans.balance_due_days is 'How many days before arrival the rest falls due, at the check-in time (0: at check-in).';
comment on column app_public.rate_plans.charge_posting is 'on_booking: the whole stay is charged when it is confirmed. nightly: each night is charged by the night audit that closes it, the rest at check-out. It applies to the plan''s stays from their next posting.';
comment on column app_public.rate_plans.guest_changes_allowed is 'Whether guests may change the dates and guests of their bookings on this rate online (modifyReservation), which they may only while the stay still cancels for free.';
comment on column app_public.rate_plans.payment_deadline_hours is 'The payment guarantee: how many hours a booking may stay unpaid after a payment that was due failed (1 to 720, default 24). Then it is cancelled under the plan''s cancellation terms and its nights are released, unless staff extend the deadline or waive the guarantee.';
comment on column app_public.rate_plans.parent_rate_plan_id is 'A derived plan follows this plan (same room type, not derived itself): every night''s price is the parent''s adjusted, and the parent''s restrictions apply too. Null: a plan with its own prices.';
comment on column app_public.rate_plans.adjustment_percent is 'A derived plan''s adjustment as a percent of the parent''s nightly price, -90 to +100 (-15: 15 % less). Exactly one of this and adjustment_amount on a derived plan.';
comment on column app_public.rate_plans.adjustment_amount is 'A derived plan''s adjustment in minor units per night added to the parent''s price (negative: less), at most 1,000,000 either way.';
comment on column app_public.rate_plans.rounding_step is 'A derived plan''s nightly price is rounded to a multiple of this many minor units (1: none; 100: whole units of a two-decimal currency), half away from zero.';
comment on constraint rate_plans_parent_fkey on app_public.rate_plans is '@fieldName parent
@foreignFieldName derivedPlans';
comment on constraint rate_plans_pkey on app_public.rate_plans is '@rowIdentity id';
comment on constraint rate_plans_property_id_currency_fkey on app_public.rate_plans is '@behavior -*';
comment on constraint rate_plans_property_id_id_key on app_public.rate_plans is '@behavior -*';
comment on constraint rate_plans_property_id_room_type_id_fkey on app_public.rate_plans is '@fieldName roomType
@foreignFieldName ratePlans';
comment on constraint rate_plans_property_id_room_type_id_id_key on app_public.rate_plans is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.reconciliation_differences
-- ----------------------------------------------------------------------------
create table app_public.reconciliation_differences (
  id uuid default gen_random_uuid() not null,
  report_id uuid not null,
  property_id uuid not null,
  kind app_public.reconciliation_difference_kind not null,
  reference text,
  provider_object_id text,
  currency character(3),
  ledger_amount bigint,
  report_amount bigint,
  created_at timestamp with time zone default now() not null,
  resolved_at timestamp with time zone,
  resolved_by uuid,
  resolution_note text,
  constraint reconciliation_differences_pkey PRIMARY KEY (id, property_id),
  constraint reconciliation_differences_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint reconciliation_differences_report_id_fkey FOREIGN KEY (report_id) REFERENCES app_public.settlement_reports(id) ON DELETE CASCADE,
  constraint reconciliation_differences_resolution_note_check CHECK (length(resolution_note) <= 1000),
  constraint reconciliation_differences_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX reconciliation_differences_property_idx ON app_public.reconciliation_differences USING btree (property_id, created_at DESC);
alter table app_public.reconciliation_differences enable row level security;
create policy resolve_accounting on app_public.reconciliation_differences for update to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy select_accounting on app_public.reconciliation_differences for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
grant select on app_public.reconciliation_differences to keepr_staff;
grant update (resolved_at, resolution_note) on app_public.reconciliation_differences to keepr_staff;
comment on table app_public.reconciliation_differences is 'A difference between the ledger and a settlement report: missing (ledger only), extra (report only), amount_mismatch. Staff resolve them.';
comment on constraint reconciliation_differences_pkey on app_public.reconciliation_differences is '@rowIdentity id';
comment on constraint reconciliation_differences_report_id_fkey on app_public.reconciliation_differences is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.refunds
-- ----------------------------------------------------------------------------
create table app_public.refunds (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  intent_id uuid not null,
  attempt_id uuid not null,
  amount bigint not null,
  currency character(3) not null,
  status app_public.refund_status default 'pending'::app_public.refund_status not null,
  reason text,
  provider_refund_id text,
  refunded_at timestamp with time zone,
  failure_code text,
  failure_message text,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint refunds_amount_check CHECK (amount > 0),
  constraint refunds_check CHECK ((status = 'succeeded'::app_public.refund_status) = (refunded_at IS NOT NULL)),
  constraint refunds_check1 CHECK ((status = 'failed'::app_public.refund_status) = (failure_code IS NOT NULL)),
  constraint refunds_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint refunds_pkey PRIMARY KEY (id, property_id),
  constraint refunds_property_id_attempt_id_fkey FOREIGN KEY (property_id, attempt_id) REFERENCES app_public.payment_attempts(property_id, id) ON DELETE RESTRICT,
  constraint refunds_property_id_id_key UNIQUE (property_id, id),
  constraint refunds_property_id_intent_id_fkey FOREIGN KEY (property_id, intent_id) REFERENCES app_public.payment_intents(property_id, id) ON DELETE RESTRICT,
  constraint refunds_reason_check CHECK (length(reason) <= 500)
);
CREATE INDEX refunds_created_idx ON app_public.refunds USING btree (property_id, created_at DESC);
CREATE INDEX refunds_intent_idx ON app_public.refunds USING btree (property_id, intent_id);
alter table app_public.refunds enable row level security;
create policy select_staff_or_guest on app_public.refunds for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.payment_intents i
  WHERE i.property_id = refunds.property_id AND i.id = refunds.intent_id)));
create policy worker_all on app_public.refunds for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.refunds FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.refunds FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.refunds replica identity full;
grant select on app_public.refunds to keepr_anonymous;
grant select on app_public.refunds to keepr_worker;
comment on table app_public.refunds is 'Money given back on a captured payment, by the provider, in a job.';
comment on constraint refunds_pkey on app_public.refunds is '@rowIdentity id';
comment on constraint refunds_property_id_attempt_id_fkey on app_public.refunds is '@fieldName attempt
@foreignFieldName refunds';
comment on constraint refunds_property_id_id_key on app_public.refunds is '@behavior -*';
comment on constraint refunds_property_id_intent_id_fkey on app_public.refunds is '@fieldName intent
@foreignFieldName refunds';

-- ----------------------------------------------------------------------------
-- table app_public.registration_cards
-- ----------------------------------------------------------------------------
create table app_public.registration_cards (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  reservation_id uuid not null,
  full_name text not null,
  document_type app_public.identity_document_type not null,
  document_number text not null,
  issuing_country character(2) not null,
  nationality character(2) not null,
  date_of_birth date not null,
  issued_on date not null,
  expires_on date,
  address text,
  recorded_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint registration_cards_address_check CHECK (length(address) >= 1 AND length(address) <= 500),
  constraint registration_cards_date_of_birth_check CHECK (date_of_birth >= '1900-01-01'::date),
  constraint registration_cards_dates_check CHECK (issued_on >= date_of_birth AND (expires_on IS NULL OR expires_on > issued_on)),
  constraint registration_cards_document_number_check CHECK (document_number ~ '^[A-Z0-9<-]{3,30}$'::text),
  constraint registration_cards_full_name_check CHECK (length(full_name) >= 1 AND length(full_name) <= 200),
  constraint registration_cards_issuing_country_check CHECK (app_hidden.is_country_code(issuing_country::text)),
  constraint registration_cards_nationality_check CHECK (app_hidden.is_country_code(nationality::text)),
  constraint registration_cards_pkey PRIMARY KEY (id, property_id),
  constraint registration_cards_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint registration_cards_property_id_reservation_id_key UNIQUE (property_id, reservation_id),
  constraint registration_cards_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES app_public.users(id) ON DELETE SET NULL,
  constraint registration_cards_reservation_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE
);
CREATE INDEX registration_cards_recorded_by_idx ON app_public.registration_cards USING btree (recorded_by) WHERE (recorded_by IS NOT NULL);
alter table app_public.registration_cards enable row level security;
create policy select_front_office on app_public.registration_cards for select to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.registration_cards FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.registration_cards FOR EACH ROW EXECUTE FUNCTION app_private.tg_registration_cards__audit();
grant select on app_public.registration_cards to keepr_staff;
comment on table app_public.registration_cards is '@behavior -insert -update -delete
The registration card of a stay: the guest''s identity document as the desk recorded it at check-in (recordRegistrationCard), printable at /registration-cards/<reservation id>.pdf. Read by the property''s front office only (owner, manager, front desk); analysts see reporting.registration_cards, masked; never published to realtime; audited with the number and date of birth masked.';
comment on column app_public.registration_cards.full_name is 'The guest''s name as on the document.';
comment on column app_public.registration_cards.document_type is 'Passport, national identity card, driving licence, residence permit or other.';
comment on column app_public.registration_cards.document_number is 'The document''s number, upper-case, without spaces (3 to 30 letters, digits, < or -).';
comment on column app_public.registration_cards.issuing_country is 'The country that issued the document (ISO 3166-1 alpha-2).';
comment on column app_public.registration_cards.nationality is 'The guest''s nationality (ISO 3166-1 alpha-2).';
comment on column app_public.registration_cards.date_of_birth is 'The guest''s date of birth.';
comment on column app_public.registration_cards.issued_on is 'When the document was issued.';
comment on column app_public.registration_cards.expires_on is 'When the document expires (null: it does not); it was valid when recorded.';
comment on column app_public.registration_cards.address is 'The guest''s home address, when the country asks for it.';
comment on column app_public.registration_cards.recorded_by is 'Who recorded or last corrected the card.';
comment on constraint registration_cards_pkey on app_public.registration_cards is '@rowIdentity id';
comment on constraint registration_cards_property_id_reservation_id_key on app_public.registration_cards is '@behavior -*';
comment on constraint registration_cards_recorded_by_fkey on app_public.registration_cards is '@fieldName recordedByUser';
comment on constraint registration_cards_reservation_fkey on app_public.registration_cards is '@fieldName reservation
@foreignFieldName registrationCard';

-- ----------------------------------------------------------------------------
-- table app_public.reservations
-- ----------------------------------------------------------------------------
create table app_public.reservations (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  room_type_id uuid not null,
  rate_plan_id uuid not null,
  unit_id uuid,
  guest_id uuid,
  user_id uuid,
  confirmation_code text,
  status app_public.reservation_status default 'held'::app_public.reservation_status not null,
  stay daterange not null,
  adults integer not null,
  children integer default 0 not null,
  currency character(3) not null,
  room_amount bigint not null,
  fees_amount bigint not null,
  taxes_amount bigint not null,
  total_amount bigint not null,
  price_lines jsonb not null,
  cancellation_policy jsonb not null,
  hold_expires_at timestamp with time zone,
  special_requests text,
  confirmed_at timestamp with time zone,
  checked_in_at timestamp with time zone,
  checked_out_at timestamp with time zone,
  cancelled_at timestamp with time zone,
  no_show_at timestamp with time zone,
  cancellation_reason text,
  penalty_amount bigint,
  refund_amount bigint,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  channel text default 'web'::text not null,
  contact_name text,
  contact_email citext,
  contact_phone text,
  unit_pinned boolean default false not null,
  payment_due_by timestamp with time zone,
  payment_guarantee_waived_at timestamp with time zone,
  payment_guarantee_note text,
  card_brand text,
  card_last4 text,
  do_not_disturb_on date,
  group_id uuid,
  room_no smallint,
  guest_name text,
  expected_arrival_time time without time zone,
  promo_code_id uuid,
  constraint reservations_adults_check CHECK (adults >= 1 AND adults <= 50),
  constraint reservations_cancellation_reason_check CHECK (length(cancellation_reason) <= 500),
  constraint reservations_card_check CHECK (card_last4 ~ '^[0-9]{4}$'::text AND card_brand ~ '^[a-z_]{1,20}$'::text),
  constraint reservations_channel_check CHECK (channel = ANY (ARRAY['web'::text, 'front_desk'::text])),
  constraint reservations_check CHECK ((status = 'held'::app_public.reservation_status) = (hold_expires_at IS NOT NULL)),
  constraint reservations_check1 CHECK (confirmed_at IS NULL OR guest_id IS NOT NULL AND confirmation_code IS NOT NULL),
  constraint reservations_check2 CHECK ((status = ANY (ARRAY['held'::app_public.reservation_status, 'cancelled'::app_public.reservation_status])) OR confirmed_at IS NOT NULL),
  constraint reservations_check3 CHECK ((room_amount + fees_amount + taxes_amount) = total_amount),
  constraint reservations_children_check CHECK (children >= 0 AND children <= 50),
  constraint reservations_confirmation_code_check CHECK (confirmation_code ~ '^[A-Z2-9]{8}$'::text),
  constraint reservations_contact_email_check CHECK (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::citext AND length(contact_email::text) <= 254),
  constraint reservations_contact_name_check CHECK (length(contact_name) >= 1 AND length(contact_name) <= 200),
  constraint reservations_contact_phone_check CHECK (contact_phone ~ '^\+?[0-9 ()./-]{5,30}$'::text),
  constraint reservations_group_fkey FOREIGN KEY (property_id, group_id) REFERENCES app_public.booking_groups(property_id, id) ON DELETE RESTRICT,
  constraint reservations_group_room_check CHECK ((group_id IS NULL) = (room_no IS NULL)),
  constraint reservations_guest_name_check CHECK (length(btrim(guest_name)) >= 1 AND length(btrim(guest_name)) <= 200),
  constraint reservations_payment_guarantee_note_check CHECK (length(payment_guarantee_note) <= 500),
  constraint reservations_penalty_amount_check CHECK (penalty_amount >= 0),
  constraint reservations_pkey PRIMARY KEY (id, property_id),
  constraint reservations_property_id_confirmation_code_key UNIQUE (property_id, confirmation_code),
  constraint reservations_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE RESTRICT,
  constraint reservations_property_id_guest_id_fkey FOREIGN KEY (property_id, guest_id) REFERENCES app_public.guests(property_id, id) ON DELETE RESTRICT,
  constraint reservations_property_id_id_key UNIQUE (property_id, id),
  constraint reservations_property_id_promo_code_id_fkey FOREIGN KEY (property_id, promo_code_id) REFERENCES app_public.promo_codes(property_id, id) ON DELETE RESTRICT,
  constraint reservations_property_id_rate_plan_id_fkey FOREIGN KEY (property_id, rate_plan_id) REFERENCES app_public.rate_plans(property_id, id) ON DELETE RESTRICT,
  constraint reservations_property_id_room_type_id_fkey FOREIGN KEY (property_id, room_type_id) REFERENCES app_public.room_types(property_id, id) ON DELETE RESTRICT,
  constraint reservations_property_id_unit_id_fkey FOREIGN KEY (property_id, unit_id) REFERENCES app_public.units(property_id, id) ON DELETE RESTRICT,
  constraint reservations_refund_amount_check CHECK (refund_amount >= 0),
  constraint reservations_room_no_check CHECK (room_no >= 1 AND room_no <= 20),
  constraint reservations_special_requests_check CHECK (length(special_requests) <= 2000),
  constraint reservations_stay_check CHECK (NOT isempty(stay) AND lower_inc(stay) AND NOT upper_inc(stay) AND NOT lower_inf(stay) AND NOT upper_inf(stay)),
  constraint reservations_total_amount_check CHECK (total_amount >= 0),
  constraint reservations_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE SET NULL
);
CREATE INDEX reservations_arrival_any_idx ON app_public.reservations USING btree (property_id, lower(stay));
CREATE INDEX reservations_arrival_idx ON app_public.reservations USING btree (property_id, lower(stay)) WHERE (status = ANY (ARRAY['confirmed'::app_public.reservation_status, 'checked_in'::app_public.reservation_status]));
CREATE INDEX reservations_cancelled_at_idx ON app_public.reservations USING btree (property_id, cancelled_at) WHERE (cancelled_at IS NOT NULL);
CREATE INDEX reservations_checked_out_at_idx ON app_public.reservations USING btree (property_id, checked_out_at) WHERE (checked_out_at IS NOT NULL);
CREATE INDEX reservations_confirmation_code_idx ON app_public.reservations USING btree (confirmation_code) WHERE (confirmation_code IS NOT NULL);
CREATE INDEX reservations_contact_search_idx ON app_public.reservations USING gin (app_hidden.guest_search_text(contact_name, (contact_email)::text, contact_phone) gin_trgm_ops) WHERE ((contact_name IS NOT NULL) OR (contact_email IS NOT NULL) OR (contact_phone IS NOT NULL));
CREATE INDEX reservations_departure_idx ON app_public.reservations USING btree (property_id, upper(stay)) WHERE (status = ANY (ARRAY['checked_in'::app_public.reservation_status, 'checked_out'::app_public.reservation_status]));
CREATE UNIQUE INDEX reservations_group_room_idx ON app_public.reservations USING btree (property_id, group_id, room_no);
CREATE INDEX reservations_guest_idx ON app_public.reservations USING btree (property_id, guest_id);
CREATE INDEX reservations_no_show_at_idx ON app_public.reservations USING btree (property_id, no_show_at) WHERE (no_show_at IS NOT NULL);
CREATE INDEX reservations_payment_due_idx ON app_public.reservations USING btree (property_id, payment_due_by) WHERE (payment_due_by IS NOT NULL);
CREATE INDEX reservations_promo_code_idx ON app_public.reservations USING btree (property_id, promo_code_id) WHERE (promo_code_id IS NOT NULL);
CREATE INDEX reservations_rate_plan_idx ON app_public.reservations USING btree (property_id, rate_plan_id);
CREATE INDEX reservations_room_type_idx ON app_public.reservations USING btree (property_id, room_type_id);
CREATE INDEX reservations_stay_idx ON app_public.reservations USING gist (property_id, stay) WHERE (status = ANY (ARRAY['confirmed'::app_public.reservation_status, 'checked_in'::app_public.reservation_status, 'checked_out'::app_public.reservation_status]));
CREATE INDEX reservations_unit_idx ON app_public.reservations USING btree (property_id, unit_id, lower(stay));
CREATE INDEX reservations_user_idx ON app_public.reservations USING btree (user_id) WHERE (user_id IS NOT NULL);
alter table app_public.reservations enable row level security;
create policy select_member_self_or_booking on app_public.reservations for select to public
  using ((property_id = ANY ((ARRAY( SELECT app_hidden.current_property_ids_for('cashiers'::text) AS current_property_ids_for)))) OR user_id = (( SELECT app_hidden.current_user_id() AS current_user_id)) OR id = (( SELECT app_hidden.current_booking_id() AS current_booking_id)) OR group_id = (( SELECT app_hidden.current_booking_group_id() AS current_booking_group_id)));
create policy update_front_desk on app_public.reservations for update to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('front_office'::text) AS current_property_ids_for)));
create policy worker_all on app_public.reservations for select to keepr_worker
  using (true);
CREATE TRIGGER _050_channel BEFORE INSERT ON app_public.reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg_reservations__channel();
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _300_unlink_allocation_moves BEFORE DELETE ON app_public.reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg_reservations__unlink_allocation_moves();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.reservations FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
CREATE TRIGGER _600_notify AFTER UPDATE ON app_public.reservations FOR EACH ROW WHEN (new.guest_id IS NOT NULL AND (old.status IS DISTINCT FROM new.status OR old.stay IS DISTINCT FROM new.stay OR old.adults IS DISTINCT FROM new.adults OR old.children IS DISTINCT FROM new.children OR old.rate_plan_id IS DISTINCT FROM new.rate_plan_id OR old.total_amount IS DISTINCT FROM new.total_amount)) EXECUTE FUNCTION app_private.tg_reservations__notify();
CREATE TRIGGER _610_housekeeping AFTER UPDATE OF status ON app_public.reservations FOR EACH ROW WHEN (old.status = 'checked_in'::app_public.reservation_status AND new.status = 'checked_out'::app_public.reservation_status AND new.unit_id IS NOT NULL) EXECUTE FUNCTION app_private.tg_reservations__housekeeping();
CREATE TRIGGER _620_unit_occupancy AFTER UPDATE OF status, unit_id ON app_public.reservations FOR EACH ROW WHEN ((old.status = 'checked_in'::app_public.reservation_status OR new.status = 'checked_in'::app_public.reservation_status) AND (old.status IS DISTINCT FROM new.status OR old.unit_id IS DISTINCT FROM new.unit_id)) EXECUTE FUNCTION app_private.tg_reservations__unit_occupancy();
alter table app_public.reservations replica identity full;
grant select on app_public.reservations to keepr_anonymous;
grant select on app_public.reservations to keepr_worker;
grant update (special_requests, expected_arrival_time) on app_public.reservations to keepr_staff;
comment on table app_public.reservations is 'A stay: a hold until confirmed, then a booking with a confirmation code. Its price is locked when the hold is made and re-priced only by modify_reservation.';
comment on column app_public.reservations.stay is '[arrival, departure) in the property''s local calendar.';
comment on column app_public.reservations.taxes_amount is 'Taxes added to the prices (inclusive taxes are inside room_amount and fees_amount).';
comment on column app_public.reservations.price_lines is 'The locked price: nightly lines, discount, fees and taxes, in minor units.';
comment on column app_public.reservations.cancellation_policy is 'The rate plan''s cancellation terms when the stay was priced, with the deadline as a timestamp.';
comment on column app_public.reservations.penalty_amount is 'What the cancellation policy charged on cancellation or no-show.';
comment on column app_public.reservations.refund_amount is 'total_amount less the penalty, on cancellation.';
comment on column app_public.reservations.channel is 'Where the booking was made: web (a guest) or front_desk (staff of the property, e.g. by phone). OTA bookings arrive as blocks, not reservations.';
comment on column app_public.reservations.contact_name is 'The guest''s name as given for this booking.';
comment on column app_public.reservations.contact_email is 'The email given for this booking (lookup with the confirmation code uses it).';
comment on column app_public.reservations.contact_phone is 'The phone number given for this booking, if any.';
comment on column app_public.reservations.unit_pinned is 'The stay keeps its unit: the allocator never moves it to make room for another (a guest''s request; a room move by hand pins it).';
comment on column app_public.reservations.payment_due_by is 'Payment due: a payment that was due failed, and the booking is cancelled under its rate plan''s terms if it is still unpaid at this time (set from the plan''s payment_deadline_hours; staff may extend it or waive the guarantee). Null when nothing is due.';
comment on column app_public.reservations.payment_guarantee_waived_at is 'When staff waived the payment guarantee: the booking is kept even if a payment stays unpaid.';
comment on column app_public.reservations.payment_guarantee_note is 'The reason staff gave for the last extension or waiver of the payment deadline.';
comment on column app_public.reservations.card_brand is 'The card on file: its brand (visa, mastercard, amex, ...), from the payment provider. The card that last succeeded, or the one the guest gave last.';
comment on column app_public.reservations.card_last4 is 'The card on file: its last four digits.';
comment on column app_public.reservations.do_not_disturb_on is 'The day (property calendar) the guest in house hung do-not-disturb: no stay-over cleaning that day (setDoNotDisturb).';
comment on column app_public.reservations.group_id is 'The booking group this room belongs to; null for a reservation on its own.';
comment on column app_public.reservations.room_no is 'The room''s place in its group''s rooming list (1, 2, …); null outside a group.';
comment on column app_public.reservations.guest_name is 'Who sleeps in this room (the rooming list), when it is not the booker.';
comment on column app_public.reservations.expected_arrival_time is 'When the guest expects to arrive on the arrival day (local time at the property), as the guest or the front desk said; null: not known. Before the property''s check-in time: an early check-in for housekeeping.';
comment on column app_public.reservations.promo_code_id is 'The promo code whose discount is in the price (a discount line), counted as used at confirmation.';
comment on constraint reservations_group_fkey on app_public.reservations is '@fieldName group
@foreignFieldName rooms';
comment on constraint reservations_pkey on app_public.reservations is '@rowIdentity id';
comment on constraint reservations_property_id_guest_id_fkey on app_public.reservations is '@fieldName guest
@foreignFieldName reservations';
comment on constraint reservations_property_id_id_key on app_public.reservations is '@behavior -*';
comment on constraint reservations_property_id_promo_code_id_fkey on app_public.reservations is '@fieldName promoCode
@foreignFieldName reservations';
comment on constraint reservations_property_id_rate_plan_id_fkey on app_public.reservations is '@fieldName ratePlan
@foreignFieldName reservations';
comment on constraint reservations_property_id_room_type_id_fkey on app_public.reservations is '@fieldName roomType
@foreignFieldName reservations';
comment on constraint reservations_property_id_unit_id_fkey on app_public.reservations is '@fieldName unit
@foreignFieldName reservations';

-- ----------------------------------------------------------------------------
-- table app_public.room_types
-- ----------------------------------------------------------------------------
create table app_public.room_types (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  name text not null,
  description text,
  max_occupancy integer not null,
  is_published boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  photo_urls text[] default '{}'::text[] not null,
  amenities text[] default '{}'::text[] not null,
  constraint room_types_amenities_check CHECK (app_hidden.valid_amenities(amenities)),
  constraint room_types_description_length_check CHECK (length(description) <= 5000),
  constraint room_types_max_occupancy_check CHECK (max_occupancy >= 1 AND max_occupancy <= 50),
  constraint room_types_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint room_types_photo_urls_check CHECK (app_hidden.valid_photo_urls(photo_urls)),
  constraint room_types_pkey PRIMARY KEY (id, property_id),
  constraint room_types_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint room_types_property_id_id_key UNIQUE (property_id, id),
  constraint room_types_property_id_name_key UNIQUE (property_id, name)
);
alter table app_public.room_types enable row level security;
create policy manage_manager on app_public.room_types for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_published_or_member on app_public.room_types for select to public
  using (is_published AND (EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE p.id = room_types.property_id AND p.is_published)) OR (property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
create policy worker_all on app_public.room_types for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.room_types FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.room_types FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.room_types replica identity full;
grant select on app_public.room_types to keepr_anonymous;
grant delete on app_public.room_types to keepr_staff;
grant select on app_public.room_types to keepr_worker;
grant insert (property_id, name, description, max_occupancy, is_published, photo_urls, amenities), update (name, description, max_occupancy, is_published, photo_urls, amenities) on app_public.room_types to keepr_staff;
comment on table app_public.room_types is 'A kind of room or rental that guests book; units of the type are interchangeable.';
comment on column app_public.room_types.max_occupancy is 'Most guests (adults and children) a unit of this type sleeps.';
comment on column app_public.room_types.photo_urls is 'Photos of the room type, first the one to show first: paths on this server (/photos/...) or https URLs; at most 20.';
comment on column app_public.room_types.amenities is 'What the room type has, as codes apps translate (wifi, air_conditioning, heating, tv, minibar, kitchen, kitchenette, balcony, river_view, mountain_view, bathtub, workspace, crib, ...); at most 40.';
comment on constraint room_types_pkey on app_public.room_types is '@rowIdentity id';
comment on constraint room_types_property_id_id_key on app_public.room_types is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.settlement_lines
-- ----------------------------------------------------------------------------
create table app_public.settlement_lines (
  report_id uuid not null,
  line_no integer not null,
  provider_object_id text not null,
  type text not null,
  occurred_at timestamp with time zone not null,
  currency character(3) not null,
  amount bigint not null,
  fee bigint not null,
  net bigint not null,
  charge_id text,
  reference text,
  unmatched boolean default false not null,
  constraint settlement_lines_pkey PRIMARY KEY (report_id, line_no),
  constraint settlement_lines_report_id_fkey FOREIGN KEY (report_id) REFERENCES app_public.settlement_reports(id) ON DELETE CASCADE
);
alter table app_public.settlement_lines enable row level security;
comment on table app_public.settlement_lines is 'The lines of a settlement report as the provider sent them.';
comment on column app_public.settlement_lines.unmatched is 'The line''s reference is no payment or refund Keepr knows: a difference of no property (counted in its report''s difference_count; analysts see it in reporting.reconciliation_differences).';

-- ----------------------------------------------------------------------------
-- table app_public.settlement_reports
-- ----------------------------------------------------------------------------
create table app_public.settlement_reports (
  id uuid default gen_random_uuid() not null,
  provider text not null,
  report_date date not null,
  line_count integer not null,
  difference_count integer default 0 not null,
  imported_at timestamp with time zone default now() not null,
  constraint settlement_reports_pkey PRIMARY KEY (id),
  constraint settlement_reports_provider_report_date_key UNIQUE (provider, report_date)
);
alter table app_public.settlement_reports enable row level security;
create policy worker_all on app_public.settlement_reports for select to keepr_worker
  using (true);
grant select on app_public.settlement_reports to keepr_worker;
comment on table app_public.settlement_reports is 'A provider''s settlement report of one UTC day, imported by the reconciliation job.';

-- ----------------------------------------------------------------------------
-- table app_public.taxes
-- ----------------------------------------------------------------------------
create table app_public.taxes (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  name text not null,
  basis app_public.tax_basis not null,
  percent numeric(6,3),
  amount bigint,
  currency character(3) not null,
  is_inclusive boolean default false not null,
  applies_to_fees boolean default false not null,
  is_active boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  applies_to_penalty boolean,
  constraint taxes_amount_check CHECK (amount >= 0),
  constraint taxes_applies_to_penalty_set CHECK (applies_to_penalty IS NOT NULL),
  constraint taxes_check CHECK ((basis = 'percent_of_room'::app_public.tax_basis) = (percent IS NOT NULL)),
  constraint taxes_check1 CHECK ((basis = 'percent_of_room'::app_public.tax_basis) = (amount IS NULL)),
  constraint taxes_check2 CHECK (NOT applies_to_fees OR basis = 'percent_of_room'::app_public.tax_basis),
  constraint taxes_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint taxes_percent_check CHECK (percent > 0::numeric AND percent <= 100::numeric),
  constraint taxes_pkey PRIMARY KEY (id, property_id),
  constraint taxes_property_id_currency_fkey FOREIGN KEY (property_id, currency) REFERENCES app_public.properties(id, currency) ON DELETE CASCADE,
  constraint taxes_property_id_id_key UNIQUE (property_id, id),
  constraint taxes_property_id_name_key UNIQUE (property_id, name)
);
alter table app_public.taxes enable row level security;
create policy manage_manager on app_public.taxes for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('back_office'::text) AS current_property_ids_for)));
create policy select_published_or_member on app_public.taxes for select to public
  using ((EXISTS ( SELECT 1
   FROM app_public.properties p
  WHERE p.id = taxes.property_id AND p.is_published)) OR (property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.taxes FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _200_penalty_default BEFORE INSERT OR UPDATE ON app_public.taxes FOR EACH ROW EXECUTE FUNCTION app_private.tg_taxes__penalty_default();
CREATE TRIGGER _300_ledger_accounts AFTER INSERT ON app_public.taxes FOR EACH ROW EXECUTE FUNCTION app_private.tg__create_ledger_accounts();
CREATE TRIGGER _310_ledger_account_name AFTER UPDATE OF name ON app_public.taxes FOR EACH ROW WHEN (old.name IS DISTINCT FROM new.name) EXECUTE FUNCTION app_private.tg_taxes__name_ledger_account();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.taxes FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.taxes to keepr_anonymous;
grant delete on app_public.taxes to keepr_staff;
grant insert (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees, is_active, applies_to_penalty), update (name, basis, percent, amount, is_inclusive, applies_to_fees, is_active, applies_to_penalty) on app_public.taxes to keepr_staff;
comment on table app_public.taxes is 'A tax on stays at a property: a percent of the room total (and of fees when applies_to_fees), or a fixed amount per night or per person-night. Inclusive taxes are already inside the prices and are shown, not added.';
comment on column app_public.taxes.applies_to_penalty is 'Whether a cancellation or no-show penalty carries this tax: a percent tax such as VAT does (its share of the penalty stays on the tax account), a tax per night or per person-night such as a city tax is owed only for nights stayed and does not (the penalty is a share of the total without it). Left out, the basis decides: percent yes, per night / per person-night no.';
comment on constraint taxes_pkey on app_public.taxes is '@rowIdentity id';
comment on constraint taxes_property_id_currency_fkey on app_public.taxes is '@behavior -*';
comment on constraint taxes_property_id_id_key on app_public.taxes is '@behavior -*';

-- ----------------------------------------------------------------------------
-- table app_public.units
-- ----------------------------------------------------------------------------
create table app_public.units (
  id uuid default gen_random_uuid() not null,
  property_id uuid not null,
  room_type_id uuid not null,
  name text not null,
  housekeeping_status app_public.housekeeping_status default 'clean'::app_public.housekeeping_status not null,
  is_active boolean default true not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  owner_id uuid,
  ical_token text default encode(gen_random_bytes(16), 'hex'::text) not null,
  is_occupied boolean default false not null,
  constraint units_ical_token_check CHECK (ical_token ~ '^[0-9a-f]{32}$'::text),
  constraint units_ical_token_property_id_key UNIQUE (ical_token, property_id),
  constraint units_name_check CHECK (length(name) >= 1 AND length(name) <= 100),
  constraint units_owner_fkey FOREIGN KEY (property_id, owner_id) REFERENCES app_public.owners(property_id, id) ON DELETE RESTRICT,
  constraint units_pkey PRIMARY KEY (id, property_id),
  constraint units_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint units_property_id_id_key UNIQUE (property_id, id),
  constraint units_property_id_name_key UNIQUE (property_id, name),
  constraint units_property_id_room_type_id_fkey FOREIGN KEY (property_id, room_type_id) REFERENCES app_public.room_types(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX units_owner_idx ON app_public.units USING btree (property_id, owner_id) WHERE (owner_id IS NOT NULL);
CREATE INDEX units_room_type_idx ON app_public.units USING btree (property_id, room_type_id);
alter table app_public.units enable row level security;
create policy manage_manager on app_public.units for all to keepr_staff
  using ((property_id IN ( SELECT app_hidden.current_property_ids_for('managers'::text) AS current_property_ids_for)));
create policy select_member on app_public.units for select to public
  using ((property_id IN ( SELECT app_hidden.current_property_ids() AS current_property_ids)));
create policy worker_all on app_public.units for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.units FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.units FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
alter table app_public.units replica identity using index units_property_id_id_key;
grant delete, select on app_public.units to keepr_staff;
grant select on app_public.units to keepr_worker;
grant insert (property_id, room_type_id, name, housekeeping_status, is_active), update (room_type_id, name, housekeeping_status, is_active, owner_id, ical_token) on app_public.units to keepr_staff;
comment on table app_public.units is 'A physical room or rental that a stay occupies. Staff only.';
comment on column app_public.units.is_active is 'Inactive units are never sold.';
comment on column app_public.units.owner_id is 'The owner of the unit, when it is not the property''s own.';
comment on column app_public.units.ical_token is 'The secret of the unit''s iCal export URL (/ical/<token>.ics), what OTAs import. Staff may rotate it.';
comment on column app_public.units.is_occupied is 'Whether a checked-in guest is in the unit now (kept by Keepr from check-in, check-out and room moves).';
comment on constraint units_ical_token_property_id_key on app_public.units is '@behavior -*';
comment on constraint units_owner_fkey on app_public.units is '@fieldName owner
@foreignFieldName units';
comment on constraint units_pkey on app_public.units is '@rowIdentity id';
comment on constraint units_property_id_id_key on app_public.units is '@behavior -*';
comment on constraint units_property_id_room_type_id_fkey on app_public.units is '@fieldName roomType
@foreignFieldName units';

-- ----------------------------------------------------------------------------
-- table app_public.users
-- ----------------------------------------------------------------------------
create table app_public.users (
  id uuid default gen_random_uuid() not null,
  email citext not null,
  display_name text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint users_display_name_check CHECK (length(display_name) >= 1 AND length(display_name) <= 100),
  constraint users_email_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::citext),
  constraint users_email_key UNIQUE (email),
  constraint users_pkey PRIMARY KEY (id)
);
alter table app_public.users enable row level security;
create policy select_self_and_colleagues on app_public.users for select to public
  using (id = (( SELECT app_hidden.current_user_id() AS current_user_id)) OR (id IN ( SELECT app_hidden.current_colleague_ids() AS current_colleague_ids)));
create policy update_self on app_public.users for update to public
  using (id = (( SELECT app_hidden.current_user_id() AS current_user_id)));
create policy worker_all on app_public.users for select to keepr_worker
  using (true);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
CREATE TRIGGER _500_audit AFTER INSERT OR DELETE OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION audit.tg__record();
grant select on app_public.users to keepr_guest;
grant select on app_public.users to keepr_worker;
grant update (display_name) on app_public.users to keepr_guest;
comment on table app_public.users is 'A person who signs in: a guest, a staff member, or both.';
comment on column app_public.users.email is 'Sign-in email address; unique, case-insensitive.';

-- ----------------------------------------------------------------------------
-- view app_public.account_balances
-- ----------------------------------------------------------------------------
create view app_public.account_balances with (security_invoker=true) as
 SELECT a.property_id,
    a.id AS account_id,
    a.code,
    a.name,
    a.kind,
    a.purpose,
    p.currency,
    sum(p.amount)::bigint AS balance
   FROM app_public.ledger_accounts a
     JOIN app_public.postings p ON p.property_id = a.property_id AND p.account_id = a.id
  GROUP BY a.property_id, a.id, a.code, a.name, a.kind, a.purpose, p.currency;
grant select on app_public.account_balances to keepr_staff;
comment on view app_public.account_balances is 'The balance of every account per currency (debit positive), from the postings.';

-- ----------------------------------------------------------------------------
-- view app_public.trial_balance
-- ----------------------------------------------------------------------------
create view app_public.trial_balance with (security_invoker=true) as
 SELECT p.property_id,
    p.currency,
    sum(p.amount) FILTER (WHERE p.amount > 0)::bigint AS debits,
    (- sum(p.amount) FILTER (WHERE p.amount < 0))::bigint AS credits,
    sum(p.amount)::bigint AS difference
   FROM app_public.postings p
     JOIN app_public.ledger_accounts a ON a.property_id = p.property_id AND a.id = p.account_id
  GROUP BY p.property_id, p.currency;
grant select on app_public.trial_balance to keepr_staff;
comment on view app_public.trial_balance is 'Debits and credits per property and currency; difference is always zero.';

-- ----------------------------------------------------------------------------
-- types of app_public
-- ----------------------------------------------------------------------------
create type app_public.account_kind as enum ('asset', 'liability', 'equity', 'revenue', 'expense');
create type app_public.availability as (
  property_id uuid,
  property_name text,
  city text,
  room_type_id uuid,
  room_type_name text,
  max_occupancy integer,
  units_left integer,
  rate_plan_id uuid,
  rate_plan_name text,
  meal_plan app_public.meal_plan,
  is_refundable boolean,
  currency character(3),
  total_amount bigint,
  average_nightly_amount bigint,
  is_bookable boolean,
  restriction text,
  restriction_message text
);
comment on type app_public.availability is 'A rate plan of a room type for a stay: units left and the total price, or why it cannot be booked.';
create type app_public.booking as (
  reservation_id uuid,
  property_id uuid,
  confirmation_code text,
  status app_public.reservation_status,
  arrival date,
  departure date,
  currency character(3),
  total_amount bigint,
  penalty_amount bigint,
  refund_amount bigint,
  payment_due_by timestamp with time zone
);
comment on type app_public.booking is 'The state of a reservation after a booking operation.';
create type app_public.cancellation_penalty_kind as enum ('nights', 'percent');
comment on type app_public.cancellation_penalty_kind is 'How a late cancellation is charged: a number of nights, or a percent of the total.';
create type app_public.cash_movement_kind as enum ('payment', 'refund');
comment on type app_public.cash_movement_kind is 'payment: cash taken into the drawer; refund: cash paid out of it.';
create type app_public.channel_conflict_closer as enum ('staff', 'sync');
comment on type app_public.channel_conflict_closer is 'Who closed a channel conflict: staff (with their note; it stays closed while the same booking and the same Keepr side stand) or the sync (the nights are no longer sold twice).';
create type app_public.channel_conflict_status as enum ('open', 'resolved');
create type app_public.channel_feed_pending_change as (
  first_seen_at timestamp with time zone,
  confirm_after timestamp with time zone,
  reason text,
  nights_released integer,
  nights_blocked integer
);
comment on type app_public.channel_feed_pending_change is 'A fetch of the feed that would open most of its blocked nights at once, kept until confirmed: since when, when a fetch that agrees applies it, why, and how many of the blocked nights it would open.';
create type app_public.channel_source as enum ('airbnb', 'vrbo', 'booking_com', 'other');
create type app_public.charge_posting as enum ('on_booking', 'nightly');
comment on type app_public.charge_posting is 'When a stay''s charges reach the folio: all at confirmation, or night by night at the night audit (the rest at check-out).';
create type app_public.claim_kind as enum ('hold', 'reservation', 'owner_block', 'maintenance_block', 'ota_block');
comment on type app_public.claim_kind is 'Why a unit is taken for a stay.';
create type app_public.desk_payment_method as enum ('cash', 'bank_transfer');
comment on type app_public.desk_payment_method is 'How money is paid or refunded at the desk (cards go through the payment provider): cash (into or out of the caller''s cash shift) or bank_transfer.';
create type app_public.export_kind as enum ('reservations', 'guests', 'ledger', 'occupancy', 'city_tax');
create type app_public.export_status as enum ('pending', 'done', 'failed');
create type app_public.fee_basis as enum ('per_stay', 'per_night', 'per_guest_night');
create type app_public.folio_kind as enum ('guest', 'company');
comment on type app_public.folio_kind is 'guest: a folio of a reservation (the primary one, or a second one: extras, a split); company: a company''s city-ledger folio (accounts receivable).';
create type app_public.folio_status as enum ('open', 'closed');
create type app_public.group_hold as (
  booking_group_id uuid,
  property_id uuid,
  group_code text,
  expires_at timestamp with time zone,
  currency character(3),
  total_amount bigint,
  reservation_ids uuid[],
  hold_token text
);
comment on column app_public.group_hold.hold_token is 'Proof of having made this group hold: give it to confirmGroup. Keep it secret; it is shown once.';
comment on type app_public.group_hold is 'All the rooms of a group quote, held until expires_at; confirm them with confirmGroup.';
create type app_public.group_quote as (
  property_id uuid,
  arrival date,
  departure date,
  nights integer,
  currency character(3),
  room_amount bigint,
  fees_amount bigint,
  taxes_amount bigint,
  total_amount bigint,
  rooms app_public.group_quote_room[],
  valid_until timestamp with time zone,
  quote_token text
);
comment on type app_public.group_quote is 'Several rooms of one stay priced together: each room''s quote and the sums. Hold them all with createGroupHold(quoteToken).';
create type app_public.group_quote_room as (
  room_no integer,
  guest_name text,
  quote app_public.quote
);
comment on type app_public.group_quote_room is 'One room of a group quote: its place, its guest''s name and its priced stay.';
create type app_public.group_room as (
  rate_plan_id uuid,
  adults integer,
  children integer,
  guest_name text
);
comment on type app_public.group_room is 'One room of a group: its rate plan (so its room type), guests, and optionally who sleeps in it.';
create type app_public.hold as (
  reservation_id uuid,
  property_id uuid,
  expires_at timestamp with time zone,
  currency character(3),
  total_amount bigint,
  hold_token text
);
comment on column app_public.hold.hold_token is 'Proof of having made this hold: give it to confirmBooking. Keep it secret; it is shown once.';
comment on type app_public.hold is 'A unit held for a stay at a locked price until expires_at; confirm it with confirmBooking.';
create type app_public.housekeeping_status as enum ('dirty', 'clean', 'inspected', 'out_of_order');
comment on type app_public.housekeeping_status is 'The housekeeping state of a unit.';
create type app_public.housekeeping_stay as (
  reservation_id uuid,
  unit_id uuid,
  arrival date,
  departure date,
  status app_public.reservation_status,
  adults integer,
  children integer,
  checked_in_at timestamp with time zone,
  checked_out_at timestamp with time zone,
  do_not_disturb boolean,
  expected_arrival_time time without time zone,
  early_check_in boolean
);
comment on column app_public.housekeeping_stay.do_not_disturb is 'The guest hung do-not-disturb for the day asked (setDoNotDisturb): no stay-over cleaning that day.';
comment on column app_public.housekeeping_stay.expected_arrival_time is 'An arrival''s expected time (local), when the guest or the desk gave one.';
comment on column app_public.housekeeping_stay.early_check_in is 'An arrival on the day asked, expected before the property''s check-in time: its unit is cleaned first.';
comment on type app_public.housekeeping_stay is 'A stay as the housekeeping board sees it: unit, dates, state, number of guests, do-not-disturb and the arrival''s expected time, nothing about who they are.';
create type app_public.housekeeping_task_kind as enum ('checkout_clean', 'stayover_clean', 'inspection', 'maintenance');
create type app_public.housekeeping_task_status as enum ('open', 'in_progress', 'done', 'cancelled');
create type app_public.identity_document_type as enum ('passport', 'national_id', 'driving_licence', 'residence_permit', 'other');
comment on type app_public.identity_document_type is 'The kind of identity document a guest shows at check-in.';
create type app_public.invoice_delivery_status as enum ('pending', 'sent', 'failed');
create type app_public.invoice_kind as enum ('invoice', 'credit_note');
create type app_public.jwt_token as (
  role text,
  session_id uuid,
  sub uuid,
  exp bigint,
  reservation_id uuid,
  booking_group_id uuid
);
comment on type app_public.jwt_token is 'Claims of a Keepr access token; the API returns it signed.';
create type app_public.meal_plan as enum ('room_only', 'breakfast', 'half_board', 'full_board', 'all_inclusive');
create type app_public.night_audit_anomaly_kind as enum ('overstay', 'folio_not_settled', 'payment_stuck', 'occupied_out_of_order', 'channel_conflict_open');
comment on type app_public.night_audit_anomaly_kind is 'What a night audit flags: a guest in house past departure, a departure whose folio is not settled, a payment stuck with the provider, a guest in an out-of-order unit, an unresolved channel conflict.';
create type app_public.notification_channel as enum ('email', 'sms');
create type app_public.notification_kind as enum ('confirmation', 'modification', 'cancellation', 'pre_arrival', 'payment_receipt', 'payment_failed', 'checkout_thanks');
create type app_public.notification_status as enum ('pending', 'sent', 'failed', 'skipped');
comment on type app_public.notification_status is 'pending (queued or retrying), sent, failed (for good, with last_error), skipped (no longer relevant: a pre-arrival message for a stay that moved or was cancelled).';
create type app_public.payment_attempt_status as enum ('pending', 'authorized', 'captured', 'failed');
create type app_public.payment_kind as enum ('deposit', 'balance', 'incidental');
create type app_public.payment_status as enum ('requires_payment', 'processing', 'authorized', 'captured', 'partially_refunded', 'refunded', 'failed', 'cancelled');
comment on type app_public.payment_status is 'requires_payment → processing (an attempt runs) → authorized → captured → partially_refunded / refunded; failed (pay again); cancelled.';
create type app_public.price_line as (
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean,
  tax_id uuid
);
comment on type app_public.price_line is 'One line of a price: kind night, discount, fee or tax (with its tax_id); amount in minor units; inclusive taxes are shown but not added.';
create type app_public.property_kind as enum ('hotel', 'vacation_rental');
comment on type app_public.property_kind is 'A hotel sells room types (any free unit of the type); a vacation rental sells one unit.';
create type app_public.quote as (
  property_id uuid,
  room_type_id uuid,
  rate_plan_id uuid,
  arrival date,
  departure date,
  nights integer,
  adults integer,
  children integer,
  currency character(3),
  room_amount bigint,
  fees_amount bigint,
  taxes_amount bigint,
  included_taxes_amount bigint,
  total_amount bigint,
  lines app_public.price_line[],
  is_refundable boolean,
  free_cancellation_until timestamp with time zone,
  late_cancellation_penalty bigint,
  cancellation_terms text,
  units_left integer,
  valid_until timestamp with time zone,
  quote_token text,
  promo_code text
);
comment on column app_public.quote.promo_code is 'The promo code applied (its discount is a discount line of the room price), or none.';
comment on type app_public.quote is 'A priced stay. Pass quote_token to createHold before valid_until to book at this price.';
create type app_public.rate_grid_day as (
  rate_plan_id uuid,
  date date,
  price bigint,
  price_is_override boolean,
  min_stay integer,
  max_stay integer,
  closed_to_arrival boolean,
  closed_to_departure boolean,
  stop_sell boolean,
  is_override boolean,
  own_min_stay integer,
  own_max_stay integer,
  own_closed_to_arrival boolean,
  own_closed_to_departure boolean,
  own_stop_sell boolean
);
comment on column app_public.rate_grid_day.price is 'The nightly price on the date (minor units, the plan''s currency): the override, else the plan''s base price.';
comment on column app_public.rate_grid_day.price_is_override is 'Whether the price comes from the calendar rather than the plan.';
comment on column app_public.rate_grid_day.min_stay is 'Minimum nights for a stay arriving on the date: the override, else the plan''s.';
comment on column app_public.rate_grid_day.max_stay is 'Maximum nights for a stay arriving on the date: the override, else the plan''s (null: no limit).';
comment on column app_public.rate_grid_day.is_override is 'Whether the calendar has a row for the date (any override).';
comment on column app_public.rate_grid_day.own_min_stay is 'The plan''s own minimum nights on the date (its override, else its default), without a parent plan''s: what a copy of the date writes.';
comment on column app_public.rate_grid_day.own_max_stay is 'The plan''s own maximum nights on the date (its override, else its default; null: no limit), without a parent plan''s.';
comment on column app_public.rate_grid_day.own_closed_to_arrival is 'Whether the plan''s own calendar closes the date to arrival (a derived plan''s parent aside).';
comment on column app_public.rate_grid_day.own_closed_to_departure is 'Whether the plan''s own calendar closes the date to departure (a derived plan''s parent aside).';
comment on column app_public.rate_grid_day.own_stop_sell is 'Whether the plan''s own calendar stops selling on the date (a derived plan''s parent aside).';
comment on type app_public.rate_grid_day is 'One rate plan on one date: what applies (the calendar''s override, else the plan''s defaults).';
create type app_public.reconciliation_difference_kind as enum ('missing', 'extra', 'amount_mismatch');
create type app_public.refund_status as enum ('pending', 'succeeded', 'failed');
create type app_public.reservation_event as (
  occurred_at timestamp with time zone,
  table_name text,
  operation text,
  actor_user_id uuid,
  actor_name text,
  actor_role text,
  request_id text,
  old_values jsonb,
  new_values jsonb
);
comment on type app_public.reservation_event is 'One change to a reservation or its claims, from the audit log: old_values and new_values hold an insert''s or a delete''s whole row, an update''s changed columns only (their old and new values).';
create type app_public.reservation_history_line as (
  occurred_at timestamp with time zone,
  summary text,
  actor_name text,
  actor_role text,
  request_id text
);
comment on column app_public.reservation_history_line.summary is 'What happened, for people: "Moved from 201 to 204", "Checked in".';
comment on column app_public.reservation_history_line.actor_name is 'Who: a staff member''s name, "the guest", or Keepr (a job, the allocator).';
comment on column app_public.reservation_history_line.actor_role is 'The staff member''s role at the property in a word (desk, manager, owner, accounts, housekeeping); null for guests and Keepr.';
comment on type app_public.reservation_history_line is 'One thing that happened to a reservation, in words: what, when, who (their name and role at the property) and the request.';
create type app_public.reservation_status as enum ('held', 'confirmed', 'checked_in', 'checked_out', 'cancelled', 'no_show');
comment on type app_public.reservation_status is 'held → confirmed → checked_in → checked_out, plus cancelled and no_show.';
create type app_public.room_combination as (
  rank integer,
  rooms app_public.group_room[],
  room_type_names text[],
  capacity integer,
  currency character(3),
  total_amount bigint
);
comment on type app_public.room_combination is 'A way to sleep a party in several rooms: the rooms (rate plan and guests each, ready for quoteGroup), their room types, the beds they give and the price.';
create type app_public.staff_role as enum ('owner', 'manager', 'front_desk', 'housekeeping', 'accountant');
comment on type app_public.staff_role is 'What a staff member may do at a property.';
create type app_public.stay_suggestion as (
  rate_plan_id uuid,
  arrival date,
  departure date,
  nights integer,
  currency character(3),
  total_amount bigint
);
comment on type app_public.stay_suggestion is 'A bookable stay near the one asked for, priced for the guests (nearestStays).';
create type app_public.tax_basis as enum ('percent_of_room', 'per_night', 'per_person_night');

-- ----------------------------------------------------------------------------
-- function app_public.accept_channel_feed_change(feed_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.accept_channel_feed_change(feed_id uuid)
 RETURNS app_public.channel_feeds
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_pending app_private.channel_feed_pending_changes;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = accept_channel_feed_change.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_feed.property_id, app_hidden.staff_group_roles('front_office'), 'accept channel changes');
  select * into v_pending from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;
  if not found then
    raise exception using errcode = 'TRANS', message = 'This feed has no change waiting to be confirmed.';
  end if;
  perform app_private.sync_channel_feed(v_feed.id, v_pending.events, v_pending.content_hash, confirmed => true);
  select * into v_feed from app_public.channel_feeds f where f.id = v_feed.id;
  return v_feed;
end;
$function$;
grant execute on function app_public.accept_channel_feed_change(feed_id uuid) to keepr_staff;
comment on function app_public.accept_channel_feed_change(feed_id uuid) is 'Applies the feed''s fetch that is waiting to be confirmed (it opens most of the feed''s blocked nights). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION.';

-- ----------------------------------------------------------------------------
-- function app_public.ar_aging(property_id uuid, as_of date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.ar_aging(property_id uuid, as_of date)
 RETURNS TABLE(company_id uuid, company_name text, currency character, current bigint, days_1_to_30 bigint, days_31_to_60 bigint, days_61_to_90 bigint, over_90 bigint, total bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.require_staff(ar_aging.property_id, app_hidden.staff_group_roles('back_office'), 'see accounts receivable');
  if as_of is null then
    raise exception using errcode = 'INVLD', message = 'Say on which date to age the receivables.';
  end if;
  return query
  with postings as (
    select f.company_id, p.currency, p.id, p.amount, (e.occurred_at at time zone pr.time_zone)::date as day
      from app_public.folios f
      join app_public.properties pr on pr.id = f.property_id
      join app_public.postings p on p.property_id = f.property_id and p.folio_id = f.id
      join app_public.journal_entries e on e.property_id = p.property_id and e.id = p.entry_id
     where f.property_id = ar_aging.property_id and f.kind = 'company'
       and (e.occurred_at at time zone pr.time_zone)::date <= ar_aging.as_of
  ),
  totals as (
    select p.company_id, p.currency, sum(p.amount)::bigint as total,
           coalesce(-sum(p.amount) filter (where p.amount < 0), 0)::bigint as credits
      from postings p group by p.company_id, p.currency
  ),
  items as (
    select p.company_id, p.currency, p.day, p.amount,
           sum(p.amount) over (partition by p.company_id, p.currency order by p.day, p.id) as running
      from postings p where p.amount > 0
  ),
  open_items as (
    select i.company_id, i.currency,
           ar_aging.as_of - (i.day + c.payment_terms_days) as overdue,
           (greatest(0, i.running - t.credits) - greatest(0, i.running - i.amount - t.credits))::bigint as open_amount
      from items i
      join totals t on t.company_id = i.company_id and t.currency = i.currency
      join app_public.companies c on c.property_id = ar_aging.property_id and c.id = i.company_id
  )
  select t.company_id, c.name, t.currency::char(3),
         (coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue <= 0), 0)
          + least(t.total, 0))::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 1 and 30), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 31 and 60), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 61 and 90), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue > 90), 0)::bigint,
         t.total
    from totals t
    join app_public.companies c on c.property_id = ar_aging.property_id and c.id = t.company_id
   where t.total <> 0
   order by c.name, t.currency;
end;
$function$;
grant execute on function app_public.ar_aging(property_id uuid, as_of date) to keepr_staff;
comment on function app_public.ar_aging(property_id uuid, as_of date) is 'Accounts receivable per company on a date, by days overdue (items due payment_terms_days after posting; payments settle the oldest first): current, 1–30, 31–60, 61–90, over 90, total. Owner, manager, accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.assign_housekeeping_task(task_id uuid, assignee uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.assign_housekeeping_task(task_id uuid, assignee uuid)
 RETURNS app_public.housekeeping_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  select * into v_task from app_public.housekeeping_tasks t where t.id = assign_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id, app_hidden.staff_group_roles('managers'), 'assign housekeeping tasks');
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  if assign_housekeeping_task.assignee is not null and not exists (
    select 1 from app_public.property_memberships m
     where m.property_id = v_task.property_id and m.user_id = assign_housekeeping_task.assignee
       and m.role = any (app_hidden.staff_group_roles('housekeeping_ops'))) then
    raise exception using errcode = 'INVLD', hint = 'ASSIGNEE',
      message = 'Tasks go to the staff of this property''s housekeeping board (housekeeping, front desk, managers).';
  end if;
  if v_task.assigned_to is not distinct from assign_housekeeping_task.assignee then
    return v_task;
  end if;
  update app_public.housekeeping_tasks t
     set assigned_to = assign_housekeeping_task.assignee
   where t.property_id = v_task.property_id and t.id = v_task.id
  returning * into v_task;
  return v_task;
end;
$function$;
grant execute on function app_public.assign_housekeeping_task(task_id uuid, assignee uuid) to keepr_staff;
comment on function app_public.assign_housekeeping_task(task_id uuid, assignee uuid) is 'Gives a housekeeping task to one of the board''s staff of the property (null: unassigned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (done or cancelled), INVALID_INPUT (reason ASSIGNEE: not on the property''s housekeeping staff).';

-- ----------------------------------------------------------------------------
-- function app_public.assign_housekeeping_tasks(task_ids uuid[], assignee uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.assign_housekeeping_tasks(task_ids uuid[], assignee uuid)
 RETURNS SETOF app_public.housekeeping_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_id uuid;
  v_ids uuid[] := array(select distinct t from pg_catalog.unnest(assign_housekeeping_tasks.task_ids) t where t is not null order by t);
begin
  if pg_catalog.cardinality(v_ids) not between 1 and 100 then
    raise exception using errcode = 'INVLD', hint = 'TASKS', message = 'Choose 1 to 100 tasks.';
  end if;
  foreach v_id in array v_ids loop
    return next app_public.assign_housekeeping_task(v_id, assign_housekeeping_tasks.assignee);
  end loop;
end;
$function$;
grant execute on function app_public.assign_housekeeping_tasks(task_ids uuid[], assignee uuid) to keepr_staff;
comment on function app_public.assign_housekeeping_tasks(task_ids uuid[], assignee uuid) is 'Gives 1 to 100 housekeeping tasks to one of the board''s staff (null: unassigned), all or none, each as assignHousekeepingTask does. Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (a task done or cancelled), INVALID_INPUT (reason ASSIGNEE; TASKS: not 1 to 100 tasks).';

-- ----------------------------------------------------------------------------
-- function app_public.attach_payment_method(reservation_id uuid, payment_token text, idempotency_key text, card_brand text, card_last4 text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.attach_payment_method(reservation_id uuid, payment_token text, idempotency_key text, card_brand text DEFAULT NULL::text, card_last4 text DEFAULT NULL::text)
 RETURNS SETOF app_public.payment_intents
 LANGUAGE plpgsql
 SECURITY DEFINER ROWS 3
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_intent app_public.payment_intents;
  v_ids uuid[] := '{}';
begin
  v_replay := app_private.idempotency_begin('attach_payment_method', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'payment_token', payment_token,
                                              'card_brand', card_brand, 'card_last4', card_last4));
  if v_replay is null then
    v_res := app_private.lock_reservation(attach_payment_method.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
    if v_res.status not in ('confirmed', 'checked_in') then
      raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no card.', pg_catalog.replace(v_res.status::text, '_', ' ')),
        hint = v_res.status::text;
    end if;
    if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
      raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
    end if;
    if (card_last4 is not null and card_last4 !~ '^[0-9]{4}$') or (card_brand is not null and pg_catalog.lower(card_brand) !~ '^[a-z_]{1,20}$') then
      raise exception using errcode = 'INVLD', message = 'The card''s brand and last four digits are as the payment form gave them (e.g. visa, 4242).';
    end if;
    perform app_private.set_card_on_file(v_res, attach_payment_method.payment_token, card_brand, card_last4, pg_catalog.now());
    for v_intent in
      select i.* from app_public.payment_intents i
       where i.property_id = v_res.property_id and i.reservation_id = v_res.id
         and i.status = 'failed' and i.kind <> 'incidental' and i.due_at <= pg_catalog.now()
       order by i.due_at, i.id
         for update
    loop
      perform app_private.start_attempt(v_intent, attach_payment_method.payment_token);
    end loop;
    select coalesce(pg_catalog.array_agg(i.id order by i.due_at, i.id), '{}') into v_ids
      from app_public.payment_intents i
     where i.property_id = v_res.property_id and i.reservation_id = v_res.id
       and (i.status in ('requires_payment', 'failed') or (i.status = 'processing' and i.payment_token = attach_payment_method.payment_token));
    v_replay := app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  end if;
  return query
    select i.* from app_public.payment_intents i
     where i.id in (select pg_catalog.jsonb_array_elements_text(v_replay)::uuid)
     order by i.due_at, i.id;
end;
$function$;
grant execute on function app_public.attach_payment_method(reservation_id uuid, payment_token text, idempotency_key text, card_brand text, card_last4 text) to keepr_anonymous;
comment on function app_public.attach_payment_method(reservation_id uuid, payment_token text, idempotency_key text, card_brand text, card_last4 text) is 'Puts a provider card token on file for the reservation (its open payments, charged when each falls due, and the desk); a due payment that failed is charged on it at once. cardBrand/cardLast4: what the card form gave. Returns the open payments. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.booking_groups_total_amount(g app_public.booking_groups)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.booking_groups_total_amount(g app_public.booking_groups)
 RETURNS bigint
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(sum(case when r.status in ('cancelled', 'no_show') then coalesce(r.penalty_amount, 0) else r.total_amount end), 0)::bigint
    from app_public.reservations r
   where r.property_id = g.property_id and r.group_id = g.id;
$function$;
grant execute on function app_public.booking_groups_total_amount(g app_public.booking_groups) to keepr_anonymous;
comment on function app_public.booking_groups_total_amount(g app_public.booking_groups) is 'What the group''s rooms cost now: each room''s total, or its penalty once cancelled or a no-show (minor units of the property''s currency).';

-- ----------------------------------------------------------------------------
-- function app_public.cancel_group(booking_group_id uuid, idempotency_key text, reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.cancel_group(booking_group_id uuid, idempotency_key text, reason text DEFAULT NULL::text)
 RETURNS SETOF app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER ROWS 3
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room app_public.reservations;
  v_detail text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('cancel_group', idempotency_key,
                pg_catalog.jsonb_build_object('booking_group_id', booking_group_id, 'reason', reason));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;
  v_group := app_private.lock_booking_group(cancel_group.booking_group_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations');
  if not exists (select 1 from app_public.reservations r
                  where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status in ('held', 'confirmed')) then
    raise exception using errcode = 'TRANS', message = 'No room of this group is held or booked: there is nothing to cancel.';
  end if;
  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      perform app_public.cancel_reservation(v_room.id, 'group-cancel:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, reason);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, (
      select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
        from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id)));
end;
$function$;
grant execute on function app_public.cancel_group(booking_group_id uuid, idempotency_key text, reason text) to keepr_anonymous;
comment on function app_public.cancel_group(booking_group_id uuid, idempotency_key text, reason text) is 'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.cancel_reservation(reservation_id uuid, idempotency_key text, reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.cancel_reservation(reservation_id uuid, idempotency_key text, reason text DEFAULT NULL::text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('cancel_reservation', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(cancel_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations', true);
  if v_res.status not in ('held', 'confirmed') then
    perform app_private.invalid_transition(v_res, 'cancelled');
  end if;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A cancellation reason can be at most 500 characters.';
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());

  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = cancel_reservation.reason
   where r.id = v_res.id
  returning * into v_res;
  if v_res.confirmed_at is not null then
    perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                                 'Booking ' || v_res.confirmation_code || ' cancelled'
                                                   || case when v_res.penalty_amount > 0
                                                           then ', cancellation fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency)
                                                           else '' end);
    perform app_private.schedule_payments(v_res);
    perform app_private.refund_overpayment(v_res, 'Reservation cancelled');
  end if;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.cancel_reservation(reservation_id uuid, idempotency_key text, reason text) to keepr_anonymous;
comment on function app_public.cancel_reservation(reservation_id uuid, idempotency_key text, reason text) is 'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.cash_shifts_expected_cash(shift app_public.cash_shifts)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.cash_shifts_expected_cash(shift app_public.cash_shifts)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select shift.opening_float + coalesce((select sum(m.amount) from app_public.cash_movements m
                                          where m.property_id = shift.property_id and m.shift_id = shift.id), 0)::bigint;
$function$;
grant execute on function app_public.cash_shifts_expected_cash(shift app_public.cash_shifts) to keepr_staff;
comment on function app_public.cash_shifts_expected_cash(shift app_public.cash_shifts) is 'The cash the drawer should hold now: opening float + cash taken − cash paid out.';

-- ----------------------------------------------------------------------------
-- function app_public.channel_feeds_pending_change(f app_public.channel_feeds)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.channel_feeds_pending_change(f app_public.channel_feeds)
 RETURNS app_public.channel_feed_pending_change
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select row(p.first_seen_at, p.confirm_after, p.reason, p.nights_released, p.nights_blocked)::app_public.channel_feed_pending_change
    from app_private.channel_feed_pending_changes p
   where p.feed_id = f.id
     and p.property_id in (select app_hidden.current_property_ids_for('front_office'));
$function$;
grant execute on function app_public.channel_feeds_pending_change(f app_public.channel_feeds) to keepr_staff;
comment on function app_public.channel_feeds_pending_change(f app_public.channel_feeds) is 'The fetch of this feed waiting to be confirmed (it would open most of its blocked nights at once), or null.';

-- ----------------------------------------------------------------------------
-- function app_public.channel_reconciliation(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.channel_reconciliation(property_id uuid)
 RETURNS TABLE(feed_id uuid, feed_name text, unit_name text, kind text, start_date date, end_date date, detail text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.require_staff(channel_reconciliation.property_id, app_hidden.staff_group_roles('front_office'), 'read channel reports');
  return query
    with feeds as (
      select f.*, u.name as unit_name, app_private.local_today(f.property_id) as today, p.time_zone
        from app_public.channel_feeds f
        join app_public.units u on u.property_id = f.property_id and u.id = f.unit_id
        join app_public.properties p on p.id = f.property_id
       where f.property_id = channel_reconciliation.property_id and f.is_active
    )
    select f.id, f.name, f.unit_name, 'conflict', k.start_date, k.end_date,
           'Sold twice: the channel''s booking "' || coalesce(k.summary, '') || '" (' || k.event_start_date || ' to ' || k.event_end_date ||
           ') and ' || coalesce('reservation ' || r.confirmation_code,
                                case cl.kind when 'owner_block' then 'an owner block'
                                             when 'maintenance_block' then 'a maintenance block'
                                             else 'a block from ' || coalesce((select o.name from app_public.channel_feeds o where o.id = cl.feed_id), 'another channel') end)
           || ' in Keepr both hold ' ||
           case when k.end_date - k.start_date = 1 then 'this night.' else 'these ' || (k.end_date - k.start_date) || ' nights.' end
      from feeds f
      join app_public.channel_conflicts k on k.property_id = f.property_id and k.feed_id = f.id and k.status = 'open'
      join app_public.inventory_claims cl on cl.property_id = k.property_id and cl.id = k.conflicting_claim_id
      left join app_public.reservations r on r.property_id = k.property_id and r.id = k.conflicting_reservation_id
    union all
    select f.id, f.name, f.unit_name, 'not_blocked_on_channel', pg_catalog.lower(gap), pg_catalog.upper(gap),
           'Keepr has ' || coalesce('reservation ' || r.confirmation_code,
                                    case c.kind when 'owner_block' then 'an owner block'
                                                when 'maintenance_block' then 'a maintenance block'
                                                else 'a block from ' || coalesce((select o.name from app_public.channel_feeds o where o.id = c.feed_id), 'another channel') end)
             || ' on these nights; the channel''s feed does not show them taken.'
      from feeds f
      join app_public.inventory_claims c
        on c.property_id = f.property_id and c.unit_id = f.unit_id and c.released_at is null and c.kind <> 'hold'
       and pg_catalog.upper(c.stay) > f.today
       and c.feed_id is distinct from f.id
      left join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
      cross join lateral pg_catalog.unnest(
        pg_catalog.datemultirange(c.stay * pg_catalog.daterange(f.today, null))
        - coalesce((select pg_catalog.range_agg(pg_catalog.daterange(e.start_date, e.end_date))
                      from app_public.channel_feed_events e where e.feed_id = f.id), '{}'::datemultirange)
      ) gap
     where f.last_success_at is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_waiting', null, null,
           p.reason || ' Kept aside until a fetch after ' || pg_catalog.to_char(p.confirm_after at time zone f.time_zone, 'YYYY-MM-DD HH24:MI') || ' (' || f.time_zone || ')' || ' agrees, or staff accept it.'
      from feeds f join app_private.channel_feed_pending_changes p on p.feed_id = f.id
    union all
    select f.id, f.name, f.unit_name, 'feed_failing', null, null, f.last_error
      from feeds f where f.last_error is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_stale', null, null,
           coalesce('Last good sync ' || pg_catalog.to_char(f.last_success_at at time zone f.time_zone, 'YYYY-MM-DD HH24:MI') || ' (' || f.time_zone || ')' || '.', 'Never synced.')
      from feeds f
     where f.last_error is null
       and coalesce(f.last_success_at, '-infinity') < pg_catalog.now() - pg_catalog.make_interval(mins => 3 * f.poll_interval_minutes)
       and not exists (select 1 from app_private.channel_feed_pending_changes p where p.feed_id = f.id)
     order by 2, 4, 5;
end;
$function$;
grant execute on function app_public.channel_reconciliation(property_id uuid) to keepr_staff;
comment on function app_public.channel_reconciliation(property_id uuid) is 'Per feed of a property: nights sold twice (open conflicts), Keepr stays the channel does not show as taken, fetches waiting to be confirmed, failing or stale feeds. Errors: NOT_FOUND, ACCESS_DENIED.';

-- ----------------------------------------------------------------------------
-- function app_public.channel_revenue_report(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.channel_revenue_report(property_id uuid, from_date date, to_date date)
 RETURNS TABLE(channel text, bookings integer, room_nights integer, room_revenue bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.check_report(channel_revenue_report.property_id, from_date, to_date);
  return query
    select n.channel, count(distinct n.reservation_id)::integer, count(*)::integer, sum(n.room_revenue)::bigint
      from reporting.room_nights n
     where n.property_id = channel_revenue_report.property_id and n.date between from_date and to_date
     group by n.channel
     order by 1;
end;
$function$;
grant execute on function app_public.channel_revenue_report(property_id uuid, from_date date, to_date date) to keepr_staff;
comment on function app_public.channel_revenue_report(property_id uuid, from_date date, to_date date) is 'Room nights and revenue per channel for the nights in a range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.charge_card_on_file(reservation_id uuid, amount bigint, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.charge_card_on_file(reservation_id uuid, amount bigint, idempotency_key text)
 RETURNS app_public.payment_attempts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_card app_private.cards_on_file;
  v_folio_id uuid;
  v_intent app_public.payment_intents;
  v_attempt app_public.payment_attempts;
begin
  v_replay := app_private.idempotency_begin('charge_card_on_file', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'amount', amount));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payment_attempts, v_replay);
  end if;
  v_res := app_private.lock_reservation(charge_card_on_file.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments');
  if v_res.status not in ('confirmed', 'checked_in', 'checked_out') then
    perform app_private.invalid_transition(v_res, 'charged');
  end if;
  if amount is null or amount <= 0 or amount > 99999999 then
    raise exception using errcode = 'INVLD', message = 'The amount must be more than zero and at most 999,999.99.';
  end if;
  select * into v_card from app_private.cards_on_file c where c.reservation_id = v_res.id;
  if not found then
    raise exception using errcode = 'NOCRD', message = 'This booking has no card on file: take the payment with a new card.';
  end if;
  -- Into the stay's primary folio (its charges and card payments).
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.is_primary;
  -- A desk charge that failed before is closed: this one replaces it.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.kind = 'incidental' and i.status = 'failed';
  insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at, payment_token)
  values (v_res.property_id, v_res.id, v_folio_id, 'incidental', charge_card_on_file.amount, v_res.currency, pg_catalog.now(), v_card.payment_token)
  returning * into v_intent;
  v_attempt := app_private.start_attempt(v_intent, v_card.payment_token);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_attempt));
  return v_attempt;
end;
$function$;
grant execute on function app_public.charge_card_on_file(reservation_id uuid, amount bigint, idempotency_key text) to keepr_staff;
comment on function app_public.charge_card_on_file(reservation_id uuid, amount bigint, idempotency_key text) is 'Charges an amount on the reservation''s card on file into its folio (the desk: extras, the balance); returns the attempt, captured by a job. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, NO_CARD_ON_FILE, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.check_in(reservation_id uuid, idempotency_key text, force boolean, acknowledge_unpaid boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.check_in(reservation_id uuid, idempotency_key text, force boolean DEFAULT false, acknowledge_unpaid boolean DEFAULT false)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_housekeeping app_public.housekeeping_status;
  v_unpaid bigint;
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force,
                                              'acknowledge_unpaid', coalesce(acknowledge_unpaid, false)));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_in.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests in');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'checked in');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('Check-in opens on the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  if v_today >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has already ended; record a no-show or cancel it.';
  end if;
  select u.housekeeping_status into v_housekeeping from app_public.units u where u.id = v_res.unit_id;
  if v_housekeeping = 'out_of_order' or (v_housekeeping = 'dirty' and not coalesce(force, false)) then
    raise exception using errcode = 'UNRDY',
      message = pg_catalog.format('The unit is %s; %s.', pg_catalog.replace(v_housekeeping::text, '_', ' '),
                                  case when v_housekeeping = 'dirty' then 'clean it first or check in with force' else 'move the guest to another unit' end);
  end if;
  if exists (select from app_public.properties p where p.id = v_res.property_id and p.registration_card_required)
     and not exists (select from app_public.registration_cards c where c.property_id = v_res.property_id and c.reservation_id = v_res.id) then
    raise exception using errcode = 'IDREQ',
      message = 'This property records the guest''s identity document before check-in: fill in the registration card first.';
  end if;
  v_unpaid := app_private.unpaid_prepayment(v_res);
  if v_unpaid > 0 and not coalesce(acknowledge_unpaid, false) then
    raise exception using errcode = 'PAYDU',
      message = pg_catalog.format('%s of prepayment is unpaid%s. Take the payment first, or check in acknowledging it.',
                                  app_hidden.format_money(v_unpaid, v_res.currency::text),
                                  case when v_res.payment_due_by is not null then ' (payment due)' else '' end),
      hint = 'UNPAID_PREPAYMENT';
  end if;

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now(), payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id)
    where v_unpaid > 0;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.check_in(reservation_id uuid, idempotency_key text, force boolean, acknowledge_unpaid boolean) to keepr_staff;
comment on function app_public.check_in(reservation_id uuid, idempotency_key text, force boolean, acknowledge_unpaid boolean) is 'Checks in a confirmed reservation on or after its arrival date; unpaid prepayments need acknowledgeUnpaid. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_NOT_READY, REGISTRATION_CARD_REQUIRED, PAYMENT_DUE, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.check_out(reservation_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.check_out(reservation_id uuid, idempotency_key text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_open record;
begin
  v_replay := app_private.idempotency_begin('check_out', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_out.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests out');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'checked out');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.upper(v_res.stay) then
    perform app_private.release_claims(v_res, v_today);
  end if;
  update app_public.units u set housekeeping_status = 'dirty'
   where u.property_id = v_res.property_id and u.id = v_res.unit_id and u.housekeeping_status <> 'out_of_order';
  update app_public.reservations r set status = 'checked_out', checked_out_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  -- A stay on a nightly-posting plan is charged the nights not yet audited.
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':check_out',
                                               'Booking ' || v_res.confirmation_code || ' check-out');
  -- Settled or not at all: every guest folio of the stay must be at zero.
  select f.label, b.balance, b.currency into v_open
    from app_public.folios f
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and b.balance <> 0
   order by f.is_primary desc, f.created_at, f.id, b.currency
   limit 1;
  if found then
    raise exception using errcode = 'FOLUN', hint = case when v_open.balance > 0 then 'OWED' else 'CREDIT' end,
      message = case when v_open.balance > 0
        then pg_catalog.format('%s is not settled: the guest owes %s. Take a payment or transfer it to a company''s city ledger, then check out.',
                               v_open.label, app_hidden.format_money(v_open.balance, v_open.currency))
        else pg_catalog.format('%s is not settled: %s is due back to the guest. Refund it, then check out.',
                               v_open.label, app_hidden.format_money(-v_open.balance, v_open.currency)) end;
  end if;
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and f.status = 'open';
  -- Settled: nothing more is asked of the card.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status in ('requires_payment', 'failed');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.check_out(reservation_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.check_out(reservation_id uuid, idempotency_key text) is 'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Every guest folio of the stay must be settled (at zero) first: FOLIO_UNSETTLED names the folio and the amount open (extensions.reason OWED or CREDIT). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, FOLIO_UNSETTLED, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.city_tax_report(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.city_tax_report(property_id uuid, from_date date, to_date date)
 RETURNS TABLE(month date, tax_id uuid, tax_name text, basis app_public.tax_basis, currency character, stays integer, nights integer, person_nights integer, tax_charged bigint, cancelled_stays integer, tax_on_cancelled bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.check_report(city_tax_report.property_id, from_date, to_date);
  return query select * from app_private.city_tax_figures(city_tax_report.property_id, from_date, to_date);
end;
$function$;
grant execute on function app_public.city_tax_report(property_id uuid, from_date date, to_date date) to keepr_staff;
comment on function app_public.city_tax_report(property_id uuid, from_date date, to_date date) is 'City tax per month of stay and per-night / per-person-night tax: stays, nights, person-nights, tax charged (minor units), and cancelled or no-show stays with the tax the ledger still holds for them. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.close_cash_shift(shift_id uuid, counted_amount bigint, note text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.close_cash_shift(shift_id uuid, counted_amount bigint, note text, idempotency_key text)
 RETURNS app_public.cash_shifts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_shift app_public.cash_shifts;
  v_note text;
  v_expected bigint;
  v_difference bigint;
  v_entry_id uuid;
begin
  v_replay := app_private.idempotency_begin('close_cash_shift', idempotency_key,
                pg_catalog.jsonb_build_object('shift_id', shift_id, 'counted_amount', counted_amount, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.cash_shifts, v_replay);
  end if;
  select * into v_shift from app_public.cash_shifts s where s.id = close_cash_shift.shift_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such cash shift, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_shift.property_id, app_hidden.staff_group_roles('cashiers'), 'close cash shifts');
  if v_shift.opened_by is distinct from app_hidden.current_user_id() then
    perform app_private.require_staff(v_shift.property_id, app_hidden.staff_group_roles('back_office'), 'close a colleague''s cash shift');
  end if;
  select * into v_shift from app_public.cash_shifts s where s.property_id = v_shift.property_id and s.id = v_shift.id for update;
  if v_shift.closed_at is not null then
    raise exception using errcode = 'TRANS', hint = 'CLOSED',
      message = pg_catalog.format('This cash shift was closed already, by %s at %s.',
                                  coalesce((select u.display_name from app_public.users u where u.id = v_shift.closed_by), 'a former colleague'),
                                  pg_catalog.to_char(v_shift.closed_at at time zone (select p.time_zone from app_public.properties p where p.id = v_shift.property_id), 'YYYY-MM-DD HH24:MI'));
  end if;
  if counted_amount is null or counted_amount < 0 or counted_amount > 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('The counted cash must be between %s and %s.', app_hidden.format_money(0, v_shift.currency),
                                  app_hidden.format_money(100000000000, v_shift.currency));
  end if;
  v_note := app_private.check_desk_text(note, false, 500, 'A note');
  select v_shift.opening_float + coalesce(sum(m.amount), 0) into v_expected
    from app_public.cash_movements m where m.property_id = v_shift.property_id and m.shift_id = v_shift.id;
  v_difference := counted_amount - v_expected;
  if v_difference <> 0 then
    v_entry_id := app_private.post_entry(v_shift.property_id, 'cash_count', v_shift.id, app_private.desk_key('cash_count', idempotency_key),
      pg_catalog.left(case when v_difference > 0 then 'Cash over, ' else 'Cash short, ' end || app_private.shift_label(v_shift)
                      || pg_catalog.format(': counted %s, expected %s', app_hidden.format_money(counted_amount, v_shift.currency),
                                           app_hidden.format_money(v_expected, v_shift.currency))
                      || coalesce(' (' || v_note || ')', ''), 500),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'cash_drawer', 'amount', v_difference, 'currency', v_shift.currency),
        pg_catalog.jsonb_build_object('purpose', 'cash_over_short', 'amount', -v_difference, 'currency', v_shift.currency)));
  end if;
  update app_public.cash_shifts s
     set closed_at = pg_catalog.now(), closed_by = app_hidden.current_user_id(), counted_amount = close_cash_shift.counted_amount,
         expected_amount = v_expected, difference = v_difference, difference_entry_id = v_entry_id, note = v_note
   where s.property_id = v_shift.property_id and s.id = v_shift.id
  returning * into v_shift;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_shift));
  return v_shift;
end;
$function$;
grant execute on function app_public.close_cash_shift(shift_id uuid, counted_amount bigint, note text, idempotency_key text) to keepr_staff;
comment on function app_public.close_cash_shift(shift_id uuid, counted_amount bigint, note text, idempotency_key text) is 'Closes a cash shift with the counted cash: records expected (float + cash in − cash out) and the difference, posted to cash over/short. The opener, or owner, manager or accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (closed already), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.companies_folio(c app_public.companies)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.companies_folio(c app_public.companies)
 RETURNS app_public.folios
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select f.* from app_public.folios f where f.property_id = c.property_id and f.company_id = c.id and f.kind = 'company';
$function$;
grant execute on function app_public.companies_folio(c app_public.companies) to keepr_staff;
grant execute on function app_public.companies_folio(c app_public.companies) to keepr_worker;
comment on function app_public.companies_folio(c app_public.companies) is 'The company''s city-ledger folio: what is transferred to it, what it pays, what it owes (arAging ages it).';

-- ----------------------------------------------------------------------------
-- function app_public.confirm_booking(reservation_id uuid, idempotency_key text, full_name text, email text, phone text, special_requests text, hold_token text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.confirm_booking(reservation_id uuid, idempotency_key text, full_name text, email text, phone text DEFAULT NULL::text, special_requests text DEFAULT NULL::text, hold_token text DEFAULT NULL::text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
  v_email public.citext;
  v_constraint text;
  v_staff boolean;
  v_verified boolean;
  v_user_id uuid;
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

  select * into v_res from app_public.reservations r where r.id = confirm_booking.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not (v_staff
          or coalesce(v_res.user_id = app_hidden.current_user_id(), false)
          or coalesce(confirm_booking.hold_token = app_private.sign('hold:' || v_res.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  -- The front office may book a guest without an email (a walk-in who has
  -- none): the profile has no email and no message is sent to it.
  if (email is null and not v_staff) or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if phone is not null and phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if pg_catalog.length(special_requests) > 2000 then
    raise exception using errcode = 'INVLD', message = 'Special requests can be at most 2000 characters.';
  end if;

  -- The hold's claim becomes the reservation's, expired or not, unless
  -- someone released it to take its nights (then it has no live claim).
  select * into v_claim from app_public.inventory_claims c
   where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
   for update;
  if found then
    update app_public.inventory_claims c set kind = 'reservation', expires_at = null
     where c.id = v_claim.id
    returning * into v_claim;
  else
    v_claim := app_private.claim_unit(v_res.property_id, v_res.room_type_id, v_res.stay, 'reservation',
                                      reservation_id => v_res.id, preferred_unit_id => v_res.unit_id);
    if v_claim.id is null then
      raise exception using errcode = 'HLDEX',
        message = 'This hold expired and its room was taken meanwhile; please search again.';
    end if;
  end if;

  -- A new profile is linked to a signed-in guest only when the email given
  -- is their account's. An existing profile is updated only by the guest it
  -- is linked to or by the staff: account emails are not verified, so
  -- signing up with someone's email never reaches their profile.
  v_email := nullif(pg_catalog.btrim(email), '')::public.citext;
  select u.id into v_user_id from app_public.users u
   where u.id = app_private.booking_user_id(v_res.property_id) and u.email = v_email;
  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, v_email, pg_catalog.btrim(full_name), phone, v_user_id)
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null and v_email is not null then
    select g.id, v_staff or coalesce(g.user_id = v_user_id, false) into v_guest_id, v_verified
      from app_public.guests g
     where g.property_id = v_res.property_id and g.email = v_email;
    if v_verified then
      update app_public.guests g
         set full_name = pg_catalog.btrim(confirm_booking.full_name),
             phone = coalesce(confirm_booking.phone, g.phone)
       where g.id = v_guest_id;
    end if;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests,
             contact_name = pg_catalog.btrim(confirm_booking.full_name), contact_email = v_email,
             contact_phone = confirm_booking.phone
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property: draw another. Any other
      -- unique violation is not the draw's and goes out as it came.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'reservations_property_id_confirmation_code_key' then
        raise;
      end if;
    end;
  end loop;

  if v_res.promo_code_id is not null then
    update app_public.promo_codes pc set uses = pc.uses + 1
     where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id
       and pc.is_active and (pc.max_uses is null or pc.uses < pc.max_uses);
    if not found then
      raise exception using errcode = 'PROMO',
        hint = case when exists (select 1 from app_public.promo_codes pc
                                  where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id and not pc.is_active)
                    then 'INACTIVE' else 'USED_UP' end,
        message = 'The promo code of this hold was used up or withdrawn meanwhile; please quote again without it.';
    end if;
  end if;

  -- The folio is charged the locked price, and payments are scheduled by
  -- the rate plan (deposit now, balance before arrival).
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':confirm:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' confirmed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.confirm_booking(reservation_id uuid, idempotency_key text, full_name text, email text, phone text, special_requests text, hold_token text) to keepr_anonymous;
comment on function app_public.confirm_booking(reservation_id uuid, idempotency_key text, full_name text, email text, phone text, special_requests text, hold_token text) is 'Confirms a hold as a reservation for the guest (name, email, optional phone; the property''s front office may leave the email out for a walk-in, then no message is sent): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, PROMO_CODE (the hold''s promo code was used up or deactivated meanwhile), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.confirm_group(booking_group_id uuid, idempotency_key text, full_name text, email text, phone text, special_requests text, hold_token text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.confirm_group(booking_group_id uuid, idempotency_key text, full_name text, email text, phone text DEFAULT NULL::text, special_requests text DEFAULT NULL::text, hold_token text DEFAULT NULL::text)
 RETURNS SETOF app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER ROWS 3
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room app_public.reservations;
  v_detail text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('confirm_group', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;

  select * into v_group from app_public.booking_groups g where g.id = confirm_group.booking_group_id for update;
  if not found
     or not (v_group.property_id in (select app_hidden.current_property_ids_for('front_office'))
             or coalesce(v_group.user_id = app_hidden.current_user_id(), false)
             or coalesce(confirm_group.hold_token = app_private.sign('group:' || v_group.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such group hold.';
  end if;

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id
     order by r.room_no
  loop
    begin
      perform app_public.confirm_booking(v_room.id, 'group-confirm:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                         full_name, email, phone, special_requests, app_private.sign('hold:' || v_room.id));
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;

  update app_public.booking_groups g
     set contact_name = pg_catalog.btrim(confirm_group.full_name),
         contact_email = nullif(pg_catalog.btrim(confirm_group.email), '')::public.citext,
         contact_phone = confirm_group.phone,
         confirmed_at = pg_catalog.now()
   where g.id = v_group.id;

  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, (
      select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
        from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id)));
end;
$function$;
grant execute on function app_public.confirm_group(booking_group_id uuid, idempotency_key text, full_name text, email text, phone text, special_requests text, hold_token text) to keepr_anonymous;
comment on function app_public.confirm_group(booking_group_id uuid, idempotency_key text, full_name text, email text, phone text, special_requests text, hold_token text) is 'Confirms every room of a group hold for the booker (name, email, optional phone and requests; the property''s front office may leave the email out): each room gets its confirmation code, its folio and its payments by its rate plan; one confirmation message for the group. Returns each room''s booking, in room order. Give the hold token createGroupHold returned (not needed by the signed-in guest who made it or by the front office). Errors (naming the room): NOT_FOUND, INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.correct_folio_entry(entry_id uuid, folio_id uuid, reason text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.correct_folio_entry(entry_id uuid, folio_id uuid, reason text, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_entry app_public.journal_entries;
  v_reason text;
  v_on_folio bigint;
  v_total bigint;
  v_lines jsonb;
begin
  v_replay := app_private.idempotency_begin('correct_folio_entry', idempotency_key,
                pg_catalog.jsonb_build_object('entry_id', entry_id, 'folio_id', folio_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(correct_folio_entry.folio_id, app_hidden.staff_group_roles('cashiers'), 'correct folio charges');
  select * into v_entry from app_public.journal_entries e
   where e.property_id = v_folio.property_id and e.id = correct_folio_entry.entry_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such entry, or you cannot see it.';
  end if;
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  if v_entry.cause_type not in ('folio_charge', 'folio_allowance') then
    raise exception using errcode = 'INVLD', hint = 'NOT_CORRECTABLE',
      message = 'Only extras and allowances posted at the desk can be corrected here; a booking''s charges follow the booking.';
  end if;
  if exists (select 1 from app_public.journal_entries c
              where c.property_id = v_entry.property_id and c.reverses_entry_id = v_entry.id and c.cause_type = 'folio_correction') then
    raise exception using errcode = 'TRANS', hint = 'CORRECTED', message = pg_catalog.format('“%s” was corrected already.', v_entry.description);
  end if;
  select sum(p.amount) into v_total from app_public.postings p
   where p.property_id = v_entry.property_id and p.entry_id = v_entry.id and p.folio_id is not null;
  v_on_folio := app_private.charge_on_folio(v_entry.property_id, v_entry.id, v_folio.id);
  if v_on_folio <> v_total then
    raise exception using errcode = 'INVLD', hint = 'NOT_ON_FOLIO',
      message = pg_catalog.format('“%s” is not on this folio (it was posted to or moved to another one): correct it there.', v_entry.description);
  end if;
  -- Every posting of the entry but its folio's, reversed; the folio's
  -- reversed on the folio it sits on now.
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', a.code, 'purpose', a.purpose, 'tax_id', a.tax_id, 'provider', a.provider,
                                                            'amount', -p.amount, 'currency', p.currency))
    into v_lines
    from app_public.postings p
    join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
   where p.property_id = v_entry.property_id and p.entry_id = v_entry.id and p.folio_id is null;
  v_lines := v_lines || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -v_total, 'currency', v_folio.currency));
  perform app_private.post_entry(v_folio.property_id, 'folio_correction', v_folio.id, app_private.desk_key('correction', idempotency_key),
    pg_catalog.left('Correction of “' || v_entry.description || '”: ' || v_reason, 500), v_lines, v_entry.id);
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.correct_folio_entry(entry_id uuid, folio_id uuid, reason text, idempotency_key text) to keepr_staff;
comment on function app_public.correct_folio_entry(entry_id uuid, folio_id uuid, reason text, idempotency_key text) is 'Reverses an extra or allowance posted by mistake (at most once), with a reason, on the folio it sits on now. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (corrected already), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.create_block(unit_id uuid, start_date date, end_date date, kind app_public.claim_kind, idempotency_key text, note text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.create_block(unit_id uuid, start_date date, end_date date, kind app_public.claim_kind, idempotency_key text, note text DEFAULT NULL::text)
 RETURNS app_public.inventory_claims
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_unit app_public.units;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('create_block', idempotency_key, pg_catalog.jsonb_build_object(
    'unit_id', unit_id, 'start_date', start_date, 'end_date', end_date, 'kind', kind, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_unit from app_public.units u where u.id = create_block.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, app_hidden.staff_group_roles('front_office'), 'block units');
  if kind is null or kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'A block is an owner_block or a maintenance_block.';
  end if;
  if start_date is null or end_date is null or start_date >= end_date or end_date - start_date > 730 then
    raise exception using errcode = 'DATES', message = 'A block needs an end date after its start date, at most 730 days later.';
  end if;
  if start_date < app_private.local_today(v_unit.property_id) then
    raise exception using errcode = 'DATES', message = 'A block cannot start in the past.';
  end if;
  if pg_catalog.length(note) > 500 then
    raise exception using errcode = 'INVLD', message = 'A note can be at most 500 characters.';
  end if;
  v_claim := app_private.claim_unit(v_unit.property_id, v_unit.room_type_id, pg_catalog.daterange(start_date, end_date), kind,
                                    preferred_unit_id => v_unit.id, exact_unit => true, note => create_block.note);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$function$;
grant execute on function app_public.create_block(unit_id uuid, start_date date, end_date date, kind app_public.claim_kind, idempotency_key text, note text) to keepr_staff;
comment on function app_public.create_block(unit_id uuid, start_date date, end_date date, kind app_public.claim_kind, idempotency_key text, note text) is 'Blocks a unit (owner_block or maintenance_block) for the nights from start_date up to end_date. Errors: NOT_FOUND, ACCESS_DENIED, DATES, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.create_desk_hold(quote_token text, idempotency_key text, minutes integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.create_desk_hold(quote_token text, idempotency_key text, minutes integer DEFAULT 10)
 RETURNS app_public.hold
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payload jsonb := app_private.quote_payload(quote_token, 'desk:');
  v_quote app_public.quote;
  v_unit_id uuid;
  v_override jsonb;
  v_percent numeric;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
begin
  v_replay := app_private.idempotency_begin('create_desk_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote, v_payload);
  v_unit_id := (v_payload ->> 'unit_id')::uuid;
  v_override := nullif(v_payload -> 'override', 'null'::jsonb);
  perform app_private.require_staff(v_quote.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);
  if v_override is not null then
    v_percent := app_private.check_desk_override(v_quote.property_id, (v_override ->> 'quoted_room_amount')::bigint,
                   case when v_override ->> 'kind' = 'room_amount' then (v_override ->> 'room_amount')::bigint end,
                   case when v_override ->> 'kind' = 'discount_percent' then (v_override ->> 'discount_percent')::numeric end,
                   v_override ->> 'reason');
  end if;

  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes),
                                    preferred_unit_id => v_unit_id, exact_unit => v_unit_id is not null);
  if v_claim.id is null and v_unit_id is not null then
    raise exception using errcode = 'UNAVL', message = 'That unit was taken for some of those nights meanwhile; choose another or any free unit.';
  elsif v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, unit_pinned
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, null,
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at,
    -- The unit the guest was promised stays theirs: the allocator does not move it.
    v_unit_id is not null
  );
  if v_override is not null then
    insert into app_public.rate_overrides (property_id, reservation_id, kind, quoted_room_amount, room_amount, discount_percent, reason, created_by, creator_role)
    select v_quote.property_id, v_id, v_override ->> 'kind', (v_override ->> 'quoted_room_amount')::bigint, v_quote.room_amount,
           v_percent, v_override ->> 'reason', app_hidden.current_user_id(), m.role
      from app_public.property_memberships m
     where m.property_id = v_quote.property_id and m.user_id = app_hidden.current_user_id();
  end if;

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$function$;
grant execute on function app_public.create_desk_hold(quote_token text, idempotency_key text, minutes integer) to keepr_staff;
comment on function app_public.create_desk_hold(quote_token text, idempotency_key text, minutes integer) is 'Holds the stay of a deskQuote token (its unit, or any free unit of the type) at its price, overridden or not, for `minutes` (default 10, 1 to 30), recording the override with the reservation. Front office of the property only. Errors: QUOTE_INVALID, QUOTE_EXPIRED, ACCESS_DENIED, DATES, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.create_folio(reservation_id uuid, label text, company_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.create_folio(reservation_id uuid, label text, company_id uuid, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_label text;
  v_company app_public.companies;
  v_folio app_public.folios;
begin
  v_replay := app_private.idempotency_begin('create_folio', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'label', label, 'company_id', company_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_res := app_private.lock_reservation(create_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'open folios');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given another folio');
  end if;
  v_label := app_private.check_desk_text(label, false, 100, 'A folio''s name');
  if company_id is not null then
    select * into v_company from app_public.companies c where c.property_id = v_res.property_id and c.id = create_folio.company_id;
    if not found then
      raise exception using errcode = 'NTFND', message = 'No such company, or you cannot see it.';
    end if;
    if not v_company.is_active then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is inactive: it takes no new folios.', v_company.name);
    end if;
  end if;
  v_label := coalesce(v_label,
                      'Folio ' || (select pg_catalog.count(*) + 1 from app_public.folios f
                                    where f.property_id = v_res.property_id and f.reservation_id = v_res.id));
  if exists (select 1 from app_public.folios f
              where f.property_id = v_res.property_id and f.reservation_id = v_res.id and pg_catalog.lower(f.label) = pg_catalog.lower(v_label)) then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('This booking has a folio called %s already.', v_label);
  end if;
  insert into app_public.folios (property_id, reservation_id, kind, is_primary, label, company_id, currency)
  values (v_res.property_id, v_res.id, 'guest', false, v_label, v_company.id, v_res.currency)
  returning * into v_folio;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.create_folio(reservation_id uuid, label text, company_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.create_folio(reservation_id uuid, label text, company_id uuid, idempotency_key text) is 'Opens another guest folio on a confirmed or checked-in reservation, optionally billed to a company; route charges to it with routeFolioPostings. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.create_group_hold(quote_token text, idempotency_key text, name text, minutes integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.create_group_hold(quote_token text, idempotency_key text, name text DEFAULT NULL::text, minutes integer DEFAULT 10)
 RETURNS app_public.group_hold
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payload jsonb := app_private.quote_payload(quote_token);
  v_group app_public.booking_groups;
  v_room record;
  v_hold app_public.hold;
  v_ids uuid[] := '{}';
  v_expires timestamptz;
  v_total bigint := 0;
  v_currency character(3);
  v_detail text;
  v_hint text;
  v_constraint text;
  v_result app_public.group_hold;
begin
  v_replay := app_private.idempotency_begin('create_group_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'name', name, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.group_hold, v_replay);
  end if;
  if v_payload ->> 'kind' is distinct from 'group' then
    raise exception using errcode = 'QUOTE', message = 'This is not a group quote token; get a group quote.';
  end if;
  if (v_payload ->> 'valid_until')::timestamptz < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_payload ->> 'valid_until');
  end if;
  if pg_catalog.length(pg_catalog.btrim(name)) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'A group''s name has 1 to 200 characters.';
  end if;

  loop
    begin
      insert into app_public.booking_groups (property_id, group_code, name, user_id, channel)
      values ((v_payload ->> 'property_id')::uuid, 'G-' || app_private.new_confirmation_code(), nullif(pg_catalog.btrim(name), ''),
              app_private.booking_user_id((v_payload ->> 'property_id')::uuid),
              case when (v_payload ->> 'property_id')::uuid in (select app_hidden.current_property_ids_for('front_office'))
                   then 'front_desk' else 'web' end)
      returning * into v_group;
      exit;
    exception when unique_violation then
      -- The code is taken at this property: draw another. Any other
      -- unique violation is not the draw's and goes out as it came.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'booking_groups_property_id_group_code_key' then
        raise;
      end if;
    end;
  end loop;

  -- Room by room, in the quote's order; any failure rolls back them all.
  for v_room in
    select x.n::integer as room_no, x.r ->> 'quote_token' as token, x.r ->> 'guest_name' as guest_name,
           x.r ->> 'room_type' as room_type
      from pg_catalog.jsonb_array_elements(v_payload -> 'rooms') with ordinality x(r, n)
     order by x.n
  loop
    begin
      v_hold := app_public.create_hold(v_room.token, 'group-hold:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, minutes);
    exception
      when sqlstate 'SOLDO' then
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for these dates any more, so none of the rooms is held.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
        perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    update app_public.reservations r
       set group_id = v_group.id, room_no = v_room.room_no, guest_name = v_room.guest_name
     where r.id = v_hold.reservation_id;
    v_ids := v_ids || v_hold.reservation_id;
    v_expires := least(v_expires, v_hold.expires_at);
    v_total := v_total + v_hold.total_amount;
    v_currency := v_hold.currency;
  end loop;

  v_result := (v_group.id, v_group.property_id, v_group.group_code, v_expires, v_currency, v_total, v_ids,
               app_private.sign('group:' || v_group.id))::app_public.group_hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_result));
  return v_result;
end;
$function$;
grant execute on function app_public.create_group_hold(quote_token text, idempotency_key text, name text, minutes integer) to keepr_anonymous;
comment on function app_public.create_group_hold(quote_token text, idempotency_key text, name text, minutes integer) is 'Holds every room of a group quote for `minutes` (default 10, 1 to 30), or none: a booking group with its code and a held reservation per room, at the quoted prices. Optional name (1 to 200 characters). Errors: QUOTE_INVALID, QUOTE_EXPIRED, INVALID_INPUT, DATES, SOLD_OUT (naming the room; nothing is held), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.create_hold(quote_token text, idempotency_key text, minutes integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.create_hold(quote_token text, idempotency_key text, minutes integer DEFAULT 10)
 RETURNS app_public.hold
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_quote app_public.quote := pg_catalog.jsonb_populate_record(null::app_public.quote, app_private.quote_payload(quote_token));
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('create_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  if v_quote.rate_plan_id is null then
    -- Signed by the database but not a room's quote (a group quote's token).
    raise exception using errcode = 'QUOTE', message = 'This is not a quote token of one room; get a new quote.';
  end if;
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);
  if v_quote.promo_code is not null then
    v_promo := app_private.check_promo_code(v_quote.property_id, v_quote.rate_plan_id, v_quote.arrival, v_quote.departure,
                                            v_quote.promo_code);
  end if;

  -- The claim first (its reservation key is checked at commit), so the
  -- reservation is written once, with its unit.
  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes));
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, promo_code_id
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at, v_promo.id
  );

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$function$;
grant execute on function app_public.create_hold(quote_token text, idempotency_key text, minutes integer) to keepr_anonymous;
comment on function app_public.create_hold(quote_token text, idempotency_key text, minutes integer) is 'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, PROMO_CODE (the quote''s promo code no longer applies), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.create_promo_code(property_id uuid, code text, percent_off numeric, amount_off bigint, rate_plan_ids uuid[], stays_from date, stays_until date, bookable_from date, bookable_until date, max_uses integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.create_promo_code(property_id uuid, code text, percent_off numeric DEFAULT NULL::numeric, amount_off bigint DEFAULT NULL::bigint, rate_plan_ids uuid[] DEFAULT NULL::uuid[], stays_from date DEFAULT NULL::date, stays_until date DEFAULT NULL::date, bookable_from date DEFAULT NULL::date, bookable_until date DEFAULT NULL::date, max_uses integer DEFAULT NULL::integer)
 RETURNS app_public.promo_codes
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_variable
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(code));
  v_promo app_public.promo_codes;
begin
  perform app_private.require_staff(property_id, app_hidden.staff_group_roles('managers'), 'manage promo codes');
  if v_code is null or v_code !~ '^[A-Z0-9][A-Z0-9_-]{2,31}$' then
    raise exception using errcode = 'INVLD', hint = 'CODE',
      message = 'A promo code is 3 to 32 letters, digits, - or _, starting with a letter or digit.';
  end if;
  if pg_catalog.num_nonnulls(percent_off, amount_off) <> 1 then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'Give either a percent off or an amount off.';
  end if;
  if percent_off is not null and (percent_off <= 0 or percent_off > 100 or percent_off <> round(percent_off, 2)) then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'The percent off is between 0.01 and 100, with at most two decimals.';
  end if;
  if amount_off is not null and amount_off not between 1 and 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'The amount off must be more than zero.';
  end if;
  if rate_plan_ids is not null
     and (pg_catalog.cardinality(rate_plan_ids) not between 1 and 100
          or array_position(rate_plan_ids, null) is not null
          or exists (select 1 from pg_catalog.unnest(rate_plan_ids) r(id)
                      where not exists (select 1 from app_public.rate_plans rp
                                         where rp.property_id = create_promo_code.property_id and rp.id = r.id))) then
    raise exception using errcode = 'INVLD', hint = 'RATE_PLAN', message = 'Choose 1 to 100 rate plans of this property, or none for all.';
  end if;
  if stays_until < stays_from then
    raise exception using errcode = 'INVLD', hint = 'STAY_DATES', message = 'The last night of the stay dates is before the first.';
  end if;
  if bookable_until < bookable_from then
    raise exception using errcode = 'INVLD', hint = 'BOOKING_DATES', message = 'The last booking day is before the first.';
  end if;
  if max_uses is not null and max_uses not between 1 and 1000000 then
    raise exception using errcode = 'INVLD', hint = 'MAX_USES', message = 'The number of uses is 1 to 1,000,000, or none for unlimited.';
  end if;

  insert into app_public.promo_codes (property_id, code, percent_off, amount_off, currency, rate_plan_ids,
                                      stays_from, stays_until, bookable_from, bookable_until, max_uses)
  select p.id, v_code, percent_off, amount_off, p.currency,
         (select pg_catalog.array_agg(distinct r) from pg_catalog.unnest(rate_plan_ids) r),
         stays_from, stays_until, bookable_from, bookable_until, max_uses
    from app_public.properties p
   where p.id = create_promo_code.property_id
  on conflict on constraint promo_codes_property_id_code_key do nothing
  returning * into v_promo;
  if v_promo.id is null then
    raise exception using errcode = 'INVLD', hint = 'CODE_TAKEN', message = 'This property already has that promo code.';
  end if;
  return v_promo;
end;
$function$;
grant execute on function app_public.create_promo_code(property_id uuid, code text, percent_off numeric, amount_off bigint, rate_plan_ids uuid[], stays_from date, stays_until date, bookable_from date, bookable_until date, max_uses integer) to keepr_staff;
comment on function app_public.create_promo_code(property_id uuid, code text, percent_off numeric, amount_off bigint, rate_plan_ids uuid[], stays_from date, stays_until date, bookable_from date, bookable_until date, max_uses integer) is 'Creates a promo code of the property (owners and managers): percent or amount off the room price, optional rate plans, stay-date and booking-date windows, max uses. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason CODE, CODE_TAKEN, DISCOUNT, RATE_PLAN, STAY_DATES, BOOKING_DATES or MAX_USES).';

-- ----------------------------------------------------------------------------
-- function app_public.current_booking()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.current_booking()
 RETURNS app_public.reservations
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select r.* from app_public.reservations r where r.id = app_hidden.current_booking_id();
$function$;
grant execute on function app_public.current_booking() to keepr_anonymous;
comment on function app_public.current_booking() is 'The booking the caller''s booking token is for (lookupBooking, or the token confirmBooking returns); null without one.';

-- ----------------------------------------------------------------------------
-- function app_public.current_user()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public."current_user"()
 RETURNS app_public.users
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id();
$function$;
grant execute on function app_public.current_user() to keepr_anonymous;
comment on function app_public.current_user() is 'The signed-in user, or null.';

-- ----------------------------------------------------------------------------
-- function app_public.desk_quote(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, unit_id uuid, room_amount bigint, discount_percent numeric, override_reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.desk_quote(rate_plan_id uuid, arrival date, departure date, adults integer DEFAULT 2, children integer DEFAULT 0, unit_id uuid DEFAULT NULL::uuid, room_amount bigint DEFAULT NULL::bigint, discount_percent numeric DEFAULT NULL::numeric, override_reason text DEFAULT NULL::text)
 RETURNS app_public.quote
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_restriction record;
  v_quote app_public.quote;
  v_plain app_public.quote;
  v_percent numeric;
  v_override jsonb;
  v_payload text;
begin
  select rp.* into v_plan from app_public.rate_plans rp
   where rp.id = desk_quote.rate_plan_id and rp.property_id in (select app_hidden.current_property_ids());
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.require_staff(v_plan.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  perform app_private.check_stay(v_plan.property_id, arrival, departure, adults, children);
  select * into v_restriction
    from app_private.stay_restrictions(array[desk_quote.rate_plan_id], arrival, departure, adults, children);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if unit_id is not null then
    if not exists (select from app_public.units u
                    where u.property_id = v_plan.property_id and u.id = desk_quote.unit_id and u.room_type_id = v_plan.room_type_id) then
      raise exception using errcode = 'NTFND', message = 'No such unit of this room type.';
    end if;
    if not exists (select from app_private.free_units(array[v_plan.property_id], pg_catalog.daterange(arrival, departure), v_plan.room_type_id) f
                    where f.unit_id = desk_quote.unit_id) then
      raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of those nights; choose another or any free unit.';
    end if;
  end if;

  if room_amount is not null or discount_percent is not null or override_reason is not null then
    v_plain := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children);
    v_percent := app_private.check_desk_override(v_plan.property_id, v_plain.room_amount, room_amount, discount_percent, override_reason);
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children,
                 room_amount, discount_percent,
                 case when room_amount is not null then 'Rate set by the front desk: ' else pg_catalog.format('Front desk discount %s%%: ', pg_catalog.trim_scale(discount_percent)) end
                   || pg_catalog.btrim(override_reason));
    v_override := pg_catalog.jsonb_build_object(
      'quoted_room_amount', v_plain.room_amount, 'quoted_total_amount', v_plain.total_amount,
      'room_amount', v_quote.room_amount, 'discount_percent', v_percent,
      'kind', case when room_amount is not null then 'room_amount' else 'discount_percent' end,
      'reason', pg_catalog.btrim(override_reason));
  else
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children);
  end if;
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(
                 (pg_catalog.to_jsonb(v_quote) || pg_catalog.jsonb_build_object('unit_id', unit_id, 'override', v_override))::text, 'UTF8'), 'base64'),
                 E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign('desk:' || v_payload);
  return v_quote;
end;
$function$;
grant execute on function app_public.desk_quote(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, unit_id uuid, room_amount bigint, discount_percent numeric, override_reason text) to keepr_staff;
comment on function app_public.desk_quote(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, unit_id uuid, room_amount bigint, discount_percent numeric, override_reason text) is 'The front desk''s quote: like quote, with a chosen unit (free for those nights) and a rate override (a new room price, roomAmount, or discountPercent off it) with its reason; the token is for createDeskHold. Front office of the property only; the front desk within the property''s deskMaxDiscountPercent. Errors: NOT_FOUND, ACCESS_DENIED, DATES, GUEST, RESTRICTED, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, OVERRIDE_REASON_REQUIRED, INVALID_INPUT (reason OVERRIDE).';

-- ----------------------------------------------------------------------------
-- function app_public.extend_payment_deadline(reservation_id uuid, until timestamp with time zone, reason text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.extend_payment_deadline(reservation_id uuid, until timestamp with time zone, reason text, idempotency_key text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_reason text := pg_catalog.btrim(reason);
begin
  v_replay := app_private.idempotency_begin('extend_payment_deadline', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'until', until, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(extend_payment_deadline.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'extend payment deadlines');
  if v_res.status <> 'confirmed' or v_res.payment_due_by is null then
    raise exception using errcode = 'TRANS', message = 'No payment is due on this booking: there is no deadline to extend.',
      hint = case when v_res.status <> 'confirmed' then v_res.status::text else 'NO_PAYMENT_DUE' end;
  end if;
  if v_reason is null or v_reason = '' or pg_catalog.length(v_reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'Give a reason for the extension (at most 500 characters).';
  end if;
  if until is null or until <= pg_catalog.now() or until > pg_catalog.now() + interval '30 days' then
    raise exception using errcode = 'INVLD', message = 'The new deadline must be in the future, at most 30 days from now.';
  end if;
  if until < v_res.payment_due_by then
    raise exception using errcode = 'INVLD', message = 'The new deadline must be later than the current one.';
  end if;
  update app_public.reservations r set payment_due_by = extend_payment_deadline.until, payment_guarantee_note = v_reason
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                  run_at := v_res.payment_due_by, max_attempts := 10,
                                  job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.extend_payment_deadline(reservation_id uuid, until timestamp with time zone, reason text, idempotency_key text) to keepr_staff;
comment on function app_public.extend_payment_deadline(reservation_id uuid, until timestamp with time zone, reason text, idempotency_key text) is 'Moves the payment deadline of a booking whose payment is due to a later time (at most 30 days ahead), with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (no payment due), INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.folio_list(property_id uuid, status app_public.folio_status, unsettled boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.folio_list(property_id uuid, status app_public.folio_status DEFAULT NULL::app_public.folio_status, unsettled boolean DEFAULT false)
 RETURNS SETOF app_public.folios
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select f.*
    from app_public.folios f
   where f.property_id = folio_list.property_id
     and (folio_list.status is null or f.status = folio_list.status)
     and (not coalesce(folio_list.unsettled, false)
          or f.id in (select b.folio_id
                        from app_public.folio_balances b
                       where b.property_id = folio_list.property_id and b.balance <> 0))
   order by f.created_at desc, f.id desc;
$function$;
grant execute on function app_public.folio_list(property_id uuid, status app_public.folio_status, unsettled boolean) to keepr_staff;
comment on function app_public.folio_list(property_id uuid, status app_public.folio_status, unsettled boolean) is 'The folios of a property, newest first: optionally only `open` or `closed` ones, and with `unsettled` only those whose balance is not zero. Staff of the property (owner, manager, accountant, front desk) see them; any other property gives nothing.';

-- ----------------------------------------------------------------------------
-- function app_public.folios_bill_to(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.folios_bill_to(folio app_public.folios)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select app_private.bill_to_of(folio)
   where folio.property_id in (select app_hidden.current_property_ids_for('cashiers'));
$function$;
grant execute on function app_public.folios_bill_to(folio app_public.folios) to keepr_staff;
comment on function app_public.folios_bill_to(folio app_public.folios) is 'Whom the folio''s next invoice is addressed to: {source: folio|company|guest, name, address_line1, address_line2, postal_code, city, country_code, tax_id, email} and the stay; null for callers other than the property''s cashiers.';

-- ----------------------------------------------------------------------------
-- function app_public.folios_due_at_check_out(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.folios_due_at_check_out(folio app_public.folios)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  return coalesce((select sum(b.balance) from app_public.folio_balances b
                    where b.property_id = folio.property_id and b.folio_id = folio.id and b.currency = folio.currency), 0)::bigint
       + coalesce((select r.total_amount
                          - coalesce((select sum(p.amount)
                                        from app_public.journal_entries e
                                        join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
                                       where e.property_id = r.property_id and e.cause_type = 'reservation' and e.cause_id = r.id
                                         and p.folio_id is not null), 0)
                     from app_public.reservations r
                    where folio.is_primary and r.property_id = folio.property_id and r.id = folio.reservation_id
                      and r.status in ('confirmed', 'checked_in')), 0)::bigint;
end;
$function$;
grant execute on function app_public.folios_due_at_check_out(folio app_public.folios) to keepr_anonymous;
grant execute on function app_public.folios_due_at_check_out(folio app_public.folios) to keepr_worker;
comment on function app_public.folios_due_at_check_out(folio app_public.folios) is 'What the folio will show at check-out: its balance plus, on a booking''s primary folio, the stay''s charges not posted yet (a nightly-posting plan''s nights not audited). The most a desk payment may be.';

-- ----------------------------------------------------------------------------
-- function app_public.front_desk_day(property_id uuid, day date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.front_desk_day(property_id uuid, day date DEFAULT NULL::date)
 RETURNS SETOF app_public.reservations
 LANGUAGE sql
 STABLE ROWS 50
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with d as (
    select x.day,
           (x.day::timestamp at time zone p.time_zone) as starts,
           ((x.day + 1)::timestamp at time zone p.time_zone) as ends,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.properties p,
           lateral (select coalesce(front_desk_day.day, (pg_catalog.now() at time zone p.time_zone)::date) as day) x
     where p.id = front_desk_day.property_id
  )
  select r.*
    from app_public.reservations r
   where r.property_id = front_desk_day.property_id
     and r.id in (
       -- arrivals of the day, whatever became of them
       select a.id
         from app_public.reservations a, d
        where a.property_id = front_desk_day.property_id
          and pg_catalog.lower(a.stay) = d.day
          and a.status in ('confirmed', 'checked_in', 'checked_out', 'no_show')
       union
       -- in house now (today: checked in, overstays too)
       select h.id
         from app_public.reservations h, d
        where h.property_id = front_desk_day.property_id
          and d.day = d.today
          and h.status = 'checked_in'
          and pg_catalog.lower(h.stay) <= d.day
       union
       -- staying the night of the day, and departing on it
       select s.id
         from app_public.reservations s, d
        where s.property_id = front_desk_day.property_id
          and s.status in ('confirmed', 'checked_in', 'checked_out')
          and s.stay && pg_catalog.daterange(d.day, d.day, '[]')
       union
       select e.id
         from app_public.reservations e, d
        where e.property_id = front_desk_day.property_id
          and e.status in ('confirmed', 'checked_in', 'checked_out')
          and pg_catalog.upper(e.stay) = d.day
       union
       -- checked out on the day (early departures included)
       select o.id
         from app_public.reservations o, d
        where o.property_id = front_desk_day.property_id
          and o.checked_out_at >= d.starts and o.checked_out_at < d.ends
       union
       -- no-shows recorded on the day
       select n.id
         from app_public.reservations n, d
        where n.property_id = front_desk_day.property_id
          and n.no_show_at >= d.starts and n.no_show_at < d.ends
       union
       -- bookings cancelled on the day
       select c.id
         from app_public.reservations c, d
        where c.property_id = front_desk_day.property_id
          and c.cancelled_at >= d.starts and c.cancelled_at < d.ends
          and c.confirmed_at is not null
     )
   order by pg_catalog.lower(r.stay), r.confirmation_code;
$function$;
grant execute on function app_public.front_desk_day(property_id uuid, day date) to keepr_staff;
comment on function app_public.front_desk_day(property_id uuid, day date) is 'The front desk''s day at a property (`day`, default today in the property''s time zone): arrivals of the day whatever became of them (confirmed, checked in, checked out, no-show), guests in house (today: checked in), stays over the night of the day, departures of the day and early check-outs made on it, no-shows recorded on it and bookings cancelled on it. Staff who read reservations see their properties only; any other property gives nothing.';

-- ----------------------------------------------------------------------------
-- function app_public.guests_duplicates(guest app_public.guests)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.guests_duplicates(guest app_public.guests)
 RETURNS SETOF app_public.guests
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select d.*
    from app_public.guests d
   where d.property_id = guest.property_id and d.id <> guest.id
     and (pg_catalog.regexp_replace(pg_catalog.lower(d.email::text), '\+[^@]*@', '@')
            = pg_catalog.regexp_replace(pg_catalog.lower(guest.email::text), '\+[^@]*@', '@')
          or (pg_catalog.lower(pg_catalog.regexp_replace(d.full_name, '\s+', ' ', 'g'))
                = pg_catalog.lower(pg_catalog.regexp_replace(guest.full_name, '\s+', ' ', 'g'))
              and pg_catalog.length(pg_catalog.regexp_replace(guest.phone, '[^0-9]', '', 'g')) >= 5
              and pg_catalog.regexp_replace(d.phone, '[^0-9]', '', 'g')
                    = pg_catalog.regexp_replace(guest.phone, '[^0-9]', '', 'g')))
   order by d.created_at, d.id
   limit 20;
$function$;
grant execute on function app_public.guests_duplicates(guest app_public.guests) to keepr_staff;
comment on function app_public.guests_duplicates(guest app_public.guests) is '@behavior -connection +list
Likely duplicates of this guest at the property (at most 20): the same email ignoring case and a +tag, or the same name and phone digits. Merge one with mergeGuests.';

-- ----------------------------------------------------------------------------
-- function app_public.guests_merges(guest app_public.guests)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.guests_merges(guest app_public.guests)
 RETURNS SETOF app_public.guest_merges
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select m.*
    from app_public.guest_merges m
   where m.property_id = guest.property_id and m.kept_guest_id = guest.id
   order by m.created_at desc, m.id;
$function$;
grant execute on function app_public.guests_merges(guest app_public.guests) to keepr_staff;
comment on function app_public.guests_merges(guest app_public.guests) is '@behavior -connection +list
The profiles merged into this guest, newest first.';

-- ----------------------------------------------------------------------------
-- function app_public.guests_nights_count(guest app_public.guests)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.guests_nights_count(guest app_public.guests)
 RETURNS integer
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(pg_catalog.sum(pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay)), 0)::integer
    from app_public.reservations r
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out');
$function$;
grant execute on function app_public.guests_nights_count(guest app_public.guests) to keepr_staff;
comment on function app_public.guests_nights_count(guest app_public.guests) is 'Nights of the guest''s stays here (checked in or checked out), as their stays read now.';

-- ----------------------------------------------------------------------------
-- function app_public.guests_stays_count(guest app_public.guests)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.guests_stays_count(guest app_public.guests)
 RETURNS integer
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.count(*)::integer
    from app_public.reservations r
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out');
$function$;
grant execute on function app_public.guests_stays_count(guest app_public.guests) to keepr_staff;
comment on function app_public.guests_stays_count(guest app_public.guests) is 'Stays the guest has had here: their bookings checked in (in house now or checked out).';

-- ----------------------------------------------------------------------------
-- function app_public.guests_total_spend(guest app_public.guests)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.guests_total_spend(guest app_public.guests)
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(pg_catalog.sum(c.amount), 0)::bigint
    from app_public.reservations r
    join app_public.properties p on p.id = r.property_id
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
                            and f.kind = 'guest' and f.currency = p.currency
    cross join lateral app_private.folio_charges(f) c
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out', 'cancelled', 'no_show')
  having guest.property_id in (select app_hidden.current_property_ids_for('cashiers'));
$function$;
grant execute on function app_public.guests_total_spend(guest app_public.guests) to keepr_staff;
comment on function app_public.guests_total_spend(guest app_public.guests) is 'What the guest has been charged here (revenue and tax on the guest folios of their stays in house or checked out, and of cancelled and no-show bookings; upcoming ones are left out; routed charges follow their folio), in minor units of the property''s currency; payments do not count. Null for anyone but the property''s cashiers.';

-- ----------------------------------------------------------------------------
-- function app_public.housekeeping_board(property_id uuid, day date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.housekeeping_board(property_id uuid, day date DEFAULT NULL::date)
 RETURNS SETOF app_public.housekeeping_tasks
 LANGUAGE sql
 STABLE ROWS 50
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with d as (
    select coalesce(housekeeping_board.day, (pg_catalog.now() at time zone p.time_zone)::date) as day
      from app_public.properties p
     where p.id = housekeeping_board.property_id
  )
  select t.*
    from (
      select t.*
        from app_public.housekeeping_tasks t, d
       where t.property_id = housekeeping_board.property_id
         and t.due_date = d.day
      union all
      select t.*
        from app_public.housekeeping_tasks t, d
       where t.property_id = housekeeping_board.property_id
         and t.due_date < d.day
         and t.status in ('open', 'in_progress')
    ) t
   order by t.due_date, t.kind, t.created_at, t.id;
$function$;
grant execute on function app_public.housekeeping_board(property_id uuid, day date) to keepr_staff;
comment on function app_public.housekeeping_board(property_id uuid, day date) is 'The housekeeping board of a property: the tasks due on `day` (default: today in the property''s time zone), whatever their status, and the earlier ones still open or in progress. Staff see their properties only; any other property gives nothing.';

-- ----------------------------------------------------------------------------
-- function app_public.housekeeping_stays(property_id uuid, day date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.housekeeping_stays(property_id uuid, day date DEFAULT NULL::date)
 RETURNS SETOF app_public.housekeeping_stay
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 50
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_day date;
begin
  perform app_private.require_staff(housekeeping_stays.property_id, app_hidden.staff_group_roles('housekeeping_ops'), 'see the housekeeping board');
  v_day := coalesce(housekeeping_stays.day, app_private.local_today(housekeeping_stays.property_id));
  return query
    select r.id, r.unit_id, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay), r.status, r.adults, r.children,
           r.checked_in_at, r.checked_out_at, r.do_not_disturb_on is not distinct from v_day,
           r.expected_arrival_time,
           coalesce(r.status = 'confirmed' and pg_catalog.lower(r.stay) = v_day
                    and r.expected_arrival_time < (select p.check_in_time from app_public.properties p where p.id = r.property_id), false)
      from app_public.reservations r
     where r.property_id = housekeeping_stays.property_id
       and r.unit_id is not null
       and ((r.status in ('confirmed', 'checked_in') and pg_catalog.lower(r.stay) <= v_day
             and (pg_catalog.lower(r.stay) = v_day or r.status = 'checked_in'))
            or (r.status in ('checked_in', 'checked_out') and pg_catalog.upper(r.stay) = v_day))
     order by pg_catalog.lower(r.stay), r.expected_arrival_time nulls last, r.id;
end;
$function$;
grant execute on function app_public.housekeeping_stays(property_id uuid, day date) to keepr_staff;
comment on function app_public.housekeeping_stays(property_id uuid, day date) is 'The stays that touch the housekeeping board on `day` (default: today at the property): arrivals, departures and guests in house, with unit, dates, state, number of guests, do-not-disturb, the arrival''s expected time and whether it is an early check-in (before the property''s check-in time), and nothing about who they are. Owners, managers, front desk and housekeeping. Errors: NOT_FOUND, ACCESS_DENIED.';

-- ----------------------------------------------------------------------------
-- function app_public.inventory_claims_end_date(c app_public.inventory_claims)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.inventory_claims_end_date(c app_public.inventory_claims)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.upper(c.stay);
$function$;
grant execute on function app_public.inventory_claims_end_date(c app_public.inventory_claims) to keepr_staff;
grant execute on function app_public.inventory_claims_end_date(c app_public.inventory_claims) to keepr_worker;
comment on function app_public.inventory_claims_end_date(c app_public.inventory_claims) is 'The day after the last night the claim takes.';

-- ----------------------------------------------------------------------------
-- function app_public.inventory_claims_start_date(c app_public.inventory_claims)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.inventory_claims_start_date(c app_public.inventory_claims)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.lower(c.stay);
$function$;
grant execute on function app_public.inventory_claims_start_date(c app_public.inventory_claims) to keepr_staff;
grant execute on function app_public.inventory_claims_start_date(c app_public.inventory_claims) to keepr_worker;
comment on function app_public.inventory_claims_start_date(c app_public.inventory_claims) is 'The first night the claim takes.';

-- ----------------------------------------------------------------------------
-- function app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text)
 RETURNS app_public.invoices
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_note app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_credit_note', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = issue_credit_note.invoice_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_invoice.property_id and f.id = v_invoice.folio_id;
  if v_folio.reservation_id is not null then
    v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  else
    v_folio := app_private.lock_folio(v_folio.id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  end if;
  if v_invoice.kind <> 'invoice' then
    raise exception using errcode = 'TRANS', message = 'Only an invoice can be credited, not a credit note.';
  end if;
  if exists (select 1 from app_public.invoices i where i.property_id = v_invoice.property_id and i.credits_invoice_id = v_invoice.id) then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('Invoice %s is credited already.', v_invoice.document_number);
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'A credit note needs a reason (1 to 500 characters).';
  end if;
  v_note := app_private.insert_invoice(v_folio, v_res, 'credit_note',
              (select pg_catalog.jsonb_agg(l || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                        'amount', -(l ->> 'amount')::bigint, 'net', -(l ->> 'net')::bigint, 'vat', -(l ->> 'vat')::bigint,
                        'postings', (select pg_catalog.jsonb_agg(pp || pg_catalog.jsonb_build_object('amount', -(pp ->> 'amount')::bigint))
                                       from pg_catalog.jsonb_array_elements(l -> 'postings') pp))) order by o)
                 from pg_catalog.jsonb_array_elements(v_invoice.lines) with ordinality x(l, o)),
              v_invoice.id, pg_catalog.btrim(reason));
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_note));
  return v_note;
end;
$function$;
grant execute on function app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text) to keepr_staff;
comment on function app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text) is 'Credits an issued invoice in full with a credit note (its own gapless numbers). Errors: NOT_FOUND, ACCESS_DENIED, LEGAL_DETAILS_MISSING, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.issue_invoice(folio_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.issue_invoice(folio_id uuid, idempotency_key text)
 RETURNS app_public.invoices
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_lines jsonb;
  v_invoice app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_invoice', idempotency_key, pg_catalog.jsonb_build_object('folio_id', folio_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = issue_invoice.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_folio.reservation_id is not null then
    v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  else
    -- A company's (city-ledger) folio: the charges routed to it, entry by entry.
    v_folio := app_private.lock_folio(v_folio.id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  end if;
  perform app_private.invoice_seller(v_folio.property_id);

  v_lines := app_private.invoice_lines(v_folio);
  if v_lines is null then
    raise exception using errcode = 'INVLD', message = 'Everything charged on this folio is invoiced already.';
  end if;
  if (select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(v_lines) l) < 0 then
    raise exception using errcode = 'TRANS',
      message = 'The charges went down since the last invoice: issue a credit note for it first, then a new invoice.';
  end if;
  v_invoice := app_private.insert_invoice(v_folio, v_res, 'invoice', v_lines, null, null);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_invoice));
  return v_invoice;
end;
$function$;
grant execute on function app_public.issue_invoice(folio_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.issue_invoice(folio_id uuid, idempotency_key text) is 'Issues an invoice (numbered per property without gaps) for what a folio was charged and not yet invoiced: a line per night with its VAT, fees, city tax, extras, allowances; payments received and the amount due. Errors: NOT_FOUND, ACCESS_DENIED, LEGAL_DETAILS_MISSING, INVALID_INPUT (nothing to invoice), INVALID_TRANSITION (credit the last invoice first), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.journal_entries_between(property_id uuid, from_date date, to_date date, account_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.journal_entries_between(property_id uuid, from_date date DEFAULT NULL::date, to_date date DEFAULT NULL::date, account_id uuid DEFAULT NULL::uuid)
 RETURNS SETOF app_public.journal_entries
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select e.*
    from app_public.properties p
    cross join lateral (
      select coalesce((journal_entries_between.from_date::timestamp at time zone p.time_zone), '-infinity') as from_at,
             coalesce(((journal_entries_between.to_date + 1)::timestamp at time zone p.time_zone), 'infinity') as to_at
    ) b
    join app_public.journal_entries e on e.property_id = p.id and e.occurred_at >= b.from_at and e.occurred_at < b.to_at
   where p.id = journal_entries_between.property_id
     -- The journal is the back office's; the desk reads folios' entries through the folios.
     and p.id in (select app_hidden.current_property_ids_for('back_office'))
     and (journal_entries_between.account_id is null
          or exists (select 1
                       from app_public.postings x
                      where x.property_id = e.property_id and x.entry_id = e.id
                        and x.account_id = journal_entries_between.account_id))
   order by e.occurred_at desc, e.id desc;
$function$;
grant execute on function app_public.journal_entries_between(property_id uuid, from_date date, to_date date, account_id uuid) to keepr_staff;
comment on function app_public.journal_entries_between(property_id uuid, from_date date, to_date date, account_id uuid) is 'The journal entries of a property dated from `fromDate` to `toDate` (inclusive, in the property''s calendar; null leaves an end open), newest first; with `accountId` only those posting to that account. Owners, managers and accountants of the property.';

-- ----------------------------------------------------------------------------
-- function app_public.login(email text, password text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.login(email text, password text)
 RETURNS app_public.jwt_token
 LANGUAGE plpgsql
 STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_user_id uuid;
  v_hash text;
begin
  select u.id, s.password_hash into v_user_id, v_hash
    from app_public.users u
    join app_private.user_secrets s on s.user_id = u.id
   where u.email = login.email::public.citext;

  -- Hash even when the user is unknown, so timing does not reveal accounts.
  if v_hash is null then
    perform public.crypt(login.password, public.gen_salt('bf', 10));
  end if;
  if v_hash is null or public.crypt(login.password, v_hash) <> v_hash then
    raise exception using errcode = 'CREDS', message = 'Incorrect email or password.';
  end if;

  return app_private.create_session(v_user_id);
end;
$function$;
grant execute on function app_public.login(email text, password text) to keepr_anonymous;
comment on function app_public.login(email text, password text) is 'Signs in with email and password and returns a signed JWT for a new session. Errors: INVALID_CREDENTIALS.';

-- ----------------------------------------------------------------------------
-- function app_public.logout()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.logout()
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_private.sessions
     set revoked_at = pg_catalog.now()
   where id = app_hidden.current_session_id()
     and revoked_at is null;
  return found;
end;
$function$;
grant execute on function app_public.logout() to keepr_anonymous;
comment on function app_public.logout() is 'Ends the current session: its JWT stops working at once. Returns false when there was no live session.';

-- ----------------------------------------------------------------------------
-- function app_public.lookup_booking(confirmation_code text, email text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.lookup_booking(confirmation_code text, email text)
 RETURNS app_public.jwt_token
 LANGUAGE plpgsql
 STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(lookup_booking.confirmation_code));
  v_email public.citext := pg_catalog.btrim(lookup_booking.email)::public.citext;
  v_id uuid;
begin
  -- One lookup at a time per email and per code (in a fixed order), so the
  -- count of recent failures and the new failure are atomic under
  -- concurrency: the 11th concurrent guess waits for the 10th and sees it.
  perform pg_catalog.pg_advisory_xact_lock(k)
     from pg_catalog.unnest(array[pg_catalog.hashtextextended('lookup_booking:email:' || v_email::text, 0),
                                  pg_catalog.hashtextextended('lookup_booking:code:' || v_code, 0)]) k
    order by k;
  if (select count(*) from app_private.lookup_failures f
       where (f.email = v_email or f.confirmation_code = v_code)
         and f.failed_at > pg_catalog.now() - interval '15 minutes') >= 10 then
    raise exception using errcode = 'LIMIT', message = 'Too many failed lookups; try again in 15 minutes.';
  end if;
  -- The email given for the booking, not the shared guest profile's.
  select r.id into v_id
    from app_public.reservations r
   where r.confirmation_code = v_code
     and r.contact_email = v_email;
  if v_id is not null then
    return ('keepr_anonymous', null, null,
            extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id, null)::app_public.jwt_token;
  end if;
  -- A group code (G-…) with the booker's email: a token for the whole group.
  select g.id into v_id
    from app_public.booking_groups g
   where g.group_code = v_code
     and g.contact_email = v_email;
  if v_id is null then
    delete from app_private.lookup_failures f where f.failed_at < pg_catalog.now() - interval '1 day';
    insert into app_private.lookup_failures (email, confirmation_code) values (v_email, pg_catalog.left(v_code, 50));
    return null;
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, null, v_id)::app_public.jwt_token;
end;
$function$;
grant execute on function app_public.lookup_booking(confirmation_code text, email text) to keepr_anonymous;
comment on function app_public.lookup_booking(confirmation_code text, email text) is 'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only (with a group code and the booker''s email: the group and its rooms); null when nothing matches. After 10 misses in 15 minutes for an email or a code: TOO_MANY_ATTEMPTS.';

-- ----------------------------------------------------------------------------
-- function app_public.mark_no_show(reservation_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.mark_no_show(reservation_id uuid, idempotency_key text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_from timestamptz;
  v_zone text;
begin
  v_replay := app_private.idempotency_begin('mark_no_show', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(mark_no_show.reservation_id, app_hidden.staff_group_roles('front_office'), 'record no-shows');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'marked as a no-show');
  end if;
  v_from := app_private.no_show_from(v_res);
  if pg_catalog.now() < v_from then
    select p.time_zone into v_zone from app_public.properties p where p.id = v_res.property_id;
    raise exception using errcode = 'NSHOW',
      message = pg_catalog.format('A no-show can be recorded from %s (%s), the property''s no-show time.',
                                  pg_catalog.to_char(v_from at time zone v_zone, 'FMDD Mon YYYY, HH24:MI'), v_zone),
      hint = pg_catalog.to_char(v_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
  end if;
  v_res := app_private.record_no_show(v_res,
    'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key));
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.mark_no_show(reservation_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.mark_no_show(reservation_id uuid, idempotency_key text) is 'Marks a confirmed reservation as a no-show from the property''s no-show time after its arrival date: the penalty its rate plan says applies and the unit is freed. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, NO_SHOW_TOO_EARLY, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.mark_payout_paid(payout_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.mark_payout_paid(payout_id uuid, idempotency_key text)
 RETURNS app_public.payouts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payout app_public.payouts;
begin
  v_replay := app_private.idempotency_begin('mark_payout_paid', idempotency_key, pg_catalog.jsonb_build_object('payout_id', payout_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payouts, v_replay);
  end if;
  select * into v_payout from app_public.payouts p where p.id = mark_payout_paid.payout_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payout, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_payout.property_id, app_hidden.staff_group_roles('back_office'), 'pay owners');
  if v_payout.paid_at is not null then
    raise exception using errcode = 'TRANS', message = 'This payout is recorded as paid already.';
  end if;
  -- A negative payout (revenue taken back after it was paid out) is money
  -- the owner returns: the same entry with the signs turned.
  if v_payout.owner_share <> 0 then
    perform app_private.post_entry(v_payout.property_id, 'payout', v_payout.id, 'payout:' || v_payout.id || ':paid',
      case when v_payout.owner_share > 0
           then 'Payout of ' || app_hidden.format_money(v_payout.owner_share, v_payout.currency) || ' transferred to '
           else 'Repayment of ' || app_hidden.format_money(-v_payout.owner_share, v_payout.currency) || ' received from ' end
        || coalesce((select o.name from app_public.owners o where o.property_id = v_payout.property_id and o.id = v_payout.owner_id), 'the owner'),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'owner_payable', 'amount', v_payout.owner_share, 'currency', v_payout.currency),
        pg_catalog.jsonb_build_object('purpose', 'payouts', 'amount', -v_payout.owner_share, 'currency', v_payout.currency)));
  end if;
  update app_public.payouts p set paid_at = pg_catalog.now() where p.id = v_payout.id returning * into v_payout;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_payout));
  return v_payout;
end;
$function$;
grant execute on function app_public.mark_payout_paid(payout_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.mark_payout_paid(payout_id uuid, idempotency_key text) is 'Records a payout as transferred: Dr owner payable / Cr payouts. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.merge_guests(keep_guest_id uuid, merge_guest_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.merge_guests(keep_guest_id uuid, merge_guest_id uuid)
 RETURNS app_public.guests
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_keep app_public.guests;
  v_merge app_public.guests;
  v_done app_public.guest_merges;
  v_kept app_public.guests;
  v_moved uuid[];
  v_notes text;
  v_preferences text;
begin
  select * into v_keep from app_public.guests g where g.id = merge_guests.keep_guest_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_keep.property_id, app_hidden.staff_group_roles('front_office'), 'merge guest profiles');
  if keep_guest_id = merge_guest_id then
    raise exception using errcode = 'INVLD', hint = 'SAME_GUEST', message = 'Choose two different guest profiles to merge.';
  end if;
  select * into v_merge from app_public.guests g where g.id = merge_guests.merge_guest_id;
  if not found then
    -- Its latest merge that was not undone (app_public.undo_guest_merge).
    select * into v_done from app_public.guest_merges m
     where m.property_id = v_keep.property_id and m.merged_guest_id = merge_guests.merge_guest_id
       and not exists (select 1 from app_public.guest_unmerges u where u.property_id = m.property_id and u.merge_id = m.id)
     order by m.created_at desc, m.id
     limit 1;
    if found and v_done.kept_guest_id = v_keep.id then
      return v_keep; -- a retry of a merge that is done
    elsif found then
      raise exception using errcode = 'TRANS', hint = 'MERGED',
        message = 'That profile was already merged into another guest.';
    end if;
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_merge.property_id, app_hidden.staff_group_roles('front_office'), 'merge guest profiles');
  if v_merge.property_id <> v_keep.property_id then
    raise exception using errcode = 'GSTXP',
      message = 'These two guests are profiles of different properties; only profiles of one property can be merged.';
  end if;
  -- Lock both in id order (two desks merging the pair either way round wait, then find it done).
  perform 1 from app_public.guests g
   where g.property_id = v_keep.property_id and g.id in (v_keep.id, v_merge.id)
   order by g.id for update;
  select * into v_keep from app_public.guests g where g.property_id = v_keep.property_id and g.id = v_keep.id;
  select * into v_merge from app_public.guests g where g.property_id = v_keep.property_id and g.id = v_merge.id;
  if v_keep.id is null then
    raise exception using errcode = 'TRANS', hint = 'MERGED', message = 'The profile to keep was just merged into another guest.';
  end if;
  if v_merge.id is null then
    return app_public.merge_guests(keep_guest_id, merge_guest_id); -- merged meanwhile: answer as a retry
  end if;
  v_notes := nullif(pg_catalog.concat_ws(E'\n\n', v_keep.notes, v_merge.notes), '');
  v_preferences := nullif(pg_catalog.concat_ws(E'\n', v_keep.preferences, v_merge.preferences), '');
  if pg_catalog.length(v_notes) > 4000 then
    raise exception using errcode = 'INVLD', hint = 'NOTES',
      message = 'The two profiles'' notes together are over 4000 characters: shorten one, then merge.';
  end if;
  if pg_catalog.length(v_preferences) > 1000 then
    raise exception using errcode = 'INVLD', hint = 'PREFERENCES',
      message = 'The two profiles'' preferences together are over 1000 characters: shorten one, then merge.';
  end if;
  with moved as (
    update app_public.reservations r
       set guest_id = v_keep.id
     where r.property_id = v_keep.property_id and r.guest_id = v_merge.id
    returning r.id
  )
  select coalesce(pg_catalog.array_agg(moved.id order by moved.id), '{}') into v_moved from moved;
  delete from app_public.guests g where g.property_id = v_merge.property_id and g.id = v_merge.id;
  update app_public.guests g
     set notes = v_notes, preferences = v_preferences,
         is_vip = v_keep.is_vip or v_merge.is_vip,
         phone = coalesce(v_keep.phone, v_merge.phone),
         user_id = coalesce(v_keep.user_id, v_merge.user_id)
   where g.property_id = v_keep.property_id and g.id = v_keep.id
  returning * into v_kept;
  -- Both states of the kept profile, so an undo restores what the merge
  -- changed and nothing edited since.
  insert into app_public.guest_merges (property_id, kept_guest_id, merged_guest_id, merged_guest, reservation_ids, kept_guest, kept_guest_merged)
  values (v_keep.property_id, v_keep.id, v_merge.id, pg_catalog.to_jsonb(v_merge), v_moved, pg_catalog.to_jsonb(v_keep), pg_catalog.to_jsonb(v_kept));
  return v_kept;
end;
$function$;
grant execute on function app_public.merge_guests(keep_guest_id uuid, merge_guest_id uuid) to keepr_staff;
comment on function app_public.merge_guests(keep_guest_id uuid, merge_guest_id uuid) is 'Merges a duplicate guest profile (mergeGuestId) into the one to keep: its bookings, notes, preferences, VIP flag (and phone and user when the kept one has none) move, it is deleted, and the merge is recorded in guestMerges; one transaction, idempotent on retry. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, GUEST_OTHER_PROPERTY, INVALID_INPUT (reason SAME_GUEST, NOTES or PREFERENCES), INVALID_TRANSITION (reason MERGED: merged into another guest already). undoGuestMerge undoes it.';

-- ----------------------------------------------------------------------------
-- function app_public.modify_reservation(reservation_id uuid, idempotency_key text, arrival date, departure date, adults integer, children integer, rate_plan_id uuid, unit_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.modify_reservation(reservation_id uuid, idempotency_key text, arrival date DEFAULT NULL::date, departure date DEFAULT NULL::date, adults integer DEFAULT NULL::integer, children integer DEFAULT NULL::integer, rate_plan_id uuid DEFAULT NULL::uuid, unit_id uuid DEFAULT NULL::uuid)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_plan app_public.rate_plans;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'change reservations', true);
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not v_staff then
    if app_private.guest_change_refusal(v_res) is not null then
      perform app_private.refuse_guest_change(v_res, app_private.guest_change_refusal(v_res));
    end if;
    if coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id) <> v_res.rate_plan_id or modify_reservation.unit_id is not null then
      perform app_private.refuse_guest_change(v_res, 'DATES_ONLY');
    end if;
  end if;

  v_arrival := coalesce(modify_reservation.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(modify_reservation.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(modify_reservation.adults, v_res.adults);
  v_children := coalesce(modify_reservation.children, v_res.children);
  select * into v_plan from app_public.rate_plans rp
   where rp.property_id = v_res.property_id and rp.id = coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id);
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this property.';
  end if;
  if v_res.status = 'checked_in' then
    if v_arrival <> pg_catalog.lower(v_res.stay) or v_plan.room_type_id <> v_res.room_type_id or modify_reservation.unit_id is not null then
      raise exception using errcode = 'TRANS',
        message = 'A checked-in stay can change only its departure, guests and rate plan of the same room type; use moveUnit to change rooms.';
    end if;
    if v_departure <= app_private.local_today(v_res.property_id) then
      raise exception using errcode = 'DATES', message = 'A checked-in stay must depart after today.';
    end if;
    perform app_private.check_stay(null, v_arrival, v_departure, v_adults, v_children);
  else
    perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  end if;
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children);
    if v_restriction.restriction is not null then
      raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
    end if;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked).
  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id));

  if v_res.status = 'checked_in' then
    -- The guest is in their unit: only its claim's end moves.
    if v_departure > pg_catalog.upper(v_res.stay) then
      perform app_private.release_expired_holds(v_res.property_id, v_res.unit_id,
                                                pg_catalog.daterange(pg_catalog.upper(v_res.stay), v_departure));
    end if;
    begin
      update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), v_departure)
       where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
         and pg_catalog.upper(c.stay) = pg_catalog.upper(v_res.stay)
      returning * into v_claim;
    exception when exclusion_violation then
      v_claim := null;
    end;
  else
    -- Re-claim: release the current claims, then claim the new stay (the
    -- same unit first). Any failure below rolls all of it back.
    perform app_private.release_claims(v_res);
    v_claim := app_private.claim_unit(v_res.property_id, v_plan.room_type_id, pg_catalog.daterange(v_arrival, v_departure),
                                      'reservation', reservation_id => v_res.id,
                                      preferred_unit_id => coalesce(modify_reservation.unit_id,
                                                                    case when v_plan.room_type_id = v_res.room_type_id then v_res.unit_id end),
                                      exact_unit => modify_reservation.unit_id is not null);
  end if;
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit is free for the changed stay; the reservation is unchanged.';
  end if;

  update app_public.reservations r
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children,
         rate_plan_id = v_plan.id, room_type_id = v_plan.room_type_id, unit_id = v_claim.unit_id,
         unit_pinned = r.unit_pinned or modify_reservation.unit_id is not null,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':modify:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' changed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.modify_reservation(reservation_id uuid, idempotency_key text, arrival date, departure date, adults integer, children integer, rate_plan_id uuid, unit_id uuid) to keepr_anonymous;
grant execute on function app_public.modify_reservation(reservation_id uuid, idempotency_key text, arrival date, departure date, adults integer, children integer, rate_plan_id uuid, unit_id uuid) to keepr_staff;
comment on function app_public.modify_reservation(reservation_id uuid, idempotency_key text, arrival date, departure date, adults integer, children integer, rate_plan_id uuid, unit_id uuid) is 'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NOT_FOUND, ACCESS_DENIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.move_unit(reservation_id uuid, unit_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.move_unit(reservation_id uuid, unit_id uuid, idempotency_key text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_unit app_public.units;
  v_from date;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('move_unit', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(move_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'move guests');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'moved');
  end if;
  select * into v_unit from app_public.units u where u.property_id = v_res.property_id and u.id = move_unit.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit at this property.';
  end if;
  if v_unit.id = v_res.unit_id then
    raise exception using errcode = 'INVLD', message = 'The reservation is already in that unit.';
  end if;
  if not v_unit.is_active then
    raise exception using errcode = 'UNAVL', message = 'That unit is not in service.';
  end if;
  v_from := case when v_res.status = 'checked_in'
                 then greatest(app_private.local_today(v_res.property_id), pg_catalog.lower(v_res.stay))
                 else pg_catalog.lower(v_res.stay) end;
  if v_from >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has no nights left to move.';
  end if;

  perform app_private.release_claims(v_res, v_from);
  v_claim := app_private.claim_unit(v_res.property_id, v_unit.room_type_id, pg_catalog.daterange(v_from, pg_catalog.upper(v_res.stay)),
                                    'reservation', reservation_id => v_res.id, preferred_unit_id => v_unit.id, exact_unit => true);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  -- A room move by hand is the hotel's decision: the allocator leaves it there.
  update app_public.reservations r set unit_id = v_unit.id, unit_pinned = true where r.id = v_res.id returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.move_unit(reservation_id uuid, unit_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.move_unit(reservation_id uuid, unit_id uuid, idempotency_key text) is 'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.nearest_stays(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer, per_plan integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.nearest_stays(rate_plan_ids uuid[], arrival date, departure date, adults integer DEFAULT 2, children integer DEFAULT 0, per_plan integer DEFAULT 2)
 RETURNS SETOF app_public.stay_suggestion
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 10
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_nights integer := nearest_stays.departure - nearest_stays.arrival;
  v_member uuid[] := array(select app_hidden.current_property_ids());
  v_plan record;
  v_candidate record;
  v_found integer;
  v_quote app_public.quote;
  v_row app_public.stay_suggestion;
begin
  perform app_private.check_stay(null, nearest_stays.arrival, nearest_stays.departure, nearest_stays.adults, nearest_stays.children);
  if pg_catalog.cardinality(rate_plan_ids) > 20 or per_plan not between 1 and 5 then
    raise exception using errcode = 'INVLD', message = 'Ask for at most 20 rate plans and 1 to 5 stays per plan.';
  end if;
  for v_plan in
    select rp.id, rp.property_id, rp.room_type_id, rp.min_stay, rp.max_stay, rt.max_occupancy,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.rate_plans rp
      join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
      join app_public.properties p on p.id = rp.property_id
     where rp.id = any (nearest_stays.rate_plan_ids)
       and ((rp.is_published and rt.is_published and p.is_published) or rp.property_id = any (v_member))
     order by pg_catalog.array_position(nearest_stays.rate_plan_ids, rp.id)
  loop
    continue when nearest_stays.adults + nearest_stays.children > v_plan.max_occupancy;
    v_found := 0;
    for v_candidate in
      select c.a, c.a + greatest(least(v_nights, coalesce(cal.max_stay, v_plan.max_stay, v_nights)), coalesce(cal.min_stay, v_plan.min_stay, 1)) as d
        from (select nearest_stays.arrival + s as a, s from pg_catalog.generate_series(-14, 14) s) c
        left join app_public.rate_calendar cal
          on cal.property_id = v_plan.property_id and cal.rate_plan_id = v_plan.id and cal.date = c.a
       where c.a >= v_plan.today
       order by abs(c.s), c.s desc
    loop
      continue when v_candidate.a = nearest_stays.arrival and v_candidate.d = nearest_stays.departure;
      continue when exists (select 1 from app_private.stay_restrictions(array[v_plan.id], v_candidate.a, v_candidate.d,
                                                                       nearest_stays.adults, nearest_stays.children) r
                             where r.restriction is not null);
      continue when coalesce((select l.units_left from app_private.room_type_units_left(array[v_plan.property_id],
                                                                                        pg_catalog.daterange(v_candidate.a, v_candidate.d),
                                                                                        v_plan.room_type_id) l), 0) < 1;
      v_quote := app_private.quote_for(v_plan.id, v_candidate.a, v_candidate.d, nearest_stays.adults, nearest_stays.children);
      v_row := (v_plan.id, v_candidate.a, v_candidate.d, v_candidate.d - v_candidate.a, v_quote.currency, v_quote.total_amount);
      return next v_row;
      v_found := v_found + 1;
      exit when v_found >= per_plan;
    end loop;
  end loop;
end;
$function$;
grant execute on function app_public.nearest_stays(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer, per_plan integer) to keepr_anonymous;
comment on function app_public.nearest_stays(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer, per_plan integer) is 'For stays that cannot be booked: the nearest bookable stays on each rate plan (same arrival with the nights the plan needs, then arrivals up to 14 days later or earlier), priced for the guests; per_plan (1 to 5, default 2) per plan, at most 20 plans. Errors: DATES, GUEST, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.occupancy_report(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.occupancy_report(property_id uuid, from_date date, to_date date)
 RETURNS TABLE(date date, units_available integer, units_sold integer, occupancy numeric, room_revenue bigint, adr bigint, revpar bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.check_report(occupancy_report.property_id, from_date, to_date);
  return query
    select d::date,
           (select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active)::integer,
           coalesce(o.units_sold, 0),
           round(coalesce(o.units_sold, 0)::numeric
                 / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0), 4),
           coalesce(o.room_revenue, 0)::bigint,
           (o.room_revenue / nullif(o.units_sold, 0))::bigint,
           (coalesce(o.room_revenue, 0)
            / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0))::bigint
      from pg_catalog.generate_series(from_date, to_date, interval '1 day') d
      left join reporting.occupancy o on o.property_id = occupancy_report.property_id and o.date = d::date
     order by 1;
end;
$function$;
grant execute on function app_public.occupancy_report(property_id uuid, from_date date, to_date date) to keepr_staff;
comment on function app_public.occupancy_report(property_id uuid, from_date date, to_date date) is 'Occupancy (0–1), ADR and RevPAR (minor units) per night of a property. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.on_the_books_report(property_id uuid, from_date date, to_date date, as_of timestamp with time zone)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.on_the_books_report(property_id uuid, from_date date, to_date date, as_of timestamp with time zone)
 RETURNS TABLE(date date, units_sold integer, room_revenue bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.check_report(on_the_books_report.property_id, from_date, to_date);
  if as_of is null then
    raise exception using errcode = 'DATES', message = 'Say as of when (as_of).';
  end if;
  return query
    with booked as (
      select r.stay, r.room_amount, (pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay)) as nights
        from app_public.reservations r
       where r.property_id = on_the_books_report.property_id
         and pg_catalog.lower(r.stay) <= to_date
         and pg_catalog.upper(r.stay) > from_date
         and r.confirmed_at <= as_of
         and (r.cancelled_at is null or r.cancelled_at > as_of)
         and (r.no_show_at is null or r.no_show_at > as_of)
    ), nights as (
      select n.d::date as date, b.room_amount / b.nights
               + case when (n.d::date - pg_catalog.lower(b.stay)) < b.room_amount % b.nights then 1 else 0 end as amount
        from booked b
        cross join lateral pg_catalog.generate_series(greatest(pg_catalog.lower(b.stay), from_date),
                                                      least(pg_catalog.upper(b.stay) - 1, to_date), interval '1 day') n(d)
    )
    select d::date, coalesce(count(n.date), 0)::integer, coalesce(sum(n.amount), 0)::bigint
      from pg_catalog.generate_series(from_date, to_date, interval '1 day') d
      left join nights n on n.date = d::date
     group by d
     order by 1;
end;
$function$;
grant execute on function app_public.on_the_books_report(property_id uuid, from_date date, to_date date, as_of timestamp with time zone) to keepr_staff;
comment on function app_public.on_the_books_report(property_id uuid, from_date date, to_date date, as_of timestamp with time zone) is 'Room nights and room revenue per night of a property that were on the books at `as_of` (confirmed by then, not cancelled or marked no-show by then; today''s dates and amounts of those bookings). Owners, managers and accountants. Errors: NOT_FOUND, ACCESS_DENIED, DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.open_cash_shift(property_id uuid, opening_float bigint, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.open_cash_shift(property_id uuid, opening_float bigint, idempotency_key text)
 RETURNS app_public.cash_shifts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_currency char(3);
  v_open app_public.cash_shifts;
  v_shift app_public.cash_shifts;
begin
  v_replay := app_private.idempotency_begin('open_cash_shift', idempotency_key,
                pg_catalog.jsonb_build_object('property_id', property_id, 'opening_float', opening_float));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.cash_shifts, v_replay);
  end if;
  perform app_private.require_staff(open_cash_shift.property_id, app_hidden.staff_group_roles('cashiers'), 'open cash shifts');
  select p.currency into v_currency from app_public.properties p where p.id = open_cash_shift.property_id;
  if opening_float is null or opening_float < 0 or opening_float > 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('The opening float must be between %s and %s.', app_hidden.format_money(0, v_currency),
                                  app_hidden.format_money(100000000000, v_currency));
  end if;
  select * into v_open from app_public.cash_shifts s
   where s.property_id = open_cash_shift.property_id and s.opened_by = app_hidden.current_user_id() and s.closed_at is null;
  if found then
    raise exception using errcode = 'TRANS', hint = 'OPEN',
      message = pg_catalog.format('Your cash shift opened at %s is still open: close it first.',
                                  pg_catalog.to_char(v_open.opened_at at time zone (select p.time_zone from app_public.properties p where p.id = v_open.property_id), 'YYYY-MM-DD HH24:MI'));
  end if;
  begin
    insert into app_public.cash_shifts (property_id, currency, opened_by, opening_float)
    values (open_cash_shift.property_id, v_currency, app_hidden.current_user_id(), opening_float)
    returning * into v_shift;
  exception when unique_violation then
    raise exception using errcode = 'TRANS', hint = 'OPEN', message = 'You have a cash shift open here already: close it first.';
  end;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_shift));
  return v_shift;
end;
$function$;
grant execute on function app_public.open_cash_shift(property_id uuid, opening_float bigint, idempotency_key text) to keepr_staff;
comment on function app_public.open_cash_shift(property_id uuid, opening_float bigint, idempotency_key text) is 'Opens the caller''s cash shift with its opening float (minor units). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (one is open already), IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.open_channel_conflicts(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.open_channel_conflicts(property_id uuid)
 RETURNS SETOF app_public.channel_conflicts
 LANGUAGE sql
 STABLE ROWS 20
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select k.*
    from app_public.channel_conflicts k
   where k.property_id = open_channel_conflicts.property_id
     and k.status = 'open'
   order by k.detected_at desc, k.id;
$function$;
grant execute on function app_public.open_channel_conflicts(property_id uuid) to keepr_staff;
comment on function app_public.open_channel_conflicts(property_id uuid) is 'The open channel conflicts of a property, newest first: what staff still have to resolve. Staff see their properties only; any other property gives nothing.';

-- ----------------------------------------------------------------------------
-- function app_public.owner_statement(owner_id uuid, period_start date, period_end date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.owner_statement(owner_id uuid, period_start date, period_end date)
 RETURNS TABLE(reservation_id uuid, confirmation_code text, unit_name text, arrival date, departure date, status app_public.reservation_status, currency character, rental_revenue bigint, fees bigint, commission bigint, owner_share bigint, paid_out bigint)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with o as (select * from app_public.owners o where o.id = owner_statement.owner_id),
  stays as (
    select r.*, u.name as unit_name, o.commission_percent
      from o
      join app_public.properties p on p.id = o.property_id
      join app_public.units u on u.property_id = o.property_id and u.owner_id = o.id
      join app_public.reservations r on r.property_id = u.property_id and r.unit_id = u.id
     where r.confirmed_at is not null
       and case when r.status = 'checked_out' then least(pg_catalog.upper(r.stay), (r.checked_out_at at time zone p.time_zone)::date)
                else pg_catalog.upper(r.stay) end
           between owner_statement.period_start and owner_statement.period_end
  ),
  earned as (
    select s.id,
           coalesce(-sum(p.amount) filter (where a.purpose in ('room_revenue', 'cancellation_revenue')), 0)::bigint as rental,
           coalesce(-sum(p.amount) filter (where a.purpose = 'fee_revenue'), 0)::bigint as fees
      from stays s
      join app_public.journal_entries e on e.property_id = s.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
     group by s.id
  )
  select s.id, s.confirmation_code, s.unit_name, pg_catalog.lower(s.stay), pg_catalog.upper(s.stay), s.status, s.currency,
         e.rental, e.fees,
         round(e.rental * s.commission_percent / 100)::bigint,
         e.rental - round(e.rental * s.commission_percent / 100)::bigint,
         coalesce((select sum(l.owner_share) from app_public.payout_lines l where l.property_id = s.property_id and l.reservation_id = s.id), 0)::bigint
    from stays s join earned e on e.id = s.id
   order by pg_catalog.upper(s.stay), s.confirmation_code;
$function$;
grant execute on function app_public.owner_statement(owner_id uuid, period_start date, period_end date) to keepr_staff;
comment on function app_public.owner_statement(owner_id uuid, period_start date, period_end date) is 'An owner''s statement: per stay ended in the period, rental revenue, fees, commission, owner share and what payouts included.';

-- ----------------------------------------------------------------------------
-- function app_public.pay(intent_id uuid, payment_token text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.pay(intent_id uuid, payment_token text, idempotency_key text)
 RETURNS app_public.payment_attempts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_attempt app_public.payment_attempts;
begin
  v_replay := app_private.idempotency_begin('pay', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'payment_token', payment_token));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payment_attempts, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = pay.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  v_res := app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
  select * into v_intent from app_public.payment_intents i where i.id = pay.intent_id for update;
  if v_intent.status not in ('requires_payment', 'failed') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This payment is %s; it cannot be paid again.', v_intent.status),
      hint = v_intent.status::text;
  end if;
  if v_res.status not in ('confirmed', 'checked_in', 'checked_out') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no payments.', v_res.status),
      hint = v_res.status::text;
  end if;
  if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
    raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
  end if;

  v_attempt := app_private.start_attempt(v_intent, payment_token);
  update app_public.payment_intents i set payment_token = pay.payment_token
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status = 'requires_payment' and i.payment_token is null;

  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_attempt));
  return v_attempt;
end;
$function$;
grant execute on function app_public.pay(intent_id uuid, payment_token text, idempotency_key text) to keepr_anonymous;
comment on function app_public.pay(intent_id uuid, payment_token text, idempotency_key text) is 'Pays a payment intent with a provider card token: starts an attempt captured by a job; the card stays on file for later intents. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.payment_due_reservations(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.payment_due_reservations(property_id uuid)
 RETURNS SETOF app_public.reservations
 LANGUAGE sql
 STABLE ROWS 10
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select r.*
    from app_public.reservations r
   where r.property_id = payment_due_reservations.property_id
     and r.payment_due_by is not null
     and r.status = 'confirmed'
   order by r.payment_due_by, r.confirmation_code;
$function$;
grant execute on function app_public.payment_due_reservations(property_id uuid) to keepr_staff;
comment on function app_public.payment_due_reservations(property_id uuid) is 'The confirmed bookings of a property whose payment is due, soonest deadline first (the desk''s list: extend or waive). Staff see their properties only.';

-- ----------------------------------------------------------------------------
-- function app_public.pickup_report(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.pickup_report(property_id uuid, from_date date, to_date date)
 RETURNS TABLE(booked_on date, channel text, bookings integer, room_nights integer, room_revenue bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.check_report(pickup_report.property_id, from_date, to_date);
  return query
    select p.booked_on, p.channel, p.bookings, p.room_nights, p.room_revenue
      from reporting.pickup p
     where p.property_id = pickup_report.property_id and p.booked_on between from_date and to_date
     order by 1, 2;
end;
$function$;
grant execute on function app_public.pickup_report(property_id uuid, from_date date, to_date date) to keepr_staff;
comment on function app_public.pickup_report(property_id uuid, from_date date, to_date date) is 'Bookings made per day and channel. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.pin_reservation_unit(reservation_id uuid, pinned boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.pin_reservation_unit(reservation_id uuid, pinned boolean)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  if pinned is null then
    raise exception using errcode = 'INVLD', message = 'Say whether the stay is pinned to its unit (true or false).';
  end if;
  v_res := app_private.lock_reservation(pin_reservation_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'pin stays to units');
  if v_res.status not in ('held', 'confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, case when pinned then 'pinned' else 'unpinned' end);
  end if;
  update app_public.reservations r set unit_pinned = pin_reservation_unit.pinned where r.id = v_res.id returning * into v_res;
  return app_private.booking_of(v_res);
end;
$function$;
grant execute on function app_public.pin_reservation_unit(reservation_id uuid, pinned boolean) to keepr_staff;
comment on function app_public.pin_reservation_unit(reservation_id uuid, pinned boolean) is 'Pins a stay to its unit (the allocator never moves it) or unpins it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.post_folio_allowance(folio_id uuid, amount bigint, reason text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.post_folio_allowance(folio_id uuid, amount bigint, reason text, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reason text;
begin
  v_replay := app_private.idempotency_begin('post_folio_allowance', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(post_folio_allowance.folio_id, app_hidden.staff_group_roles('back_office'), 'post allowances');
  perform app_private.check_desk_amount(amount, 100000000000, v_folio.currency, 'An allowance');
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  perform app_private.post_entry(v_folio.property_id, 'folio_allowance', v_folio.id, app_private.desk_key('allowance', idempotency_key),
    pg_catalog.left('Allowance — ' || app_private.folio_place(v_folio) || ': ' || v_reason, 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'allowances', 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency)));
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.post_folio_allowance(folio_id uuid, amount bigint, reason text, idempotency_key text) to keepr_staff;
comment on function app_public.post_folio_allowance(folio_id uuid, amount bigint, reason text, idempotency_key text) is 'Posts an allowance with a reason: Dr allowances / Cr the folio (owner, manager, accountant). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.post_folio_charge(folio_id uuid, extra_id uuid, quantity integer, note text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.post_folio_charge(folio_id uuid, extra_id uuid, quantity integer, note text, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_extra app_public.folio_extras;
  v_tax app_public.taxes;
  v_note text;
  v_gross bigint;
  v_tax_amount bigint := 0;
begin
  v_replay := app_private.idempotency_begin('post_folio_charge', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'extra_id', extra_id, 'quantity', quantity, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(post_folio_charge.folio_id, app_hidden.staff_group_roles('cashiers'), 'post charges to folios');
  select * into v_extra from app_public.folio_extras e
   where e.property_id = v_folio.property_id and e.id = post_folio_charge.extra_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such extra, or you cannot see it.';
  end if;
  if not v_extra.is_active then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is no longer sold (inactive in the extras catalogue).', v_extra.name);
  end if;
  if quantity is null or quantity not between 1 and 999 then
    raise exception using errcode = 'INVLD', hint = 'QUANTITY', message = 'The quantity must be between 1 and 999.';
  end if;
  v_note := app_private.check_desk_text(note, false, 200, 'A note');
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;
  if v_extra.currency <> v_folio.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is priced in %s; this folio is in %s.', v_extra.name, v_extra.currency, v_folio.currency);
  end if;
  v_gross := v_extra.unit_price * quantity;
  if v_extra.tax_id is not null then
    select * into v_tax from app_public.taxes t where t.property_id = v_extra.property_id and t.id = v_extra.tax_id;
    if v_tax.basis <> 'percent_of_room' then
      raise exception using errcode = 'INVLD',
        message = pg_catalog.format('%s names the tax %s, which is not a percentage: choose a VAT rate for it.', v_extra.name, v_tax.name);
    end if;
    v_tax_amount := pg_catalog.round(v_gross * v_tax.percent / (100 + v_tax.percent))::bigint;
  end if;
  perform app_private.post_entry(v_folio.property_id, 'folio_charge', v_folio.id, app_private.desk_key('charge', idempotency_key),
    pg_catalog.left(v_extra.name || case when quantity > 1 then ' × ' || quantity else '' end
                    || ' — ' || app_private.folio_place(v_folio) || coalesce(' (' || v_note || ')', ''), 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', v_gross, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'extras_revenue', 'amount', -(v_gross - v_tax_amount), 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'tax_payable', 'tax_id', v_extra.tax_id, 'amount', -v_tax_amount, 'currency', v_folio.currency)));
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.post_folio_charge(folio_id uuid, extra_id uuid, quantity integer, note text, idempotency_key text) to keepr_staff;
comment on function app_public.post_folio_charge(folio_id uuid, extra_id uuid, quantity integer, note text, idempotency_key text) is 'Posts an extra of the catalogue (quantity 1 to 999, an optional note) to an open folio: Dr folio / Cr extras revenue and the VAT included in the price. Errors: NOT_FOUND, ACCESS_DENIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.properties_arrival_instructions_in(property app_public.properties, language text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.properties_arrival_instructions_in(property app_public.properties, language text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(
    (select t.arrival_instructions from app_public.property_translations t
      where t.property_id = property.id and t.language = properties_arrival_instructions_in.language and t.language <> property.language),
    property.arrival_instructions);
$function$;
grant execute on function app_public.properties_arrival_instructions_in(property app_public.properties, language text) to keepr_anonymous;
grant execute on function app_public.properties_arrival_instructions_in(property app_public.properties, language text) to keepr_worker;
comment on function app_public.properties_arrival_instructions_in(property app_public.properties, language text) is 'The arrival instructions in `language` (en, pt, es) when the property has them translated, else the property''s own.';

-- ----------------------------------------------------------------------------
-- function app_public.properties_description_in(property app_public.properties, language text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.properties_description_in(property app_public.properties, language text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(
    (select t.description from app_public.property_translations t
      where t.property_id = property.id and t.language = properties_description_in.language and t.language <> property.language),
    property.description);
$function$;
grant execute on function app_public.properties_description_in(property app_public.properties, language text) to keepr_anonymous;
grant execute on function app_public.properties_description_in(property app_public.properties, language text) to keepr_worker;
comment on function app_public.properties_description_in(property app_public.properties, language text) is 'The description in `language` (en, pt, es) when the property has it translated, else the property''s own.';

-- ----------------------------------------------------------------------------
-- function app_public.property_by_slug(slug text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.property_by_slug(slug text)
 RETURNS app_public.properties
 LANGUAGE sql
 STABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select p.*
    from app_public.properties p
   where p.slug = property_by_slug.slug
   order by p.is_published desc, p.created_at
   limit 1;
$function$;
grant execute on function app_public.property_by_slug(slug text) to keepr_anonymous;
comment on function app_public.property_by_slug(slug text) is 'The property with this slug: the published one, else one of yours (slugs are unique within an organization and among published properties).';

-- ----------------------------------------------------------------------------
-- function app_public.quote(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, promo_code text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.quote(rate_plan_id uuid, arrival date, departure date, adults integer DEFAULT 2, children integer DEFAULT 0, promo_code text DEFAULT NULL::text)
 RETURNS app_public.quote
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_property_id uuid;
  v_restriction record;
  v_quote app_public.quote;
  v_payload text;
  v_promo app_public.promo_codes;
begin
  select rp.property_id into v_property_id
    from app_public.rate_plans rp
    join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
    join app_public.properties p on p.id = rp.property_id
   where rp.id = quote.rate_plan_id
     and ((rp.is_published and rt.is_published and p.is_published)
          or rp.property_id in (select app_hidden.current_property_ids()));
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.check_stay(v_property_id, arrival, departure, adults, children);

  select * into v_restriction
    from app_private.stay_restrictions(array[quote.rate_plan_id], arrival, departure, adults, children);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if nullif(pg_catalog.btrim(promo_code), '') is not null then
    if pg_catalog.length(promo_code) > 100 then
      raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
    end if;
    v_promo := app_private.check_promo_code(v_property_id, quote.rate_plan_id, arrival, departure, promo_code);
  end if;
  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo);
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.to_jsonb(v_quote)::text, 'UTF8'), 'base64'),
                                    E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_quote;
end;
$function$;
grant execute on function app_public.quote(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, promo_code text) to keepr_anonymous;
comment on function app_public.quote(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, promo_code text) is 'Prices a stay on a rate plan: nightly lines, discounts (length of stay, promo code), fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. promoCode: a code of the property, in any case. Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT, PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP).';

-- ----------------------------------------------------------------------------
-- function app_public.quote_change(reservation_id uuid, arrival date, departure date, adults integer, children integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.quote_change(reservation_id uuid, arrival date DEFAULT NULL::date, departure date DEFAULT NULL::date, adults integer DEFAULT NULL::integer, children integer DEFAULT NULL::integer)
 RETURNS app_public.quote
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_staff boolean;
  v_refusal text;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_restriction record;
  v_quote app_public.quote;
begin
  select * into v_res from app_public.reservations r where r.id = quote_change.reservation_id;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if v_res.id is null or not (coalesce(v_staff, false)
                              or coalesce(v_res.id = app_hidden.current_booking_id(), false)
                              or coalesce(v_res.user_id = app_hidden.current_user_id(), false)) then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  if not v_staff then
    v_refusal := app_private.guest_change_refusal(v_res);
    if v_refusal is not null then
      perform app_private.refuse_guest_change(v_res, v_refusal);
    end if;
  end if;
  v_arrival := coalesce(quote_change.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(quote_change.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(quote_change.adults, v_res.adults);
  v_children := coalesce(quote_change.children, v_res.children);
  perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  select * into v_restriction
    from app_private.stay_restrictions(array[v_res.rate_plan_id], v_arrival, v_departure, v_adults, v_children);
  if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked).
  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id));
  v_quote.units_left := (
    select pg_catalog.count(*)::integer
      from app_public.units u
     where u.property_id = v_res.property_id and u.room_type_id = v_res.room_type_id and u.is_active
       and not exists (
         select 1 from app_public.inventory_claims c
          where c.property_id = u.property_id and c.unit_id = u.id
            and c.stay && pg_catalog.daterange(v_arrival, v_departure)
            and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
            and c.reservation_id is distinct from v_res.id));
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for the changed stay.';
  end if;
  v_quote.valid_until := null;
  v_quote.quote_token := null;
  return v_quote;
end;
$function$;
grant execute on function app_public.quote_change(reservation_id uuid, arrival date, departure date, adults integer, children integer) to keepr_anonymous;
comment on function app_public.quote_change(reservation_id uuid, arrival date, departure date, adults integer, children integer) is 'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. Errors: NOT_FOUND, ACCESS_DENIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';

-- ----------------------------------------------------------------------------
-- function app_public.quote_group(rooms app_public.group_room[], arrival date, departure date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.quote_group(rooms app_public.group_room[], arrival date, departure date)
 RETURNS app_public.group_quote
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_room app_public.group_room;
  v_n integer := 0;
  v_quote app_public.quote;
  v_rooms app_public.group_quote_room[] := '{}';
  v_group app_public.group_quote;
  v_detail text;
  v_hint text;
  v_over record;
  v_payload text;
begin
  if rooms is null or pg_catalog.cardinality(rooms) not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'A group books 1 to 20 rooms.';
  end if;
  foreach v_room in array rooms loop
    v_n := v_n + 1;
    if v_room.rate_plan_id is null then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: choose a rate plan.', v_n);
    end if;
    if pg_catalog.length(pg_catalog.btrim(v_room.guest_name)) not between 1 and 200 then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: a guest''s name has 1 to 200 characters.', v_n);
    end if;
    begin
      v_quote := app_public.quote(v_room.rate_plan_id, arrival, departure, v_room.adults, coalesce(v_room.children, 0));
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_n, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    if v_n > 1 and v_quote.property_id <> v_rooms[1].quote.property_id then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: all the rooms of a group are at one property.', v_n);
    end if;
    v_rooms := v_rooms || (v_n, nullif(pg_catalog.btrim(v_room.guest_name), ''), v_quote)::app_public.group_quote_room;
  end loop;

  -- The rooms of one room type together need that many units left.
  select x.room_no, rt.name, (x.quote).units_left as units_left into v_over
    from (select r.room_no, r.quote,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = (x.quote).room_type_id
   where x.nth > (x.quote).units_left
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): only %s unit%s of this room type %s left for these dates.', v_over.room_no, v_over.name,
                                  v_over.units_left, case when v_over.units_left = 1 then '' else 's' end,
                                  case when v_over.units_left = 1 then 'is' else 'are' end);
  end if;

  select (v_rooms[1].quote).property_id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum((r.quote).room_amount), sum((r.quote).fees_amount), sum((r.quote).taxes_amount), sum((r.quote).total_amount),
         v_rooms, min((r.quote).valid_until), null
    into v_group
    from pg_catalog.unnest(v_rooms) r;
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.jsonb_build_object(
                 'kind', 'group', 'property_id', v_group.property_id, 'valid_until', v_group.valid_until,
                 'rooms', (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('quote_token', (r.quote).quote_token, 'guest_name', r.guest_name,
                                                                                     'room_type', rt.name)
                                                       order by r.room_no)
                             from pg_catalog.unnest(v_rooms) r
                             join app_public.room_types rt on rt.id = (r.quote).room_type_id))::text, 'UTF8'), 'base64'),
               E'+/=\n', '-_');
  v_group.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_group;
end;
$function$;
grant execute on function app_public.quote_group(rooms app_public.group_room[], arrival date, departure date) to keepr_anonymous;
comment on function app_public.quote_group(rooms app_public.group_room[], arrival date, departure date) is 'Prices several rooms of one stay together (1 to 20: a rate plan, adults, children and optionally a guest name each): each room''s quote and the sums, with a quote_token for createGroupHold valid 30 minutes. Errors name the room: INVALID_INPUT, NOT_FOUND, DATES, GUEST, RESTRICTED, SOLD_OUT (the rooms of one type are counted together).';

-- ----------------------------------------------------------------------------
-- function app_public.rate_grid(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.rate_grid(property_id uuid, from_date date, to_date date)
 RETURNS SETOF app_public.rate_grid_day
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  perform app_private.require_staff(rate_grid.property_id, app_hidden.staff_group_roles('cashiers'), 'read the rate calendar');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 365 then
    raise exception using errcode = 'DATES', message = 'The rate calendar shows 1 to 366 days (from_date to to_date, inclusive).';
  end if;
  return query
    select rp.id,
           d::date,
           case when par.id is null then coalesce(c.price, rp.base_price)
                else app_private.derived_price(coalesce(pc.price, par.base_price), rp.adjustment_percent,
                                               rp.adjustment_amount, rp.rounding_step) end,
           c.price is not null,
           greatest(coalesce(c.min_stay, rp.min_stay), coalesce(pc.min_stay, par.min_stay)),
           least(coalesce(c.max_stay, rp.max_stay), coalesce(pc.max_stay, par.max_stay)),
           coalesce(c.closed_to_arrival, false) or coalesce(pc.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false) or coalesce(pc.closed_to_departure, false),
           coalesce(c.stop_sell, false) or coalesce(pc.stop_sell, false),
           c.date is not null,
           coalesce(c.min_stay, rp.min_stay),
           coalesce(c.max_stay, rp.max_stay),
           coalesce(c.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false),
           coalesce(c.stop_sell, false)
      from app_public.rate_plans rp
      left join app_public.rate_plans par on par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
     cross join pg_catalog.generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') d
      left join app_public.rate_calendar c
        on c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.date = d::date
      left join app_public.rate_calendar pc
        on pc.property_id = rp.property_id and pc.rate_plan_id = par.id and pc.date = d::date
     where rp.property_id = rate_grid.property_id
     order by rp.id, d;
end;
$function$;
grant execute on function app_public.rate_grid(property_id uuid, from_date date, to_date date) to keepr_staff;
comment on function app_public.rate_grid(property_id uuid, from_date date, to_date date) is 'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s; a derived plan''s price is its parent''s adjusted, its restrictions its own and its parent''s combined, the `own*` fields its own alone), and whether the date is overridden. Staff of the property but housekeeping. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.record_registration_card(reservation_id uuid, full_name text, document_type app_public.identity_document_type, document_number text, issuing_country text, nationality text, date_of_birth date, issued_on date, expires_on date, address text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.record_registration_card(reservation_id uuid, full_name text, document_type app_public.identity_document_type, document_number text, issuing_country text, nationality text, date_of_birth date, issued_on date, expires_on date DEFAULT NULL::date, address text DEFAULT NULL::text)
 RETURNS app_public.registration_cards
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_today date;
  v_number text := pg_catalog.upper(pg_catalog.regexp_replace(coalesce(document_number, ''), '\s', '', 'g'));
  v_country text := pg_catalog.upper(pg_catalog.btrim(issuing_country));
  v_nationality text := pg_catalog.upper(pg_catalog.btrim(nationality));
  v_card app_public.registration_cards;
begin
  v_res := app_private.lock_reservation(record_registration_card.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'record registration cards');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a registration card');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name as on the document (1 to 200 characters) is required.';
  end if;
  if document_type is null then
    raise exception using errcode = 'IDDOC', message = 'Choose the type of identity document.', hint = 'TYPE';
  end if;
  if v_number !~ '^[A-Z0-9<-]{3,30}$' then
    raise exception using errcode = 'IDDOC', message = 'The document number is 3 to 30 letters or digits (and < or -).', hint = 'NUMBER';
  end if;
  if v_country is null or not app_hidden.is_country_code(v_country) then
    raise exception using errcode = 'IDDOC', message = 'The issuing country must be a two-letter ISO country code, such as PT or GB.', hint = 'COUNTRY';
  end if;
  if v_nationality is null or not app_hidden.is_country_code(v_nationality) then
    raise exception using errcode = 'IDDOC', message = 'The nationality must be a two-letter ISO country code, such as PT or GB.', hint = 'NATIONALITY';
  end if;
  if date_of_birth is null or date_of_birth < date '1900-01-01' or date_of_birth > v_today then
    raise exception using errcode = 'IDDOC', message = 'The date of birth must be between 1900-01-01 and today.', hint = 'BIRTH';
  end if;
  if issued_on is null or issued_on < date_of_birth or issued_on > v_today then
    raise exception using errcode = 'IDDOC', message = 'The issue date must be between the date of birth and today.', hint = 'ISSUED';
  end if;
  if expires_on is not null and (expires_on < v_today or expires_on <= issued_on) then
    raise exception using errcode = 'IDDOC',
      message = case when expires_on < v_today then pg_catalog.format('This document expired on %s: ask for a valid one.', expires_on)
                     else 'The expiry date must be after the issue date.' end,
      hint = 'EXPIRED';
  end if;
  if pg_catalog.length(address) > 500 then
    raise exception using errcode = 'IDDOC', message = 'The address is at most 500 characters.', hint = 'ADDRESS';
  end if;

  insert into app_public.registration_cards as c (
    property_id, reservation_id, full_name, document_type, document_number, issuing_country, nationality,
    date_of_birth, issued_on, expires_on, address, recorded_by
  ) values (
    v_res.property_id, v_res.id, pg_catalog.btrim(full_name), document_type, v_number, v_country, v_nationality,
    date_of_birth, issued_on, expires_on, nullif(pg_catalog.btrim(address), ''), app_hidden.current_user_id()
  )
  on conflict (property_id, reservation_id) do update
    set full_name = excluded.full_name, document_type = excluded.document_type, document_number = excluded.document_number,
        issuing_country = excluded.issuing_country, nationality = excluded.nationality, date_of_birth = excluded.date_of_birth,
        issued_on = excluded.issued_on, expires_on = excluded.expires_on, address = excluded.address,
        recorded_by = excluded.recorded_by
  returning * into v_card;
  return v_card;
end;
$function$;
grant execute on function app_public.record_registration_card(reservation_id uuid, full_name text, document_type app_public.identity_document_type, document_number text, issuing_country text, nationality text, date_of_birth date, issued_on date, expires_on date, address text) to keepr_staff;
comment on function app_public.record_registration_card(reservation_id uuid, full_name text, document_type app_public.identity_document_type, document_number text, issuing_country text, nationality text, date_of_birth date, issued_on date, expires_on date, address text) is 'Records (or corrects) the registration card of a confirmed or checked-in stay: the guest''s identity document, nationality, date of birth and address. Front office of the property only. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_NAME, INVALID_ID_DOCUMENT (extensions.reason: TYPE, NUMBER, COUNTRY, NATIONALITY, BIRTH, ISSUED, EXPIRED, ADDRESS).';

-- ----------------------------------------------------------------------------
-- function app_public.refund_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reason text, goodwill boolean, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.refund_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reason text, goodwill boolean, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reason text;
  v_goodwill boolean := coalesce(goodwill, false);
  v_credit bigint;
  v_shift app_public.cash_shifts;
  v_entry_id uuid;
  v_lines jsonb;
begin
  v_replay := app_private.idempotency_begin('refund_folio_payment', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'method', method, 'amount', amount, 'reason', reason, 'goodwill', v_goodwill));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(refund_folio_payment.folio_id, app_hidden.staff_group_roles('cashiers'), 'refund payments');
  if v_goodwill then
    perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('back_office'), 'make goodwill refunds');
  end if;
  if method is null then
    raise exception using errcode = 'INVLD', message = 'Say how the money goes back: cash or bank transfer.';
  end if;
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  select -coalesce(sum(b.balance), 0) into v_credit from app_public.folio_balances b
   where b.property_id = v_folio.property_id and b.folio_id = v_folio.id and b.currency = v_folio.currency;
  if v_goodwill then
    perform app_private.check_desk_amount(amount, 100000000000, v_folio.currency, 'A goodwill refund');
  elsif v_credit <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NO_CREDIT',
      message = 'This folio has no credit to refund; a refund beyond it is a goodwill refund (owner, manager or accountant).';
  else
    perform app_private.check_desk_amount(amount, v_credit, v_folio.currency, 'A refund');
  end if;
  if method = 'cash' then
    v_shift := app_private.caller_cash_shift(v_folio.property_id);
    if v_shift.currency <> v_folio.currency then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Your cash drawer is in %s; this folio is in %s.', v_shift.currency, v_folio.currency);
    end if;
  end if;
  v_lines := pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', amount, 'currency', v_folio.currency),
    pg_catalog.jsonb_build_object('purpose', case when method = 'cash' then 'cash_drawer' else 'bank' end, 'amount', -amount, 'currency', v_folio.currency));
  if v_goodwill then
    v_lines := v_lines || pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'allowances', 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency));
  end if;
  v_entry_id := app_private.post_entry(v_folio.property_id, 'folio_refund', v_folio.id, app_private.desk_key('refund', idempotency_key),
    pg_catalog.left(case when v_goodwill then 'Goodwill refund' else 'Refund' end
                    || case when method = 'cash' then ' in cash, ' || app_private.shift_label(v_shift) else ' by bank transfer' end
                    || ' — ' || app_private.folio_place(v_folio) || ': ' || v_reason, 500),
    v_lines);
  if method = 'cash' then
    insert into app_public.cash_movements (property_id, shift_id, entry_id, folio_id, kind, amount, currency, created_by)
    values (v_folio.property_id, v_shift.id, v_entry_id, v_folio.id, 'refund', -amount, v_folio.currency, app_hidden.current_user_id());
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.refund_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reason text, goodwill boolean, idempotency_key text) to keepr_staff;
comment on function app_public.refund_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reason text, goodwill boolean, idempotency_key text) is 'Refunds in cash (from the caller''s open cash shift) or by bank transfer, at most the folio''s credit; with goodwill (owner, manager, accountant) any amount, posting an allowance of it in the same entry so the folio''s balance does not move. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.refund_payment(intent_id uuid, amount bigint, reason text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.refund_payment(intent_id uuid, amount bigint, reason text, idempotency_key text)
 RETURNS app_public.refunds
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_refundable bigint;
  v_refund app_public.refunds;
begin
  v_replay := app_private.idempotency_begin('refund_payment', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.refunds, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  perform app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('back_office'), 'refund payments');
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id for update;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A refund reason can be at most 500 characters.';
  end if;
  v_refundable := v_intent.amount_captured - v_intent.amount_refunded
                  - coalesce((select sum(f.amount) from app_public.refunds f
                               where f.property_id = v_intent.property_id and f.intent_id = v_intent.id and f.status = 'pending'), 0);
  if amount is null or amount <= 0 or amount > v_refundable then
    raise exception using errcode = 'INVLD',
      message = pg_catalog.format('A refund must be more than %s and at most %s (captured, less refunds made or under way).',
                                  app_hidden.format_money(0, v_intent.currency), app_hidden.format_money(v_refundable, v_intent.currency));
  end if;
  v_refund := app_private.start_refund(v_intent, amount, reason);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_refund));
  return v_refund;
end;
$function$;
grant execute on function app_public.refund_payment(intent_id uuid, amount bigint, reason text, idempotency_key text) to keepr_staff;
comment on function app_public.refund_payment(intent_id uuid, amount bigint, reason text, idempotency_key text) is 'Refunds part or all of a captured payment: the folio is credited at once, the provider pays by a job. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.register(email text, password text, display_name text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.register(email text, password text, display_name text)
 RETURNS app_public.jwt_token
 LANGUAGE plpgsql
 STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_user app_public.users;
  v_refusal text;
begin
  if register.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(register.email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  v_refusal := app_private.password_refusal(register.password, register.email);
  if v_refusal is not null then
    raise exception using errcode = 'WEAKP', message = v_refusal;
  end if;
  if pg_catalog.length(pg_catalog.btrim(register.display_name)) not between 1 and 100 then
    raise exception using errcode = 'INVNM', message = 'A display name of 1 to 100 characters is required.';
  end if;

  insert into app_public.users (email, display_name)
  values (register.email, pg_catalog.btrim(register.display_name))
  on conflict do nothing
  returning * into v_user;
  if v_user.id is null then
    raise exception using errcode = 'EMTKN', message = 'An account with this email address already exists.';
  end if;

  insert into app_private.user_secrets (user_id, password_hash)
  values (v_user.id, public.crypt(register.password, public.gen_salt('bf', 10)));

  perform app_private.add_job(
    'send_welcome_email',
    pg_catalog.json_build_object('id', v_user.id),
    job_key := 'send_welcome_email:' || v_user.id,
    max_attempts := 10
  );

  return app_private.create_session(v_user.id);
end;
$function$;
grant execute on function app_public.register(email text, password text, display_name text) to keepr_anonymous;
comment on function app_public.register(email text, password text, display_name text) is 'Creates a guest account (email, password of 10 to 72 bytes that is not the email or a common password, display name), signs it in and queues a welcome email. Errors: INVALID_EMAIL, WEAK_PASSWORD, INVALID_NAME, EMAIL_TAKEN.';

-- ----------------------------------------------------------------------------
-- function app_public.release_block(claim_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.release_block(claim_id uuid, idempotency_key text)
 RETURNS app_public.inventory_claims
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('release_block', idempotency_key, pg_catalog.jsonb_build_object('claim_id', claim_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_claim from app_public.inventory_claims c where c.id = release_block.claim_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_claim.property_id, app_hidden.staff_group_roles('front_office'), 'release blocks');
  if v_claim.kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'Only owner and maintenance blocks are released this way.';
  end if;
  if v_claim.released_at is not null then
    raise exception using errcode = 'TRANS', message = 'This block was already released.';
  end if;
  update app_public.inventory_claims c set released_at = pg_catalog.now() where c.id = v_claim.id returning * into v_claim;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$function$;
grant execute on function app_public.release_block(claim_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.release_block(claim_id uuid, idempotency_key text) is 'Releases an owner or maintenance block. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date)
 RETURNS app_public.exports
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_export app_public.exports;
begin
  perform app_private.require_staff(request_export.property_id,
    case kind
      when 'reservations' then app_hidden.staff_group_roles('cashiers')
      when 'guests' then app_hidden.staff_group_roles('managers')
      else app_hidden.staff_group_roles('back_office')
    end::app_public.staff_role[], 'export ' || kind::text);
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 3660 then
    raise exception using errcode = 'DATES', message = 'An export covers 1 day to 10 years (from_date to to_date, inclusive).';
  end if;
  insert into app_public.exports (property_id, kind, from_date, to_date, requested_by)
  values (request_export.property_id, request_export.kind, from_date, to_date, app_hidden.current_user_id())
  returning * into v_export;
  perform app_private.add_job('run_export', pg_catalog.json_build_object('id', v_export.id),
                                  job_key := 'export:' || v_export.id, max_attempts := 5);
  return v_export;
end;
$function$;
grant execute on function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date) to keepr_staff;
comment on function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date) is 'Queues a CSV export (reservations, guests, ledger, occupancy, city_tax) of a property over a date range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.reservation_history(reservation_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservation_history(reservation_id uuid)
 RETURNS SETOF app_public.reservation_event
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 20
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_property_id uuid;
begin
  select r.property_id into v_property_id from app_public.reservations r where r.id = reservation_history.reservation_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, app_hidden.staff_group_roles('cashiers'), 'see reservation history');
  return query
    select e.occurred_at, e.table_name, e.operation, e.actor_user_id, u.display_name, e.actor_role, e.request_id,
           e.old_values, e.new_values
      from audit.events e
      left join app_public.users u on u.id = e.actor_user_id
     where e.reservation_id = reservation_history.reservation_id
     order by e.id;
end;
$function$;
grant execute on function app_public.reservation_history(reservation_id uuid) to keepr_staff;
comment on function app_public.reservation_history(reservation_id uuid) is 'The audit trail of a reservation and its claims: who changed what, when, from which request. Staff only. Errors: NOT_FOUND.';

-- ----------------------------------------------------------------------------
-- function app_public.reservation_timeline(reservation_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservation_timeline(reservation_id uuid)
 RETURNS SETOF app_public.reservation_history_line
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 20
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_event record;
  v_old jsonb;
  v_new jsonb;
  v_actor text;
  v_role text;
  v_line app_public.reservation_history_line;
  v_status_words constant jsonb := '{"confirmed": "Booking confirmed", "checked_in": "Checked in", "checked_out": "Checked out",
    "cancelled": "Cancelled", "no_show": "Marked as a no-show", "held": "Put on hold"}';
  v_changes text[];
  v_state jsonb;
begin
  select * into v_res from app_public.reservations r where r.id = reservation_timeline.reservation_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_res.property_id, app_hidden.staff_group_roles('cashiers'), 'see reservation history');
  v_state := pg_catalog.to_jsonb(v_res);
  for v_event in
    select e.occurred_at, e.table_name, e.operation, e.old_values, e.new_values, e.request_id, e.actor_user_id, e.actor_role as db_role,
           u.display_name, m.role,
           -- The role in a word, as the desk says it.
           case m.role::text when 'front_desk' then 'desk' when 'accountant' then 'accounts' else m.role::text end as role_word,
           (select coalesce(c.confirmation_code, 'a booking on hold')
              from audit.events a
              left join app_public.reservations c
                on c.property_id = a.property_id and c.id = (a.new_values ->> 'caused_by_reservation_id')::uuid
             where a.property_id = e.property_id and a.transaction_id = e.transaction_id
               and a.table_name = 'allocation_moves' and a.operation = 'INSERT' and a.reservation_id = e.reservation_id
             order by a.id desc limit 1) as allocated_for
      from audit.events e
      left join app_public.users u on u.id = e.actor_user_id
      left join app_public.property_memberships m on m.property_id = e.property_id and m.user_id = e.actor_user_id
     where e.reservation_id = reservation_timeline.reservation_id
       and e.property_id = v_res.property_id
       and e.table_name in ('reservations', 'rate_overrides', 'registration_cards')
     order by e.id
  loop
    v_old := coalesce(v_event.old_values, '{}');
    v_new := coalesce(v_event.new_values, '{}');
    if v_event.table_name = 'reservations' then
      -- The whole row before and after (an update names its changed columns only).
      if v_event.operation = 'INSERT' then
        v_state := v_new;
      elsif v_event.operation = 'UPDATE' then
        v_old := v_state || v_old;
        v_new := v_old || v_new;
        v_state := v_new;
      end if;
    end if;
    v_actor := case when v_event.role is not null then v_event.display_name
                    when v_event.actor_user_id is not null or v_event.db_role in ('keepr_anonymous', 'keepr_guest') then 'the guest'
                    else 'Keepr' end;
    v_role := v_event.role_word;
    if v_event.allocated_for is not null then
      v_actor := 'Keepr';
      v_role := 'allocator';
    end if;
    v_changes := '{}';
    if v_event.table_name = 'rate_overrides' then
      -- The price the desk set (createDeskHold).
      if v_event.operation = 'INSERT' then
        v_changes := v_changes || pg_catalog.format('Price set by the desk: room %s instead of %s%s: “%s”',
          app_hidden.format_money((v_new ->> 'room_amount')::bigint, v_res.currency::text),
          app_hidden.format_money((v_new ->> 'quoted_room_amount')::bigint, v_res.currency::text),
          case when (v_new ->> 'discount_percent')::numeric > 0
               then pg_catalog.format(' (%s%% off)', pg_catalog.trim_scale((v_new ->> 'discount_percent')::numeric)) else '' end,
          v_new ->> 'reason');
      end if;
    elsif v_event.table_name = 'registration_cards' then
      -- The audit keeps the card masked (app_private.tg_registration_cards__audit): so does this line.
      v_changes := v_changes || pg_catalog.format('Registration card %s (%s %s)',
        case v_event.operation when 'INSERT' then 'recorded' when 'UPDATE' then 'corrected' else 'removed' end,
        case (case when v_event.operation = 'DELETE' then v_old else v_new end) ->> 'document_type'
          when 'passport' then 'passport' when 'national_id' then 'national identity card' when 'driving_licence' then 'driving licence'
          when 'residence_permit' then 'residence permit' else 'document' end,
        (case when v_event.operation = 'DELETE' then v_old else v_new end) ->> 'document_number');
    elsif v_event.operation = 'INSERT' then
      v_changes := v_changes || pg_catalog.format('%s for %s',
        case when v_new ->> 'status' = 'held' then 'Held' else 'Booked' end,
        app_private.history_stay_words(v_new ->> 'stay'));
    elsif v_event.operation = 'UPDATE' then
      if v_old -> 'status' is distinct from v_new -> 'status' then
        v_changes := v_changes || case
          when v_old ->> 'status' = 'held' and v_new ->> 'status' = 'cancelled' then 'Hold released'
          when v_new ->> 'status' = 'confirmed' and v_old ->> 'status' = 'held'
            then 'Booking confirmed' || coalesce(' (' || (v_new ->> 'confirmation_code') || ')', '')
          when v_new ->> 'status' = 'cancelled'
            then 'Cancelled' || coalesce(': “' || (v_new ->> 'cancellation_reason') || '”', '')
                 || coalesce(pg_catalog.format(' (fee %s)', app_hidden.format_money(nullif((v_new ->> 'penalty_amount')::bigint, 0), v_new ->> 'currency')), '')
          else coalesce(v_status_words ->> (v_new ->> 'status'), 'Status changed to ' || (v_new ->> 'status')) end;
      end if;
      if v_old -> 'unit_id' is distinct from v_new -> 'unit_id' then
        v_changes := v_changes || case
          when v_old ->> 'unit_id' is null then 'Unit ' || app_private.history_unit_name(v_res.property_id, v_new ->> 'unit_id') || ' assigned'
          when v_new ->> 'unit_id' is null then 'Unit ' || app_private.history_unit_name(v_res.property_id, v_old ->> 'unit_id') || ' unassigned'
          else pg_catalog.format('Moved from %s to %s', app_private.history_unit_name(v_res.property_id, v_old ->> 'unit_id'),
                                 app_private.history_unit_name(v_res.property_id, v_new ->> 'unit_id'))
               || coalesce(' to make room for ' || v_event.allocated_for, '') end;
      end if;
      if v_old -> 'stay' is distinct from v_new -> 'stay' then
        v_changes := v_changes || pg_catalog.format('Dates changed from %s to %s',
          app_private.history_stay_words(v_old ->> 'stay'), app_private.history_stay_words(v_new ->> 'stay'));
      end if;
      if v_old -> 'adults' is distinct from v_new -> 'adults' or v_old -> 'children' is distinct from v_new -> 'children' then
        v_changes := v_changes || pg_catalog.format('Guests changed from %s to %s',
          app_private.history_party_words((v_old ->> 'adults')::int, (v_old ->> 'children')::int),
          app_private.history_party_words((v_new ->> 'adults')::int, (v_new ->> 'children')::int));
      end if;
      if v_old -> 'rate_plan_id' is distinct from v_new -> 'rate_plan_id' then
        v_changes := v_changes || pg_catalog.format('Rate plan changed from %s to %s',
          coalesce((select p.name from app_public.rate_plans p where p.property_id = v_res.property_id and p.id = (v_old ->> 'rate_plan_id')::uuid), 'a removed plan'),
          coalesce((select p.name from app_public.rate_plans p where p.property_id = v_res.property_id and p.id = (v_new ->> 'rate_plan_id')::uuid), 'a removed plan'));
      end if;
      if v_old -> 'total_amount' is distinct from v_new -> 'total_amount' then
        v_changes := v_changes || pg_catalog.format('Price changed from %s to %s',
          app_hidden.format_money((v_old ->> 'total_amount')::bigint, v_old ->> 'currency'),
          app_hidden.format_money((v_new ->> 'total_amount')::bigint, v_new ->> 'currency'));
      end if;
      if v_old -> 'contact_name' is distinct from v_new -> 'contact_name' then
        v_changes := v_changes || case when v_old ->> 'contact_name' is null then 'Guest name given: ' || (v_new ->> 'contact_name')
          else pg_catalog.format('Guest name changed from %s to %s', v_old ->> 'contact_name', coalesce(v_new ->> 'contact_name', 'none')) end;
      end if;
      if v_old -> 'contact_email' is distinct from v_new -> 'contact_email' then
        v_changes := v_changes || case when v_old ->> 'contact_email' is null then 'Email given: ' || (v_new ->> 'contact_email')
          else pg_catalog.format('Email changed from %s to %s', v_old ->> 'contact_email', coalesce(v_new ->> 'contact_email', 'none')) end;
      end if;
      if v_old -> 'contact_phone' is distinct from v_new -> 'contact_phone' then
        v_changes := v_changes || case when v_old ->> 'contact_phone' is null then 'Phone given: ' || (v_new ->> 'contact_phone')
          when v_new ->> 'contact_phone' is null then 'Phone removed (was ' || (v_old ->> 'contact_phone') || ')'
          else pg_catalog.format('Phone changed from %s to %s', v_old ->> 'contact_phone', v_new ->> 'contact_phone') end;
      end if;
      if v_old -> 'special_requests' is distinct from v_new -> 'special_requests' then
        v_changes := v_changes || case when v_new ->> 'special_requests' is null then 'Special requests removed'
          else 'Special requests: “' || (v_new ->> 'special_requests') || '”' end;
      end if;
      if v_old -> 'expected_arrival_time' is distinct from v_new -> 'expected_arrival_time' then
        v_changes := v_changes || case when v_new ->> 'expected_arrival_time' is null then 'Expected arrival time removed'
          when v_old ->> 'expected_arrival_time' is null then 'Expected at ' || pg_catalog.to_char((v_new ->> 'expected_arrival_time')::time, 'HH24:MI')
          else pg_catalog.format('Expected arrival changed from %s to %s', pg_catalog.to_char((v_old ->> 'expected_arrival_time')::time, 'HH24:MI'),
                                 pg_catalog.to_char((v_new ->> 'expected_arrival_time')::time, 'HH24:MI')) end;
      end if;
      if v_old -> 'do_not_disturb_on' is distinct from v_new -> 'do_not_disturb_on' then
        v_changes := v_changes || case when v_new ->> 'do_not_disturb_on' is not null then 'Do not disturb today: no stay-over cleaning'
          else 'Do-not-disturb removed' end;
      end if;
      if v_old -> 'unit_pinned' is distinct from v_new -> 'unit_pinned' then
        v_changes := v_changes || case when (v_new ->> 'unit_pinned')::boolean then 'Pinned to its unit' else 'Unpinned from its unit' end;
      end if;
      if v_old -> 'payment_due_by' is distinct from v_new -> 'payment_due_by' and v_new ->> 'payment_due_by' is not null then
        v_changes := v_changes || ('Payment due by ' || pg_catalog.to_char((v_new ->> 'payment_due_by')::timestamptz at time zone
          (select p.time_zone from app_public.properties p where p.id = v_res.property_id), 'FMDD Mon YYYY, HH24:MI')
          || coalesce(': “' || (v_new ->> 'payment_guarantee_note') || '”', ''));
      end if;
      if v_old -> 'payment_guarantee_waived_at' is distinct from v_new -> 'payment_guarantee_waived_at' and v_new ->> 'payment_guarantee_waived_at' is not null then
        v_changes := v_changes || ('Payment guarantee waived' || coalesce(': “' || (v_new ->> 'payment_guarantee_note') || '”', ''));
      end if;
    else
      v_changes := v_changes || 'Deleted'::text;
    end if;
    foreach v_line.summary in array v_changes loop
      v_line.occurred_at := v_event.occurred_at;
      v_line.actor_name := v_actor;
      v_line.actor_role := v_role;
      v_line.request_id := v_event.request_id;
      return next v_line;
    end loop;
  end loop;
end;
$function$;
grant execute on function app_public.reservation_timeline(reservation_id uuid) to keepr_staff;
comment on function app_public.reservation_timeline(reservation_id uuid) is 'A reservation''s history in words, oldest first: one line per change ("Moved from 201 to 204", "Checked in", "Dates changed from …"), with who made it (their name and role at the property; "the guest"; Keepr for jobs, role allocator for the allocator''s moves) and the request id. Staff who read reservations. Errors: NOT_FOUND, ACCESS_DENIED.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_arrival(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_arrival(r app_public.reservations)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.lower(r.stay);
$function$;
grant execute on function app_public.reservations_arrival(r app_public.reservations) to keepr_anonymous;
grant execute on function app_public.reservations_arrival(r app_public.reservations) to keepr_worker;
comment on function app_public.reservations_arrival(r app_public.reservations) is '@behavior +orderBy +filterBy
The arrival date (local to the property).';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_cancellation_penalty_now(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_cancellation_penalty_now(reservation app_public.reservations)
 RETURNS bigint
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case when reservation.status in ('held', 'confirmed') then app_private.cancellation_penalty(reservation, pg_catalog.now()) end;
$function$;
grant execute on function app_public.reservations_cancellation_penalty_now(reservation app_public.reservations) to keepr_anonymous;
comment on function app_public.reservations_cancellation_penalty_now(reservation app_public.reservations) is 'What cancelling this reservation would cost now (minor units, in its currency), by its locked cancellation terms; null when it cannot be cancelled.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_card_on_file(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_card_on_file(r app_public.reservations)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select app_private.card_label(r.card_brand, r.card_last4);
$function$;
grant execute on function app_public.reservations_card_on_file(r app_public.reservations) to keepr_anonymous;
comment on function app_public.reservations_card_on_file(r app_public.reservations) is 'The card on file as people name it ("Visa •• 4242"), or null.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_change_refusal(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_change_refusal(reservation app_public.reservations)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select app_private.guest_change_refusal(reservation);
$function$;
grant execute on function app_public.reservations_change_refusal(reservation app_public.reservations) to keepr_anonymous;
comment on function app_public.reservations_change_refusal(reservation app_public.reservations) is 'Null when the guest may change this booking''s dates and guests online (modifyReservation); otherwise why not: NOT_CONFIRMED, RATE_PLAN (the rate plan does not allow it), NOT_REFUNDABLE, or PAST_DEADLINE (the free-cancellation deadline has passed).';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_departure(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_departure(r app_public.reservations)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.upper(r.stay);
$function$;
grant execute on function app_public.reservations_departure(r app_public.reservations) to keepr_anonymous;
grant execute on function app_public.reservations_departure(r app_public.reservations) to keepr_worker;
comment on function app_public.reservations_departure(r app_public.reservations) is '@behavior +orderBy
The departure date (local to the property); the last night is the day before.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_folio(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_folio(r app_public.reservations)
 RETURNS app_public.folios
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select f.* from app_public.folios f where f.property_id = r.property_id and f.reservation_id = r.id and f.is_primary;
$function$;
grant execute on function app_public.reservations_folio(r app_public.reservations) to keepr_anonymous;
grant execute on function app_public.reservations_folio(r app_public.reservations) to keepr_worker;
comment on function app_public.reservations_folio(r app_public.reservations) is 'The reservation''s primary folio (the stay''s charges and card payments); `folios` lists every folio of the reservation.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_hold_state(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_hold_state(r app_public.reservations)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case
           when r.id is null or r.confirmed_at is not null then null
           when r.status = 'held' and r.hold_expires_at > pg_catalog.now() then 'active'
           when r.status = 'held' then 'expired'
           else 'released'
         end;
$function$;
grant execute on function app_public.reservations_hold_state(r app_public.reservations) to keepr_anonymous;
comment on function app_public.reservations_hold_state(r app_public.reservations) is 'For a reservation never confirmed: `active` (held, not yet expired), `expired` (held past holdExpiresAt: an abandoned checkout, its nights free again) or `released` (a hold let go before it was confirmed). Null for a booking.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_nights(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_nights(r app_public.reservations)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay);
$function$;
grant execute on function app_public.reservations_nights(r app_public.reservations) to keepr_anonymous;
grant execute on function app_public.reservations_nights(r app_public.reservations) to keepr_worker;
comment on function app_public.reservations_nights(r app_public.reservations) is 'Number of nights booked.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_no_show_from(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_no_show_from(r app_public.reservations)
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select ((pg_catalog.lower(r.stay) + p.no_show_day_offset)::timestamp + p.no_show_time) at time zone p.time_zone
    from app_public.properties p
   where p.id = r.property_id;
$function$;
grant execute on function app_public.reservations_no_show_from(r app_public.reservations) to keepr_anonymous;
comment on function app_public.reservations_no_show_from(r app_public.reservations) is 'When a guest who did not arrive may be recorded as a no-show: the property''s no-show time after the arrival date.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_rate_override(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_rate_override(reservation app_public.reservations)
 RETURNS app_public.rate_overrides
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select o.* from app_public.rate_overrides o
   where o.property_id = reservation.property_id and o.reservation_id = reservation.id;
$function$;
grant execute on function app_public.reservations_rate_override(reservation app_public.reservations) to keepr_staff;
comment on function app_public.reservations_rate_override(reservation app_public.reservations) is 'The rate override the front desk gave this stay (price before and after, percent off, reason, who), or null.';

-- ----------------------------------------------------------------------------
-- function app_public.reservations_unpaid_prepayment(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.reservations_unpaid_prepayment(r app_public.reservations)
 RETURNS bigint
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(sum(i.amount), 0)::bigint
    from app_public.payment_intents i
    join app_public.properties p on p.id = i.property_id
   where i.property_id = r.property_id and i.reservation_id = r.id
     and i.status in ('requires_payment', 'failed') and i.kind::text <> 'incidental'
     and i.due_at <= pg_catalog.now()
     and (i.kind::text = 'deposit' or i.status = 'failed'
          or i.due_at < ((pg_catalog.lower(r.stay))::timestamp + p.check_in_time) at time zone p.time_zone);
$function$;
grant execute on function app_public.reservations_unpaid_prepayment(r app_public.reservations) to keepr_anonymous;
comment on function app_public.reservations_unpaid_prepayment(r app_public.reservations) is 'Prepayments that fell due and are unpaid, in minor units (0 when none): check-in asks to confirm when there are some.';

-- ----------------------------------------------------------------------------
-- function app_public.resolve_channel_conflict(conflict_id uuid, resolution text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.resolve_channel_conflict(conflict_id uuid, resolution text)
 RETURNS app_public.channel_conflicts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_conflict app_public.channel_conflicts;
begin
  select * into v_conflict from app_public.channel_conflicts k where k.id = resolve_channel_conflict.conflict_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such conflict, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_conflict.property_id, app_hidden.staff_group_roles('front_office'), 'resolve channel conflicts');
  if v_conflict.status <> 'open' then
    raise exception using errcode = 'TRANS', message = 'This conflict is resolved already.';
  end if;
  if resolution is null or pg_catalog.length(pg_catalog.btrim(resolution)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'Say how the conflict was resolved (1 to 500 characters).';
  end if;
  update app_public.channel_conflicts k
     set status = 'resolved', closed_by = 'staff', resolved_at = pg_catalog.now(), resolved_by = app_hidden.current_user_id(), resolution = pg_catalog.btrim(resolve_channel_conflict.resolution)
   where k.id = v_conflict.id
  returning * into v_conflict;
  return v_conflict;
end;
$function$;
grant execute on function app_public.resolve_channel_conflict(conflict_id uuid, resolution text) to keepr_staff;
comment on function app_public.resolve_channel_conflict(conflict_id uuid, resolution text) is 'Closes a channel conflict with a note; it stays closed while the same booking and Keepr side hold the same nights. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.room_combinations(property_id uuid, arrival date, departure date, adults integer, children integer, max_rooms integer, max_results integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.room_combinations(property_id uuid, arrival date, departure date, adults integer, children integer DEFAULT 0, max_rooms integer DEFAULT 4, max_results integer DEFAULT 5)
 RETURNS SETOF app_public.room_combination
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 5
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_member boolean := room_combinations.property_id in (select app_hidden.current_property_ids());
  v_party integer;
  v_combo record;
  v_caps integer[];
  v_adults integer[];
  v_children integer[];
  v_left integer;
  v_take integer;
  v_rooms app_public.group_room[];
  v_total bigint;
  v_price record;
  v_key text;
  v_prices jsonb := '{}';
  v_results app_public.room_combination[] := '{}';
  v_currency character(3);
  i integer;
begin
  if max_rooms is null or max_rooms not between 1 and 10 or max_results is null or max_results not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'Ask for combinations of 1 to 10 rooms, and 1 to 20 of them.';
  end if;
  children := coalesce(children, 0);
  if not exists (select 1 from app_public.properties p where p.id = room_combinations.property_id and (p.is_published or v_member)) then
    raise exception using errcode = 'NTFND', message = 'No such property.';
  end if;
  perform app_private.check_stay(room_combinations.property_id, arrival, departure, adults, children);
  v_party := adults + children;
  select p.currency into v_currency from app_public.properties p where p.id = room_combinations.property_id;

  for v_combo in
    with recursive types as (
      select rt.id, rt.name, rt.max_occupancy, l.units_left,
             pg_catalog.row_number() over (order by rt.max_occupancy desc, rt.id) as i
        from app_public.room_types rt
        join app_private.room_type_units_left(array[room_combinations.property_id],
                                              pg_catalog.daterange(room_combinations.arrival, room_combinations.departure)) l
          on l.room_type_id = rt.id
       where rt.property_id = room_combinations.property_id and (rt.is_published or v_member) and l.units_left > 0
    ),
    combos as (
      select t.i as last_i, array[t.i] as picks, 1 as rooms, t.max_occupancy as capacity from types t
      union all
      select t.i, c.picks || t.i, c.rooms + 1, c.capacity + t.max_occupancy
        from combos c
        join types t on t.i >= c.last_i
       where c.rooms < room_combinations.max_rooms and c.capacity < v_party
         and (select count(*) from pg_catalog.unnest(c.picks) p where p = t.i) < t.units_left
    )
    select c.rooms, c.capacity,
           array(select t.id from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as type_ids,
           array(select t.name from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as type_names,
           array(select t.max_occupancy from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as caps
      from combos c
     where c.capacity >= v_party and c.rooms <= room_combinations.adults
     order by c.rooms, c.capacity
     limit 50
  loop
    -- Spread the party: one adult a room, then adults, then children.
    v_caps := v_combo.caps;
    v_adults := array_fill(1, array[v_combo.rooms]);
    v_children := array_fill(0, array[v_combo.rooms]);
    v_left := adults - v_combo.rooms;
    for i in 1..v_combo.rooms loop
      v_take := least(v_left, v_caps[i] - v_adults[i]);
      v_adults[i] := v_adults[i] + v_take;
      v_left := v_left - v_take;
    end loop;
    v_left := children;
    for i in 1..v_combo.rooms loop
      v_take := least(v_left, v_caps[i] - v_adults[i]);
      v_children[i] := v_take;
      v_left := v_left - v_take;
    end loop;

    v_rooms := '{}';
    v_total := 0;
    for i in 1..v_combo.rooms loop
      -- The cheapest plan of a room type for an occupancy, priced once per call.
      v_key := v_combo.type_ids[i] || ':' || v_adults[i] || ':' || v_children[i];
      if not v_prices ? v_key then
        select rp.id, (app_private.quote_for(rp.id, arrival, departure, v_adults[i], v_children[i])).total_amount as total
          into v_price
          from app_public.rate_plans rp
         where rp.property_id = room_combinations.property_id and rp.room_type_id = v_combo.type_ids[i]
           and (rp.is_published or v_member)
           and not exists (select 1 from app_private.stay_restrictions(array[rp.id], arrival, departure, v_adults[i], v_children[i]) s
                            where s.restriction is not null)
         order by 2, rp.id
         limit 1;
        v_prices := v_prices || pg_catalog.jsonb_build_object(v_key, case when found then pg_catalog.jsonb_build_object('id', v_price.id, 'total', v_price.total) end);
      end if;
      if v_prices -> v_key = 'null'::jsonb then
        v_total := null;
        exit;
      end if;
      v_rooms := v_rooms || ((v_prices -> v_key ->> 'id')::uuid, v_adults[i], v_children[i], null)::app_public.group_room;
      v_total := v_total + (v_prices -> v_key ->> 'total')::bigint;
    end loop;
    if v_total is not null then
      v_results := v_results || (null, v_rooms, v_combo.type_names, v_combo.capacity, v_currency, v_total)::app_public.room_combination;
    end if;
  end loop;

  return query
    select (pg_catalog.row_number() over (order by r.total_amount, pg_catalog.cardinality(r.rooms)))::integer,
           r.rooms, r.room_type_names, r.capacity, r.currency, r.total_amount
      from pg_catalog.unnest(v_results) r
     order by r.total_amount, pg_catalog.cardinality(r.rooms)
     limit room_combinations.max_results;
end;
$function$;
grant execute on function app_public.room_combinations(property_id uuid, arrival date, departure date, adults integer, children integer, max_rooms integer, max_results integer) to keepr_anonymous;
comment on function app_public.room_combinations(property_id uuid, arrival date, departure date, adults integer, children integer, max_rooms integer, max_results integer) is 'The cheapest ways (ranked, at most max_results of 1 to 20) to sleep a party in up to max_rooms rooms (1 to 10, default 4) of a property for a stay: minimal combinations of room types with units left, fitting by max occupancy, one adult at least per room, each room on its cheapest plan that sells the stay. Each combination''s rooms go to quoteGroup. Errors: INVALID_INPUT, NOT_FOUND, DATES, GUEST.';

-- ----------------------------------------------------------------------------
-- function app_public.room_type_held_until(rate_plan_id uuid, arrival date, departure date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.room_type_held_until(rate_plan_id uuid, arrival date, departure date)
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with plan as (
    select rp.property_id, rp.room_type_id, p.kind
      from app_public.rate_plans rp
      join app_public.properties p on p.id = rp.property_id
     where rp.id = room_type_held_until.rate_plan_id and p.is_published
       and room_type_held_until.departure > room_type_held_until.arrival
       and room_type_held_until.departure - room_type_held_until.arrival <= 60
  ), units as (
    select u.id, u.property_id
      from plan pl
      join app_public.units u on u.property_id = pl.property_id and u.room_type_id = pl.room_type_id
     where u.is_active
  ), claims as (
    select c.unit_id, c.kind = 'hold' as is_hold, c.expires_at,
           c.stay * pg_catalog.daterange(room_type_held_until.arrival, room_type_held_until.departure) as nights
      from units u
      join app_public.inventory_claims c on c.property_id = u.property_id and c.unit_id = u.id
     where c.stay && pg_catalog.daterange(room_type_held_until.arrival, room_type_held_until.departure)
       and c.released_at is null
       and (c.expires_at is null or c.expires_at > pg_catalog.now())
  ), per_night as (
    select n.night,
           (select count(*) from units) - count(c.unit_id) filter (where not c.is_hold) as free_without_holds,
           count(c.unit_id) filter (where c.is_hold) as holds,
           pg_catalog.array_agg(c.expires_at order by c.expires_at) filter (where c.is_hold) as expiries
      from pg_catalog.generate_series(room_type_held_until.arrival::timestamp, room_type_held_until.departure::timestamp - interval '1 day', interval '1 day') n(night)
      left join claims c on c.nights @> n.night::date
     group by n.night
  )
  select case (select kind from plan)
    when 'hotel' then (
      select case when pg_catalog.bool_and(free_without_holds >= 1) and pg_catalog.bool_or(free_without_holds - holds <= 0)
                  then pg_catalog.max(case when free_without_holds - holds <= 0 then expiries[holds - free_without_holds + 1] end) end
        from per_night)
    else (
      select pg_catalog.min(h.until)
        from (select c.unit_id, pg_catalog.max(c.expires_at) as until
                from claims c
               group by c.unit_id
              having pg_catalog.bool_and(c.is_hold)) h)
  end
$function$;
grant execute on function app_public.room_type_held_until(rate_plan_id uuid, arrival date, departure date) to keepr_anonymous;
comment on function app_public.room_type_held_until(rate_plan_id uuid, arrival date, departure date) is 'For a room type sold out for a stay (after SOLD_OUT): when it comes back if the guests who only hold it do not book (their holds expire), or null when it is booked, blocked or closed. Anonymous, like search; at most 60 nights.';

-- ----------------------------------------------------------------------------
-- function app_public.route_folio_postings(from_folio_id uuid, to_folio_id uuid, entry_ids uuid[], idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.route_folio_postings(from_folio_id uuid, to_folio_id uuid, entry_ids uuid[], idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_from app_public.folios;
  v_to app_public.folios;
  v_first app_public.folios;
  v_items jsonb;
  v_count integer;
  v_route_id uuid;
begin
  v_replay := app_private.idempotency_begin('route_folio_postings', idempotency_key,
                pg_catalog.jsonb_build_object('from_folio_id', from_folio_id, 'to_folio_id', to_folio_id, 'entry_ids', entry_ids));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  if from_folio_id is not distinct from to_folio_id then
    raise exception using errcode = 'INVLD', message = 'Choose another folio to move the charges to.';
  end if;
  -- Locks in one order (a reservation's folio before a company's, then by
  -- id), so two routes between the same folios never deadlock.
  select * into v_first from app_public.folios f where f.id in (from_folio_id, to_folio_id)
   order by f.reservation_id is null, f.id limit 1;
  if v_first.id is null or v_first.id = from_folio_id then
    v_from := app_private.lock_folio(from_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
    v_to := app_private.lock_folio(to_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
  else
    v_to := app_private.lock_folio(to_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
    v_from := app_private.lock_folio(from_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
  end if;
  if v_from.property_id <> v_to.property_id then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_from.currency <> v_to.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is in %s and %s in %s: charges move only within one currency.',
                                                                         v_from.label, v_from.currency, v_to.label, v_to.currency);
  end if;
  if v_from.status = 'closed' or v_to.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'A closed folio takes no more charges and gives none away.';
  end if;
  if entry_ids is null or pg_catalog.cardinality(entry_ids) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'Choose between 1 and 200 charges to move.';
  end if;
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('entry_id', e.id, 'description', e.description,
                                                            'amount', app_private.charge_on_folio(e.property_id, e.id, v_from.id))
                              order by e.occurred_at, e.description, e.id),
         pg_catalog.count(*)
    into v_items, v_count
    from app_public.journal_entries e
   where e.property_id = v_from.property_id and e.id = any (entry_ids);
  if v_count <> (select pg_catalog.count(distinct x) from pg_catalog.unnest(entry_ids) x) then
    raise exception using errcode = 'NTFND', message = 'One of the charges does not exist, or you cannot see it.';
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_items) i where (i ->> 'amount')::bigint <= 0) then
    raise exception using errcode = 'INVLD', hint = 'NOT_ON_FOLIO',
      message = pg_catalog.format('%s is not a charge on %s.',
                                  (select '“' || (i ->> 'description') || '”' from pg_catalog.jsonb_array_elements(v_items) i
                                    where (i ->> 'amount')::bigint <= 0 limit 1), v_from.label);
  end if;
  if exists (select 1 from app_public.journal_entries c
              where c.property_id = v_from.property_id and c.reverses_entry_id = any (entry_ids) and c.cause_type = 'folio_correction') then
    raise exception using errcode = 'INVLD', hint = 'CORRECTED', message = 'A corrected charge cannot be moved.';
  end if;
  v_route_id := app_private.post_entry(v_from.property_id, 'folio_route', v_to.id, app_private.desk_key('route', idempotency_key),
    pg_catalog.left('Moved from '
                    || case when v_from.reservation_id = v_to.reservation_id then v_from.label || ' to ' || v_to.label
                            else app_private.folio_place(v_from) || ' to ' || app_private.folio_place(v_to) end || ': '
                    || (select pg_catalog.string_agg(i ->> 'description', '; ') from pg_catalog.jsonb_array_elements(v_items) i), 500),
    (select pg_catalog.jsonb_build_array(
              pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_from), 'folio_id', v_from.id,
                                            'amount', -sum((i ->> 'amount')::bigint), 'currency', v_from.currency),
              pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_to), 'folio_id', v_to.id,
                                            'amount', sum((i ->> 'amount')::bigint), 'currency', v_to.currency))
       from pg_catalog.jsonb_array_elements(v_items) i));
  insert into app_private.folio_routes (property_id, route_entry_id, entry_id, from_folio_id, to_folio_id, amount)
  select v_from.property_id, v_route_id, (i ->> 'entry_id')::uuid, v_from.id, v_to.id, (i ->> 'amount')::bigint
    from pg_catalog.jsonb_array_elements(v_items) i;
  select * into v_to from app_public.folios f where f.property_id = v_to.property_id and f.id = v_to.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_to));
  return v_to;
end;
$function$;
grant execute on function app_public.route_folio_postings(from_folio_id uuid, to_folio_id uuid, entry_ids uuid[], idempotency_key text) to keepr_staff;
comment on function app_public.route_folio_postings(from_folio_id uuid, to_folio_id uuid, entry_ids uuid[], idempotency_key text) is 'Moves charges (journal entries that charged the first folio) to another folio of the property in the same currency, in one entry; returns the folio they moved to. Errors: NOT_FOUND, ACCESS_DENIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.run_night_audit(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.run_night_audit(property_id uuid)
 RETURNS SETOF app_public.night_audits
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_audit app_public.night_audits;
begin
  perform app_private.require_staff(run_night_audit.property_id, app_hidden.staff_group_roles('managers'), 'run the night audit');
  loop
    v_audit := app_private.close_business_day(run_night_audit.property_id);
    exit when v_audit.id is null;
    return next v_audit;
  end loop;
end;
$function$;
grant execute on function app_public.run_night_audit(property_id uuid) to keepr_staff;
comment on function app_public.run_night_audit(property_id uuid) is 'Runs the night audit of a property now: closes each business day that is over and returns the audits. Errors: NOT_FOUND, ACCESS_DENIED.';

-- ----------------------------------------------------------------------------
-- function app_public.run_payouts(property_id uuid, period_end date, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.run_payouts(property_id uuid, period_end date, idempotency_key text)
 RETURNS SETOF app_public.payouts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_owner app_public.owners;
  v_payout app_public.payouts;
  v_ids uuid[] := '{}';
  v_currency char(3);
  v_due jsonb;
begin
  v_replay := app_private.idempotency_begin('run_payouts', idempotency_key,
                pg_catalog.jsonb_build_object('property_id', property_id, 'period_end', period_end));
  if v_replay is not null then
    return query select p.* from app_public.payouts p
                  where p.id in (select (x #>> '{}')::uuid from pg_catalog.jsonb_array_elements(v_replay) x);
    return;
  end if;
  perform app_private.require_staff(run_payouts.property_id, app_hidden.staff_group_roles('back_office'), 'run owner payouts');
  if period_end is null or period_end > app_private.local_today(run_payouts.property_id) then
    raise exception using errcode = 'DATES', message = 'A payout period must end today or earlier.';
  end if;
  select p.currency into v_currency from app_public.properties p where p.id = run_payouts.property_id;

  for v_owner in
    select o.* from app_public.owners o where o.property_id = run_payouts.property_id order by o.id for update
  loop
    with stays as (
      select r.id
        from app_public.reservations r
        join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
       where r.property_id = run_payouts.property_id and u.owner_id = v_owner.id
         and r.confirmed_at is not null
         and (pg_catalog.upper(r.stay) <= run_payouts.period_end
              or (r.status = 'checked_out'
                  and r.checked_out_at < (run_payouts.period_end + 1)::timestamp at time zone (select p.time_zone from app_public.properties p where p.id = r.property_id)))
    ),
    earned as (
      select s.id as reservation_id,
             coalesce(-sum(p.amount) filter (where a.purpose = 'room_revenue'), 0) as room_revenue,
             coalesce(-sum(p.amount) filter (where a.purpose = 'cancellation_revenue'), 0) as cancellation_revenue
        from stays s
        join app_public.journal_entries e on e.property_id = run_payouts.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
        join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
        join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
       group by s.id
    ),
    paid as (
      select l.reservation_id, sum(l.room_revenue) as room_revenue, sum(l.cancellation_revenue) as cancellation_revenue,
             sum(l.commission) as commission, sum(l.owner_share) as owner_share
        from app_public.payout_lines l
       where l.property_id = run_payouts.property_id and l.owner_id = v_owner.id
       group by l.reservation_id
    ),
    due as (
      select e.reservation_id, e.room_revenue, e.cancellation_revenue,
             round((e.room_revenue + e.cancellation_revenue) * v_owner.commission_percent / 100)::bigint as commission
        from earned e
    )
    select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x)) into v_due
      from (
        select d.reservation_id,
               d.room_revenue - coalesce(p.room_revenue, 0) as room_revenue,
               d.cancellation_revenue - coalesce(p.cancellation_revenue, 0) as cancellation_revenue,
               d.commission - coalesce(p.commission, 0) as commission,
               (d.room_revenue + d.cancellation_revenue - d.commission) - coalesce(p.owner_share, 0) as owner_share
          from due d left join paid p on p.reservation_id = d.reservation_id
         where d.room_revenue - coalesce(p.room_revenue, 0) <> 0 or d.cancellation_revenue - coalesce(p.cancellation_revenue, 0) <> 0
            or d.commission - coalesce(p.commission, 0) <> 0
      ) x;
    continue when v_due is null;

    insert into app_public.payouts (property_id, owner_id, period_end, currency, room_revenue, cancellation_revenue, commission, owner_share, created_by)
    select run_payouts.property_id, v_owner.id, run_payouts.period_end, v_currency,
           sum(d.room_revenue), sum(d.cancellation_revenue), sum(d.commission), sum(d.owner_share), app_hidden.current_user_id()
      from pg_catalog.jsonb_to_recordset(v_due) d(room_revenue bigint, cancellation_revenue bigint, commission bigint, owner_share bigint)
    returning * into v_payout;
    insert into app_public.payout_lines (payout_id, property_id, owner_id, reservation_id, room_revenue, cancellation_revenue, commission, owner_share)
    select v_payout.id, run_payouts.property_id, v_owner.id, d.reservation_id, d.room_revenue, d.cancellation_revenue, d.commission, d.owner_share
      from pg_catalog.jsonb_to_recordset(v_due)
           d(reservation_id uuid, room_revenue bigint, cancellation_revenue bigint, commission bigint, owner_share bigint);
    perform app_private.post_entry(run_payouts.property_id, 'payout', v_payout.id, 'payout:' || v_payout.id || ':accrue',
      pg_catalog.format('Owner share for %s until %s', v_owner.name, run_payouts.period_end),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'room_revenue', 'amount', v_payout.room_revenue, 'currency', v_currency),
        pg_catalog.jsonb_build_object('purpose', 'cancellation_revenue', 'amount', v_payout.cancellation_revenue, 'currency', v_currency),
        pg_catalog.jsonb_build_object('purpose', 'commission_revenue', 'amount', -v_payout.commission, 'currency', v_currency),
        pg_catalog.jsonb_build_object('purpose', 'owner_payable', 'amount', -v_payout.owner_share, 'currency', v_currency)));
    v_ids := v_ids || v_payout.id;
  end loop;

  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  return query select p.* from app_public.payouts p where p.id = any (v_ids);
end;
$function$;
grant execute on function app_public.run_payouts(property_id uuid, period_end date, idempotency_key text) to keepr_staff;
comment on function app_public.run_payouts(property_id uuid, period_end date, idempotency_key text) is 'Computes and posts each owner''s share of rental revenue for stays ended by period_end, never paying a stay''s revenue twice. Errors: NOT_FOUND, ACCESS_DENIED, DATES, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.search_availability(arrival date, departure date, adults integer, children integer, property_id uuid, city text, country_code text, include_unavailable boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.search_availability(arrival date, departure date, adults integer DEFAULT 2, children integer DEFAULT 0, property_id uuid DEFAULT NULL::uuid, city text DEFAULT NULL::text, country_code text DEFAULT NULL::text, include_unavailable boolean DEFAULT false)
 RETURNS SETOF app_public.availability
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 50
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_stay daterange;
  v_member uuid[] := array(select app_hidden.current_property_ids());
begin
  perform app_private.check_stay(null, arrival, departure, adults, children);
  v_stay := pg_catalog.daterange(arrival, departure);
  return query
  with candidates as materialized (
    select p.id, p.name, p.city
      from app_public.properties p
     where (p.is_published or p.id = any (v_member))
       and (search_availability.property_id is null or p.id = search_availability.property_id)
       and (search_availability.city is null or pg_catalog.lower(p.city) = pg_catalog.lower(search_availability.city))
       and (search_availability.country_code is null or p.country_code = pg_catalog.upper(search_availability.country_code))
       and search_availability.arrival >= (pg_catalog.now() at time zone p.time_zone)::date
  ),
  -- Units left per room type of all candidate properties at once: by
  -- count on the busiest night for a hotel (the allocator moves stays to
  -- make what fits by count fit), whole free units for a vacation rental.
  free as (
    select f.room_type_id, f.units_left
      from app_private.room_type_units_left(array(select c.id from candidates c), v_stay) f
  ),
  room_types as materialized (
    select c.id as property_id, c.name as property_name, c.city, rt.id as room_type_id, rt.name as room_type_name,
           rt.max_occupancy, coalesce(f.units_left, 0) as units_left
      from candidates c
      join app_public.room_types rt on rt.property_id = c.id
      left join free f on f.room_type_id = rt.id
     where rt.is_published or c.id = any (v_member)
  ),
  plans as (
    select rt.*, rp.id as rate_plan_id, rp.name as rate_plan_name, rp.meal_plan, rp.is_refundable, rp.currency
      from room_types rt
      join app_public.rate_plans rp on rp.property_id = rt.property_id and rp.room_type_id = rt.room_type_id
     where (rp.is_published or rt.property_id = any (v_member))
       and (rt.units_left > 0 or search_availability.include_unavailable)
  ),
  prices as (
    select l.rate_plan_id,
           sum(l.amount) filter (where not l.is_inclusive)::bigint as total_amount,
           sum(l.amount) filter (where l.kind in ('night', 'discount'))::bigint as room_amount
      from app_private.price_lines(array(select rate_plan_id from plans), arrival, departure, adults, children) l
     group by l.rate_plan_id
  ),
  restrictions as (
    select * from app_private.stay_restrictions(array(select rate_plan_id from plans), arrival, departure, adults, children)
  )
  select p.property_id, p.property_name, p.city, p.room_type_id, p.room_type_name, p.max_occupancy, p.units_left,
         p.rate_plan_id, p.rate_plan_name, p.meal_plan, p.is_refundable, p.currency::char(3),
         pr.total_amount, round(pr.room_amount::numeric / (departure - arrival))::bigint,
         p.units_left > 0 and r.restriction is null,
         coalesce(r.restriction, case when p.units_left = 0 then 'SOLD_OUT' end),
         coalesce(r.message, case when p.units_left = 0 then 'No unit of this type is free for these dates.' end)
    from plans p
    join prices pr on pr.rate_plan_id = p.rate_plan_id
    join restrictions r on r.rate_plan_id = p.rate_plan_id
   where search_availability.include_unavailable or (p.units_left > 0 and r.restriction is null)
   order by p.property_name, p.room_type_name, pr.total_amount, p.rate_plan_name;
end;
$function$;
grant execute on function app_public.search_availability(arrival date, departure date, adults integer, children integer, property_id uuid, city text, country_code text, include_unavailable boolean) to keepr_anonymous;
comment on function app_public.search_availability(arrival date, departure date, adults integer, children integer, property_id uuid, city text, country_code text, include_unavailable boolean) is 'Room types with units left for a stay, priced on each rate plan for the guests. Filter by property, city or country; include_unavailable also lists restricted and sold-out rates with the reason. Errors: DATES, GUEST.';

-- ----------------------------------------------------------------------------
-- function app_public.search_guests(property_id uuid, search text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.search_guests(property_id uuid, search text DEFAULT NULL::text)
 RETURNS SETOF app_public.guests
 LANGUAGE sql
 STABLE
AS $function$
  select g.*
    from app_public.guests g
   where g.property_id = search_guests.property_id
     and (coalesce(pg_catalog.btrim(search_guests.search), '') = ''
          or g.id in (select app_hidden.guests_matching(search_guests.property_id, search_guests.search)));
$function$;
grant execute on function app_public.search_guests(property_id uuid, search text) to keepr_staff;
comment on function app_public.search_guests(property_id uuid, search text) is '@behavior +order +filter
A property''s guest profiles for the staff Guests list: `search` matches the name, email or phone (any part; a phone by its digits), the contact details of one of their bookings, or the exact confirmation code of one. Staff who read guest profiles; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';

-- ----------------------------------------------------------------------------
-- function app_public.search_reservations(property_id uuid, search text, include_holds boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.search_reservations(property_id uuid, search text DEFAULT NULL::text, include_holds boolean DEFAULT false)
 RETURNS SETOF app_public.reservations
 LANGUAGE sql
 STABLE
AS $function$
  select r.*
    from app_public.reservations r
   where r.property_id = search_reservations.property_id
     and (coalesce(search_reservations.include_holds, false)
          or r.confirmed_at is not null
          or (r.status = 'held' and r.hold_expires_at > pg_catalog.now()))
     and (coalesce(pg_catalog.btrim(search_reservations.search), '') = ''
          or r.id in (select app_hidden.reservations_matching(search_reservations.property_id, search_reservations.search)));
$function$;
grant execute on function app_public.search_reservations(property_id uuid, search text, include_holds boolean) to keepr_staff;
comment on function app_public.search_reservations(property_id uuid, search text, include_holds boolean) is '@behavior +order +filter
A property''s reservations for the staff list: `search` matches the guest''s name, email or phone (any part; a phone by its digits) or the exact confirmation code, or the exact group code (G-…: the group''s rooms); bookings and live holds only, unless `includeHolds` (then expired and released holds too, see holdState). Staff who read reservations; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';

-- ----------------------------------------------------------------------------
-- function app_public.send_invoice(invoice_id uuid, email text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.send_invoice(invoice_id uuid, email text, idempotency_key text)
 RETURNS app_public.invoice_deliveries
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_email text;
  v_delivery app_public.invoice_deliveries;
begin
  v_replay := app_private.idempotency_begin('send_invoice', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'email', email));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoice_deliveries, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = send_invoice.invoice_id;
  if not found or v_invoice.property_id not in (select app_hidden.current_property_ids()) then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_invoice.property_id, app_hidden.staff_group_roles('cashiers'), 'send invoices');
  v_email := coalesce(nullif(pg_catalog.btrim(email), ''), v_invoice.bill_to ->> 'email');
  if v_email is null then
    raise exception using errcode = 'INVEM', message = 'This document''s bill-to has no email address: give one to send it to.';
  end if;
  if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(v_email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
  end if;
  insert into app_public.invoice_deliveries (property_id, invoice_id, recipient, requested_by)
  values (v_invoice.property_id, v_invoice.id, v_email, app_hidden.current_user_id())
  returning * into v_delivery;
  perform app_private.add_job('send_invoice', pg_catalog.json_build_object('id', v_delivery.id),
                                  job_key := 'invoice_delivery:' || v_delivery.id, max_attempts := 10);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_delivery));
  return v_delivery;
end;
$function$;
grant execute on function app_public.send_invoice(invoice_id uuid, email text, idempotency_key text) to keepr_staff;
comment on function app_public.send_invoice(invoice_id uuid, email text, idempotency_key text) is 'Emails an issued invoice or credit note with its PDF attached (to the given address, else the bill-to''s email) through a job added in the same transaction. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.set_do_not_disturb(reservation_id uuid, do_not_disturb boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_do_not_disturb(reservation_id uuid, do_not_disturb boolean)
 RETURNS app_public.reservations
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_today date;
begin
  v_res := app_private.lock_reservation(set_do_not_disturb.reservation_id, app_hidden.staff_group_roles('housekeeping_ops'), 'set do-not-disturb');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'marked do-not-disturb');
  end if;
  if do_not_disturb is null then
    raise exception using errcode = 'INVLD', message = 'Say whether the guest does not want to be disturbed (true or false).';
  end if;
  v_today := app_private.local_today(v_res.property_id);
  update app_public.reservations r
     set do_not_disturb_on = case when set_do_not_disturb.do_not_disturb then v_today end
   where r.id = v_res.id and r.do_not_disturb_on is distinct from (case when set_do_not_disturb.do_not_disturb then v_today end)
  returning * into v_res;
  if not found then
    select * into v_res from app_public.reservations r where r.id = set_do_not_disturb.reservation_id;
  end if;
  if do_not_disturb then
    update app_public.housekeeping_tasks t
       set status = 'cancelled', completed_at = pg_catalog.now(),
           notes = pg_catalog.left(coalesce(t.notes || ' · ', '') || 'Do not disturb', 1000)
     where t.property_id = v_res.property_id and t.reservation_id = v_res.id and t.kind = 'stayover_clean'
       and t.due_date = v_today and t.status = 'open';
  end if;
  return v_res;
end;
$function$;
grant execute on function app_public.set_do_not_disturb(reservation_id uuid, do_not_disturb boolean) to keepr_staff;
comment on function app_public.set_do_not_disturb(reservation_id uuid, do_not_disturb boolean) is 'Marks an in-house stay do-not-disturb for today (true) or not (false): today''s unstarted stay-over cleaning is cancelled and none is scheduled today. Housekeeping board staff (owner, manager, front desk, housekeeping). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.set_folio_bill_to(folio_id uuid, name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, tax_id text, email text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_folio_bill_to(folio_id uuid, name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, tax_id text, email text, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_clean text[];
begin
  v_replay := app_private.idempotency_begin('set_folio_bill_to', idempotency_key, pg_catalog.jsonb_build_object(
    'folio_id', folio_id, 'name', name, 'address_line1', address_line1, 'address_line2', address_line2,
    'postal_code', postal_code, 'city', city, 'country_code', country_code, 'tax_id', tax_id, 'email', email));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = set_folio_bill_to.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('cashiers'), 'change whom invoices are addressed to');
  perform 1 from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id for update;
  select pg_catalog.array_agg(nullif(pg_catalog.btrim(v), '') order by o) into v_clean
    from pg_catalog.unnest(array[name, address_line1, address_line2, postal_code, city, pg_catalog.upper(country_code), tax_id, email])
         with ordinality x(v, o);
  if v_clean[1] is null then
    if pg_catalog.array_to_string(v_clean, '') <> '' then
      raise exception using errcode = 'INVLD', message = 'A bill-to needs a name (a person or a company).';
    end if;
    delete from app_public.folio_bill_to b where b.property_id = v_folio.property_id and b.folio_id = v_folio.id;
  else
    if exists (select 1 from pg_catalog.unnest(v_clean) v where pg_catalog.length(v) > 200) then
      raise exception using errcode = 'INVLD', message = 'Each part of the bill-to is at most 200 characters.';
    end if;
    if v_clean[6] is not null and v_clean[6] !~ '^[A-Z]{2}$' then
      raise exception using errcode = 'INVLD', message = 'The country is a two-letter ISO code, such as PT or DE.';
    end if;
    if v_clean[8] is not null and v_clean[8] !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
      raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
    end if;
    insert into app_public.folio_bill_to as b (property_id, folio_id, name, address_line1, address_line2, postal_code, city,
                                               country_code, tax_id, email, updated_by)
    values (v_folio.property_id, v_folio.id, v_clean[1], v_clean[2], v_clean[3], v_clean[4], v_clean[5], v_clean[6], v_clean[7],
            v_clean[8], app_hidden.current_user_id())
    on conflict on constraint folio_bill_to_pkey do update
       set name = excluded.name, address_line1 = excluded.address_line1, address_line2 = excluded.address_line2,
           postal_code = excluded.postal_code, city = excluded.city, country_code = excluded.country_code,
           tax_id = excluded.tax_id, email = excluded.email, updated_by = excluded.updated_by;
  end if;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.set_folio_bill_to(folio_id uuid, name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, tax_id text, email text, idempotency_key text) to keepr_staff;
comment on function app_public.set_folio_bill_to(folio_id uuid, name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, tax_id text, email text, idempotency_key text) is 'Sets whom the folio''s next invoices are addressed to (name, address, tax id, email); a blank name goes back to the company or guest. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.set_promo_code_active(promo_code_id uuid, is_active boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_promo_code_active(promo_code_id uuid, is_active boolean)
 RETURNS app_public.promo_codes
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_variable
declare
  v_promo app_public.promo_codes;
begin
  select * into v_promo from app_public.promo_codes pc where pc.id = promo_code_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_promo.property_id, app_hidden.staff_group_roles('managers'), 'manage promo codes');
  if is_active is null then
    raise exception using errcode = 'INVLD', hint = 'IS_ACTIVE', message = 'Say whether the promo code is active.';
  end if;
  if v_promo.is_active is distinct from is_active then
    update app_public.promo_codes pc set is_active = set_promo_code_active.is_active
     where pc.property_id = v_promo.property_id and pc.id = v_promo.id
    returning * into v_promo;
  end if;
  return v_promo;
end;
$function$;
grant execute on function app_public.set_promo_code_active(promo_code_id uuid, is_active boolean) to keepr_staff;
comment on function app_public.set_promo_code_active(promo_code_id uuid, is_active boolean) is 'Deactivates (false) or reactivates (true) a promo code (owners and managers of its property). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason IS_ACTIVE).';

-- ----------------------------------------------------------------------------
-- function app_public.set_property_legal_details(property_id uuid, legal_name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, vat_id text, registration text, invoice_footer text, email text, phone text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_property_legal_details(property_id uuid, legal_name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, vat_id text, registration text, invoice_footer text, email text, phone text, idempotency_key text)
 RETURNS app_public.property_legal_details
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_row app_public.property_legal_details;
  v_clean text[];
begin
  v_replay := app_private.idempotency_begin('set_property_legal_details', idempotency_key, pg_catalog.jsonb_build_object(
    'property_id', property_id, 'legal_name', legal_name, 'address_line1', address_line1, 'address_line2', address_line2,
    'postal_code', postal_code, 'city', city, 'country_code', country_code, 'vat_id', vat_id, 'registration', registration,
    'invoice_footer', invoice_footer, 'email', email, 'phone', phone));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.property_legal_details, v_replay);
  end if;
  perform app_private.require_staff(set_property_legal_details.property_id, app_hidden.staff_group_roles('back_office'), 'edit the property''s legal details');
  select pg_catalog.array_agg(nullif(pg_catalog.btrim(v), '') order by o) into v_clean
    from pg_catalog.unnest(array[legal_name, address_line1, address_line2, postal_code, city, pg_catalog.upper(country_code),
                                 vat_id, registration, invoice_footer, email, phone]) with ordinality x(v, o);
  if exists (select 1 from pg_catalog.unnest(v_clean[1:8] || v_clean[10:11]) v where pg_catalog.length(v) > 200) then
    raise exception using errcode = 'INVLD', message = 'Each legal detail is at most 200 characters (the footer 1000).';
  end if;
  if pg_catalog.length(v_clean[9]) > 1000 then
    raise exception using errcode = 'INVLD', message = 'The invoice footer is at most 1000 characters.';
  end if;
  if v_clean[6] is not null and v_clean[6] !~ '^[A-Z]{2}$' then
    raise exception using errcode = 'INVLD', message = 'The country is a two-letter ISO code, such as PT or DE.';
  end if;
  if v_clean[10] is not null and v_clean[10] !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
  end if;
  insert into app_public.property_legal_details as l (property_id, legal_name, address_line1, address_line2, postal_code, city,
                                                     country_code, vat_id, registration, invoice_footer, email, phone, updated_by)
  values (set_property_legal_details.property_id, v_clean[1], v_clean[2], v_clean[3], v_clean[4], v_clean[5], v_clean[6], v_clean[7],
          v_clean[8], v_clean[9], v_clean[10], v_clean[11], app_hidden.current_user_id())
  on conflict on constraint property_legal_details_pkey do update
     set legal_name = excluded.legal_name, address_line1 = excluded.address_line1, address_line2 = excluded.address_line2,
         postal_code = excluded.postal_code, city = excluded.city, country_code = excluded.country_code, vat_id = excluded.vat_id,
         registration = excluded.registration, invoice_footer = excluded.invoice_footer, email = excluded.email,
         phone = excluded.phone, updated_by = excluded.updated_by
  returning * into v_row;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_row));
  return v_row;
end;
$function$;
grant execute on function app_public.set_property_legal_details(property_id uuid, legal_name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, vat_id text, registration text, invoice_footer text, email text, phone text, idempotency_key text) to keepr_staff;
comment on function app_public.set_property_legal_details(property_id uuid, legal_name text, address_line1 text, address_line2 text, postal_code text, city text, country_code text, vat_id text, registration text, invoice_footer text, email text, phone text, idempotency_key text) is 'Saves the legal details the property''s invoices show (legal name, address, VAT id, registration, footer with bank details). Owner, manager, accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.set_property_translation(property_id uuid, language text, description text, arrival_instructions text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_property_translation(property_id uuid, language text, description text, arrival_instructions text)
 RETURNS app_public.property_translations
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_row app_public.property_translations;
  v_own text;
  v_description text := nullif(pg_catalog.btrim(set_property_translation.description), '');
  v_instructions text := nullif(pg_catalog.btrim(set_property_translation.arrival_instructions), '');
begin
  perform app_private.require_staff(set_property_translation.property_id, app_hidden.staff_group_roles('managers'), 'translate the property''s content');
  -- The property's row locked: its language cannot change under the check below.
  select p.language into v_own from app_public.properties p where p.id = set_property_translation.property_id for share;
  if set_property_translation.language is null or set_property_translation.language not in ('en', 'pt', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one the guest app speaks (en, pt, es).';
  end if;
  if set_property_translation.language = v_own then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = 'Language: this is the property''s own language; its description and arrival instructions are edited with the property''s content.';
  end if;
  if pg_catalog.length(v_description) > 5000 then
    raise exception using errcode = 'INVLD', hint = 'DESCRIPTION', message = 'Description: at most 5000 characters.';
  end if;
  if pg_catalog.length(v_instructions) > 2000 then
    raise exception using errcode = 'INVLD', hint = 'ARRIVAL_INSTRUCTIONS', message = 'Arrival instructions: at most 2000 characters.';
  end if;
  if v_description is null and v_instructions is null then
    delete from app_public.property_translations t
     where t.property_id = set_property_translation.property_id and t.language = set_property_translation.language;
    return null;
  end if;
  insert into app_public.property_translations as t (property_id, language, description, arrival_instructions)
  values (set_property_translation.property_id, set_property_translation.language, v_description, v_instructions)
  on conflict on constraint property_translations_pkey do update
     set description = excluded.description, arrival_instructions = excluded.arrival_instructions
   where (t.description, t.arrival_instructions) is distinct from (excluded.description, excluded.arrival_instructions)
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.property_translations t
     where t.property_id = set_property_translation.property_id and t.language = set_property_translation.language;
  end if;
  return v_row;
end;
$function$;
grant execute on function app_public.set_property_translation(property_id uuid, language text, description text, arrival_instructions text) to keepr_staff;
comment on function app_public.set_property_translation(property_id uuid, language text, description text, arrival_instructions text) is 'Saves the property''s description and arrival instructions in another language the guest app speaks (en, pt, es); guests reading in it see them instead of the property''s own (`descriptionIn`, `arrivalInstructionsIn`). Blank texts are saved as none, both blank removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE: not a guest app language, or the property''s own; DESCRIPTION; ARRIVAL_INSTRUCTIONS).';

-- ----------------------------------------------------------------------------
-- function app_public.set_rates(rate_plan_id uuid, first_date date, last_date date, idempotency_key text, price bigint, min_stay integer, max_stay integer, closed_to_arrival boolean, closed_to_departure boolean, stop_sell boolean, days_of_week integer[], reset boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_rates(rate_plan_id uuid, first_date date, last_date date, idempotency_key text, price bigint DEFAULT NULL::bigint, min_stay integer DEFAULT NULL::integer, max_stay integer DEFAULT NULL::integer, closed_to_arrival boolean DEFAULT NULL::boolean, closed_to_departure boolean DEFAULT NULL::boolean, stop_sell boolean DEFAULT NULL::boolean, days_of_week integer[] DEFAULT NULL::integer[], reset boolean DEFAULT false)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_property_id uuid;
  v_count integer;
begin
  v_replay := app_private.idempotency_begin('set_rates', idempotency_key, pg_catalog.jsonb_build_object(
    'rate_plan_id', rate_plan_id, 'first_date', first_date, 'last_date', last_date, 'price', price,
    'min_stay', min_stay, 'max_stay', max_stay, 'closed_to_arrival', closed_to_arrival,
    'closed_to_departure', closed_to_departure, 'stop_sell', stop_sell, 'days_of_week', days_of_week, 'reset', reset));
  if v_replay is not null then
    return (v_replay ->> 'dates')::integer;
  end if;
  select rp.property_id into v_property_id from app_public.rate_plans rp where rp.id = set_rates.rate_plan_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, app_hidden.staff_group_roles('managers'), 'edit rates');
  if first_date is null or last_date is null or first_date > last_date or last_date - first_date > 730 then
    raise exception using errcode = 'DATES', message = 'Give a first and last date, at most 731 days apart.';
  end if;
  if first_date < app_private.local_today(v_property_id) then
    raise exception using errcode = 'DATES',
      message = pg_catalog.format('Rates can be set from today (%s at the property) on.', app_private.local_today(v_property_id));
  end if;
  if days_of_week is not null and (pg_catalog.cardinality(days_of_week) = 0 or exists (
       select 1 from pg_catalog.unnest(days_of_week) d where d is null or d not between 1 and 7)) then
    raise exception using errcode = 'INVLD', message = 'Days of the week are 1 (Monday) to 7 (Sunday).';
  end if;
  if price < 0 then
    raise exception using errcode = 'INVLD', message = 'A price cannot be negative.';
  end if;
  if min_stay not between 1 and 365 or max_stay not between 1 and 365 or max_stay < min_stay then
    raise exception using errcode = 'INVLD', message = 'Stay limits are 1 to 365 nights, max stay at least min stay.';
  end if;

  if reset then
    delete from app_public.rate_calendar c
     where c.property_id = v_property_id and c.rate_plan_id = set_rates.rate_plan_id
       and c.date between first_date and last_date
       and (days_of_week is null or extract(isodow from c.date)::integer = any (days_of_week));
  end if;
  insert into app_public.rate_calendar as c (property_id, rate_plan_id, date, price, min_stay, max_stay,
                                             closed_to_arrival, closed_to_departure, stop_sell)
  select v_property_id, set_rates.rate_plan_id, d::date, set_rates.price, set_rates.min_stay, set_rates.max_stay,
         coalesce(set_rates.closed_to_arrival, false), coalesce(set_rates.closed_to_departure, false),
         coalesce(set_rates.stop_sell, false)
    from pg_catalog.generate_series(first_date::timestamp, last_date::timestamp, interval '1 day') d
   where days_of_week is null or extract(isodow from d)::integer = any (days_of_week)
  on conflict (property_id, rate_plan_id, date) do update
     set price = coalesce(set_rates.price, c.price),
         min_stay = coalesce(set_rates.min_stay, c.min_stay),
         max_stay = coalesce(set_rates.max_stay, c.max_stay),
         closed_to_arrival = coalesce(set_rates.closed_to_arrival, c.closed_to_arrival),
         closed_to_departure = coalesce(set_rates.closed_to_departure, c.closed_to_departure),
         stop_sell = coalesce(set_rates.stop_sell, c.stop_sell);
  get diagnostics v_count = row_count;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.jsonb_build_object('dates', v_count));
  return v_count;
end;
$function$;
grant execute on function app_public.set_rates(rate_plan_id uuid, first_date date, last_date date, idempotency_key text, price bigint, min_stay integer, max_stay integer, closed_to_arrival boolean, closed_to_departure boolean, stop_sell boolean, days_of_week integer[], reset boolean) to keepr_staff;
comment on function app_public.set_rates(rate_plan_id uuid, first_date date, last_date date, idempotency_key text, price bigint, min_stay integer, max_stay integer, closed_to_arrival boolean, closed_to_departure boolean, stop_sell boolean, days_of_week integer[], reset boolean) is 'Sets price and restrictions of a rate plan on a range of dates (optionally some weekdays) in one call; null leaves a field unchanged, reset clears overrides first. Returns the number of dates written. Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, DATES, INVLD, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.set_room_guest_name(reservation_id uuid, guest_name text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_room_guest_name(reservation_id uuid, guest_name text)
 RETURNS app_public.reservations
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  v_res := app_private.lock_reservation(set_room_guest_name.reservation_id, app_hidden.staff_group_roles('front_office'), 'rename the guests of rooms', true);
  if v_res.status not in ('held', 'confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a guest name');
  end if;
  if pg_catalog.length(pg_catalog.btrim(guest_name)) > 200 then
    raise exception using errcode = 'INVLD', message = 'A guest''s name has at most 200 characters.';
  end if;
  update app_public.reservations r
     set guest_name = nullif(pg_catalog.btrim(set_room_guest_name.guest_name), '')
   where r.id = v_res.id
  returning * into v_res;
  return v_res;
end;
$function$;
grant execute on function app_public.set_room_guest_name(reservation_id uuid, guest_name text) to keepr_anonymous;
comment on function app_public.set_room_guest_name(reservation_id uuid, guest_name text) is 'Sets who sleeps in a room (the rooming list of a group; any held, confirmed or in-house stay), or clears it with null. Front office, or the guest who booked it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text DEFAULT NULL::text)
 RETURNS app_public.units
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_unit app_public.units;
begin
  select * into v_unit from app_public.units u where u.id = set_unit_status.unit_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, app_hidden.staff_group_roles('housekeeping_ops'), 'change unit status');
  if status is null then
    raise exception using errcode = 'INVLD', message = 'A status is required.';
  end if;
  if status = 'out_of_order' then
    if note is null or pg_catalog.length(pg_catalog.btrim(note)) not between 1 and 500 then
      raise exception using errcode = 'INVLD', message = 'Say why the unit is out of order (1 to 500 characters).';
    end if;
    if exists (select 1 from app_public.reservations r
                where r.property_id = v_unit.property_id and r.unit_id = v_unit.id and r.status = 'checked_in') then
      raise exception using errcode = 'UNAVL', message = 'A guest is in this unit: move them before putting it out of order.';
    end if;
  end if;
  update app_public.units u set housekeeping_status = set_unit_status.status where u.id = v_unit.id returning * into v_unit;
  if status in ('clean', 'inspected') then
    update app_public.housekeeping_tasks t
       set status = 'done', completed_at = pg_catalog.now(), completed_by = app_hidden.current_user_id()
     where t.property_id = v_unit.property_id and t.unit_id = v_unit.id and t.status in ('open', 'in_progress')
       and (t.kind in ('checkout_clean', 'stayover_clean') or (t.kind = 'inspection' and set_unit_status.status = 'inspected'));
  end if;
  if status = 'out_of_order' then
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, notes, created_by)
    values (v_unit.property_id, v_unit.id, 'maintenance', app_private.local_today(v_unit.property_id), pg_catalog.btrim(note), app_hidden.current_user_id())
    on conflict do nothing;
  end if;
  return v_unit;
end;
$function$;
grant execute on function app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text) to keepr_staff;
comment on function app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text) is 'Sets a unit''s housekeeping status (out of order needs a note and an empty unit); marking it clean completes its cleaning tasks. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, UNIT_UNAVAILABLE.';

-- ----------------------------------------------------------------------------
-- function app_public.sync_channel_feed_now(feed_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.sync_channel_feed_now(feed_id uuid)
 RETURNS app_public.channel_feeds
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed_now.feed_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_feed.property_id, app_hidden.staff_group_roles('front_office'), 'sync channels');
  perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                  job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
  return v_feed;
end;
$function$;
grant execute on function app_public.sync_channel_feed_now(feed_id uuid) to keepr_staff;
comment on function app_public.sync_channel_feed_now(feed_id uuid) is 'Queues a sync of the feed now. Errors: NOT_FOUND, ACCESS_DENIED.';

-- ----------------------------------------------------------------------------
-- function app_public.take_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reference text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.take_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reference text, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reference text;
  v_balance bigint;
  v_shift app_public.cash_shifts;
  v_entry_id uuid;
begin
  v_replay := app_private.idempotency_begin('take_folio_payment', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'method', method, 'amount', amount, 'reference', reference));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(take_folio_payment.folio_id, app_hidden.staff_group_roles('cashiers'), 'take payments');
  if method is null then
    raise exception using errcode = 'INVLD', message = 'Say how the guest pays: cash or bank transfer.';
  end if;
  v_reference := app_private.check_desk_text(reference, false, 100, 'A reference');
  v_balance := app_public.folios_due_at_check_out(v_folio);
  if v_balance <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NOTHING_OWED', message = 'Nothing is owed on this folio.';
  end if;
  perform app_private.check_desk_amount(amount, v_balance, v_folio.currency, 'A payment');
  if method = 'cash' then
    v_shift := app_private.caller_cash_shift(v_folio.property_id);
    if v_shift.currency <> v_folio.currency then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Your cash drawer is in %s; this folio is in %s.', v_shift.currency, v_folio.currency);
    end if;
  end if;
  v_entry_id := app_private.post_entry(v_folio.property_id, 'folio_payment', v_folio.id, app_private.desk_key('payment', idempotency_key),
    pg_catalog.left(case when method = 'cash' then 'Cash payment, ' || app_private.shift_label(v_shift)
                         else 'Bank transfer' || coalesce(' ' || v_reference, '') end
                    || ' — ' || app_private.folio_place(v_folio)
                    || case when method = 'cash' then coalesce(' (' || v_reference || ')', '') else '' end, 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', case when method = 'cash' then 'cash_drawer' else 'bank' end, 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency)));
  if method = 'cash' then
    insert into app_public.cash_movements (property_id, shift_id, entry_id, folio_id, kind, amount, currency, created_by)
    values (v_folio.property_id, v_shift.id, v_entry_id, v_folio.id, 'payment', amount, v_folio.currency, app_hidden.current_user_id());
  end if;
  perform app_private.cap_open_intents(r) from app_public.reservations r
   where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.take_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reference text, idempotency_key text) to keepr_staff;
comment on function app_public.take_folio_payment(folio_id uuid, method app_public.desk_payment_method, amount bigint, reference text, idempotency_key text) is 'Takes a cash or bank-transfer payment of at most what the folio owes (dueAtCheckOut) (cash: into the caller''s open cash shift). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.tape_chart_claims(property_id uuid, first_date date, end_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.tape_chart_claims(property_id uuid, first_date date, end_date date)
 RETURNS SETOF app_public.inventory_claims
 LANGUAGE plpgsql
 STABLE ROWS 200
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if first_date is null or end_date is null or end_date <= first_date or end_date - first_date > 400 then
    raise exception using errcode = 'DATES', message = 'The window must end after it starts and span at most 400 nights.';
  end if;
  return query
    select c.*
      from app_public.inventory_claims c
     where c.property_id = tape_chart_claims.property_id
       and c.released_at is null
       and c.stay && pg_catalog.daterange(tape_chart_claims.first_date, tape_chart_claims.end_date)
       and (c.kind <> 'hold' or c.expires_at > pg_catalog.now())
     order by c.unit_id, pg_catalog.lower(c.stay);
end;
$function$;
grant execute on function app_public.tape_chart_claims(property_id uuid, first_date date, end_date date) to keepr_staff;
comment on function app_public.tape_chart_claims(property_id uuid, first_date date, end_date date) is 'The live claims of a property (reservations, unexpired holds, owner, maintenance and OTA blocks) that take a night in [firstDate, endDate): what the tape chart draws. At most 400 nights. Staff see their properties only. Errors: DATES.';

-- ----------------------------------------------------------------------------
-- function app_public.transfer_folio_to_city_ledger(folio_id uuid, company_id uuid, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.transfer_folio_to_city_ledger(folio_id uuid, company_id uuid, idempotency_key text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_company app_public.companies;
  v_ledger app_public.folios;
  v_balance bigint;
begin
  v_replay := app_private.idempotency_begin('transfer_folio_to_city_ledger', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'company_id', company_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(transfer_folio_to_city_ledger.folio_id, app_hidden.staff_group_roles('cashiers'), 'transfer folios to the city ledger');
  if v_folio.kind <> 'guest' then
    raise exception using errcode = 'INVLD', message = 'Only a guest folio is transferred to a city ledger.';
  end if;
  select * into v_company from app_public.companies c where c.property_id = v_folio.property_id and c.id = transfer_folio_to_city_ledger.company_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such company, or you cannot see it.';
  end if;
  if not v_company.is_active then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is inactive: it takes no new transfers.', v_company.name);
  end if;
  select * into v_ledger from app_public.folios f
   where f.property_id = v_company.property_id and f.company_id = v_company.id and f.kind = 'company'
     for update;
  if v_ledger.currency <> v_folio.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s''s city ledger is in %s; this folio is in %s.', v_company.name, v_ledger.currency, v_folio.currency);
  end if;
  v_balance := app_public.folios_due_at_check_out(v_folio);
  if v_balance <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NOTHING_OWED', message = 'Nothing is owed on this folio: there is nothing to transfer.';
  end if;
  perform app_private.post_entry(v_folio.property_id, 'city_ledger_transfer', v_folio.id, app_private.desk_key('city_ledger', idempotency_key),
    pg_catalog.left('To the city ledger of ' || v_company.name || ' — ' || app_private.folio_place(v_folio)
                    || coalesce((select ', booking ' || r.confirmation_code from app_public.reservations r
                                  where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id
                                    and app_private.folio_place(v_folio) not like 'booking %'), ''), 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id, 'amount', -v_balance, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'city_ledger', 'folio_id', v_ledger.id, 'amount', v_balance, 'currency', v_folio.currency)));
  perform app_private.cap_open_intents(r) from app_public.reservations r
   where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$function$;
grant execute on function app_public.transfer_folio_to_city_ledger(folio_id uuid, company_id uuid, idempotency_key text) to keepr_staff;
comment on function app_public.transfer_folio_to_city_ledger(folio_id uuid, company_id uuid, idempotency_key text) is 'Moves a guest folio''s open balance to a company''s city-ledger folio (accounts receivable), settling the guest folio. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ----------------------------------------------------------------------------
-- function app_public.undo_guest_merge(merge_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.undo_guest_merge(merge_id uuid)
 RETURNS app_public.guests
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_merge app_public.guest_merges;
  v_kept app_public.guests;
  v_restored app_public.guests;
  v_before app_public.guests;
  v_made app_public.guests;
  v_back uuid[];
begin
  select * into v_merge from app_public.guest_merges m where m.id = undo_guest_merge.merge_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such merge, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_merge.property_id, app_hidden.staff_group_roles('front_office'), 'undo guest merges');
  -- The kept profile's lock serialises this with merges into or of it.
  select * into v_kept from app_public.guests g
   where g.property_id = v_merge.property_id and g.id = v_merge.kept_guest_id
   for update;
  if exists (select 1 from app_public.guest_unmerges u where u.property_id = v_merge.property_id and u.merge_id = v_merge.id) then
    select * into v_restored from app_public.guests g where g.property_id = v_merge.property_id and g.id = v_merge.merged_guest_id;
    if found then
      return v_restored; -- a retry of an undo that is done
    end if;
    raise exception using errcode = 'TRANS', hint = 'MERGED',
      message = 'This merge was undone, and the profile was merged again since.';
  end if;
  if v_kept.id is null then
    raise exception using errcode = 'TRANS', hint = 'MERGED',
      message = 'The profile this one was merged into was itself merged into another since: undo that merge first.';
  end if;
  v_restored := pg_catalog.jsonb_populate_record(null::app_public.guests, v_merge.merged_guest);
  if v_restored.email is not null and exists (
    select 1 from app_public.guests g where g.property_id = v_merge.property_id and g.email = v_restored.email) then
    raise exception using errcode = 'TRANS', hint = 'EMAIL_TAKEN',
      message = pg_catalog.format('Another profile of the property has the email %s now: merge or change it first, then undo.', v_restored.email);
  end if;
  insert into app_public.guests (id, property_id, email, full_name, phone, user_id, created_at, is_vip, preferences, notes)
  values (v_restored.id, v_merge.property_id, v_restored.email, v_restored.full_name, v_restored.phone, v_restored.user_id,
          v_restored.created_at, v_restored.is_vip, v_restored.preferences, v_restored.notes)
  returning * into v_restored;
  with back as (
    update app_public.reservations r
       set guest_id = v_restored.id
     where r.property_id = v_merge.property_id and r.id = any (v_merge.reservation_ids) and r.guest_id = v_kept.id
    returning r.id
  )
  select coalesce(pg_catalog.array_agg(back.id order by back.id), '{}') into v_back from back;
  -- The kept profile's fields the merge changed and nobody edited since.
  -- (Merges recorded before migration 000071 kept no before state: their
  -- kept profile is left as it is.)
  if v_merge.kept_guest is not null then
    v_before := pg_catalog.jsonb_populate_record(null::app_public.guests, v_merge.kept_guest);
    v_made := pg_catalog.jsonb_populate_record(null::app_public.guests, v_merge.kept_guest_merged);
    update app_public.guests g
       set notes = case when g.notes is not distinct from v_made.notes then v_before.notes else g.notes end,
           preferences = case when g.preferences is not distinct from v_made.preferences then v_before.preferences else g.preferences end,
           is_vip = case when g.is_vip = v_made.is_vip then v_before.is_vip else g.is_vip end,
           phone = case when g.phone is not distinct from v_made.phone then v_before.phone else g.phone end,
           user_id = case when g.user_id is not distinct from v_made.user_id then v_before.user_id else g.user_id end
     where g.property_id = v_merge.property_id and g.id = v_kept.id
       and (g.notes, g.preferences, g.is_vip, g.phone, g.user_id)
           is distinct from (v_before.notes, v_before.preferences, v_before.is_vip, v_before.phone, v_before.user_id);
  end if;
  insert into app_public.guest_unmerges (property_id, merge_id, restored_guest_id, reservation_ids)
  values (v_merge.property_id, v_merge.id, v_restored.id, v_back);
  return v_restored;
end;
$function$;
grant execute on function app_public.undo_guest_merge(merge_id uuid) to keepr_staff;
comment on function app_public.undo_guest_merge(merge_id uuid) is 'Undoes a merge of guest profiles (a guestMerges row): the merged profile comes back as it was, the bookings that moved and are still on the kept profile go back, and the kept profile''s notes, preferences, VIP flag, phone and user return to their values before the merge where nobody edited them since. Recorded in guestUnmerges; returns the restored profile; idempotent on retry. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (reason MERGED: the kept profile was merged into another since; EMAIL_TAKEN: another profile has the email now).';

-- ----------------------------------------------------------------------------
-- function app_public.unit_calendar(token text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.unit_calendar(token text)
 RETURNS TABLE(uid text, start_date date, end_date date, summary text, updated_at timestamp with time zone, unit_name text, property_name text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select c.id::text || '@keepr', pg_catalog.lower(c.stay), pg_catalog.upper(c.stay),
         case c.kind when 'reservation' then 'Reserved' when 'ota_block' then 'Not available (channel)' else 'Not available' end,
         c.updated_at, u.name, p.name
    from app_public.units u
    join app_public.properties p on p.id = u.property_id
    left join app_public.inventory_claims c
      on c.property_id = u.property_id and c.unit_id = u.id and c.released_at is null and c.kind <> 'hold'
         and pg_catalog.upper(c.stay) >= current_date - 1
   where u.ical_token = unit_calendar.token and pg_catalog.length(unit_calendar.token) = 32
   order by pg_catalog.lower(c.stay);
$function$;
grant execute on function app_public.unit_calendar(token text) to keepr_anonymous;
comment on function app_public.unit_calendar(token text) is '@omit
The claims of the unit with this iCal token (served as text/calendar at /ical/<token>.ics).';

-- ----------------------------------------------------------------------------
-- function app_public.update_guest(guest_id uuid, full_name text, email text, phone text, is_vip boolean, preferences text, notes text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.update_guest(guest_id uuid, full_name text, email text, phone text DEFAULT NULL::text, is_vip boolean DEFAULT false, preferences text DEFAULT NULL::text, notes text DEFAULT NULL::text)
 RETURNS app_public.guests
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_guest app_public.guests;
  v_name text := pg_catalog.btrim(full_name);
  v_email text := pg_catalog.lower(pg_catalog.btrim(email));
  v_phone text := nullif(pg_catalog.btrim(phone), '');
  v_vip boolean := coalesce(is_vip, false);
  v_preferences text := nullif(pg_catalog.btrim(preferences), '');
  v_notes text := nullif(pg_catalog.btrim(notes), '');
begin
  select * into v_guest from app_public.guests g where g.id = update_guest.guest_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_guest.property_id, app_hidden.staff_group_roles('front_office'), 'change guest profiles');
  if v_name is null or pg_catalog.length(v_name) < 1 or pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if v_email is null or pg_catalog.length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid: digits, spaces and + ( ) . / - only, 5 to 30 of them.';
  end if;
  if pg_catalog.length(v_preferences) > 1000 then
    raise exception using errcode = 'INVLD', hint = 'PREFERENCES', message = 'Preferences are at most 1000 characters.';
  end if;
  if pg_catalog.length(v_notes) > 4000 then
    raise exception using errcode = 'INVLD', hint = 'NOTES', message = 'Notes are at most 4000 characters.';
  end if;
  if exists (select 1 from app_public.guests g
              where g.property_id = v_guest.property_id and g.email = v_email::citext and g.id <> v_guest.id) then
    raise exception using errcode = 'GSTEM',
      message = 'Another guest profile at this property already has this email. Keep this one''s email, or merge the two profiles.';
  end if;
  update app_public.guests g
     set full_name = v_name, email = v_email, phone = v_phone, is_vip = v_vip, preferences = v_preferences, notes = v_notes
   where g.property_id = v_guest.property_id and g.id = v_guest.id
     and (g.full_name, g.email::text, g.phone, g.is_vip, g.preferences, g.notes)
         is distinct from (v_name, v_email, v_phone, v_vip, v_preferences, v_notes)
  returning * into v_guest;
  if not found then
    select * into v_guest from app_public.guests g where g.property_id = v_guest.property_id and g.id = v_guest.id;
  end if;
  return v_guest;
end;
$function$;
grant execute on function app_public.update_guest(guest_id uuid, full_name text, email text, phone text, is_vip boolean, preferences text, notes text) to keepr_staff;
comment on function app_public.update_guest(guest_id uuid, full_name text, email text, phone text, is_vip boolean, preferences text, notes text) is 'Edits a guest profile: name, email, phone, VIP, preferences (at most 1000 characters) and notes (at most 4000); audited. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, INVALID_INPUT (reason PREFERENCES or NOTES), GUEST_EMAIL_IN_USE.';

-- ----------------------------------------------------------------------------
-- function app_public.update_housekeeping_task(task_id uuid, status app_public.housekeeping_task_status, notes text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.update_housekeeping_task(task_id uuid, status app_public.housekeeping_task_status, notes text DEFAULT NULL::text)
 RETURNS app_public.housekeeping_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  select * into v_task from app_public.housekeeping_tasks t where t.id = update_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id,
    case when status = 'cancelled' then app_hidden.staff_group_roles('managers') else app_hidden.staff_group_roles('housekeeping_ops') end::app_public.staff_role[],
    'update housekeeping tasks');
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  if pg_catalog.length(notes) > 1000 then
    raise exception using errcode = 'INVLD', message = 'Notes can be at most 1000 characters.';
  end if;
  update app_public.housekeeping_tasks t
     set status = update_housekeeping_task.status, notes = coalesce(update_housekeeping_task.notes, t.notes),
         assigned_to = case when update_housekeeping_task.status = 'in_progress' then app_hidden.current_user_id() else t.assigned_to end,
         completed_at = case when update_housekeeping_task.status in ('done', 'cancelled') then pg_catalog.now() end,
         completed_by = case when update_housekeeping_task.status in ('done', 'cancelled') then app_hidden.current_user_id() end
   where t.id = v_task.id
  returning * into v_task;
  if status = 'done' then
    update app_public.units u
       set housekeeping_status = case v_task.kind when 'inspection' then 'inspected' else 'clean' end::app_public.housekeeping_status
     where u.property_id = v_task.property_id and u.id = v_task.unit_id
       and (u.housekeeping_status <> 'out_of_order' or v_task.kind = 'maintenance');
  end if;
  return v_task;
end;
$function$;
grant execute on function app_public.update_housekeeping_task(task_id uuid, status app_public.housekeeping_task_status, notes text) to keepr_staff;
comment on function app_public.update_housekeeping_task(task_id uuid, status app_public.housekeeping_task_status, notes text) is 'Takes (in_progress), finishes (done: the unit becomes clean, or inspected) or cancels (managers) a housekeeping task. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

-- ----------------------------------------------------------------------------
-- function app_public.update_property_content(property_id uuid, expected_updated_at timestamp with time zone, description text, photo_urls text[], amenities text[], check_in_time time without time zone, check_out_time time without time zone, contact_email text, contact_phone text, arrival_instructions text, language text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.update_property_content(property_id uuid, expected_updated_at timestamp with time zone, description text, photo_urls text[], amenities text[], check_in_time time without time zone, check_out_time time without time zone, contact_email text, contact_phone text, arrival_instructions text, language text)
 RETURNS app_public.properties
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_property app_public.properties;
  v_description text := nullif(pg_catalog.btrim(update_property_content.description), '');
  v_instructions text := nullif(pg_catalog.btrim(update_property_content.arrival_instructions), '');
  v_email text := nullif(pg_catalog.btrim(update_property_content.contact_email), '');
  v_phone text := nullif(pg_catalog.btrim(update_property_content.contact_phone), '');
  v_photos text[] := coalesce(update_property_content.photo_urls, '{}');
  v_amenities text[] := coalesce(update_property_content.amenities, '{}');
begin
  perform app_private.require_staff(update_property_content.property_id, app_hidden.staff_group_roles('managers'), 'change the property''s content');
  if pg_catalog.length(v_description) > 5000 then
    raise exception using errcode = 'INVLD', hint = 'DESCRIPTION', message = 'Description: at most 5000 characters.';
  end if;
  if pg_catalog.array_position(v_photos, null) is not null or not app_hidden.valid_photo_urls(v_photos) then
    raise exception using errcode = 'INVLD', hint = 'PHOTO_URLS',
      message = 'Photos: at most 20, each a path on this server (/photos/…) or an https:// address of at most 500 characters, without spaces or quotes.';
  end if;
  if pg_catalog.array_position(v_amenities, null) is not null or not app_hidden.valid_amenities(v_amenities) then
    raise exception using errcode = 'INVLD', hint = 'AMENITIES', message = 'Amenities: only the listed amenities, each once.';
  end if;
  if update_property_content.check_in_time is null then
    raise exception using errcode = 'INVLD', hint = 'CHECK_IN_TIME', message = 'Check-in time: say from when guests may check in.';
  end if;
  if update_property_content.check_out_time is null then
    raise exception using errcode = 'INVLD', hint = 'CHECK_OUT_TIME', message = 'Check-out time: say until when guests may stay.';
  end if;
  if v_email is not null and (pg_catalog.length(v_email) > 254 or v_email !~ '^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$') then
    raise exception using errcode = 'INVLD', hint = 'CONTACT_EMAIL', message = 'Contact email: an address such as desk@example.com.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9][0-9 ()./-]{3,39}$' then
    raise exception using errcode = 'INVLD', hint = 'CONTACT_PHONE',
      message = 'Contact phone: digits, spaces and + ( ) . / -, 4 to 40 characters, such as +351 21 000 0000.';
  end if;
  if pg_catalog.length(v_instructions) > 2000 then
    raise exception using errcode = 'INVLD', hint = 'ARRIVAL_INSTRUCTIONS', message = 'Arrival instructions: at most 2000 characters.';
  end if;
  if update_property_content.language is null or update_property_content.language not in ('en', 'pt', 'de', 'fr', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one of en, pt, de, fr, es.';
  end if;
  select * into v_property from app_public.properties p where p.id = update_property_content.property_id for update;
  if update_property_content.expected_updated_at is not null
     and v_property.updated_at is distinct from update_property_content.expected_updated_at then
    raise exception using errcode = 'TRANS', hint = 'CHANGED',
      message = 'Someone saved this property''s content since you opened it: reload to see their changes, then make yours again.';
  end if;
  update app_public.properties p
     set description = v_description, photo_urls = v_photos, amenities = v_amenities,
         check_in_time = update_property_content.check_in_time, check_out_time = update_property_content.check_out_time,
         contact_email = v_email, contact_phone = v_phone, arrival_instructions = v_instructions,
         language = update_property_content.language
   where p.id = update_property_content.property_id
  returning * into v_property;
  return v_property;
end;
$function$;
grant execute on function app_public.update_property_content(property_id uuid, expected_updated_at timestamp with time zone, description text, photo_urls text[], amenities text[], check_in_time time without time zone, check_out_time time without time zone, contact_email text, contact_phone text, arrival_instructions text, language text) to keepr_staff;
comment on function app_public.update_property_content(property_id uuid, expected_updated_at timestamp with time zone, description text, photo_urls text[], amenities text[], check_in_time time without time zone, check_out_time time without time zone, contact_email text, contact_phone text, arrival_instructions text, language text) is 'Saves the property''s guest-facing content in one step (description, photos, amenities, check-in and check-out times, contact email and phone, arrival instructions, language); blank texts are saved as none. `expectedUpdatedAt`: the property''s updatedAt as the editor read it (null: no check). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason the field: DESCRIPTION, PHOTO_URLS, AMENITIES, CHECK_IN_TIME, CHECK_OUT_TIME, CONTACT_EMAIL, CONTACT_PHONE, ARRIVAL_INSTRUCTIONS, LANGUAGE), INVALID_TRANSITION (reason CHANGED: saved by someone else since it was read).';

-- ----------------------------------------------------------------------------
-- function app_public.update_reservation_guest(reservation_id uuid, full_name text, email text, phone text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.update_reservation_guest(reservation_id uuid, full_name text, email text, phone text DEFAULT NULL::text)
 RETURNS app_public.reservations
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_name text := pg_catalog.btrim(full_name);
  v_email text := pg_catalog.lower(pg_catalog.btrim(email));
  v_phone text := nullif(pg_catalog.btrim(phone), '');
begin
  v_res := app_private.lock_reservation(update_reservation_guest.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'change guests'' details');
  if v_res.guest_id is null then
    perform app_private.invalid_transition(v_res, 'given guest details here (it is a hold: the details come with its confirmation)');
  end if;
  if v_name is null or pg_catalog.length(v_name) < 1 or pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if v_email is null or pg_catalog.length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid: digits, spaces and + ( ) . / - only, 5 to 30 of them.';
  end if;
  if exists (select 1 from app_public.guests g
              where g.property_id = v_res.property_id and g.email = v_email::citext and g.id <> v_res.guest_id) then
    raise exception using errcode = 'GSTEM',
      message = 'Another guest profile at this property already has this email. Keep this one''s email, or merge the two profiles.';
  end if;
  update app_public.guests g
     set full_name = v_name, email = v_email, phone = v_phone
   where g.property_id = v_res.property_id and g.id = v_res.guest_id
     and (g.full_name, g.email::text, g.phone) is distinct from (v_name, v_email, v_phone);
  update app_public.reservations r
     set contact_name = v_name, contact_email = v_email, contact_phone = v_phone
   where r.property_id = v_res.property_id and r.id = v_res.id
     and (r.contact_name, r.contact_email::text, r.contact_phone) is distinct from (v_name, v_email, v_phone);
  return (select r from app_public.reservations r where r.property_id = v_res.property_id and r.id = v_res.id);
end;
$function$;
grant execute on function app_public.update_reservation_guest(reservation_id uuid, full_name text, email text, phone text) to keepr_staff;
comment on function app_public.update_reservation_guest(reservation_id uuid, full_name text, email text, phone text) is 'Corrects the name, email and phone of a booking''s guest (their profile at the property and the booking''s contact); audited. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (a hold), INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, GUEST_EMAIL_IN_USE.';

-- ----------------------------------------------------------------------------
-- function app_public.waive_payment_guarantee(reservation_id uuid, reason text, idempotency_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_public.waive_payment_guarantee(reservation_id uuid, reason text, idempotency_key text)
 RETURNS app_public.booking
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_reason text := pg_catalog.btrim(reason);
begin
  v_replay := app_private.idempotency_begin('waive_payment_guarantee', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(waive_payment_guarantee.reservation_id, app_hidden.staff_group_roles('managers'),
                                        'waive payment guarantees');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a payment waiver');
  end if;
  if v_res.payment_guarantee_waived_at is not null then
    raise exception using errcode = 'TRANS', message = 'The payment guarantee of this booking is waived already.', hint = 'WAIVED';
  end if;
  if v_reason is null or v_reason = '' or pg_catalog.length(v_reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'Give a reason for the waiver (at most 500 characters).';
  end if;
  update app_public.reservations r
     set payment_due_by = null, payment_guarantee_waived_at = pg_catalog.now(), payment_guarantee_note = v_reason
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id);
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$function$;
grant execute on function app_public.waive_payment_guarantee(reservation_id uuid, reason text, idempotency_key text) to keepr_staff;
comment on function app_public.waive_payment_guarantee(reservation_id uuid, reason text, idempotency_key text) is 'Waives a booking''s payment guarantee: its payment deadline ends and no later failed payment sets one; with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

-- ============================================================================
-- schema app_hidden
-- ============================================================================
create schema app_hidden;
grant usage on schema app_hidden to keepr_anonymous;
grant usage on schema app_hidden to keepr_worker;
comment on schema app_hidden is 'Helpers the API roles may call, not exposed as GraphQL.';

-- ----------------------------------------------------------------------------
-- function app_hidden.currency_digits(currency text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.currency_digits(currency text)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case pg_catalog.upper(currency_digits.currency)
    when 'BIF' then 0 when 'CLP' then 0 when 'DJF' then 0 when 'GNF' then 0 when 'ISK' then 0
    when 'JPY' then 0 when 'KMF' then 0 when 'KRW' then 0 when 'PYG' then 0 when 'RWF' then 0
    when 'UGX' then 0 when 'UYI' then 0 when 'VND' then 0 when 'VUV' then 0 when 'XAF' then 0
    when 'XOF' then 0 when 'XPF' then 0
    when 'BHD' then 3 when 'IQD' then 3 when 'JOD' then 3 when 'KWD' then 3 when 'LYD' then 3
    when 'OMR' then 3 when 'TND' then 3
    when 'CLF' then 4 when 'UYW' then 4
    else 2
  end;
$function$;
grant execute on function app_hidden.currency_digits(currency text) to keepr_anonymous;
grant execute on function app_hidden.currency_digits(currency text) to keepr_worker;
comment on function app_hidden.currency_digits(currency text) is 'Minor-unit digits of an ISO 4217 currency (ISO 4217 exponent): JPY 0, EUR 2, BHD 3.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_actor_scope()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_actor_scope()
 RETURNS text
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_id uuid := app_hidden.current_user_id();
begin
  if v_id is not null then
    return 'user:' || v_id;
  end if;
  v_id := app_hidden.current_booking_id();
  if v_id is not null then
    return 'booking:' || v_id;
  end if;
  v_id := app_hidden.current_booking_group_id();
  if v_id is not null then
    return 'group:' || v_id;
  end if;
  return case when pg_catalog.current_setting('role', true) = 'keepr_worker' then 'worker' else 'anonymous' end;
end;
$function$;
grant execute on function app_hidden.current_actor_scope() to keepr_anonymous;
grant execute on function app_hidden.current_actor_scope() to keepr_worker;
comment on function app_hidden.current_actor_scope() is 'The caller as an idempotency scope: user:<id>, booking:<id>, group:<id>, worker or anonymous.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_booking_group_id()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_booking_group_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select nullif(pg_catalog.current_setting('jwt.claims.booking_group_id', true), '')::uuid;
$function$;
grant execute on function app_hidden.current_booking_group_id() to keepr_anonymous;
grant execute on function app_hidden.current_booking_group_id() to keepr_worker;
comment on function app_hidden.current_booking_group_id() is 'The booking group id of the request''s group-scoped token, or null.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_booking_id()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_booking_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select nullif(pg_catalog.current_setting('jwt.claims.reservation_id', true), '')::uuid;
$function$;
grant execute on function app_hidden.current_booking_id() to keepr_anonymous;
grant execute on function app_hidden.current_booking_id() to keepr_worker;
comment on function app_hidden.current_booking_id() is 'The reservation id of the request''s booking-scoped token, or null.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_colleague_ids()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_colleague_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER ROWS 20
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select distinct m.user_id
    from app_public.property_memberships m
   where m.property_id in (select app_hidden.current_property_ids());
$function$;
grant execute on function app_hidden.current_colleague_ids() to keepr_anonymous;
grant execute on function app_hidden.current_colleague_ids() to keepr_worker;
comment on function app_hidden.current_colleague_ids() is 'Ids of users who are staff at any property the current user is staff at.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_organization_ids(roles app_public.staff_role[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_organization_ids(roles app_public.staff_role[])
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER ROWS 5
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select distinct p.organization_id
    from app_public.property_memberships m
    join app_public.properties p on p.id = m.property_id
   where m.user_id = app_hidden.current_user_id()
     and m.role = any (roles);
$function$;
grant execute on function app_hidden.current_organization_ids(roles app_public.staff_role[]) to keepr_anonymous;
grant execute on function app_hidden.current_organization_ids(roles app_public.staff_role[]) to keepr_worker;
comment on function app_hidden.current_organization_ids(roles app_public.staff_role[]) is 'Ids of the organizations where the current user is staff of some property with one of the given roles.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_property_ids(roles app_public.staff_role[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_property_ids(roles app_public.staff_role[] DEFAULT NULL::app_public.staff_role[])
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER ROWS 10
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select m.property_id
    from app_public.property_memberships m
   where m.user_id = app_hidden.current_user_id()
     and (roles is null or m.role = any (roles));
$function$;
grant execute on function app_hidden.current_property_ids(roles app_public.staff_role[]) to keepr_anonymous;
grant execute on function app_hidden.current_property_ids(roles app_public.staff_role[]) to keepr_worker;
comment on function app_hidden.current_property_ids(roles app_public.staff_role[]) is 'Ids of the properties the current user belongs to as staff (optionally only with one of the given roles).';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_property_ids_for(staff_group text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_property_ids_for(staff_group text)
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER ROWS 10
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select m.property_id
    from app_public.property_memberships m
   where m.user_id = app_hidden.current_user_id()
     and m.role = any (app_hidden.staff_group_roles(staff_group));
$function$;
grant execute on function app_hidden.current_property_ids_for(staff_group text) to keepr_anonymous;
grant execute on function app_hidden.current_property_ids_for(staff_group text) to keepr_worker;
comment on function app_hidden.current_property_ids_for(staff_group text) is 'Ids of the properties where the current user is staff with a role of the given staff role group.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_session_id()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_session_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select nullif(pg_catalog.current_setting('jwt.claims.session_id', true), '')::uuid;
$function$;
grant execute on function app_hidden.current_session_id() to keepr_anonymous;
grant execute on function app_hidden.current_session_id() to keepr_worker;
comment on function app_hidden.current_session_id() is 'The session id from the request''s verified JWT claims, or null for anonymous requests.';

-- ----------------------------------------------------------------------------
-- function app_hidden.current_user_id()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.current_user_id()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_session_id uuid := app_hidden.current_session_id();
begin
  if v_session_id is null then
    return null;
  end if;
  return (
    select s.user_id
      from app_private.sessions s
     where s.id = v_session_id
       and s.revoked_at is null
       and s.expires_at > pg_catalog.now()
  );
end;
$function$;
grant execute on function app_hidden.current_user_id() to keepr_anonymous;
grant execute on function app_hidden.current_user_id() to keepr_worker;
comment on function app_hidden.current_user_id() is 'The id of the user whose live session made this request, or null. Policies call it as (select app_hidden.current_user_id()).';

-- ----------------------------------------------------------------------------
-- function app_hidden.format_money(amount bigint, currency text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.format_money(amount bigint, currency text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case when format_money.amount is null then null else
         case when format_money.amount < 0 then '-' else '' end
         || case pg_catalog.upper(format_money.currency)
              when 'EUR' then '€' when 'USD' then '$' when 'GBP' then '£' when 'JPY' then '¥'
              else pg_catalog.upper(format_money.currency) || ' ' end
         || pg_catalog.to_char(app_hidden.major_units(pg_catalog.abs(format_money.amount), format_money.currency),
                               'FM9,999,999,999,999,999,990'
                               || case when app_hidden.currency_digits(format_money.currency) > 0
                                       then '.' || pg_catalog.repeat('0', app_hidden.currency_digits(format_money.currency)) else '' end)
         end;
$function$;
grant execute on function app_hidden.format_money(amount bigint, currency text) to keepr_anonymous;
grant execute on function app_hidden.format_money(amount bigint, currency text) to keepr_worker;
comment on function app_hidden.format_money(amount bigint, currency text) is 'Money for people: minor units in their currency as text (5000 EUR → €50.00, 1200 JPY → ¥1,200, 1250 BHD → BHD 1.250).';

-- ----------------------------------------------------------------------------
-- function app_hidden.guest_search_text(full_name text, email text, phone text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.guest_search_text(full_name text, email text, phone text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.lower(coalesce(full_name, '') || ' ' || coalesce(email, '') || ' '
         || coalesce(pg_catalog.regexp_replace(phone, '[^0-9]', '', 'g'), ''));
$function$;
grant execute on function app_hidden.guest_search_text(full_name text, email text, phone text) to keepr_staff;
comment on function app_hidden.guest_search_text(full_name text, email text, phone text) is 'A guest''s name, email and phone digits as one lower-case string: what a staff search matches (trigram-indexed).';

-- ----------------------------------------------------------------------------
-- function app_hidden.guests_matching(property_id uuid, search text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.guests_matching(property_id uuid, search text)
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  -- Only the property's staff who read its guests and bookings (the
  -- policies' 'cashiers' group) get ids; the caller's query then reads the
  -- rows themselves under its own row-level security.
  if v_pattern is null
     or not exists (select 1 from app_hidden.current_property_ids_for('cashiers') p where p = guests_matching.property_id) then
    return;
  end if;
  return query execute pg_catalog.format($q$
    select s.id
      from app_public.guests s
     where s.property_id = %1$L
       and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone) like %3$L
    union
    select c.guest_id
      from app_public.reservations c
     where c.property_id = %1$L and c.confirmation_code = %2$L and c.guest_id is not null
    union
    select t.guest_id
      from app_public.reservations t
     where t.property_id = %1$L
       and (t.contact_name is not null or t.contact_email is not null or t.contact_phone is not null)
       and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone) like %3$L
       and t.guest_id is not null
    $q$, guests_matching.property_id, pg_catalog.upper(pg_catalog.btrim(search)), v_pattern);
end;
$function$;
grant execute on function app_hidden.guests_matching(property_id uuid, search text) to keepr_staff;
comment on function app_hidden.guests_matching(property_id uuid, search text) is 'Ids of a property''s guest profiles matching a staff search (name, email, phone digits, a booking''s contact details, or the exact code of one of their bookings), planned with the pattern as a literal so the trigram indexes are used. Security definer, so the pattern is an index condition (below row-level security a LIKE, not leakproof, is not); ids only, and only for the property''s cashiers group; the caller reads the rows under its own row-level security. INVALID_INPUT (reason SEARCH) over 200 characters.';

-- ----------------------------------------------------------------------------
-- function app_hidden.is_country_code(code text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.is_country_code(code text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select code = any ('{AD,AE,AF,AG,AI,AL,AM,AO,AQ,AR,AS,AT,AU,AW,AX,AZ,BA,BB,BD,BE,BF,BG,BH,BI,BJ,BL,BM,BN,BO,BQ,BR,BS,BT,BV,BW,BY,BZ,CA,CC,CD,CF,CG,CH,CI,CK,CL,CM,CN,CO,CR,CU,CV,CW,CX,CY,CZ,DE,DJ,DK,DM,DO,DZ,EC,EE,EG,EH,ER,ES,ET,FI,FJ,FK,FM,FO,FR,GA,GB,GD,GE,GF,GG,GH,GI,GL,GM,GN,GP,GQ,GR,GS,GT,GU,GW,GY,HK,HM,HN,HR,HT,HU,ID,IE,IL,IM,IN,IO,IQ,IR,IS,IT,JE,JM,JO,JP,KE,KG,KH,KI,KM,KN,KP,KR,KW,KY,KZ,LA,LB,LC,LI,LK,LR,LS,LT,LU,LV,LY,MA,MC,MD,ME,MF,MG,MH,MK,ML,MM,MN,MO,MP,MQ,MR,MS,MT,MU,MV,MW,MX,MY,MZ,NA,NC,NE,NF,NG,NI,NL,NO,NP,NR,NU,NZ,OM,PA,PE,PF,PG,PH,PK,PL,PM,PN,PR,PS,PT,PW,PY,QA,RE,RO,RS,RU,RW,SA,SB,SC,SD,SE,SG,SH,SI,SJ,SK,SL,SM,SN,SO,SR,SS,ST,SV,SX,SY,SZ,TC,TD,TF,TG,TH,TJ,TK,TL,TM,TN,TO,TR,TT,TV,TW,TZ,UA,UG,UM,US,UY,UZ,VA,VC,VE,VG,VI,VN,VU,WF,WS,XK,YE,YT,ZA,ZM,ZW}'::text[]);
$function$;
comment on function app_hidden.is_country_code(code text) is 'Whether the text is an ISO 3166-1 alpha-2 country code (or XK, Kosovo).';

-- ----------------------------------------------------------------------------
-- function app_hidden.major_units(amount bigint, currency text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.major_units(amount bigint, currency text)
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.round(major_units.amount::numeric / (10::numeric ^ app_hidden.currency_digits(major_units.currency)),
                          app_hidden.currency_digits(major_units.currency));
$function$;
grant execute on function app_hidden.major_units(amount bigint, currency text) to keepr_anonymous;
grant execute on function app_hidden.major_units(amount bigint, currency text) to keepr_worker;
comment on function app_hidden.major_units(amount bigint, currency text) is 'An amount in minor units as an exact decimal in major units with the currency''s digits (14400 EUR → 144.00, 1200 JPY → 1200).';

-- ----------------------------------------------------------------------------
-- function app_hidden.reservations_matching(property_id uuid, search text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.reservations_matching(property_id uuid, search text)
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  -- Only the property's staff who read its guests and bookings (the
  -- policies' 'cashiers' group) get ids; the caller's query then reads the
  -- rows themselves under its own row-level security.
  if v_pattern is null
     or not exists (select 1 from app_hidden.current_property_ids_for('cashiers') p where p = reservations_matching.property_id) then
    return;
  end if;
  return query execute pg_catalog.format($q$
    select c.id
      from app_public.reservations c
     where c.property_id = %1$L and c.confirmation_code = %2$L
    union
    select m.id
      from app_public.booking_groups bg
      join app_public.reservations m on m.property_id = bg.property_id and m.group_id = bg.id
     where bg.property_id = %1$L and bg.group_code = %2$L
    union
    select g.id
      from app_public.guests s
      join app_public.reservations g on g.property_id = s.property_id and g.guest_id = s.id
     where s.property_id = %1$L
       and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone) like %3$L
    union
    select t.id
      from app_public.reservations t
     where t.property_id = %1$L
       and (t.contact_name is not null or t.contact_email is not null or t.contact_phone is not null)
       and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone) like %3$L
    $q$, reservations_matching.property_id, pg_catalog.upper(pg_catalog.btrim(search)), v_pattern);
end;
$function$;
grant execute on function app_hidden.reservations_matching(property_id uuid, search text) to keepr_staff;
comment on function app_hidden.reservations_matching(property_id uuid, search text) is 'Ids of a property''s reservations matching a staff search (guest name, email, phone digits, the exact confirmation code, or the exact group code: the group''s rooms), planned with the pattern as a literal so the trigram indexes are used. Security definer, so the pattern is an index condition (below row-level security a LIKE, not leakproof, is not); ids only, and only for the property''s cashiers group; the caller reads the rows under its own row-level security. INVALID_INPUT (reason SEARCH) over 200 characters.';

-- ----------------------------------------------------------------------------
-- function app_hidden.search_pattern(search text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.search_pattern(search text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_search text := pg_catalog.btrim(search);
  v_digits text;
begin
  if v_search is null or v_search = '' then
    return null;
  end if;
  if pg_catalog.length(v_search) > 200 then
    raise exception using errcode = 'INVLD', hint = 'SEARCH',
      message = 'A search is at most 200 characters: a name, an email, a phone number or a confirmation code.';
  end if;
  v_digits := pg_catalog.regexp_replace(v_search, '[^0-9]', '', 'g');
  if v_search ~ '^\+?[0-9 ()./-]+$' and pg_catalog.length(v_digits) >= 3 then
    return '%' || v_digits || '%';
  end if;
  return '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.lower(v_search), '\', '\\'), '%', '\%'), '_', '\_') || '%';
end;
$function$;
grant execute on function app_hidden.search_pattern(search text) to keepr_staff;
comment on function app_hidden.search_pattern(search text) is 'A staff search as a LIKE pattern over guest_search_text (escaped; phone searches by digits); null when empty; INVALID_INPUT (reason SEARCH) over 200 characters.';

-- ----------------------------------------------------------------------------
-- function app_hidden.staff_group_roles(staff_group text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.staff_group_roles(staff_group text)
 RETURNS app_public.staff_role[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case staff_group
    when 'all_staff' then '{owner,manager,front_desk,housekeeping,accountant}'::app_public.staff_role[]
    when 'owners' then '{owner}'
    when 'managers' then '{owner,manager}'
    when 'front_office' then '{owner,manager,front_desk}'
    when 'cashiers' then '{owner,manager,front_desk,accountant}'
    when 'back_office' then '{owner,manager,accountant}'
    when 'housekeeping_ops' then '{owner,manager,front_desk,housekeeping}'
  end;
$function$;
grant execute on function app_hidden.staff_group_roles(staff_group text) to keepr_anonymous;
grant execute on function app_hidden.staff_group_roles(staff_group text) to keepr_worker;
comment on function app_hidden.staff_group_roles(staff_group text) is 'The staff roles of a staff role group (all_staff, owners, managers, front_office, cashiers, back_office, housekeeping_ops); null for an unknown group, which admits no one.';

-- ----------------------------------------------------------------------------
-- function app_hidden.valid_amenities(codes text[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.valid_amenities(codes text[])
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.cardinality(codes) <= 40
     and coalesce((select pg_catalog.bool_and(c ~ '^[a-z][a-z0-9_]{1,39}$') and pg_catalog.count(distinct c) = pg_catalog.count(*)
                     from pg_catalog.unnest(codes) c), true);
$function$;
grant execute on function app_hidden.valid_amenities(codes text[]) to keepr_anonymous;
grant execute on function app_hidden.valid_amenities(codes text[]) to keepr_worker;
comment on function app_hidden.valid_amenities(codes text[]) is 'True when there are at most 40 distinct amenity codes, each lower case letters, digits and underscores (2 to 40 characters).';

-- ----------------------------------------------------------------------------
-- function app_hidden.valid_photo_urls(urls text[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_hidden.valid_photo_urls(urls text[])
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.cardinality(urls) <= 20
     and coalesce((select pg_catalog.bool_and(u ~ '^(/[^/\s"''<>\\]|https://)[^\s"''<>\\]+$' and pg_catalog.length(u) <= 500)
                     from pg_catalog.unnest(urls) u), true);
$function$;
grant execute on function app_hidden.valid_photo_urls(urls text[]) to keepr_anonymous;
grant execute on function app_hidden.valid_photo_urls(urls text[]) to keepr_worker;
comment on function app_hidden.valid_photo_urls(urls text[]) is 'True when every URL is a local path (/...) or https, at most 500 characters, without spaces, quotes or angle brackets, and there are at most 20.';

-- ============================================================================
-- schema app_private
-- ============================================================================
create schema app_private;
grant usage on schema app_private to keepr_worker;
comment on schema app_private is 'Secrets and internals. No API role has any grant here.';

-- ----------------------------------------------------------------------------
-- table app_private.cards_on_file
-- ----------------------------------------------------------------------------
create table app_private.cards_on_file (
  reservation_id uuid not null,
  property_id uuid not null,
  payment_token text not null,
  brand text,
  last4 text,
  set_at timestamp with time zone not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint cards_on_file_brand_check CHECK (brand ~ '^[a-z_]{1,20}$'::text),
  constraint cards_on_file_last4_check CHECK (last4 ~ '^[0-9]{4}$'::text),
  constraint cards_on_file_payment_token_check CHECK (payment_token ~ '^tok_[A-Za-z0-9_]{6,100}$'::text),
  constraint cards_on_file_pkey PRIMARY KEY (reservation_id, property_id),
  constraint cards_on_file_property_id_reservation_id_fkey FOREIGN KEY (property_id, reservation_id) REFERENCES app_public.reservations(property_id, id) ON DELETE CASCADE
);
CREATE INDEX cards_on_file_property_idx ON app_private.cards_on_file USING btree (property_id, reservation_id);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_private.cards_on_file FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
comment on table app_private.cards_on_file is 'The card on file of each reservation: the provider token charged for its remaining schedule and at the desk. set_at orders replacements: a capture of an attempt older than the card on file does not take its place.';

-- ----------------------------------------------------------------------------
-- table app_private.channel_feed_pending_changes
-- ----------------------------------------------------------------------------
create table app_private.channel_feed_pending_changes (
  feed_id uuid not null,
  property_id uuid not null,
  events jsonb not null,
  content_hash text,
  fingerprint text not null,
  reason text not null,
  nights_released integer not null,
  nights_blocked integer not null,
  first_seen_at timestamp with time zone default now() not null,
  last_seen_at timestamp with time zone default now() not null,
  confirm_after timestamp with time zone not null,
  constraint channel_feed_pending_changes_check CHECK (nights_blocked >= nights_released),
  constraint channel_feed_pending_changes_nights_released_check CHECK (nights_released > 0),
  constraint channel_feed_pending_changes_pkey PRIMARY KEY (feed_id, property_id),
  constraint channel_feed_pending_changes_property_id_feed_id_fkey FOREIGN KEY (property_id, feed_id) REFERENCES app_public.channel_feeds(property_id, id) ON DELETE CASCADE
);
comment on table app_private.channel_feed_pending_changes is 'A feed''s fetch that would release most of its future blocks at once (an empty calendar, a sudden drop): kept, not applied, until a fetch after confirm_after says the same or staff accept it.';

-- ----------------------------------------------------------------------------
-- table app_private.folio_routes
-- ----------------------------------------------------------------------------
create table app_private.folio_routes (
  property_id uuid not null,
  route_entry_id uuid not null,
  entry_id uuid not null,
  from_folio_id uuid not null,
  to_folio_id uuid not null,
  amount bigint not null,
  constraint folio_routes_amount_check CHECK (amount <> 0),
  constraint folio_routes_pkey PRIMARY KEY (property_id, route_entry_id, entry_id),
  constraint folio_routes_property_id_entry_id_fkey FOREIGN KEY (property_id, entry_id) REFERENCES app_public.journal_entries(property_id, id) ON DELETE RESTRICT,
  constraint folio_routes_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE,
  constraint folio_routes_property_id_from_folio_id_fkey FOREIGN KEY (property_id, from_folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT,
  constraint folio_routes_property_id_route_entry_id_fkey FOREIGN KEY (property_id, route_entry_id) REFERENCES app_public.journal_entries(property_id, id) ON DELETE RESTRICT,
  constraint folio_routes_property_id_to_folio_id_fkey FOREIGN KEY (property_id, to_folio_id) REFERENCES app_public.folios(property_id, id) ON DELETE RESTRICT
);
CREATE INDEX folio_routes_entry_idx ON app_private.folio_routes USING btree (property_id, entry_id);
CREATE INDEX folio_routes_from_idx ON app_private.folio_routes USING btree (property_id, from_folio_id);
CREATE INDEX folio_routes_to_idx ON app_private.folio_routes USING btree (property_id, to_folio_id);
comment on table app_private.folio_routes is 'Each charge (journal entry) a routing entry moved, from which folio to which and how much: where a charge sits now is its postings'' folio plus the routes in, less the routes out.';

-- ----------------------------------------------------------------------------
-- table app_private.idempotency_keys
-- ----------------------------------------------------------------------------
create table app_private.idempotency_keys (
  scope text not null,
  key text not null,
  operation text not null,
  request_hash bytea not null,
  response jsonb,
  created_at timestamp with time zone default now() not null,
  constraint idempotency_keys_pkey PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON app_private.idempotency_keys USING btree (created_at);
comment on table app_private.idempotency_keys is 'One row per (caller, idempotency key): the operation, a hash of its parameters and the first answer. Kept at least 24 hours.';

-- ----------------------------------------------------------------------------
-- table app_private.invoice_counters
-- ----------------------------------------------------------------------------
create table app_private.invoice_counters (
  property_id uuid not null,
  kind app_public.invoice_kind not null,
  last_number integer not null,
  constraint invoice_counters_last_number_check CHECK (last_number > 0),
  constraint invoice_counters_pkey PRIMARY KEY (property_id, kind),
  constraint invoice_counters_property_id_fkey FOREIGN KEY (property_id) REFERENCES app_public.properties(id) ON DELETE CASCADE
);
comment on table app_private.invoice_counters is 'The last number issued per property and document kind; locked by the issuing transaction, so numbers have no gaps.';

-- ----------------------------------------------------------------------------
-- table app_private.job_minutes
-- ----------------------------------------------------------------------------
create table app_private.job_minutes (
  task text not null,
  minute timestamp with time zone not null,
  runs integer default 0 not null,
  failures integer default 0 not null,
  pickup_ms_sum bigint default 0 not null,
  pickup_ms_max integer default 0 not null,
  run_ms_sum bigint default 0 not null,
  constraint job_minutes_pkey PRIMARY KEY (task, minute)
);
comment on table app_private.job_minutes is 'Job outcomes per task and minute, as the worker processes report them (kept 7 days).';

-- ----------------------------------------------------------------------------
-- table app_private.lookup_failures
-- ----------------------------------------------------------------------------
create table app_private.lookup_failures (
  id bigint generated always as identity,
  email citext not null,
  confirmation_code text not null,
  failed_at timestamp with time zone default now() not null,
  constraint lookup_failures_pkey PRIMARY KEY (id)
);
CREATE INDEX lookup_failures_code_idx ON app_private.lookup_failures USING btree (confirmation_code, failed_at);
CREATE INDEX lookup_failures_email_idx ON app_private.lookup_failures USING btree (email, failed_at);
CREATE INDEX lookup_failures_failed_at_idx ON app_private.lookup_failures USING btree (failed_at);
comment on table app_private.lookup_failures is 'Failed booking lookups (code + email), to throttle guessing. Kept a day.';

-- ----------------------------------------------------------------------------
-- table app_private.payment_provider_events
-- ----------------------------------------------------------------------------
create table app_private.payment_provider_events (
  provider text not null,
  event_id text not null,
  type text not null,
  payload jsonb not null,
  received_at timestamp with time zone default now() not null,
  constraint payment_provider_events_event_id_check CHECK (length(event_id) >= 1 AND length(event_id) <= 200),
  constraint payment_provider_events_pkey PRIMARY KEY (provider, event_id)
);
comment on table app_private.payment_provider_events is 'Every provider webhook event received (deduplicated by id).';

-- ----------------------------------------------------------------------------
-- table app_private.rate_limits
-- ----------------------------------------------------------------------------
create table app_private.rate_limits (
  key character varying(255) not null,
  points integer default 0 not null,
  expire bigint,
  constraint rate_limits_pkey PRIMARY KEY (key)
);
comment on table app_private.rate_limits is 'Attempt counters of rate-limiter-flexible (login, booking lookup, register), per account and per client address; expire in ms since the epoch.';

-- ----------------------------------------------------------------------------
-- table app_private.sessions
-- ----------------------------------------------------------------------------
create table app_private.sessions (
  id uuid default gen_random_uuid() not null,
  user_id uuid not null,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone default (now() + '7 days'::interval) not null,
  revoked_at timestamp with time zone,
  constraint sessions_pkey PRIMARY KEY (id),
  constraint sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_id_idx ON app_private.sessions USING btree (user_id);
comment on table app_private.sessions is 'Sign-in sessions; a JWT is valid only while its session is live.';

-- ----------------------------------------------------------------------------
-- table app_private.signing_keys
-- ----------------------------------------------------------------------------
create table app_private.signing_keys (
  name text not null,
  secret bytea default gen_random_bytes(32) not null,
  created_at timestamp with time zone default now() not null,
  constraint signing_keys_pkey PRIMARY KEY (name)
);
comment on table app_private.signing_keys is 'HMAC keys generated in the database (quote tokens).';

-- ----------------------------------------------------------------------------
-- table app_private.user_secrets
-- ----------------------------------------------------------------------------
create table app_private.user_secrets (
  user_id uuid not null,
  password_hash text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint user_secrets_pkey PRIMARY KEY (user_id),
  constraint user_secrets_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE
);
CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_private.user_secrets FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();
comment on table app_private.user_secrets is 'Password hashes (bcrypt through pgcrypto). Never exposed.';

-- ----------------------------------------------------------------------------
-- table app_private.worker_heartbeats
-- ----------------------------------------------------------------------------
create table app_private.worker_heartbeats (
  worker_id text not null,
  seen_at timestamp with time zone not null,
  constraint worker_heartbeats_pkey PRIMARY KEY (worker_id)
);
comment on table app_private.worker_heartbeats is 'graphile-worker worker ids and when their process last said they were alive.';

-- ----------------------------------------------------------------------------
-- function app_private.add_job(identifier text, payload json, queue_name text, run_at timestamp with time zone, max_attempts integer, job_key text, priority integer, flags text[], job_key_mode text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.add_job(identifier text, payload json DEFAULT NULL::json, queue_name text DEFAULT NULL::text, run_at timestamp with time zone DEFAULT NULL::timestamp with time zone, max_attempts integer DEFAULT NULL::integer, job_key text DEFAULT NULL::text, priority integer DEFAULT NULL::integer, flags text[] DEFAULT NULL::text[], job_key_mode text DEFAULT 'replace'::text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
begin
  perform graphile_worker.add_job(
    add_job.identifier,
    case when v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
         then (coalesce(add_job.payload::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json
         else add_job.payload end,
    queue_name => add_job.queue_name,
    run_at => add_job.run_at,
    max_attempts => add_job.max_attempts,
    job_key => add_job.job_key,
    priority => add_job.priority,
    flags => add_job.flags,
    job_key_mode => add_job.job_key_mode
  );
end;
$function$;
comment on function app_private.add_job(identifier text, payload json, queue_name text, run_at timestamp with time zone, max_attempts integer, job_key text, priority integer, flags text[], job_key_mode text) is 'Queues a job as graphile_worker.add_job does, with the transaction''s keepr.traceparent (tracing) in its payload as _trace.';

-- ----------------------------------------------------------------------------
-- function app_private.add_jobs(identifier text, payloads json[], run_at timestamp with time zone, max_attempts integer, run_ats timestamp with time zone[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.add_jobs(identifier text, payloads json[], run_at timestamp with time zone DEFAULT NULL::timestamp with time zone, max_attempts integer DEFAULT NULL::integer, run_ats timestamp with time zone[] DEFAULT NULL::timestamp with time zone[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
  v_traced boolean := v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';
begin
  if pg_catalog.cardinality(payloads) > 0 then
    perform graphile_worker.add_jobs(array(
      select (add_jobs.identifier,
              case when v_traced then (coalesce(p::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json else p end,
              null, coalesce(add_jobs.run_ats[x.n], add_jobs.run_at), add_jobs.max_attempts::smallint, null, null, null)::graphile_worker.job_spec
        from pg_catalog.unnest(payloads) with ordinality x(p, n)
       order by x.n));
  end if;
end;
$function$;
comment on function app_private.add_jobs(identifier text, payloads json[], run_at timestamp with time zone, max_attempts integer, run_ats timestamp with time zone[]) is 'Queues one job of a task per payload in one call (graphile_worker.add_jobs), each at its run_ats entry or run_at, with the transaction''s keepr.traceparent in each payload as _trace.';

-- ----------------------------------------------------------------------------
-- function app_private.apply_channel_feed(feed_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.apply_channel_feed(feed_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_today date;
  v_row record;
  v_retry boolean;
  v_created integer := 0;
  v_moved integer := 0;
  v_released integer := 0;
  v_unchanged integer := 0;
  v_new_conflicts integer := 0;
  v_open integer;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = apply_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_want (uid text, summary text, nights daterange) on commit drop;
  create temporary table if not exists pg_temp.feed_match (claim_id uuid, stay daterange, nights daterange, summary text) on commit drop;

  -- A concurrent booking may take a night between reading and claiming it:
  -- then read again (at most three times; the next sync finishes the rest).
  for attempt in 1..3 loop
    v_retry := false;
    update app_public.inventory_claims c set released_at = pg_catalog.now()
      from app_public.channel_feed_events e
     where e.feed_id = v_feed.id and c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id
       and c.kind = 'hold' and c.released_at is null and c.expires_at <= pg_catalog.now()
       and c.stay && pg_catalog.daterange(e.start_date, e.end_date);

    -- What the feed should hold: each booking's nights less every other
    -- live claim of the unit, stretches that end before today left out.
    truncate pg_temp.feed_want;
    insert into pg_temp.feed_want
    select e.uid, e.summary, w.nights
      from app_public.channel_feed_events e
     cross join lateral pg_catalog.unnest(
             pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date))
             - coalesce((select pg_catalog.range_agg(c.stay) from app_public.inventory_claims c
                          where c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
                            and c.feed_id is distinct from v_feed.id
                            and c.stay && pg_catalog.daterange(e.start_date, e.end_date)), '{}'::datemultirange)) as w(nights)
     where e.feed_id = v_feed.id and pg_catalog.upper(w.nights) > v_today;

    -- Each of the feed's blocks keeps the stretch it overlaps most, if that
    -- stretch overlaps it most of all the feed's blocks too.
    truncate pg_temp.feed_match;
    insert into pg_temp.feed_match
    with pairs as (
      select c.id as claim_id, c.stay, w.nights, w.summary,
             pg_catalog.upper(c.stay * w.nights) - pg_catalog.lower(c.stay * w.nights) as overlap
        from app_public.inventory_claims c
        join pg_temp.feed_want w on w.nights && c.stay
       where c.property_id = v_feed.property_id and c.feed_id = v_feed.id and c.released_at is null
         and pg_catalog.upper(c.stay) > v_today
    ), claim_best as (
      select distinct on (p.claim_id) p.claim_id, p.nights from pairs p order by p.claim_id, p.overlap desc, pg_catalog.lower(p.nights)
    ), want_best as (
      select distinct on (p.nights) p.nights, p.claim_id from pairs p order by p.nights, p.overlap desc, pg_catalog.lower(p.stay)
    )
    select p.claim_id, p.stay, p.nights, p.summary
      from pairs p
      join claim_best cb on cb.claim_id = p.claim_id and cb.nights = p.nights
      join want_best wb on wb.nights = p.nights and wb.claim_id = p.claim_id;

    with gone as (
      update app_public.inventory_claims c set released_at = pg_catalog.now()
       where c.property_id = v_feed.property_id and c.feed_id = v_feed.id and c.released_at is null
         and pg_catalog.upper(c.stay) > v_today
         and not exists (select 1 from pg_temp.feed_match m where m.claim_id = c.id)
      returning 1
    )
    select v_released + count(*) into v_released from gone;

    -- Shrink first, then grow: blocks of one feed never overlap on the way.
    update app_public.inventory_claims c set stay = c.stay * m.nights
      from pg_temp.feed_match m
     where c.id = m.claim_id and c.stay <> m.nights and not (c.stay <@ m.nights);
    for v_row in select m.* from pg_temp.feed_match m loop
      if v_row.stay = v_row.nights then
        if attempt = 1 then v_unchanged := v_unchanged + 1; end if;
        continue;
      end if;
      begin
        update app_public.inventory_claims c
           set stay = v_row.nights, note = pg_catalog.left(v_feed.name || ': ' || coalesce(v_row.summary, ''), 500)
         where c.id = v_row.claim_id;
        v_moved := v_moved + 1;
      exception when exclusion_violation then
        v_retry := true;
      end;
    end loop;

    for v_row in
      select w.* from pg_temp.feed_want w
       where not exists (select 1 from pg_temp.feed_match m where m.nights = w.nights)
       order by pg_catalog.lower(w.nights)
    loop
      begin
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, feed_id, note)
        values (v_feed.property_id, v_feed.unit_id, v_row.nights, 'ota_block', v_feed.id,
                pg_catalog.left(v_feed.name || ': ' || coalesce(v_row.summary, ''), 500));
        v_created := v_created + 1;
      exception when exclusion_violation then
        v_retry := true;
      end;
    end loop;
    exit when not v_retry;
  end loop;

  -- The nights sold twice: each booking against each other live claim.
  create temporary table if not exists pg_temp.feed_overlap
    (uid text, event daterange, summary text, claim_id uuid, reservation_id uuid, nights daterange) on commit drop;
  truncate pg_temp.feed_overlap;
  insert into pg_temp.feed_overlap
  select e.uid, pg_catalog.daterange(e.start_date, e.end_date), e.summary, c.id, c.reservation_id,
         c.stay * pg_catalog.daterange(e.start_date, e.end_date)
    from app_public.channel_feed_events e
    join app_public.inventory_claims c
      on c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
     and c.feed_id is distinct from v_feed.id and c.stay && pg_catalog.daterange(e.start_date, e.end_date)
   where e.feed_id = v_feed.id
     and pg_catalog.upper(c.stay * pg_catalog.daterange(e.start_date, e.end_date)) > v_today;

  -- Conflicts that still stand (open, or closed by staff) follow their
  -- Keepr side (a changed reservation has a new claim) and the booking's dates.
  update app_public.channel_conflicts k
     set conflicting_claim_id = o.claim_id, summary = o.summary,
         event_start_date = pg_catalog.lower(o.event), event_end_date = pg_catalog.upper(o.event)
    from pg_temp.feed_overlap o
   where k.feed_id = v_feed.id and (k.status = 'open' or k.closed_by = 'staff') and k.uid = o.uid
     and k.start_date = pg_catalog.lower(o.nights) and k.end_date = pg_catalog.upper(o.nights)
     and coalesce(k.conflicting_reservation_id, k.conflicting_claim_id) = coalesce(o.reservation_id, o.claim_id)
     and (k.conflicting_claim_id, k.summary, k.event_start_date, k.event_end_date)
         is distinct from (o.claim_id, o.summary, pg_catalog.lower(o.event), pg_catalog.upper(o.event));

  update app_public.channel_conflicts k
     set status = 'resolved', resolved_at = pg_catalog.now(), closed_by = 'sync',
         resolution = case
           when not exists (select 1 from app_public.channel_feed_events e where e.feed_id = k.feed_id and e.uid = k.uid)
             then 'The channel''s booking left its feed; its nights are no longer sold twice.'
           when not exists (select 1 from pg_temp.feed_overlap o where o.uid = k.uid)
             then 'Keepr''s side was moved, shortened or cancelled: the nights are no longer sold twice, and they are blocked for the channel now.'
           else 'The nights sold twice changed; a newer conflict lists them.' end
   where k.feed_id = v_feed.id and k.status = 'open'
     and not exists (
       select 1 from pg_temp.feed_overlap o
        where o.uid = k.uid and pg_catalog.lower(o.nights) = k.start_date and pg_catalog.upper(o.nights) = k.end_date
          and coalesce(o.reservation_id, o.claim_id) = coalesce(k.conflicting_reservation_id, k.conflicting_claim_id));

  with opened as (
    insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, event_start_date, event_end_date,
                                              summary, conflicting_claim_id, conflicting_reservation_id)
    select v_feed.property_id, v_feed.unit_id, v_feed.id, o.uid, pg_catalog.lower(o.nights), pg_catalog.upper(o.nights),
           pg_catalog.lower(o.event), pg_catalog.upper(o.event), o.summary, o.claim_id, o.reservation_id
      from pg_temp.feed_overlap o
     where not exists (
       select 1 from app_public.channel_conflicts k
        where k.feed_id = v_feed.id and k.uid = o.uid
          and k.start_date = pg_catalog.lower(o.nights) and k.end_date = pg_catalog.upper(o.nights)
          and coalesce(k.conflicting_reservation_id, k.conflicting_claim_id) = coalesce(o.reservation_id, o.claim_id)
          and (k.status = 'open' or k.closed_by = 'staff'))
    returning id
  ), told as (
    select app_private.add_job('notify_channel_conflict', pg_catalog.json_build_object('id', opened.id),
                                   job_key := 'channel_conflict:' || opened.id, max_attempts := 10)
      from opened
  )
  select count(*) into v_new_conflicts from told;

  select count(*) into v_open from app_public.channel_conflicts k where k.feed_id = v_feed.id and k.status = 'open';
  return pg_catalog.jsonb_build_object('created', v_created, 'moved', v_moved, 'released', v_released, 'unchanged', v_unchanged,
                                       'conflicts', v_open, 'new_conflicts', v_new_conflicts);
end;
$function$;
comment on function app_private.apply_channel_feed(feed_id uuid) is 'Makes a unit''s blocks and conflicts agree with its feed''s last applied sync: every free night of its bookings blocked, nights sold twice as conflicts. Returns counts.';

-- ----------------------------------------------------------------------------
-- function app_private.apply_payment_event(provider text, event jsonb)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.apply_payment_event(provider text, event jsonb)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_object jsonb := event -> 'data' -> 'object';
  v_reference uuid;
  v_at timestamptz;
begin
  insert into app_private.payment_provider_events (provider, event_id, type, payload)
  values (apply_payment_event.provider, event ->> 'id', event ->> 'type', event)
  on conflict do nothing;
  if not found then
    return 'duplicate';
  end if;
  if coalesce(v_object ->> 'reference', '') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return 'ignored';
  end if;
  v_reference := (v_object ->> 'reference')::uuid;
  -- Provider times are ISO strings or Unix seconds.
  v_at := coalesce(
    case when pg_catalog.jsonb_typeof(v_object -> 'captured_at') = 'number' then pg_catalog.to_timestamp((v_object ->> 'captured_at')::double precision)
         else (v_object ->> 'captured_at')::timestamptz end,
    case when pg_catalog.jsonb_typeof(v_object -> 'created') = 'number' then pg_catalog.to_timestamp((v_object ->> 'created')::double precision)
         else (v_object ->> 'created')::timestamptz end,
    pg_catalog.now());

  case event ->> 'type'
    when 'charge.authorized' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_authorization(v_reference, v_object ->> 'id');
      else return 'ignored'; end if;
    when 'charge.captured' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_capture(v_reference, v_object ->> 'id', v_at,
                                           case when pg_catalog.jsonb_typeof(v_object -> 'payment_method') = 'object' then v_object -> 'payment_method' end);
      else return 'ignored'; end if;
    when 'charge.failed' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_payment_failure(v_reference, coalesce(v_object ->> 'failure_code', 'card_declined'),
                                                   coalesce(v_object ->> 'failure_message', 'The card was declined.'));
      else return 'ignored'; end if;
    when 'refund.succeeded' then
      if exists (select 1 from app_public.refunds f where f.id = v_reference) then
        perform app_private.record_refund(v_reference, v_object ->> 'id', v_at);
      else return 'ignored'; end if;
    when 'refund.failed' then
      if exists (select 1 from app_public.refunds f where f.id = v_reference) then
        perform app_private.record_refund_failure(v_reference, coalesce(v_object ->> 'failure_code', 'refund_failed'),
                                                  coalesce(v_object ->> 'failure_message', 'The refund failed.'));
      else return 'ignored'; end if;
    else
      return 'ignored';
  end case;
  return 'applied';
end;
$function$;
grant execute on function app_private.apply_payment_event(provider text, event jsonb) to keepr_worker;
comment on function app_private.apply_payment_event(provider text, event jsonb) is 'Applies a verified provider webhook event once (deduplicated by event id): applied, duplicate or ignored.';

-- ----------------------------------------------------------------------------
-- function app_private.bill_to_of(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.bill_to_of(folio app_public.folios)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_bill jsonb;
  v_stay jsonb := '{}';
  v_company_id uuid := folio.company_id;
begin
  if folio.reservation_id is not null then
    select pg_catalog.jsonb_build_object('confirmation_code', r.confirmation_code, 'arrival', pg_catalog.lower(r.stay),
                                         'departure', pg_catalog.upper(r.stay), 'guest_name', g.full_name)
      into v_stay
      from app_public.reservations r
      left join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = folio.reservation_id;
  end if;
  select pg_catalog.jsonb_build_object('source', 'folio', 'name', b.name, 'address_line1', b.address_line1,
           'address_line2', b.address_line2, 'postal_code', b.postal_code, 'city', b.city, 'country_code', b.country_code,
           'tax_id', b.tax_id, 'email', b.email)
    into v_bill
    from app_public.folio_bill_to b
   where b.property_id = folio.property_id and b.folio_id = folio.id;
  if v_bill is null and v_company_id is null then
    select cf.company_id into v_company_id
      from app_public.journal_entries e
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.folios cf on cf.property_id = p.property_id and cf.id = p.folio_id and cf.kind = 'company'
     where e.property_id = folio.property_id and e.cause_type = 'city_ledger_transfer' and e.cause_id = folio.id
     order by e.occurred_at desc, p.id desc
     limit 1;
  end if;
  if v_bill is null and v_company_id is not null then
    select pg_catalog.jsonb_build_object('source', 'company', 'name', coalesce(c.legal_name, c.name),
             'address_line1', c.address_line1, 'address_line2', c.address_line2, 'postal_code', c.postal_code, 'city', c.city,
             'country_code', c.country, 'tax_id', c.tax_id, 'email', c.email::text)
      into v_bill
      from app_public.companies c
     where c.property_id = folio.property_id and c.id = v_company_id;
  end if;
  if v_bill is null then
    select pg_catalog.jsonb_build_object('source', 'guest', 'name', g.full_name, 'email', g.email::text)
      into v_bill
      from app_public.reservations r
      join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = folio.reservation_id;
  end if;
  return pg_catalog.jsonb_strip_nulls(coalesce(v_bill, pg_catalog.jsonb_build_object('source', 'none')) || coalesce(v_stay, '{}'));
end;
$function$;
comment on function app_private.bill_to_of(folio app_public.folios) is 'The bill-to of a folio''s next document: saved on the folio, else its company (or the one its balance went to on the city ledger), else the reservation''s guest; with the stay.';

-- ----------------------------------------------------------------------------
-- function app_private.booking_of(r app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.booking_of(r app_public.reservations)
 RETURNS app_public.booking
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (r.id, r.property_id, r.confirmation_code, r.status, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay),
          r.currency, r.total_amount, r.penalty_amount, r.refund_amount, r.payment_due_by)::app_public.booking;
$function$;
comment on function app_private.booking_of(r app_public.reservations) is 'A reservation as a booking result.';

-- ----------------------------------------------------------------------------
-- function app_private.booking_user_id(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.booking_user_id(property_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_user_id uuid := app_hidden.current_user_id();
begin
  -- Anonymous callers (most bookings) belong to no property.
  if v_user_id is null or booking_user_id.property_id in (select app_hidden.current_property_ids()) then
    return null;
  end if;
  return v_user_id;
end;
$function$;
comment on function app_private.booking_user_id(property_id uuid) is 'The signed-in guest a booking at the property belongs to, or null for staff of the property and anonymous callers.';

-- ----------------------------------------------------------------------------
-- function app_private.caller_cash_shift(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.caller_cash_shift(property_id uuid)
 RETURNS app_public.cash_shifts
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_shift app_public.cash_shifts;
begin
  select * into v_shift from app_public.cash_shifts s
   where s.property_id = caller_cash_shift.property_id and s.opened_by = app_hidden.current_user_id() and s.closed_at is null
     for update;
  if not found then
    raise exception using errcode = 'CSHRQ', message = 'Open your cash shift (with its float) before taking or paying out cash.';
  end if;
  return v_shift;
end;
$function$;
comment on function app_private.caller_cash_shift(property_id uuid) is 'Locks the caller''s open cash shift at the property; CSHRQ (CASH_SHIFT_REQUIRED) when there is none.';

-- ----------------------------------------------------------------------------
-- function app_private.cancellation_penalty(reservation app_public.reservations, at timestamp with time zone)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.cancellation_penalty(reservation app_public.reservations, at timestamp with time zone)
 RETURNS bigint
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case
    when reservation.status = 'held' then 0
    when not (reservation.cancellation_policy ->> 'is_refundable')::boolean then app_private.penalty_base(reservation)
    when at < (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 0
    else least((reservation.cancellation_policy ->> 'late_cancellation_penalty')::bigint, app_private.penalty_base(reservation))
  end;
$function$;
comment on function app_private.cancellation_penalty(reservation app_public.reservations, at timestamp with time zone) is 'The cancellation penalty of a reservation at a moment, by its locked cancellation terms, never more than its penalty base (the total less the taxes a penalty does not carry).';

-- ----------------------------------------------------------------------------
-- function app_private.cap_open_intents(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.cap_open_intents(reservation app_public.reservations)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_room bigint;
  v_intent app_public.payment_intents;
begin
  if reservation.status not in ('confirmed', 'checked_in') then
    return;
  end if;
  select coalesce(sum(app_public.folios_due_at_check_out(f)), 0) into v_room
    from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.kind = 'guest'
     and f.currency = reservation.currency;
  v_room := v_room - coalesce((select sum(i.amount) from app_public.payment_intents i
                                where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                                  and i.status in ('processing', 'authorized')), 0);
  -- The deposit keeps its share first; the balance gives way.
  for v_intent in
    select * from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.status in ('requires_payment', 'failed')
       and i.kind in ('deposit', 'balance')
     order by i.kind = 'deposit' desc, i.due_at, i.id
       for update
  loop
    if v_room <= 0 then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_intent.id;
    elsif v_intent.amount > v_room then
      update app_public.payment_intents i set amount = v_room where i.id = v_intent.id;
      v_room := 0;
    else
      v_room := v_room - v_intent.amount;
    end if;
  end loop;
  -- Paid another way (at the desk, or moved to a company): a booking whose
  -- payment was due no longer is once nothing due is unpaid.
  perform app_private.clear_payment_due(reservation);
end;
$function$;
comment on function app_private.cap_open_intents(reservation app_public.reservations) is 'Shrinks or cancels a reservation''s open card intents so that they never ask for more than its folios owe at check-out (less card payments under way).';

-- ----------------------------------------------------------------------------
-- function app_private.card_label(brand text, last4 text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.card_label(brand text, last4 text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case when last4 is null then null
              else case lower(coalesce(brand, ''))
                     when 'visa' then 'Visa'
                     when 'mastercard' then 'Mastercard'
                     when 'amex' then 'American Express'
                     when 'discover' then 'Discover'
                     when 'jcb' then 'JCB'
                     when 'diners' then 'Diners Club'
                     when 'unionpay' then 'UnionPay'
                     else 'Card'
                   end || ' •• ' || last4
         end;
$function$;
comment on function app_private.card_label(brand text, last4 text) is 'A card as people name it: "Visa •• 4242".';

-- ----------------------------------------------------------------------------
-- function app_private.charge_on_folio(property_id uuid, entry_id uuid, folio_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.charge_on_folio(property_id uuid, entry_id uuid, folio_id uuid)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce((select sum(p.amount) from app_public.postings p
                    where p.property_id = charge_on_folio.property_id and p.entry_id = charge_on_folio.entry_id
                      and p.folio_id = charge_on_folio.folio_id), 0)
       + coalesce((select sum(r.amount) from app_private.folio_routes r
                    where r.property_id = charge_on_folio.property_id and r.entry_id = charge_on_folio.entry_id
                      and r.to_folio_id = charge_on_folio.folio_id), 0)
       - coalesce((select sum(r.amount) from app_private.folio_routes r
                    where r.property_id = charge_on_folio.property_id and r.entry_id = charge_on_folio.entry_id
                      and r.from_folio_id = charge_on_folio.folio_id), 0);
$function$;
comment on function app_private.charge_on_folio(property_id uuid, entry_id uuid, folio_id uuid) is 'The amount of an entry''s charge that sits on a folio now (its postings there, plus routes in, less routes out).';

-- ----------------------------------------------------------------------------
-- function app_private.check_desk_amount(amount bigint, at_most bigint, currency text, what text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.check_desk_amount(amount bigint, at_most bigint, currency text, what text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if amount is null or amount <= 0 or amount > at_most then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('%s must be more than 0 and at most %s.', what, app_hidden.format_money(at_most, currency));
  end if;
end;
$function$;
comment on function app_private.check_desk_amount(amount bigint, at_most bigint, currency text, what text) is 'Raises INVLD (reason AMOUNT) unless 0 < amount <= at_most.';

-- ----------------------------------------------------------------------------
-- function app_private.check_desk_override(property_id uuid, quoted_room_amount bigint, room_amount bigint, discount_percent numeric, reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.check_desk_override(property_id uuid, quoted_room_amount bigint, room_amount bigint, discount_percent numeric, reason text)
 RETURNS numeric
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_role app_public.staff_role;
  v_limit numeric;
  v_new bigint;
  v_percent numeric;
begin
  select m.role into v_role from app_public.property_memberships m
   where m.property_id = check_desk_override.property_id and m.user_id = app_hidden.current_user_id();
  if v_role is null or not (v_role = any (app_hidden.staff_group_roles('front_office'))) then
    raise exception using errcode = 'DNIED', message = 'Only the front desk, managers and owners may set a stay''s price.';
  end if;
  if room_amount is not null and discount_percent is not null then
    raise exception using errcode = 'INVLD', message = 'Give either a new room price or a discount, not both.', hint = 'OVERRIDE';
  end if;
  if discount_percent is not null and (discount_percent <= 0 or discount_percent > 100 or pg_catalog.scale(discount_percent) > 2) then
    raise exception using errcode = 'INVLD', message = 'A discount is more than 0 and at most 100 percent, with at most two decimals.', hint = 'OVERRIDE';
  end if;
  if room_amount is not null and (room_amount < 0 or room_amount > 100000000000) then
    raise exception using errcode = 'INVLD', message = 'The room price must be between 0 and 1,000,000,000.00.', hint = 'OVERRIDE';
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) < 3 or pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'OVRSN', message = 'Say why the price is changed (3 to 500 characters): the manager reads it in the history.';
  end if;
  v_new := coalesce(room_amount, quoted_room_amount - round(quoted_room_amount * discount_percent / 100)::bigint);
  v_percent := case when quoted_room_amount > 0 then round((quoted_room_amount - v_new) * 100.0 / quoted_room_amount, 2)
                    when v_new > 0 then -100 else 0 end;
  if v_role = 'front_desk' then
    select p.desk_max_discount_percent into v_limit from app_public.properties p where p.id = check_desk_override.property_id;
    if v_percent > v_limit then
      raise exception using errcode = 'OVLIM',
        message = pg_catalog.format('The front desk may give at most %s%% off the room price here (this is %s%%); ask a manager.',
                                    pg_catalog.trim_scale(v_limit), pg_catalog.trim_scale(v_percent)),
        hint = pg_catalog.trim_scale(v_limit)::text;
    end if;
  end if;
  return v_percent;
end;
$function$;
comment on function app_private.check_desk_override(property_id uuid, quoted_room_amount bigint, room_amount bigint, discount_percent numeric, reason text) is 'Checks the caller may override a stay''s room price by this much (front office; the front desk within the property''s limit) and that a reason is given; returns the effective percent off.';

-- ----------------------------------------------------------------------------
-- function app_private.check_desk_text(value text, required boolean, max_length integer, what text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.check_desk_text(value text, required boolean, max_length integer, what text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v text := pg_catalog.btrim(value);
begin
  if v = '' then
    v := null;
  end if;
  if v is null and required then
    raise exception using errcode = 'INVLD', hint = 'REASON', message = pg_catalog.format('%s is required.', what);
  end if;
  if pg_catalog.length(v) > max_length then
    raise exception using errcode = 'INVLD', hint = 'REASON', message = pg_catalog.format('%s can be at most %s characters.', what, max_length);
  end if;
  return v;
end;
$function$;
comment on function app_private.check_desk_text(value text, required boolean, max_length integer, what text) is 'Trims a reason or note; INVLD (reason REASON) when required and blank, or too long.';

-- ----------------------------------------------------------------------------
-- function app_private.check_promo_code(property_id uuid, rate_plan_id uuid, arrival date, departure date, code text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.check_promo_code(property_id uuid, rate_plan_id uuid, arrival date, departure date, code text)
 RETURNS app_public.promo_codes
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_promo app_public.promo_codes;
  v_today date;
begin
  select * into v_promo from app_public.promo_codes pc
   where pc.property_id = check_promo_code.property_id
     and pc.code = pg_catalog.upper(pg_catalog.btrim(check_promo_code.code));
  if not found then
    raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
  end if;
  if not v_promo.is_active then
    raise exception using errcode = 'PROMO', hint = 'INACTIVE', message = 'This promo code is no longer valid.';
  end if;
  select (pg_catalog.now() at time zone p.time_zone)::date into v_today
    from app_public.properties p where p.id = check_promo_code.property_id;
  if v_today < v_promo.bookable_from then
    raise exception using errcode = 'PROMO', hint = 'NOT_YET',
      message = pg_catalog.format('This promo code can be used from %s.', v_promo.bookable_from);
  end if;
  if v_today > v_promo.bookable_until then
    raise exception using errcode = 'PROMO', hint = 'EXPIRED',
      message = pg_catalog.format('This promo code expired on %s.', v_promo.bookable_until);
  end if;
  if arrival < v_promo.stays_from or departure - 1 > v_promo.stays_until then
    raise exception using errcode = 'PROMO', hint = 'STAY_DATES',
      message = pg_catalog.format('This promo code is for stays with every night from %s to %s.',
                                  coalesce(v_promo.stays_from::text, 'now'), coalesce(v_promo.stays_until::text, 'any date'));
  end if;
  if v_promo.rate_plan_ids is not null and not (check_promo_code.rate_plan_id = any (v_promo.rate_plan_ids)) then
    raise exception using errcode = 'PROMO', hint = 'RATE_PLAN', message = 'This promo code is not for this rate.';
  end if;
  if v_promo.uses >= v_promo.max_uses then
    raise exception using errcode = 'PROMO', hint = 'USED_UP', message = 'This promo code has been used up.';
  end if;
  return v_promo;
end;
$function$;
comment on function app_private.check_promo_code(property_id uuid, rate_plan_id uuid, arrival date, departure date, code text) is 'The promo code typed for a stay on a rate plan, when it applies today; PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP) when not.';

-- ----------------------------------------------------------------------------
-- function app_private.check_report(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.check_report(property_id uuid, from_date date, to_date date)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform app_private.require_staff(check_report.property_id, app_hidden.staff_group_roles('back_office'), 'read reports');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 400 then
    raise exception using errcode = 'DATES', message = 'A report covers 1 to 400 days (from_date to to_date, inclusive).';
  end if;
end;
$function$;
comment on function app_private.check_report(property_id uuid, from_date date, to_date date) is 'Raises NOT_FOUND or ACCESS_DENIED unless the caller may read the property''s reports, DATES unless the range is 1 to 400 days.';

-- ----------------------------------------------------------------------------
-- function app_private.check_stay(property_id uuid, arrival date, departure date, adults integer, children integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.check_stay(property_id uuid, arrival date, departure date, adults integer, children integer)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_today date := coalesce(app_private.local_today(check_stay.property_id), (pg_catalog.now() at time zone 'UTC')::date);
begin
  if arrival is null or departure is null or arrival >= departure then
    raise exception using errcode = 'DATES', message = 'The departure date must be after the arrival date.';
  end if;
  if departure - arrival > 365 then
    raise exception using errcode = 'DATES', message = 'A stay can be at most 365 nights.';
  end if;
  if check_stay.property_id is not null and arrival < v_today then
    raise exception using errcode = 'DATES',
      message = pg_catalog.format('Arrival on %s is in the past at this property (it is %s there).', arrival, v_today);
  end if;
  if arrival > v_today + 730 then
    raise exception using errcode = 'DATES', message = 'Arrival can be at most two years ahead.';
  end if;
  if adults is null or adults not between 1 and 50 or children is null or children not between 0 and 50 then
    raise exception using errcode = 'GUEST', message = 'A stay needs 1 to 50 adults and 0 to 50 children.';
  end if;
end;
$function$;
comment on function app_private.check_stay(property_id uuid, arrival date, departure date, adults integer, children integer) is 'Raises DATES or GUEST when a requested stay is impossible.';

-- ----------------------------------------------------------------------------
-- function app_private.city_tax_figures(property_id uuid, from_date date, to_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.city_tax_figures(property_id uuid, from_date date, to_date date)
 RETURNS TABLE(month date, tax_id uuid, tax_name text, basis app_public.tax_basis, currency character, stays integer, nights integer, person_nights integer, tax_charged bigint, cancelled_stays integer, tax_on_cancelled bigint)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with taxes as (
    select t.id, t.name, t.basis, t.currency, t.created_at
      from app_public.taxes t
     where t.property_id = city_tax_figures.property_id and t.basis in ('per_night', 'per_person_night')
  ),
  stays as (
    select r.id, r.status, r.stay, r.adults + r.children as guests, pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay) as stay_nights,
           l.tax_id, sum(l.amount) as amount
      from app_public.reservations r
      cross join lateral pg_catalog.jsonb_to_recordset(r.price_lines) as l(kind text, amount bigint, tax_id uuid)
     where r.property_id = city_tax_figures.property_id and r.confirmed_at is not null
       and r.stay && pg_catalog.daterange(city_tax_figures.from_date, city_tax_figures.to_date, '[]')
       and l.kind = 'tax' and l.tax_id in (select x.id from taxes x)
     group by r.id, r.status, r.stay, r.adults, r.children, l.tax_id
  ),
  months as (
    select s.id, s.tax_id, s.status in ('cancelled', 'no_show') as cancelled, s.guests, s.stay_nights,
           s.amount, coalesce(h.amount, 0) as held,
           pg_catalog.date_trunc('month', n.night)::date as month, count(*)::integer as month_nights
      from stays s
      -- What the ledger holds on the tax's account for a cancelled or
      -- no-show stay (a credit, as a positive amount), looked up per stay:
      -- as a CTE joined back, a generic plan recomputed it for every stay
      -- (over 25 s on a property of 20,000 bookings; 0.4 s this way).
      left join lateral (
        select -coalesce(sum(po.amount), 0) as amount
          from app_public.journal_entries e
          join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
          join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
         where s.status in ('cancelled', 'no_show')
           and e.property_id = city_tax_figures.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
           and a.purpose = 'tax_payable' and a.tax_id = s.tax_id
      ) h on true
      cross join lateral pg_catalog.generate_series(greatest(pg_catalog.lower(s.stay), city_tax_figures.from_date)::timestamp,
                                                     least(pg_catalog.upper(s.stay) - 1, city_tax_figures.to_date)::timestamp,
                                                     interval '1 day') as n(night)
     group by s.id, s.tax_id, s.status, s.guests, s.stay_nights, s.amount, h.amount, pg_catalog.date_trunc('month', n.night)
  )
  select m.month::date, t.id, t.name, t.basis, t.currency,
         (count(x.id) filter (where not x.cancelled))::integer,
         coalesce(sum(x.month_nights) filter (where not x.cancelled), 0)::integer,
         coalesce(sum(x.month_nights * x.guests) filter (where not x.cancelled), 0)::integer,
         coalesce(sum(pg_catalog.round(x.amount::numeric * x.month_nights / x.stay_nights)) filter (where not x.cancelled), 0)::bigint,
         (count(x.id) filter (where x.cancelled))::integer,
         coalesce(sum(pg_catalog.round(x.held::numeric * x.month_nights / x.stay_nights)) filter (where x.cancelled), 0)::bigint
    from pg_catalog.generate_series(pg_catalog.date_trunc('month', city_tax_figures.from_date::timestamp),
                                    city_tax_figures.to_date::timestamp, interval '1 month') as m(month)
    cross join taxes t
    left join months x on x.month = m.month::date and x.tax_id = t.id
   group by m.month, t.id, t.name, t.basis, t.currency, t.created_at
   order by m.month, t.created_at, t.name;
$function$;
grant execute on function app_private.city_tax_figures(property_id uuid, from_date date, to_date date) to keepr_worker;
comment on function app_private.city_tax_figures(property_id uuid, from_date date, to_date date) is 'City-tax figures per month and per-night / per-person-night tax of a property over a range of nights (no access check: its callers check).';

-- ----------------------------------------------------------------------------
-- function app_private.claim_unit(property_id uuid, room_type_id uuid, stay daterange, kind app_public.claim_kind, reservation_id uuid, expires_at timestamp with time zone, preferred_unit_id uuid, exact_unit boolean, note text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.claim_unit(property_id uuid, room_type_id uuid, stay daterange, kind app_public.claim_kind, reservation_id uuid DEFAULT NULL::uuid, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, preferred_unit_id uuid DEFAULT NULL::uuid, exact_unit boolean DEFAULT false, note text DEFAULT NULL::text)
 RETURNS app_public.inventory_claims
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_candidates uuid[];
  v_unit uuid;
  v_claim app_public.inventory_claims;
begin
  if exact_unit then
    v_candidates := array[preferred_unit_id];
  else
    v_candidates := array(
      select f.unit_id from app_private.free_units(array[claim_unit.property_id], claim_unit.stay, claim_unit.room_type_id) f
       order by f.unit_id is distinct from claim_unit.preferred_unit_id,
                -- the gap this stay would leave before and after it on the unit
                (pg_catalog.lower(claim_unit.stay) - coalesce(
                   (select max(pg_catalog.upper(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.lower(claim_unit.stay) - 60, pg_catalog.lower(claim_unit.stay))
                       and pg_catalog.upper(c.stay) <= pg_catalog.lower(claim_unit.stay)
                       and pg_catalog.upper(c.stay) > pg_catalog.lower(claim_unit.stay) - 60), pg_catalog.lower(claim_unit.stay) - 60))
                + (coalesce(
                   (select min(pg_catalog.lower(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.upper(claim_unit.stay), pg_catalog.upper(claim_unit.stay) + 60)
                       and pg_catalog.lower(c.stay) >= pg_catalog.upper(claim_unit.stay)
                       and pg_catalog.lower(c.stay) < pg_catalog.upper(claim_unit.stay) + 60), pg_catalog.upper(claim_unit.stay) + 60)
                   - pg_catalog.upper(claim_unit.stay)),
                pg_catalog.random()
    );
    if preferred_unit_id is not null and not (preferred_unit_id = any (v_candidates)) then
      v_candidates := preferred_unit_id || v_candidates;
    end if;
  end if;

  foreach v_unit in array v_candidates loop
    perform app_private.release_expired_holds(claim_unit.property_id, v_unit, claim_unit.stay);
    begin
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (claim_unit.property_id, v_unit, claim_unit.stay, claim_unit.kind, claim_unit.reservation_id,
              claim_unit.expires_at, claim_unit.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation or deadlock_detected then
      -- Someone else holds these nights on this unit (or is moving a stay
      -- onto it right now); try the next one.
    end;
  end loop;
  if exact_unit then
    return null;
  end if;
  return app_private.reallocate_for(claim_unit.property_id, claim_unit.room_type_id, claim_unit.stay, claim_unit.kind,
                                    claim_unit.reservation_id, claim_unit.expires_at, claim_unit.note);
end;
$function$;
comment on function app_private.claim_unit(property_id uuid, room_type_id uuid, stay daterange, kind app_public.claim_kind, reservation_id uuid, expires_at timestamp with time zone, preferred_unit_id uuid, exact_unit boolean, note text) is 'Claims a free unit of a room type (or exactly the given unit) for a stay; null when none is free.';

-- ----------------------------------------------------------------------------
-- function app_private.clear_payment_due(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.clear_payment_due(reservation app_public.reservations)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if reservation.payment_due_by is null then
    return false;
  end if;
  if exists (select 1 from app_public.payment_intents i
              where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                and i.status in ('requires_payment', 'failed') and i.kind <> 'incidental' and i.due_at <= pg_catalog.now()) then
    return false;
  end if;
  update app_public.reservations r set payment_due_by = null where r.id = reservation.id;
  perform graphile_worker.remove_job('payment_deadline:' || reservation.id);
  return true;
end;
$function$;
comment on function app_private.clear_payment_due(reservation app_public.reservations) is 'Clears a reservation''s payment deadline (and its cancellation job) when nothing due is unpaid.';

-- ----------------------------------------------------------------------------
-- function app_private.close_business_day(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.close_business_day(property_id uuid)
 RETURNS app_public.night_audits
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_property app_public.properties;
  v_day date;
  v_audit app_public.night_audits;
  v_res app_public.reservations;
  v_no_shows integer := 0;
  v_posted integer := 0;
begin
  select * into v_property from app_public.properties p where p.id = close_business_day.property_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  v_day := v_property.business_date;
  if v_day >= (pg_catalog.now() at time zone v_property.time_zone)::date then
    return null;
  end if;

  insert into app_public.night_audits (property_id, business_date)
  values (v_property.id, v_day)
  on conflict (property_id, business_date) do update set started_at = pg_catalog.clock_timestamp(), error = null
  returning * into v_audit;

  -- Only those whose no-show time has come (properties.no_show_time after
  -- the arrival date): the others are recorded by the record_due_no_shows
  -- cron once it has (app_private.record_due_no_shows, same ledger key).
  for v_res in
    select r.* from app_public.reservations r
     where r.property_id = v_property.id and r.status = 'confirmed' and pg_catalog.lower(r.stay) <= v_day
       and app_private.no_show_from(r) <= pg_catalog.now()
     order by pg_catalog.lower(r.stay), r.id
       for update
  loop
    perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
    v_no_shows := v_no_shows + 1;
  end loop;

  -- The business date moves first: nights before the new date are audited.
  update app_public.properties p set business_date = v_day + 1 where p.id = v_property.id;

  for v_res in
    select r.* from app_public.reservations r
      join app_public.rate_plans rp on rp.property_id = r.property_id and rp.id = r.rate_plan_id
     where r.property_id = v_property.id and r.status = 'checked_in' and rp.charge_posting = 'nightly'
       and pg_catalog.lower(r.stay) <= v_day
     order by r.id
       for update of r
  loop
    if app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':night:' || v_day,
                                            'Booking ' || v_res.confirmation_code || ', night of ' || v_day) is not null then
      v_posted := v_posted + 1;
    end if;
  end loop;

  insert into app_public.night_audit_anomalies (property_id, audit_id, kind, reservation_id, detail)
  select v_property.id, v_audit.id, 'overstay'::app_public.night_audit_anomaly_kind, r.id,
         pg_catalog.format('%s is still checked in; departure was %s.', r.confirmation_code, pg_catalog.upper(r.stay))
    from app_public.reservations r
   where r.property_id = v_property.id and r.status = 'checked_in' and pg_catalog.upper(r.stay) <= v_day
  union all
  select v_property.id, v_audit.id, 'folio_not_settled', r.id,
         pg_catalog.format('%s left on %s with %s %s.', r.confirmation_code, pg_catalog.upper(r.stay),
                           case when b.balance > 0 then 'an unpaid balance of' else 'a credit of' end,
                           app_hidden.format_money(pg_catalog.abs(b.balance), b.currency))
    from app_public.reservations r
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where r.property_id = v_property.id and r.status = 'checked_out' and b.balance <> 0
     and (r.checked_out_at at time zone v_property.time_zone)::date = v_day
  union all
  select v_property.id, v_audit.id, 'payment_stuck', i.reservation_id,
         pg_catalog.format('A payment of %s has been %s since %s.', app_hidden.format_money(a.amount, a.currency), a.status,
                           pg_catalog.to_char(a.created_at at time zone v_property.time_zone, 'YYYY-MM-DD HH24:MI'))
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
   where a.property_id = v_property.id and a.status in ('pending', 'authorized') and a.created_at < pg_catalog.now() - interval '1 hour'
  union all
  select v_property.id, v_audit.id, 'occupied_out_of_order', r.id,
         pg_catalog.format('%s is in house in unit %s, which is out of order.', r.confirmation_code, u.name)
    from app_public.reservations r
    join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
   where r.property_id = v_property.id and r.status = 'checked_in' and u.housekeeping_status = 'out_of_order'
  union all
  select v_property.id, v_audit.id, 'channel_conflict_open', c.conflicting_reservation_id,
         pg_catalog.format('A channel booking (%s to %s) overlaps a stay here and is not resolved.', c.start_date, c.end_date)
    from app_public.channel_conflicts c
   where c.property_id = v_property.id and c.status = 'open';

  update app_public.night_audits a
     set no_shows = v_no_shows,
         nights_posted = v_posted,
         anomaly_count = (select pg_catalog.count(*) from app_public.night_audit_anomalies x where x.audit_id = a.id),
         finished_at = pg_catalog.clock_timestamp()
   where a.id = v_audit.id
  returning * into v_audit;
  return v_audit;
end;
$function$;
comment on function app_private.close_business_day(property_id uuid) is 'Night audit of a property''s business date once it is over locally: no-shows, nightly charges, anomalies; rolls the business date. Null when the day is not over.';

-- ----------------------------------------------------------------------------
-- function app_private.create_ledger_accounts(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.create_ledger_accounts(property_id uuid)
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  insert into app_public.ledger_accounts (property_id, code, name, kind, purpose, provider)
  values
    (create_ledger_accounts.property_id, '1100', 'Guest receivable', 'asset', 'guest_receivable', null),
    (create_ledger_accounts.property_id, '1200', 'Payment clearing (simulated provider)', 'asset', 'payment_clearing', 'simulated'),
    (create_ledger_accounts.property_id, '1300', 'Payouts', 'asset', 'payouts', null),
    (create_ledger_accounts.property_id, '2200', 'Owner payable', 'liability', 'owner_payable', null),
    (create_ledger_accounts.property_id, '2300', 'Refunds due', 'liability', 'refunds', null),
    (create_ledger_accounts.property_id, '4000', 'Room revenue', 'revenue', 'room_revenue', null),
    (create_ledger_accounts.property_id, '4100', 'Fee revenue', 'revenue', 'fee_revenue', null),
    (create_ledger_accounts.property_id, '4200', 'Cancellation revenue', 'revenue', 'cancellation_revenue', null),
    (create_ledger_accounts.property_id, '4300', 'Commission revenue', 'revenue', 'commission_revenue', null),
    (create_ledger_accounts.property_id, '1000', 'Cash', 'asset', 'cash_drawer', null),
    (create_ledger_accounts.property_id, '1010', 'Bank', 'asset', 'bank', null),
    (create_ledger_accounts.property_id, '1150', 'City ledger', 'asset', 'city_ledger', null),
    (create_ledger_accounts.property_id, '4400', 'Extras revenue', 'revenue', 'extras_revenue', null),
    (create_ledger_accounts.property_id, '4900', 'Allowances', 'revenue', 'allowances', null),
    (create_ledger_accounts.property_id, '6900', 'Cash over/short', 'expense', 'cash_over_short', null)
  on conflict (property_id, code) do nothing;
  -- Tax payable: one account per tax, numbered 2101, 2102, … in the order
  -- the taxes were made (the first free codes of 2101–2199; past those,
  -- 2100.<first 8 of the id>), named after the tax. Taken under a lock per property so two
  -- taxes made at once do not pick the same code.
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('ledger_accounts:' || create_ledger_accounts.property_id::text, 0));
  insert into app_public.ledger_accounts (property_id, code, name, kind, purpose, tax_id)
  select m.property_id, coalesce(f.code, '2100.' || pg_catalog.left(m.id::text, 8)), 'Tax payable: ' || m.name, 'liability', 'tax_payable', m.id
    from (select t.property_id, t.id, t.name, pg_catalog.row_number() over (order by t.created_at, t.name, t.id) as n
            from app_public.taxes t
           where t.property_id = create_ledger_accounts.property_id
             and not exists (select 1 from app_public.ledger_accounts a
                              where a.property_id = t.property_id and a.purpose = 'tax_payable' and a.tax_id = t.id)) m
    left join (select c::text as code, pg_catalog.row_number() over (order by c) as n
                 from pg_catalog.generate_series(2101, 2199) c
                where not exists (select 1 from app_public.ledger_accounts a
                                   where a.property_id = create_ledger_accounts.property_id and a.code = c::text)) f on f.n = m.n
  on conflict do nothing;
$function$;
comment on function app_private.create_ledger_accounts(property_id uuid) is 'Creates the missing system accounts of a property (one per purpose, per tax, per provider).';

-- ----------------------------------------------------------------------------
-- function app_private.create_session(user_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.create_session(user_id uuid)
 RETURNS app_public.jwt_token
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_session app_private.sessions;
begin
  insert into app_private.sessions (user_id)
  values (create_session.user_id)
  returning * into v_session;

  return (
    case when exists (select 1 from app_public.property_memberships m where m.user_id = create_session.user_id)
         then 'keepr_staff' else 'keepr_guest' end,
    v_session.id,
    create_session.user_id,
    extract(epoch from v_session.expires_at)::bigint,
    null,
    null
  )::app_public.jwt_token;
end;
$function$;
comment on function app_private.create_session(user_id uuid) is 'Creates a session row for the user and returns the JWT claims (role, session_id, sub, exp) for it.';

-- ----------------------------------------------------------------------------
-- function app_private.derived_price(parent_price bigint, adjustment_percent numeric, adjustment_amount bigint, rounding_step integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.derived_price(parent_price bigint, adjustment_percent numeric, adjustment_amount bigint, rounding_step integer)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case
           when adjustment_percent is null and adjustment_amount is null then parent_price
           else greatest(0, round((parent_price * (100 + coalesce(adjustment_percent, 0)) / 100.0
                                   + coalesce(adjustment_amount, 0)) / coalesce(rounding_step, 1)) * coalesce(rounding_step, 1))::bigint
         end
$function$;
comment on function app_private.derived_price(parent_price bigint, adjustment_percent numeric, adjustment_amount bigint, rounding_step integer) is 'A derived rate plan''s nightly price: the parent''s price adjusted by a percent or an amount, rounded to a multiple of the rounding step (half away from zero), at least 0.';

-- ----------------------------------------------------------------------------
-- function app_private.desk_key(operation text, key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.desk_key(operation text, key text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select 'desk:' || desk_key.operation || ':'
         || pg_catalog.encode(public.digest(app_hidden.current_actor_scope() || ':' || desk_key.key, 'sha256'), 'hex');
$function$;
comment on function app_private.desk_key(operation text, key text) is 'The journal entry key of a desk operation, from the caller''s idempotency scope and key.';

-- ----------------------------------------------------------------------------
-- function app_private.enforce_payment_deadline(reservation_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.enforce_payment_deadline(reservation_id uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint;
  v_due_by timestamptz;
begin
  select * into v_res from app_public.reservations r where r.id = enforce_payment_deadline.reservation_id for update;
  if not found or v_res.status <> 'confirmed' or v_res.payment_due_by is null then
    return 'nothing';
  end if;
  if v_res.payment_due_by > pg_catalog.now() then
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'not_yet';
  end if;
  if exists (select 1 from app_public.payment_attempts a
               join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
              where i.property_id = v_res.property_id and i.reservation_id = v_res.id
                and i.kind <> 'incidental' and a.status in ('pending', 'authorized')) then
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := pg_catalog.now() + interval '10 minutes', max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'waiting';
  end if;
  if app_private.clear_payment_due(v_res) then
    return 'paid';
  end if;

  v_due_by := v_res.payment_due_by;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());
  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = 'Payment not received by the deadline',
         payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:payment_deadline',
                                               'Booking ' || v_res.confirmation_code || ' cancelled: payment not received');
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'Reservation cancelled: payment not received');
  return 'cancelled';
end;
$function$;
grant execute on function app_private.enforce_payment_deadline(reservation_id uuid) to keepr_worker;
comment on function app_private.enforce_payment_deadline(reservation_id uuid) is 'Job: cancels a confirmed booking still unpaid at its payment deadline under its plan''s terms and releases its nights; a payment made meanwhile, an extension or a waiver wins (idempotent).';

-- ----------------------------------------------------------------------------
-- function app_private.finish_export(id uuid, file_key text, row_count bigint, byte_count bigint, error text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.finish_export(id uuid, file_key text, row_count bigint, byte_count bigint, error text)
 RETURNS app_public.exports
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.exports e
     set status = case when finish_export.error is null then 'done' else 'failed' end::app_public.export_status,
         file_key = finish_export.file_key, row_count = finish_export.row_count, byte_count = finish_export.byte_count,
         error = pg_catalog.left(finish_export.error, 1000), finished_at = pg_catalog.now(),
         download_token = case when finish_export.error is null then pg_catalog.encode(public.gen_random_bytes(24), 'hex') end,
         expires_at = case when finish_export.error is null then pg_catalog.now() + interval '24 hours' end
   where e.id = finish_export.id and e.status = 'pending'
  returning e.*;
$function$;
grant execute on function app_private.finish_export(id uuid, file_key text, row_count bigint, byte_count bigint, error text) to keepr_worker;
comment on function app_private.finish_export(id uuid, file_key text, row_count bigint, byte_count bigint, error text) is 'Records an export''s file (and a download link valid 24 hours) or its error.';

-- ----------------------------------------------------------------------------
-- function app_private.folio_charges(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.folio_charges(folio app_public.folios)
 RETURNS TABLE(entry_id uuid, account_id uuid, amount bigint)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with entries as (
    select p.entry_id from app_public.postings p
     where p.property_id = folio.property_id and p.folio_id = folio.id
    union
    select r.entry_id from app_private.folio_routes r
     where r.property_id = folio.property_id and r.to_folio_id = folio.id
  ),
  shares as (
    select x.entry_id,
           case when x.on_folios = 0 then 1::numeric else x.on_folio::numeric / x.on_folios end as share
      from (select en.entry_id,
                   app_private.charge_on_folio(folio.property_id, en.entry_id, folio.id) as on_folio,
                   (select coalesce(sum(p.amount), 0) from app_public.postings p
                     where p.property_id = folio.property_id and p.entry_id = en.entry_id and p.folio_id is not null) as on_folios
              from entries en) x
  )
  select s.entry_id, a.id, round(-sum(po.amount) * s.share)::bigint
    from shares s
    join app_public.journal_entries e on e.property_id = folio.property_id and e.id = s.entry_id
    join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
    join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
   where (a.kind = 'revenue' or a.purpose = 'tax_payable') and s.share <> 0 and e.cause_type <> 'folio_route'
   group by s.entry_id, a.id, s.share
  having round(-sum(po.amount) * s.share) <> 0;
$function$;
comment on function app_private.folio_charges(folio app_public.folios) is 'The revenue and tax a folio was charged, per entry and account, following charges routed between folios.';

-- ----------------------------------------------------------------------------
-- function app_private.folio_place(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.folio_place(folio app_public.folios)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case
    when folio.kind = 'company' then
      coalesce((select c.name from app_public.companies c where c.property_id = folio.property_id and c.id = folio.company_id), folio.label)
    else
      coalesce((select case when u.name ~ '^[0-9]' then 'room ' || u.name else u.name end
                  from app_public.reservations r
                  join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
                 where r.property_id = folio.property_id and r.id = folio.reservation_id),
               (select 'booking ' || r.confirmation_code
                  from app_public.reservations r
                 where r.property_id = folio.property_id and r.id = folio.reservation_id),
               'a booking')
      || case when folio.is_primary then '' else ', ' || folio.label end
  end;
$function$;
comment on function app_private.folio_place(folio app_public.folios) is 'Where a folio is, in ledger descriptions: "room 104", "booking KP-ABC123", "room 104, Extras", or the company''s name.';

-- ----------------------------------------------------------------------------
-- function app_private.folio_receivable(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.folio_receivable(folio app_public.folios)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case when folio.kind = 'company' then 'city_ledger' else 'guest_receivable' end;
$function$;
comment on function app_private.folio_receivable(folio app_public.folios) is 'The purpose of the account a folio posts to: guest_receivable or, for a company folio, city_ledger.';

-- ----------------------------------------------------------------------------
-- function app_private.free_units(property_ids uuid[], stay daterange, only_room_type_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.free_units(property_ids uuid[], stay daterange, only_room_type_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(room_type_id uuid, unit_id uuid)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE ROWS 20
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  return query
    select u.room_type_id, u.id
      from pg_catalog.unnest(free_units.property_ids) p(id)
      join app_public.units u on u.property_id = p.id
     where (free_units.only_room_type_id is null or u.room_type_id = free_units.only_room_type_id)
       and u.is_active
       and u.id not in (
         select c.unit_id
           from pg_catalog.unnest(free_units.property_ids) cp(id)
           join app_public.inventory_claims c on c.property_id = cp.id
          where c.stay && free_units.stay
            and c.released_at is null
            and (c.expires_at is null or c.expires_at > pg_catalog.now())
       );
end;
$function$;
comment on function app_private.free_units(property_ids uuid[], stay daterange, only_room_type_id uuid) is 'The active units (room type, unit) of the given properties, optionally of one room type, with no live claim overlapping the stay.';

-- ----------------------------------------------------------------------------
-- function app_private.guest_change_refusal(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.guest_change_refusal(reservation app_public.reservations)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case
    when reservation.status <> 'confirmed' then 'NOT_CONFIRMED'
    when not coalesce((select rp.guest_changes_allowed from app_public.rate_plans rp
                        where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id), false) then 'RATE_PLAN'
    when not coalesce((reservation.cancellation_policy ->> 'is_refundable')::boolean, false) then 'NOT_REFUNDABLE'
    when pg_catalog.now() >= (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 'PAST_DEADLINE'
  end;
$function$;
comment on function app_private.guest_change_refusal(reservation app_public.reservations) is 'NOT_CONFIRMED, RATE_PLAN, NOT_REFUNDABLE or PAST_DEADLINE when the guest may not change the booking online; null when they may.';

-- ----------------------------------------------------------------------------
-- function app_private.hand_nights_to_channels(property_id uuid, unit_id uuid, nights datemultirange, except_feed_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.hand_nights_to_channels(property_id uuid, unit_id uuid, nights datemultirange, except_feed_id uuid DEFAULT NULL::uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_feed_id uuid;
begin
  for v_feed_id in
    select distinct e.feed_id
      from app_public.channel_feeds f
      join app_public.channel_feed_events e on e.feed_id = f.id
     where f.property_id = hand_nights_to_channels.property_id and f.unit_id = hand_nights_to_channels.unit_id
       and f.id is distinct from hand_nights_to_channels.except_feed_id
       and pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date)) && hand_nights_to_channels.nights
  loop
    perform 1 from app_public.channel_feeds f where f.id = v_feed_id for update skip locked;
    if found then
      perform app_private.apply_channel_feed(v_feed_id);
    else
      perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed_id),
                                      job_key := 'channel_feed:' || v_feed_id, max_attempts := 3);
    end if;
  end loop;
end;
$function$;
comment on function app_private.hand_nights_to_channels(property_id uuid, unit_id uuid, nights datemultirange, except_feed_id uuid) is 'Gives nights a unit gave back to its channel feeds with a booking on them, at once (or queues the sync of a feed being synced).';

-- ----------------------------------------------------------------------------
-- function app_private.history_party_words(adults integer, children integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.history_party_words(adults integer, children integer)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select adults || case when adults = 1 then ' adult' else ' adults' end
         || case when coalesce(children, 0) = 0 then '' when children = 1 then ', 1 child' else ', ' || children || ' children' end;
$function$;
comment on function app_private.history_party_words(adults integer, children integer) is 'A party in words for the history ("2 adults, 1 child").';

-- ----------------------------------------------------------------------------
-- function app_private.history_stay_words(stay text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.history_stay_words(stay text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.to_char(pg_catalog.lower(s), 'FMDD Mon') || '–' || pg_catalog.to_char(pg_catalog.upper(s), 'FMDD Mon YYYY')
         || ' (' || (pg_catalog.upper(s) - pg_catalog.lower(s)) || case when pg_catalog.upper(s) - pg_catalog.lower(s) = 1 then ' night)' else ' nights)' end
    from (select history_stay_words.stay::daterange as s) x;
$function$;
comment on function app_private.history_stay_words(stay text) is 'A stay''s dates in words for the history ("5 Dec–7 Dec 2026 (2 nights)").';

-- ----------------------------------------------------------------------------
-- function app_private.history_unit_name(property_id uuid, unit_id text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.history_unit_name(property_id uuid, unit_id text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce((select u.name from app_public.units u where u.property_id = history_unit_name.property_id and u.id = history_unit_name.unit_id::uuid),
                  'a removed unit');
$function$;
comment on function app_private.history_unit_name(property_id uuid, unit_id text) is 'A unit''s name for the history in words (audit values hold its id).';

-- ----------------------------------------------------------------------------
-- function app_private.idempotency_begin(operation text, key text, request jsonb)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.idempotency_begin(operation text, key text, request jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_scope text := app_hidden.current_actor_scope();
  v_hash bytea := public.digest(request::text, 'sha256');
  v_row app_private.idempotency_keys;
begin
  if key is null or pg_catalog.length(key) not between 16 and 200 or key !~ '^[[:graph:]]+$' then
    raise exception using errcode = 'IDKRQ',
      message = 'An idempotency key of 16 to 200 visible characters is required (a random UUID is a good one).';
  end if;
  insert into app_private.idempotency_keys (scope, key, operation, request_hash)
  values (v_scope, idempotency_begin.key, idempotency_begin.operation, v_hash)
  on conflict (scope, key) do nothing;
  if found then
    return null;
  end if;
  select * into v_row from app_private.idempotency_keys k where k.scope = v_scope and k.key = idempotency_begin.key;
  if v_row.operation <> idempotency_begin.operation or v_row.request_hash <> v_hash or v_row.response is null then
    raise exception using errcode = 'IDKEY',
      message = 'This idempotency key was already used for a different request; use a new key for a new request.';
  end if;
  return v_row.response;
end;
$function$;
comment on function app_private.idempotency_begin(operation text, key text, request jsonb) is 'Claims an idempotency key for the caller: null to go on, the first answer on a replay, IDKEY when the key was used for something else.';

-- ----------------------------------------------------------------------------
-- function app_private.idempotency_finish(key text, response jsonb)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.idempotency_finish(key text, response jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_response jsonb;
begin
  update app_private.idempotency_keys k
     set response = idempotency_finish.response
   where k.scope = app_hidden.current_actor_scope() and k.key = idempotency_finish.key
  returning k.response into v_response;
  return v_response;
end;
$function$;
comment on function app_private.idempotency_finish(key text, response jsonb) is 'Stores the answer of an idempotent mutation under the caller''s key.';

-- ----------------------------------------------------------------------------
-- function app_private.import_settlement(provider text, report_date date, lines jsonb)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.import_settlement(provider text, report_date date, lines jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
grant execute on function app_private.import_settlement(provider text, report_date date, lines jsonb) to keepr_worker;
comment on function app_private.import_settlement(provider text, report_date date, lines jsonb) is 'Imports a provider settlement report of a UTC day and records every difference with the ledger (missing, extra, amount_mismatch; a line of no known payment is marked unmatched); idempotent per day.';

-- ----------------------------------------------------------------------------
-- function app_private.insert_invoice(folio app_public.folios, reservation app_public.reservations, kind app_public.invoice_kind, lines jsonb, credits_invoice_id uuid, reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.insert_invoice(folio app_public.folios, reservation app_public.reservations, kind app_public.invoice_kind, lines jsonb, credits_invoice_id uuid, reason text)
 RETURNS app_public.invoices
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_seller jsonb;
  v_bill_to jsonb;
  v_number integer;
  v_invoice app_public.invoices;
begin
  v_seller := app_private.invoice_seller(folio.property_id);
  if insert_invoice.kind = 'credit_note' then
    select i.bill_to into v_bill_to from app_public.invoices i
     where i.property_id = folio.property_id and i.id = insert_invoice.credits_invoice_id;
  else
    v_bill_to := app_private.bill_to_of(folio);
  end if;

  insert into app_private.invoice_counters as c (property_id, kind, last_number)
  values (folio.property_id, insert_invoice.kind, 1)
  on conflict (property_id, kind) do update set last_number = c.last_number + 1
  returning c.last_number into v_number;

  with l as (
    select coalesce((l ->> 'net')::bigint, case when l ->> 'kind' = 'revenue' then (l ->> 'amount')::bigint else 0 end) as net,
           (l ->> 'amount')::bigint as amount, l ->> 'kind' as kind, (l ->> 'vat_rate')::numeric as vat_rate,
           coalesce((l ->> 'vat')::bigint, 0) as vat
      from pg_catalog.jsonb_array_elements(insert_invoice.lines) l
  )
  insert into app_public.invoices (property_id, folio_id, reservation_id, kind, number, document_number, credits_invoice_id, reason,
                                   currency, lines, net_amount, tax_amount, total_amount, bill_to, issued_by,
                                   seller, vat_summary, payments, amount_due)
  select folio.property_id, folio.id, (reservation).id, insert_invoice.kind, v_number,
         case insert_invoice.kind when 'invoice' then 'INV-' else 'CN-' end || pg_catalog.lpad(v_number::text, 6, '0'),
         insert_invoice.credits_invoice_id, insert_invoice.reason, coalesce((reservation).currency, folio.currency), insert_invoice.lines,
         (select coalesce(sum(l.net), 0) from l),
         (select coalesce(sum(l.amount), 0) - coalesce(sum(l.net), 0) from l),
         (select coalesce(sum(l.amount), 0) from l),
         v_bill_to, app_hidden.current_user_id(),
         v_seller,
         (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('rate', s.rate, 'net', s.net, 'vat', s.vat, 'gross', s.net + s.vat)
                                               order by s.rate desc), '[]')
            from (select coalesce(l.vat_rate, 0) as rate, sum(l.net) as net, sum(l.vat) as vat
                    from l where l.kind = 'revenue' group by 1) s),
         case when insert_invoice.kind = 'invoice' then app_private.invoice_payments(folio) end,
         case when insert_invoice.kind = 'invoice' then
           coalesce((select b.balance from app_public.folio_balances b
                      where b.property_id = folio.property_id and b.folio_id = folio.id
                        and b.currency = coalesce((reservation).currency, folio.currency)), 0) end
  returning * into v_invoice;
  return v_invoice;
end;
$function$;
comment on function app_private.insert_invoice(folio app_public.folios, reservation app_public.reservations, kind app_public.invoice_kind, lines jsonb, credits_invoice_id uuid, reason text) is 'Inserts an invoice or credit note under the next gapless number of its kind at the property, with its seller, bill-to, VAT summary, payments and amount due frozen.';

-- ----------------------------------------------------------------------------
-- function app_private.invalid_transition(r app_public.reservations, what text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.invalid_transition(r app_public.reservations, what text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  raise exception using errcode = 'TRANS',
    message = pg_catalog.format('A reservation that is %s cannot be %s.', pg_catalog.replace(r.status::text, '_', ' '), what),
    hint = r.status::text;
end;
$function$;
comment on function app_private.invalid_transition(r app_public.reservations, what text) is 'Raises TRANS for an operation the reservation''s state does not allow.';

-- ----------------------------------------------------------------------------
-- function app_private.invoice_delivery(id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.invoice_delivery(id uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.jsonb_build_object(
           'id', d.id, 'recipient', d.recipient, 'status', d.status,
           'document', pg_catalog.to_jsonb(i) || pg_catalog.jsonb_build_object(
             'credited_number', c.document_number, 'property_name', p.name, 'property_city', p.city, 'time_zone', p.time_zone,
             'language', coalesce(i.seller ->> 'language', p.language)))
    from app_public.invoice_deliveries d
    join app_public.invoices i on i.property_id = d.property_id and i.id = d.invoice_id
    join app_public.properties p on p.id = i.property_id
    left join app_public.invoices c on c.property_id = i.property_id and c.id = i.credits_invoice_id
   where d.id = invoice_delivery.id;
$function$;
grant execute on function app_private.invoice_delivery(id uuid) to keepr_worker;
comment on function app_private.invoice_delivery(id uuid) is 'The send_invoice job''s input: the delivery and its frozen document; null when it is gone.';

-- ----------------------------------------------------------------------------
-- function app_private.invoice_lines(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.invoice_lines(folio app_public.folios)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_property app_public.properties;
  v_room_type text;
  v_partial boolean := false;
  v_business_date date;
  v_share numeric := 1;
  v_lines jsonb;
begin
  select * into v_property from app_public.properties p where p.id = folio.property_id;
  select * into v_res from app_public.reservations r
   where r.property_id = folio.property_id and r.id = (pg_catalog.to_jsonb(folio) ->> 'reservation_id')::uuid;
  select rt.name into v_room_type from app_public.room_types rt where rt.property_id = v_res.property_id and rt.id = v_res.room_type_id;
  if v_res.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = v_res.property_id and rp.id = v_res.rate_plan_id and rp.charge_posting = 'nightly') then
    v_partial := true;
    select p.business_date into v_business_date from app_public.properties p where p.id = v_res.property_id;
    select coalesce(sum(l.amount) filter (where l.date < v_business_date)::numeric / nullif(sum(l.amount), 0), 0)
      into v_share
      from pg_catalog.jsonb_to_recordset(v_res.price_lines) as l(kind text, date date, amount bigint)
     where l.kind = 'night';
  end if;

  with
  charges as (
    -- What the folio was charged (its share of each entry, routes followed), credit = +.
    select e.id as entry_id, e.cause_type, e.cause_id, e.description as entry_description, e.occurred_at,
           a.id as account_id, a.name as account_name, a.kind as account_kind, a.purpose, a.tax_id, fc.amount
      from app_private.folio_charges(folio) fc
      join app_public.journal_entries e on e.property_id = folio.property_id and e.id = fc.entry_id
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = fc.account_id
  ),
  res_charged as (
    select c.account_id, c.purpose, c.tax_id, sum(c.amount) as amount
      from charges c
     where c.cause_type = 'reservation' and c.cause_id = v_res.id
     group by c.account_id, c.purpose, c.tax_id
  ),
  price as (
    select x.ord, l ->> 'kind' as kind, (l ->> 'date')::date as date, l ->> 'description' as description,
           coalesce((l ->> 'quantity')::integer, 1) as quantity, (l ->> 'amount')::bigint as amount,
           coalesce((l ->> 'tax_id')::uuid, (select t.id from app_public.taxes t
                                             where t.property_id = v_res.property_id and l ->> 'kind' = 'tax'
                                               and pg_catalog.starts_with(l ->> 'description', t.name || ' (')
                                             order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_array_elements(coalesce(v_res.price_lines, '[]')) with ordinality x(l, ord)
  ),
  keys as (
    select p.ord, 'night:' || p.date as key, 'night' as type, 'room' as grp, p.date, p.description, p.quantity,
           case when v_partial and p.date >= v_business_date then 0 else p.amount end::numeric as weight
      from price p where p.kind = 'night'
    union all
    select p.ord, 'discount', 'discount', 'room', null, p.description, 1, p.amount * v_share
      from price p where p.kind = 'discount'
    union all
    select p.ord, 'fee:' || p.description, 'fee', 'fee', null, p.description, p.quantity, p.amount * v_share
      from price p where p.kind = 'fee'
  ),
  vat_targets as (
    select rc.account_id, rc.amount as total, t.is_inclusive, k.key, k.ord, k.weight
      from res_charged rc
      join app_public.taxes t on t.property_id = v_res.property_id and t.id = rc.tax_id and t.basis = 'percent_of_room'
      join keys k on k.grp = 'room' or (k.grp = 'fee' and t.applies_to_fees)
     where v_res.status not in ('cancelled', 'no_show')
  ),
  vat_alloc as (
    select v.account_id, v.key, v.is_inclusive,
           case when v.w_all <> 0 then round(v.total * v.w_upto / v.w_all) - round(v.total * (v.w_upto - v.weight) / v.w_all)
                else round(v.total * v.n_upto / v.n_all) - round(v.total * (v.n_upto - 1) / v.n_all) end::bigint as amount
      from (select v.*,
                   sum(v.weight) over (partition by v.account_id) as w_all,
                   sum(v.weight) over (partition by v.account_id order by v.ord, v.key rows between unbounded preceding and current row) as w_upto,
                   count(*) over (partition by v.account_id)::numeric as n_all,
                   (row_number() over (partition by v.account_id order by v.ord, v.key))::numeric as n_upto
              from vat_targets v) v
  ),
  rev_targets as (
    select rc.account_id, rc.amount as total, k.key, k.ord,
           k.weight - coalesce((select sum(va.amount) from vat_alloc va where va.key = k.key and va.is_inclusive), 0) as weight
      from res_charged rc
      join keys k on (rc.purpose = 'room_revenue' and k.grp = 'room') or (rc.purpose = 'fee_revenue' and k.grp = 'fee')
  ),
  rev_alloc as (
    select v.account_id, v.key,
           case when v.w_all <> 0 then round(v.total * v.w_upto / v.w_all) - round(v.total * (v.w_upto - v.weight) / v.w_all)
                else round(v.total * v.n_upto / v.n_all) - round(v.total * (v.n_upto - 1) / v.n_all) end::bigint as amount
      from (select v.*,
                   sum(v.weight) over (partition by v.account_id) as w_all,
                   sum(v.weight) over (partition by v.account_id order by v.ord, v.key rows between unbounded preceding and current row) as w_upto,
                   count(*) over (partition by v.account_id)::numeric as n_all,
                   (row_number() over (partition by v.account_id order by v.ord, v.key))::numeric as n_upto
              from rev_targets v) v
  ),
  allocated as (
    select a.key, a.account_id, a.amount from vat_alloc a
    union all
    select a.key, a.account_id, a.amount from rev_alloc a
  ),
  charged as (
    -- B: everything charged, per line key and account.
    select a.key, a.account_id, sum(a.amount) as amount from allocated a group by a.key, a.account_id
    union all
    -- What the price lines could not take (the penalty, taxes by amount, any other account).
    select case when rc.purpose = 'cancellation_revenue' then 'penalty'
                -- Once cancelled, the VAT left on the reservation is the fee's.
                when rc.purpose = 'tax_payable' and v_res.status in ('cancelled', 'no_show')
                     and exists (select 1 from app_public.taxes t
                                  where t.property_id = v_res.property_id and t.id = rc.tax_id and t.basis = 'percent_of_room') then 'penalty'
                when rc.purpose = 'tax_payable' then 'tax:' || rc.tax_id
                else 'account:' || rc.account_id end,
           rc.account_id, rc.amount - coalesce((select sum(a.amount) from allocated a where a.account_id = rc.account_id), 0)
      from res_charged rc
    union all
    -- Any other entry: a line of its own; a tax on it that is not VAT (city tax) a line of its own beside it.
    select 'entry:' || c.entry_id
             || case when c.purpose = 'tax_payable'
                      and (select t.basis from app_public.taxes t where t.property_id = folio.property_id and t.id = c.tax_id) <> 'percent_of_room'
                     then ':tax:' || c.tax_id else '' end,
           c.account_id, sum(c.amount)
      from charges c
     where not (c.cause_type = 'reservation' and c.cause_id is not distinct from v_res.id)
     group by c.entry_id, c.account_id, c.purpose, c.tax_id
  ),
  invoiced as (
    -- I: what the folio's documents hold, per line key and account.
    select coalesce(l ->> 'key', 'legacy') as key, coalesce(pp ->> 'account_id', l ->> 'account_id')::uuid as account_id,
           sum(coalesce((pp ->> 'amount')::bigint, (l ->> 'amount')::bigint)) as amount
      from app_public.invoices i
      cross join pg_catalog.jsonb_array_elements(i.lines) l
      left join lateral pg_catalog.jsonb_array_elements(case when l ? 'postings' then l -> 'postings' else '[null]' end) pp on true
     where i.property_id = folio.property_id and i.folio_id = folio.id
     group by 1, 2
  ),
  delta as (
    select coalesce(c.key, i.key) as key, coalesce(c.account_id, i.account_id) as account_id,
           coalesce(c.amount, 0) - coalesce(i.amount, 0) as amount
      from (select c.key, c.account_id, sum(c.amount) as amount from charged c group by c.key, c.account_id) c
      full join invoiced i on i.key = c.key and i.account_id = c.account_id
  ),
  delta_accounts as (
    select d.key, d.account_id, d.amount, a.kind as account_kind, a.name as account_name, a.purpose,
           t.id as tax_id, t.basis as tax_basis, t.percent, t.name as tax_name
      from delta d
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = d.account_id
      left join app_public.taxes t on t.property_id = a.property_id and t.id = a.tax_id
     where d.amount <> 0
  ),
  lines as (
    select d.key,
           sum(d.amount) filter (where d.account_kind = 'revenue') as net,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis = 'percent_of_room') as vat,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room') as other_tax,
           min(d.tax_name) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room') as tax_name,
           sum(distinct d.percent) filter (where d.purpose = 'tax_payable' and d.tax_basis = 'percent_of_room') as vat_rate,
           sum(d.amount) as amount,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('account_id', d.account_id, 'amount', d.amount) order by d.account_id) as postings,
           min(d.account_name) as account_name,
           bool_or(d.purpose = 'allowances') as is_allowance,
           bool_or(d.purpose = 'extras_revenue') as is_extra
      from delta_accounts d
     group by d.key
  ),
  described as (
    select l.*,
           case when l.key like 'night:%' then 'night' when l.key = 'discount' then 'discount' when l.key like 'fee:%' then 'fee'
                when l.key like 'tax:%' or l.key like 'entry:%:tax:%' then 'city_tax' when l.key = 'penalty' then 'cancellation'
                when l.key = 'legacy' then 'adjustment'
                when l.key like 'entry:%' then case when l.is_allowance then 'allowance' when l.is_extra then 'extra' else 'charge' end
                else 'charge' end as type,
           k.ord, k.date as key_date, k.description as key_description, k.quantity as key_quantity,
           e.occurred_at, e.description as entry_description,
           (select min(po.id) from app_public.postings po where po.property_id = e.property_id and po.entry_id = e.id) as entry_seq,
           tp.description as tax_description, tp.quantity as tax_quantity
      from lines l
      left join keys k on k.key = l.key
      left join app_public.journal_entries e
        on l.key like 'entry:%' and e.property_id = folio.property_id
       and e.id = case when l.key like 'entry:%' then pg_catalog.substr(l.key, 7, 36)::uuid end
      left join lateral (select p.description, p.quantity from price p
                          where l.key like 'tax:%' and p.kind = 'tax' and p.tax_id::text = pg_catalog.substr(l.key, 5) limit 1) tp on true
  )
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'key', d.key,
           'type', d.type,
           'kind', case when d.type = 'city_tax' then 'tax' else 'revenue' end,
           'date', coalesce(d.key_date, (d.occurred_at at time zone v_property.time_zone)::date),
           'description', case d.type
                            when 'night' then coalesce(v_room_type || ' · ', '') || d.key_description
                            when 'discount' then d.key_description
                            when 'fee' then d.key_description
                            when 'city_tax' then coalesce(d.tax_description, d.tax_name || coalesce(' · ' || d.entry_description, ''), d.account_name)
                            when 'cancellation' then case when v_res.status = 'no_show' then 'No-show fee' else 'Cancellation fee' end
                            when 'adjustment' then 'Invoiced earlier'
                            else coalesce(d.entry_description, d.account_name) end,
           'quantity', case when d.type in ('fee', 'city_tax') then coalesce(d.key_quantity, d.tax_quantity) end,
           'net', case when d.type = 'city_tax' then 0 else coalesce(d.net, 0) end,
           'vat_rate', case when d.type = 'city_tax' then null else coalesce(d.vat_rate, 0) end,
           'vat', case when d.type = 'city_tax' then 0 else coalesce(d.vat, 0) + coalesce(d.other_tax, 0) end,
           'amount', d.amount,
           'postings', d.postings))
         order by case d.type when 'night' then 1 when 'discount' then 2 when 'fee' then 3 when 'city_tax' then 4
                              when 'cancellation' then 5 when 'adjustment' then 7 else 6 end,
                  d.ord, d.occurred_at, d.entry_seq, d.key)
    into v_lines
    from described d;
  return v_lines;
end;
$function$;
comment on function app_private.invoice_lines(folio app_public.folios) is 'The not yet invoiced charges of a folio as invoice lines (one per night, discount, fee, city tax, penalty, extra, allowance, correction; net, VAT rate, VAT, amount and the ledger postings each stands for); per account they add up to the ledger.';

-- ----------------------------------------------------------------------------
-- function app_private.invoice_payments(folio app_public.folios)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.invoice_payments(folio app_public.folios)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with charged as (
    select fc.entry_id, sum(fc.amount) as amount from app_private.folio_charges(folio) fc group by fc.entry_id
  ),
  moved as (
    select e.id, e.property_id, e.occurred_at, e.description, min(po.id) as seq,
           coalesce((select c.amount from charged c where c.entry_id = e.id), 0)
             - app_private.charge_on_folio(e.property_id, e.id, folio.id) as amount
      from app_public.postings po
      join app_public.journal_entries e on e.property_id = po.property_id and e.id = po.entry_id
     where po.property_id = folio.property_id and po.folio_id = folio.id and e.cause_type <> 'folio_route'
     group by e.id, e.property_id, e.occurred_at, e.description
  )
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'date', (m.occurred_at at time zone p.time_zone)::date,
           'method', (select pg_catalog.string_agg(distinct case a.purpose
                                                     when 'payment_clearing' then 'Card'
                                                     when 'refunds' then 'Refund'
                                                     when 'cash_drawer' then 'Cash'
                                                     when 'bank' then 'Bank transfer'
                                                     when 'city_ledger' then 'City ledger'
                                                     when 'guest_receivable' then 'Another folio'
                                                     else a.name end, ', ')
                        from app_public.postings o
                        join app_public.ledger_accounts a on a.property_id = o.property_id and a.id = o.account_id
                       where o.property_id = m.property_id and o.entry_id = m.id and o.folio_id is distinct from folio.id
                         and a.kind <> 'revenue' and a.purpose is distinct from 'tax_payable'),
           'description', m.description,
           'amount', m.amount) order by m.occurred_at, m.seq), '[]')
    from moved m
    join app_public.properties p on p.id = folio.property_id
   where m.amount <> 0;
$function$;
comment on function app_private.invoice_payments(folio app_public.folios) is 'Payments, refunds and transfers of a folio for its invoice: [{date, method, description, amount}], + received; what each entry moved on the folio beyond what it charged.';

-- ----------------------------------------------------------------------------
-- function app_private.invoice_seller(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.invoice_seller(property_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_legal app_public.property_legal_details;
  v_missing text[];
begin
  select * into v_legal from app_public.property_legal_details l where l.property_id = invoice_seller.property_id;
  v_missing := array_remove(array[
    case when v_legal.legal_name is null then 'legal name' end,
    case when v_legal.address_line1 is null then 'street address' end,
    case when v_legal.postal_code is null then 'postal code' end,
    case when v_legal.city is null then 'city' end,
    case when v_legal.country_code is null then 'country' end,
    case when v_legal.vat_id is null then 'VAT id' end
  ], null);
  if pg_catalog.cardinality(v_missing) > 0 then
    raise exception using errcode = 'LEGAL',
      message = pg_catalog.format('Invoices need the property''s legal details first. Missing: %s (Accounting › Legal details).',
                                  pg_catalog.array_to_string(v_missing, ', '));
  end if;
  return pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'legal_name', v_legal.legal_name, 'address_line1', v_legal.address_line1, 'address_line2', v_legal.address_line2,
    'postal_code', v_legal.postal_code, 'city', v_legal.city, 'country_code', v_legal.country_code,
    'vat_id', v_legal.vat_id, 'registration', v_legal.registration, 'invoice_footer', v_legal.invoice_footer,
    'email', v_legal.email, 'phone', v_legal.phone,
    'language', (select p.language from app_public.properties p where p.id = invoice_seller.property_id)));
end;
$function$;
comment on function app_private.invoice_seller(property_id uuid) is 'The property''s legal details (and the language its documents are written in) as an invoice''s seller block; LEGAL_DETAILS_MISSING (naming the fields) while incomplete.';

-- ----------------------------------------------------------------------------
-- function app_private.local_today(property_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.local_today(property_id uuid)
 RETURNS date
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (pg_catalog.now() at time zone p.time_zone)::date
    from app_public.properties p
   where p.id = local_today.property_id;
$function$;
comment on function app_private.local_today(property_id uuid) is 'The current date in the property''s time zone.';

-- ----------------------------------------------------------------------------
-- function app_private.lock_booking_group(booking_group_id uuid, roles app_public.staff_role[], what text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.lock_booking_group(booking_group_id uuid, roles app_public.staff_role[], what text)
 RETURNS app_public.booking_groups
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
begin
  select * into v_group from app_public.booking_groups g where g.id = lock_booking_group.booking_group_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  if not (v_group.id = app_hidden.current_booking_group_id()
          or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id())) then
    perform app_private.require_staff(v_group.property_id, roles, what);
  end if;
  perform 1 from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id
   order by r.room_no
     for update;
  return v_group;
end;
$function$;
comment on function app_private.lock_booking_group(booking_group_id uuid, roles app_public.staff_role[], what text) is 'Locks a booking group and its rooms FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';

-- ----------------------------------------------------------------------------
-- function app_private.lock_folio(folio_id uuid, roles app_public.staff_role[], what text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.lock_folio(folio_id uuid, roles app_public.staff_role[], what text)
 RETURNS app_public.folios
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_folio app_public.folios;
begin
  select * into v_folio from app_public.folios f where f.id = lock_folio.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_folio.reservation_id is not null then
    perform app_private.lock_reservation(v_folio.reservation_id, roles, what);
  else
    perform app_private.require_staff(v_folio.property_id, roles, what);
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id for update;
  return v_folio;
end;
$function$;
comment on function app_private.lock_folio(folio_id uuid, roles app_public.staff_role[], what text) is 'Locks a folio FOR UPDATE (a guest folio''s reservation first) after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';

-- ----------------------------------------------------------------------------
-- function app_private.lock_reservation(reservation_id uuid, roles app_public.staff_role[], what text, guest_may boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.lock_reservation(reservation_id uuid, roles app_public.staff_role[], what text, guest_may boolean DEFAULT false)
 RETURNS app_public.reservations
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  select * into v_res from app_public.reservations r where r.id = lock_reservation.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if guest_may and (v_res.id = app_hidden.current_booking_id()
                    or v_res.group_id = app_hidden.current_booking_group_id()
                    or (v_res.user_id is not null and v_res.user_id = app_hidden.current_user_id())) then
    return v_res;
  end if;
  perform app_private.require_staff(v_res.property_id, roles, what);
  return v_res;
end;
$function$;
comment on function app_private.lock_reservation(reservation_id uuid, roles app_public.staff_role[], what text, guest_may boolean) is 'Locks a reservation FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';

-- ----------------------------------------------------------------------------
-- function app_private.masked_registration_card(card app_public.registration_cards)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.masked_registration_card(card app_public.registration_cards)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (pg_catalog.to_jsonb(card) - 'document_number' - 'date_of_birth' - 'address')
         || pg_catalog.jsonb_build_object(
              'document_number', reporting.mask_document_number(card.document_number),
              'birth_year', pg_catalog.date_part('year', card.date_of_birth)::integer,
              'address', case when card.address is not null then '(recorded)' end);
$function$;
comment on function app_private.masked_registration_card(card app_public.registration_cards) is 'A registration card as the audit log keeps it: number masked, year of birth, no address.';

-- ----------------------------------------------------------------------------
-- function app_private.new_confirmation_code()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.new_confirmation_code()
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_bytes bytea := public.gen_random_bytes(8);
  v_code text := '';
begin
  for i in 0..7 loop
    v_code := v_code || pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', (pg_catalog.get_byte(v_bytes, i) % 32) + 1, 1);
  end loop;
  return v_code;
end;
$function$;
comment on function app_private.new_confirmation_code() is 'A random 8-character confirmation code.';

-- ----------------------------------------------------------------------------
-- function app_private.no_show_from(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.no_show_from(reservation app_public.reservations)
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select ((pg_catalog.lower(reservation.stay) + p.no_show_day_offset)::timestamp + p.no_show_time) at time zone p.time_zone
    from app_public.properties p
   where p.id = reservation.property_id;
$function$;
comment on function app_private.no_show_from(reservation app_public.reservations) is 'When a reservation''s guest may be recorded as a no-show, by the property''s no-show time.';

-- ----------------------------------------------------------------------------
-- function app_private.notify(reservation app_public.reservations, template app_public.notification_kind, cause text, send_after timestamp with time zone)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.notify(reservation app_public.reservations, template app_public.notification_kind, cause text, send_after timestamp with time zone DEFAULT now())
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  return app_private.notify_all(reservation, array[template], array[cause], array[send_after]);
end;
$function$;
comment on function app_private.notify(reservation app_public.reservations, template app_public.notification_kind, cause text, send_after timestamp with time zone) is 'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';

-- ----------------------------------------------------------------------------
-- function app_private.notify_all(reservation app_public.reservations, templates app_public.notification_kind[], causes text[], send_afters timestamp with time zone[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.notify_all(reservation app_public.reservations, templates app_public.notification_kind[], causes text[], send_afters timestamp with time zone[])
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_ids uuid[];
  v_run_ats timestamptz[];
begin
  with queued as (
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after)
    select reservation.property_id, reservation.id, m.template, x.channel, x.recipient, m.cause, coalesce(m.send_after, pg_catalog.now())
      from rows from (pg_catalog.unnest(notify_all.templates), pg_catalog.unnest(notify_all.causes), pg_catalog.unnest(notify_all.send_afters)) m(template, cause, send_after)
      join app_public.guests g on g.property_id = reservation.property_id and g.id = reservation.guest_id
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when m.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where x.recipient is not null
    on conflict (cause, template, channel, recipient, property_id) do nothing
    returning id, send_after
  )
  select pg_catalog.array_agg(q.id order by q.send_after, q.id), pg_catalog.array_agg(q.send_after order by q.send_after, q.id)
    into v_ids, v_run_ats
    from queued q;
  if v_ids is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', array(select pg_catalog.json_build_object('id', i) from pg_catalog.unnest(v_ids) with ordinality u(i, n) order by u.n),
                               max_attempts := 10, run_ats := v_run_ats);
  return pg_catalog.cardinality(v_ids);
end;
$function$;
comment on function app_private.notify_all(reservation app_public.reservations, templates app_public.notification_kind[], causes text[], send_afters timestamp with time zone[]) is 'Queues notifications (email, and SMS for the essentials) once per cause, several at once, with their delivery jobs in one call; returns how many were queued.';

-- ----------------------------------------------------------------------------
-- function app_private.password_refusal(password text, email text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.password_refusal(password text, email text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_lower text := pg_catalog.lower(password);
  v_local text := pg_catalog.lower(pg_catalog.split_part(email, '@', 1));
begin
  if password is null or pg_catalog.length(password) < 10 then
    return 'Passwords must be at least 10 characters long.';
  end if;
  if pg_catalog.octet_length(password) > 72 then
    return 'Passwords can be at most 72 bytes long (72 plain letters or digits, fewer with accents or emoji).';
  end if;
  if v_lower = pg_catalog.lower(email) or (pg_catalog.length(v_local) >= 4 and pg_catalog.strpos(v_lower, v_local) > 0) then
    return 'Your password cannot contain your email address.';
  end if;
  if v_lower ~ '^(.)\1*$' or v_lower ~ '^(.{2,4})\1+.{0,3}$' then
    return 'That password is a repeated pattern; choose one that is harder to guess.';
  end if;
  if pg_catalog.regexp_replace(v_lower, '[^a-z0-9]', '', 'g') = any (array[
       '1234567890', '12345678910', '123456789a', '1234567890a', '0123456789', '0987654321', '9876543210',
       '12345678900', '123456789123', '1234512345', '1122334455', '1029384756', '1234554321',
       'qwertyuiop', 'qwertyuiop123', 'qwerty123456', 'qwerty12345', 'qwerty1234', 'qwertyuiopasdfghjkl',
       'asdfghjkl1', 'asdfghjkl123', 'asdfghjkl12', 'zxcvbnm123', 'zxcvbnm1234', 'qazwsxedcrfv', '1qaz2wsx3edc',
       '1qaz2wsx3edc4rfv', 'zaq12wsxcde3', 'zaq1xsw2cde3', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'q1w2e3r4t5y6',
       'a1b2c3d4e5', 'abc1234567', 'abcdefghij', 'abcd123456', 'aaaaa11111', '1234qwerasdf', '1234qwer', 'qweasdzxc123',
       'password12', 'password123', 'password1234', 'password12345', 'password123456', 'passw0rd123', 'passwordpassword',
       'mypassword1', 'mypassword123', 'newpassword', 'newpassword1', 'changeme123', 'letmein123', 'welcome123',
       'welcome1234', 'administrator', 'admin12345', 'admin123456', 'iloveyou12', 'iloveyou123', 'iloveyou1234',
       'football123', 'baseball123', 'basketball', 'basketball1', 'princess123', 'sunshine123', 'superman123',
       'starwars123', 'trustno1234', 'monkey1234', 'michael123', 'jennifer123', 'charlie123', 'liverpool1',
       'manchester', 'chocolate1', 'butterfly1', 'pokemon123', 'playstation', 'playstation2', 'minecraft1',
       'minecraft123', 'computer123', 'internet123', 'whatever123', 'qwertyqwerty', 'asdfasdfasdf', 'zxcvzxcvzxcv',
       'keeprdemopassword', 'keepr12345', 'hotel12345', 'booking123', 'welcomehome'
     ]) then
    return 'That password is one of the most commonly used; choose another.';
  end if;
  return null;
end;
$function$;
comment on function app_private.password_refusal(password text, email text) is 'Why a new password is refused (length, 72-byte bcrypt limit, the email, a repeated pattern, a common password), or null.';

-- ----------------------------------------------------------------------------
-- function app_private.penalty_base(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.penalty_base(reservation app_public.reservations)
 RETURNS bigint
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select penalty_base.reservation.total_amount
         - coalesce((select sum(l.amount)
                       from pg_catalog.jsonb_to_recordset(coalesce(penalty_base.reservation.price_lines, '[]'))
                            as l(kind text, amount bigint, tax_id uuid)
                       join app_public.taxes t on t.property_id = penalty_base.reservation.property_id and t.id = l.tax_id
                      where l.kind = 'tax' and not t.applies_to_penalty), 0)::bigint;
$function$;
comment on function app_private.penalty_base(reservation app_public.reservations) is 'A reservation''s total less the taxes that a cancellation or no-show penalty does not carry (taxes.applies_to_penalty false, e.g. a city tax per person-night).';

-- ----------------------------------------------------------------------------
-- function app_private.post_entry(property_id uuid, cause_type text, cause_id uuid, idempotency_key text, description text, lines jsonb, reverses_entry_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.post_entry(property_id uuid, cause_type text, cause_id uuid, idempotency_key text, description text, lines jsonb, reverses_entry_id uuid DEFAULT NULL::uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_entry_id uuid;
  v_posted integer;
begin
  insert into app_public.journal_entries (property_id, cause_type, cause_id, idempotency_key, description, reverses_entry_id, created_by)
  values (post_entry.property_id, post_entry.cause_type, post_entry.cause_id, post_entry.idempotency_key, post_entry.description,
          post_entry.reverses_entry_id, app_hidden.current_user_id())
  on conflict (property_id, idempotency_key) do nothing
  returning id into v_entry_id;
  if v_entry_id is null then
    select e.id into v_entry_id from app_public.journal_entries e
     where e.property_id = post_entry.property_id and e.idempotency_key = post_entry.idempotency_key;
    return v_entry_id;
  end if;

  insert into app_public.postings (property_id, entry_id, account_id, folio_id, amount, currency)
  select post_entry.property_id, v_entry_id, a.id, (l ->> 'folio_id')::uuid, (l ->> 'amount')::bigint, l ->> 'currency'
    from pg_catalog.jsonb_array_elements(post_entry.lines) l
    join app_public.ledger_accounts a
      on a.property_id = post_entry.property_id and a.code = coalesce(l ->> 'code', a.code) and a.purpose is not distinct from (l ->> 'purpose')
         and a.tax_id is not distinct from (l ->> 'tax_id')::uuid and a.provider is not distinct from (l ->> 'provider')
   where (l ->> 'amount')::bigint <> 0;
  get diagnostics v_posted = row_count;
  if v_posted <> (select count(*) from pg_catalog.jsonb_array_elements(post_entry.lines) l where (l ->> 'amount')::bigint <> 0) then
    raise exception using errcode = 'NTFND', message = 'A posting names an account the property does not have (or more than one).';
  end if;
  return v_entry_id;
end;
$function$;
comment on function app_private.post_entry(property_id uuid, cause_type text, cause_id uuid, idempotency_key text, description text, lines jsonb, reverses_entry_id uuid) is 'Posts a journal entry (idempotent by property and key) from JSON lines {purpose or code, amount, currency, folio_id, tax_id}; balance is enforced at commit.';

-- ----------------------------------------------------------------------------
-- function app_private.post_reservation_charges(reservation app_public.reservations, idempotency_key text, description text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.post_reservation_charges(reservation app_public.reservations, idempotency_key text, description text)
 RETURNS uuid
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_folio app_public.folios;
  v_lines jsonb;
  v_share_num numeric := 1;
  v_share_den numeric := 1;
begin
  insert into app_public.folios (property_id, reservation_id, is_primary, label, currency)
  values (reservation.property_id, reservation.id, true, 'Folio 1', reservation.currency)
  on conflict (property_id, reservation_id) where is_primary do nothing;
  select * into v_folio from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;

  if reservation.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id and rp.charge_posting = 'nightly') then
    select case when sum(l.amount) > 0 then coalesce(sum(l.amount) filter (where l.date < p.business_date), 0) else count(*) filter (where l.date < p.business_date) end,
           case when sum(l.amount) > 0 then sum(l.amount) else greatest(count(*), 1) end
      into v_share_num, v_share_den
      from pg_catalog.jsonb_to_recordset(reservation.price_lines) as l(kind text, date date, amount bigint)
      join app_public.properties p on p.id = reservation.property_id
     where l.kind = 'night';
  end if;

  with price as (
    -- Tax lines made before taxes had ids on price lines name them by
    -- description ('<tax name> (...)'); match those by name.
    select l.kind, l.amount, coalesce(l.is_inclusive, false) as is_inclusive,
           coalesce(l.tax_id, (select t.id from app_public.taxes t
                                where t.property_id = reservation.property_id and l.kind = 'tax'
                                  and pg_catalog.starts_with(l.description, t.name || ' (')
                                order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_to_recordset(reservation.price_lines)
           as l(kind text, amount bigint, is_inclusive boolean, tax_id uuid, description text)
  ),
  inclusive_on_fees as (
    -- An inclusive percent tax that also covers fees is split between room
    -- and fee revenue in proportion (one rounding, the rest on the room).
    select coalesce(sum(round(p.amount::numeric * reservation.fees_amount
                              / nullif(reservation.room_amount + reservation.fees_amount, 0))), 0)::bigint as amount
      from price p join app_public.taxes t on t.id = p.tax_id
     where p.kind = 'tax' and p.is_inclusive and t.basis = 'percent_of_room' and t.applies_to_fees
  ),
  penalty_taxes as (
    -- A penalty carries its share of the taxes that apply to penalties
    -- (taxes.applies_to_penalty, e.g. VAT): round(penalty × tax / base),
    -- where the base is what the penalty is a share of (penalty_base).
    -- Taxes a penalty does not carry (a city tax per person-night) are not
    -- in the base, so nothing of them is kept.
    select p.tax_id,
           round(reservation.penalty_amount::numeric * sum(p.amount)
                 / nullif(app_private.penalty_base(reservation), 0))::bigint as amount
      from price p join app_public.taxes t on t.property_id = reservation.property_id and t.id = p.tax_id
     where p.kind = 'tax' and t.applies_to_penalty and reservation.status in ('cancelled', 'no_show')
       and coalesce(reservation.penalty_amount, 0) > 0
     group by p.tax_id
  ),
  due as (
    select 'room_revenue' as purpose, null::uuid as tax_id,
           -(reservation.room_amount - (select coalesce(sum(p.amount), 0) from price p where p.kind = 'tax' and p.is_inclusive)
             + (select f.amount from inclusive_on_fees f)) as amount
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'fee_revenue', null, -(reservation.fees_amount - (select f.amount from inclusive_on_fees f))
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'tax_payable', p.tax_id, -sum(p.amount)
      from price p
     where p.kind = 'tax' and reservation.status not in ('cancelled', 'no_show')
     group by p.tax_id
    union all
    select 'tax_payable', s.tax_id, -s.amount
      from penalty_taxes s
    union all
    select 'cancellation_revenue', null,
           -(coalesce(reservation.penalty_amount, 0) - (select coalesce(sum(s.amount), 0) from penalty_taxes s))
     where reservation.status in ('cancelled', 'no_show')
  ),
  due_so_far as (
    select d.purpose, d.tax_id,
           case when d.purpose = 'cancellation_revenue' then d.amount
                else round(d.amount * v_share_num / v_share_den)::bigint end as amount
      from due d
  ),
  posted as (
    select a.purpose, a.tax_id, sum(po.amount) as amount
      from app_public.journal_entries e
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where e.property_id = reservation.property_id and e.cause_type = 'reservation' and e.cause_id = reservation.id
       and a.purpose is distinct from 'guest_receivable'
     group by a.purpose, a.tax_id
  ),
  difference as (
    select coalesce(d.purpose, p.purpose) as purpose, coalesce(d.tax_id, p.tax_id) as tax_id,
           coalesce(d.amount, 0) - coalesce(p.amount, 0) as amount
      from due_so_far d
      full join posted p on p.purpose = d.purpose and p.tax_id is not distinct from d.tax_id
  )
  select pg_catalog.jsonb_agg(l) into v_lines
    from (
      select pg_catalog.jsonb_build_object('purpose', d.purpose, 'tax_id', d.tax_id, 'amount', d.amount,
                                           'currency', reservation.currency) as l
        from difference d where d.amount <> 0
      union all
      select pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id,
                                           'amount', -sum(d.amount), 'currency', reservation.currency)
        from difference d having sum(d.amount) <> 0
    ) x;

  if v_lines is null then
    return null;
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_lines) l where l ->> 'purpose' = 'tax_payable' and l ->> 'tax_id' is null) then
    raise exception using errcode = 'NTFND', message = 'A tax on this reservation''s price no longer exists; its charges cannot be posted.';
  end if;
  return app_private.post_entry(reservation.property_id, 'reservation', reservation.id,
                                pg_catalog.left(idempotency_key, 200), description, v_lines);
end;
$function$;
comment on function app_private.post_reservation_charges(reservation app_public.reservations, idempotency_key text, description text) is 'Posts the difference between what a reservation is due (room, fees, each tax, or the penalty once cancelled, less the share of the taxes it carries; on nightly-posting plans only the audited nights until check-out) and what its folio was charged; creates the folio.';

-- ----------------------------------------------------------------------------
-- function app_private.pre_arrival_at(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.pre_arrival_at(reservation app_public.reservations)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  return (select ((pg_catalog.lower(reservation.stay) - p.pre_arrival_days)::timestamp + time '10:00') at time zone p.time_zone
            from app_public.properties p where p.id = reservation.property_id);
end;
$function$;
comment on function app_private.pre_arrival_at(reservation app_public.reservations) is 'The moment a stay''s pre-arrival message is due.';

-- ----------------------------------------------------------------------------
-- function app_private.price_lines(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer, desk_room_amount bigint, desk_percent_off numeric, desk_note text, promo_percent_off numeric, promo_amount_off bigint, promo_note text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.price_lines(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer, desk_room_amount bigint DEFAULT NULL::bigint, desk_percent_off numeric DEFAULT NULL::numeric, desk_note text DEFAULT NULL::text, promo_percent_off numeric DEFAULT NULL::numeric, promo_amount_off bigint DEFAULT NULL::bigint, promo_note text DEFAULT NULL::text)
 RETURNS TABLE(rate_plan_id uuid, line_no integer, kind text, date date, description text, quantity integer, amount bigint, is_inclusive boolean, tax_id uuid)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  return query
    with plans as (
      -- price_plan_id: the plan whose calendar and base price make the
      -- night's price (the parent of a derived plan, else the plan itself).
      -- The parent's row is read only for a derived plan (a plan of its own
      -- costs no extra probe).
      select rp.id, rp.property_id, rp.room_type_id, coalesce(rp.parent_rate_plan_id, rp.id) as price_plan_id,
             case when rp.parent_rate_plan_id is null then rp.base_price
                  else (select par.base_price from app_public.rate_plans par
                         where par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id) end as base_price,
             rp.adjustment_percent, rp.adjustment_amount, rp.rounding_step,
             rp.extra_adult_fee, rp.extra_child_fee,
             price_lines.departure - price_lines.arrival as nights,
             greatest(price_lines.adults - rp.included_guests, 0) as extra_adults,
             greatest(price_lines.children - greatest(rp.included_guests - price_lines.adults, 0), 0) as extra_children
        from app_public.rate_plans rp
       where rp.id = any (price_lines.rate_plan_ids)
    ),
    nights as (
      -- The calendar price is looked up per night (one primary-key probe
      -- each): a join would be planned blind (the function's parameters are
      -- unknown when its plan is made) and can scan the whole calendar.
      select p.id as rate_plan_id, d.date, p.extra_adults, p.extra_children,
             app_private.derived_price(
               coalesce((select c.price from app_public.rate_calendar c
                          where c.property_id = p.property_id and c.rate_plan_id = p.price_plan_id and c.date = d.date),
                        p.base_price),
               p.adjustment_percent, p.adjustment_amount, p.rounding_step)
               + p.extra_adults * p.extra_adult_fee
               + p.extra_children * p.extra_child_fee as amount
        from plans p
        cross join lateral (
          select price_lines.arrival + i as date
            from pg_catalog.generate_series(0, p.nights - 1) i
        ) d
    ),
    room as (
      select n.rate_plan_id, sum(n.amount) as subtotal from nights n group by n.rate_plan_id
    ),
    discounts as (
      select p.id as rate_plan_id, l.min_nights, l.percent_off,
             -round(r.subtotal * l.percent_off / 100) as amount
        from plans p
        join room r on r.rate_plan_id = p.id
        cross join lateral (
          select l.min_nights, l.percent_off
            from app_public.rate_plan_los_discounts l
           where l.property_id = p.property_id and l.rate_plan_id = p.id and l.min_nights <= p.nights
           order by l.percent_off desc, l.min_nights desc
           limit 1
        ) l
    ),
    los_totals as (
      select r.rate_plan_id, r.subtotal + coalesce(d.amount, 0) as amount
        from room r left join discounts d on d.rate_plan_id = r.rate_plan_id
    ),
    desk as (
      -- The desk's override, on the room part after the length-of-stay
      -- discount (app_public.desk_quote checks who may give how much).
      select lt.rate_plan_id,
             case when price_lines.desk_room_amount is not null then price_lines.desk_room_amount - lt.amount
                  else -round(lt.amount * price_lines.desk_percent_off / 100) end as amount
        from los_totals lt
       where price_lines.desk_room_amount is not null or price_lines.desk_percent_off is not null
    ),
    promo as (
      -- A promo code's discount (app_private.check_promo_code says whether
      -- it applies), on the room part after the length-of-stay discount.
      select lt.rate_plan_id,
             case when price_lines.promo_amount_off is not null then -least(price_lines.promo_amount_off, greatest(lt.amount, 0))
                  else -round(lt.amount * price_lines.promo_percent_off / 100) end as amount
        from los_totals lt
       where price_lines.promo_amount_off is not null or price_lines.promo_percent_off is not null
    ),
    room_totals as (
      select lt.rate_plan_id, lt.amount + coalesce(k.amount, 0) + coalesce(pr.amount, 0) as amount
        from los_totals lt
        left join desk k on k.rate_plan_id = lt.rate_plan_id
        left join promo pr on pr.rate_plan_id = lt.rate_plan_id
    ),
    fee_lines as (
      select p.id as rate_plan_id, f.name, f.basis, f.amount as unit_amount,
             case f.basis
               when 'per_stay' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity
        from plans p
        join app_public.fees f
          on f.property_id = p.property_id and f.is_active
         and (f.room_type_id is null or f.room_type_id = p.room_type_id)
    ),
    fee_totals as (
      select f.rate_plan_id, sum(f.quantity * f.unit_amount) as amount from fee_lines f group by f.rate_plan_id
    ),
    tax_lines as (
      select p.id as rate_plan_id, t.id as tax_id, t.name, t.basis, t.percent, t.is_inclusive,
             case t.basis
               when 'percent_of_room' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity,
             case t.basis
               when 'percent_of_room' then
                 round((rt.amount + case when t.applies_to_fees then coalesce(ft.amount, 0) else 0 end) * t.percent
                       / case when t.is_inclusive then 100 + t.percent else 100 end)
               else t.amount
             end as unit_amount
        from plans p
        join room_totals rt on rt.rate_plan_id = p.id
        left join fee_totals ft on ft.rate_plan_id = p.id
        join app_public.taxes t on t.property_id = p.property_id and t.is_active
    )
    select l.rate_plan_id,
           (pg_catalog.row_number() over (partition by l.rate_plan_id order by l.section, l.date, l.description))::integer,
           l.kind, l.date, l.description, l.quantity, l.amount::bigint, l.is_inclusive, l.tax_id
      from (
        select n.rate_plan_id, 1 as section, 'night' as kind, n.date,
               'Night of ' || pg_catalog.to_char(n.date, 'Dy DD Mon YYYY')
                 || case when n.extra_adults + n.extra_children > 0
                         then pg_catalog.format(' (incl. %s extra guest%s)', n.extra_adults + n.extra_children,
                                                case when n.extra_adults + n.extra_children > 1 then 's' else '' end)
                         else '' end as description,
               1 as quantity, n.amount, false as is_inclusive, null::uuid as tax_id
          from nights n
        union all
        select d.rate_plan_id, 2, 'discount', null,
               pg_catalog.format('%s%% off stays of %s nights or more', pg_catalog.trim_scale(d.percent_off), d.min_nights),
               1, d.amount, false, null
          from discounts d
        union all
        select k.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.desk_note, 'Rate set by the front desk'), 1, k.amount, false, null
          from desk k
        union all
        select pr.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.promo_note, 'Promo code'), 1, pr.amount, false, null
          from promo pr
        union all
        select f.rate_plan_id, 3, 'fee', null,
               f.name || case f.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               f.quantity, f.quantity * f.unit_amount, false, null
          from fee_lines f
        union all
        select t.rate_plan_id, 4, 'tax', null,
               t.name || case t.basis
                           when 'percent_of_room' then pg_catalog.format(' (%s%%%s)', pg_catalog.trim_scale(t.percent),
                                                                         case when t.is_inclusive then ', included' else '' end)
                           when 'per_night' then ' (per night' || case when t.is_inclusive then ', included' else '' end || ')'
                           else ' (per person per night' || case when t.is_inclusive then ', included' else '' end || ')'
                         end,
               t.quantity, t.quantity * t.unit_amount, t.is_inclusive, t.tax_id
          from tax_lines t
      ) l;
end;
$function$;
comment on function app_private.price_lines(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer, desk_room_amount bigint, desk_percent_off numeric, desk_note text, promo_percent_off numeric, promo_amount_off bigint, promo_note text) is 'The price of a stay on each given rate plan, as lines (night, discount, fee, tax) in minor units, with the front desk''s override and a promo code''s discount when given.';

-- ----------------------------------------------------------------------------
-- function app_private.purge_idempotency_keys()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.purge_idempotency_keys()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with purged as (
    delete from app_private.idempotency_keys k where k.created_at < pg_catalog.now() - interval '48 hours' returning 1
  )
  select count(*)::integer from purged;
$function$;
grant execute on function app_private.purge_idempotency_keys() to keepr_worker;
comment on function app_private.purge_idempotency_keys() is 'Deletes idempotency records older than 48 hours; returns how many.';

-- ----------------------------------------------------------------------------
-- function app_private.quote_for(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, desk_room_amount bigint, desk_percent_off numeric, desk_note text, promo app_public.promo_codes)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.quote_for(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, desk_room_amount bigint DEFAULT NULL::bigint, desk_percent_off numeric DEFAULT NULL::numeric, desk_note text DEFAULT NULL::text, promo app_public.promo_codes DEFAULT NULL::app_public.promo_codes)
 RETURNS app_public.quote
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.*, tx.name as tax_name, coalesce(tx.applies_to_penalty, true) as carried_by_penalty
          from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                       quote_for.adults, quote_for.children,
                                       quote_for.desk_room_amount, quote_for.desk_percent_off, quote_for.desk_note,
                                       (quote_for.promo).percent_off, (quote_for.promo).amount_off,
                                       'Promo code ' || (quote_for.promo).code
                                         || coalesce(pg_catalog.format(' (%s%% off)', pg_catalog.trim_scale((quote_for.promo).percent_off)), '')) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.carried_by_penalty), 0)::bigint as penalty_free_amount,
               pg_catalog.string_agg(l.tax_name, ' and ' order by l.line_no) filter (where l.kind = 'tax' and not l.carried_by_penalty) as penalty_free_taxes,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
               t.room_amount + t.fees_amount + t.taxes_amount - t.penalty_free_amount as penalty_base,
               quote_for.departure - quote_for.arrival as nights,
               case when rp.is_refundable
                    then ((quote_for.arrival - rp.free_cancellation_days)::timestamp + p.check_in_time) at time zone p.time_zone
               end as free_until
          from app_public.rate_plans rp
          join app_public.properties p on p.id = rp.property_id
          cross join totals t
         where rp.id = quote_for.rate_plan_id
      )
      select (
        x.property_id, x.room_type_id, x.id,
        quote_for.arrival, quote_for.departure, x.nights, quote_for.adults, quote_for.children,
        x.currency, t.room_amount, t.fees_amount, t.taxes_amount, t.included_taxes_amount, x.total_amount, t.lines,
        x.is_refundable, x.free_until,
        case
          when not x.is_refundable then x.penalty_base
          when x.cancellation_penalty_kind = 'nights'
            then round(x.penalty_base::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.penalty_base::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable and t.penalty_free_taxes is not null
            then pg_catalog.format('Non-refundable: cancelling costs the full amount but the %s, which is due only for nights stayed.', t.penalty_free_taxes)
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          -- A stay sooner than the plan's free-cancellation window (a same-day or
          -- last-minute booking): the deadline has passed before the booking is
          -- made, so it is never shown as a date (issue 21).
          when x.free_until <= pg_catalog.now()
            then pg_catalog.format('Non-refundable from booking: free cancellation ends %s before arrival, which has passed. Cancelling costs %s.',
                   case when x.free_cancellation_days = 0 then 'at check-in time on the arrival day'
                        else pg_catalog.format('%s day%s', x.free_cancellation_days, case when x.free_cancellation_days = 1 then '' else 's' end) end,
                   case when x.cancellation_penalty_kind = 'nights'
                        then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                               case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                        else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
        end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null, (quote_for.promo).code
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$function$;
comment on function app_private.quote_for(rate_plan_id uuid, arrival date, departure date, adults integer, children integer, desk_room_amount bigint, desk_percent_off numeric, desk_note text, promo app_public.promo_codes) is 'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks), with the front desk''s rate override and a promo code''s discount when given (app_private.price_lines).';

-- ----------------------------------------------------------------------------
-- function app_private.quote_payload(token text, signed_as text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.quote_payload(token text, signed_as text DEFAULT ''::text)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_parts text[] := pg_catalog.string_to_array(token, '.');
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2
     or app_private.sign(signed_as || v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE',
      message = case when signed_as = 'desk:' then 'This quote token is not valid for a desk hold; get a new quote.'
                     else 'This quote token is not valid; get a new quote.' end;
  end if;
  return pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb;
end;
$function$;
comment on function app_private.quote_payload(token text, signed_as text) is 'The JSON payload of a signed quote token, its signature checked (QUOTE when not valid); `signed_as` is the prefix it was signed with (''desk:'' for desk quotes).';

-- ----------------------------------------------------------------------------
-- function app_private.raise_room_error(room_no integer, state text, message text, detail text, hint text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.raise_room_error(room_no integer, state text, message text, detail text, hint text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_message text := pg_catalog.format('Room %s: %s', room_no, message);
begin
  if coalesce(detail, '') = '' and coalesce(hint, '') = '' then
    raise exception using errcode = state, message = v_message;
  elsif coalesce(hint, '') = '' then
    raise exception using errcode = state, message = v_message, detail = detail;
  elsif coalesce(detail, '') = '' then
    raise exception using errcode = state, message = v_message, hint = hint;
  else
    raise exception using errcode = state, message = v_message, detail = detail, hint = hint;
  end if;
end;
$function$;
comment on function app_private.raise_room_error(room_no integer, state text, message text, detail text, hint text) is 'Raises an error caught from one room of a group again as "Room n: <message>", keeping its SQLSTATE, detail and hint (the typed reason).';

-- ----------------------------------------------------------------------------
-- function app_private.reallocate_for(property_id uuid, room_type_id uuid, stay daterange, kind app_public.claim_kind, reservation_id uuid, expires_at timestamp with time zone, note text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.reallocate_for(property_id uuid, room_type_id uuid, stay daterange, kind app_public.claim_kind, reservation_id uuid DEFAULT NULL::uuid, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, note text DEFAULT NULL::text)
 RETURNS app_public.inventory_claims
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  c_step_limit constant integer := 20000;
  c_window_step_limit constant integer := 1000;
  v_today date := app_private.local_today(reallocate_for.property_id);
  v_lo date;
  v_hi date;
  v_next_lo date;
  v_next_hi date;
  v_units uuid[];
  v_fixed datemultirange[];
  v_item_claim uuid[];
  v_item_res uuid[];
  v_item_lo date[];
  v_item_hi date[];
  v_item_cur integer[];
  v_unit_end date[];
  v_prev_end date[];
  v_unit_of integer[];
  v_pos integer[];
  v_cands integer[];
  v_overlaps integer[];
  n integer;
  k integer;
  v_level integer;
  v_steps integer;
  v_u integer;
  v_p integer;
  v_attempt integer;
  v_busy uuid[] := '{}';
  v_hops integer := 1;
  v_hop integer;
  v_closed boolean;
  v_current datemultirange[];
  v_waits integer := 0;
  v_to_move uuid[];
  v_locked uuid[];
  v_row record;
  v_claim app_public.inventory_claims;
  v_new integer;
begin
  if (select p.kind from app_public.properties p where p.id = reallocate_for.property_id) <> 'hotel' then
    return null;
  end if;
  if coalesce((select l.units_left from app_private.room_type_units_left(array[reallocate_for.property_id], reallocate_for.stay,
                                                                          reallocate_for.room_type_id) l), 0) < 1 then
    return null;
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('keepr.allocate:' || reallocate_for.room_type_id, 0));

  for v_attempt in 1..24 loop
    v_units := array(select u.id from app_public.units u
                      where u.property_id = reallocate_for.property_id and u.room_type_id = reallocate_for.room_type_id and u.is_active
                      order by u.name, u.id);
    k := coalesce(pg_catalog.array_length(v_units, 1), 0);
    if k = 0 then
      return null;
    end if;

    -- The movable stays of the window: those overlapping the stay, and
    -- those overlapping them, v_hops deep (stays further away are held
    -- still). The window grows (1, 2, 4, 8 hops, then whole) only when a
    -- smaller one has no layout: most bookings need a move or two nearby,
    -- and a small window finds them fast and moves little.
    create temporary table if not exists pg_temp.alloc_movable (claim_id uuid primary key, reservation_id uuid, nights daterange, unit_id uuid) on commit drop;
    truncate pg_temp.alloc_movable;
    v_lo := pg_catalog.lower(reallocate_for.stay);
    v_hi := pg_catalog.upper(reallocate_for.stay);
    v_hop := 0;
    v_closed := false;
    loop
      if v_hops is not null and v_hop >= v_hops then
        exit;
      end if;
      v_hop := v_hop + 1;
      insert into pg_temp.alloc_movable
      select c.id, c.reservation_id, c.stay, c.unit_id
        from app_public.inventory_claims c
        join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
        join app_public.units u on u.property_id = c.property_id and u.id = c.unit_id
       where c.property_id = reallocate_for.property_id and c.unit_id = any (v_units)
         and c.stay && pg_catalog.daterange(v_lo, v_hi) and c.released_at is null
         and (c.kind = 'reservation' or (c.kind = 'hold' and c.expires_at > pg_catalog.now()))
         and r.status in ('held', 'confirmed') and not r.unit_pinned and r.room_type_id = reallocate_for.room_type_id
         and r.id <> all (v_busy)
         and (pg_catalog.lower(c.stay) > v_today
              or (pg_catalog.lower(c.stay) = v_today and u.housekeeping_status not in ('clean', 'inspected')))
      on conflict do nothing;
      select least(v_lo, min(pg_catalog.lower(m.nights))), greatest(v_hi, max(pg_catalog.upper(m.nights)))
        into v_next_lo, v_next_hi from pg_temp.alloc_movable m;
      if v_next_lo >= v_lo and v_next_hi <= v_hi then
        v_closed := true;
        exit;
      end if;
      v_lo := v_next_lo;
      v_hi := v_next_hi;
    end loop;

    -- What may not move, per unit: every other live claim over the window.
    v_fixed := array(
      select coalesce((select pg_catalog.range_agg(c.stay) from app_public.inventory_claims c
                        where c.property_id = reallocate_for.property_id and c.unit_id = u.id and c.released_at is null
                          and (c.expires_at is null or c.expires_at > pg_catalog.now())
                          and c.stay && pg_catalog.daterange(v_lo, v_hi)
                          and not exists (select 1 from pg_temp.alloc_movable m where m.claim_id = c.id)), '{}'::datemultirange)
        from pg_catalog.unnest(v_units) with ordinality as u(id, i)
       order by u.i);

    -- The stays to lay out, by arrival (the new one as claim null).
    select pg_catalog.array_agg(x.claim_id order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.reservation_id order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.lo order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.hi order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.cur order by x.lo, x.hi desc, x.claim_id nulls first)
      into v_item_claim, v_item_res, v_item_lo, v_item_hi, v_item_cur
      from (select m.claim_id, m.reservation_id, pg_catalog.lower(m.nights) as lo, pg_catalog.upper(m.nights) as hi,
                   pg_catalog.array_position(v_units, m.unit_id) as cur
              from pg_temp.alloc_movable m
            union all
            select null, reallocate_for.reservation_id, pg_catalog.lower(reallocate_for.stay), pg_catalog.upper(reallocate_for.stay), 0) x;
    n := pg_catalog.array_length(v_item_lo, 1);
    v_new := pg_catalog.array_position(v_item_claim, null);
    -- Where the movable stays are now, per unit: a stay is laid out where
    -- it displaces none of them first, so that moves do not cascade.
    v_current := array(select coalesce((select pg_catalog.range_agg(m.nights) from pg_temp.alloc_movable m where m.unit_id = u.id), '{}'::datemultirange)
                         from pg_catalog.unnest(v_units) with ordinality as u(id, i) order by u.i);
    -- For the new stay: how many movable stays each unit would have to give up.
    v_overlaps := array(select (select count(*) from pg_temp.alloc_movable m where m.unit_id = u.id and m.nights && reallocate_for.stay)::integer
                          from pg_catalog.unnest(v_units) with ordinality as u(id, i) order by u.i);

    v_unit_end := pg_catalog.array_fill('-infinity'::date, array[k]);
    v_prev_end := pg_catalog.array_fill(null::date, array[n]);
    v_unit_of := pg_catalog.array_fill(0, array[n]);
    v_pos := pg_catalog.array_fill(0, array[n]);
    v_level := 1;
    v_steps := 0;
    while v_level between 1 and n and v_steps < case when v_closed then c_step_limit else c_window_step_limit end loop
      v_steps := v_steps + 1;
      -- The units this stay fits on now, best first: its own unit; for the
      -- new stay the unit with the fewest stays to move; then the tightest
      -- fit (the unit whose last stay ends latest before it).
      -- fit (the unit whose last stay ends latest before it). Of units
      -- alike for the rest of the search, only the best is tried.
      v_cands := array(
        select x.i from (
          select distinct on (greatest(v_unit_end[i], v_item_lo[v_level]),
                              v_fixed[i] * pg_catalog.datemultirange(pg_catalog.daterange(v_item_lo[v_level], v_hi)))
                 i, i is distinct from v_item_cur[v_level] as not_own,
                 case when v_level = v_new then v_overlaps[i] else 0 end as to_move,
                 (i is distinct from v_item_cur[v_level] and v_current[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level])) as displaces,
                 v_unit_end[i] as unit_end
            from pg_catalog.generate_subscripts(v_units, 1) i
           where v_unit_end[i] <= v_item_lo[v_level]
             and not (v_fixed[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level]))
           order by greatest(v_unit_end[i], v_item_lo[v_level]),
                    v_fixed[i] * pg_catalog.datemultirange(pg_catalog.daterange(v_item_lo[v_level], v_hi)),
                    i is distinct from v_item_cur[v_level], case when v_level = v_new then v_overlaps[i] else 0 end,
                    (i is distinct from v_item_cur[v_level] and v_current[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level])),
                    v_unit_end[i] desc, i) x
         order by x.not_own, x.to_move, x.displaces, x.unit_end desc, x.i);
      v_p := v_pos[v_level] + 1;
      if v_p > coalesce(pg_catalog.array_length(v_cands, 1), 0) then
        v_pos[v_level] := 0;
        v_level := v_level - 1;
        if v_level >= 1 then
          v_unit_end[v_unit_of[v_level]] := v_prev_end[v_level];
        end if;
        continue;
      end if;
      v_pos[v_level] := v_p;
      v_u := v_cands[v_p];
      v_prev_end[v_level] := v_unit_end[v_u];
      v_unit_end[v_u] := greatest(v_unit_end[v_u], v_item_hi[v_level]);
      v_unit_of[v_level] := v_u;
      v_level := v_level + 1;
    end loop;
    if v_level <= n then
      -- No arrangement in this window: a wider one, if there is wider.
      if not v_closed then
        v_hops := case when v_hops >= 8 then null else v_hops * 2 end;
        continue;
      end if;
      -- No arrangement (or the search gave up). When stays being changed
      -- right now were held still, wait a little and plan again with them.
      if pg_catalog.cardinality(v_busy) > 0 and v_waits < 4 then
        v_waits := v_waits + 1;
        perform pg_catalog.pg_sleep(0.005 * (1 << v_waits));
        v_busy := '{}';
        continue;
      end if;
      return null;
    end if;

    -- The reservations of the stays to move, locked without waiting; a
    -- stay whose reservation someone else is changing is held still.
    v_to_move := array(select v_item_res[i] from pg_catalog.generate_series(1, n) i
                        where i <> v_new and v_unit_of[i] <> v_item_cur[i]);
    v_locked := array(select r.id from app_public.reservations r
                       where r.property_id = reallocate_for.property_id and r.id = any (v_to_move)
                       order by r.id for update skip locked);
    if pg_catalog.cardinality(v_locked) < pg_catalog.cardinality(v_to_move) then
      v_busy := v_busy || array(select x from pg_catalog.unnest(v_to_move) x where x <> all (v_locked));
      continue;
    end if;

    begin
      -- Expired holds over the window give way, as everywhere.
      update app_public.inventory_claims c set released_at = pg_catalog.now()
       where c.property_id = reallocate_for.property_id and c.unit_id = any (v_units) and c.stay && pg_catalog.daterange(v_lo, v_hi)
         and c.released_at is null and c.kind = 'hold' and c.expires_at <= pg_catalog.now();
      -- A move is what a room move by hand is: the stay's claim released,
      -- a new one on the other unit (all released first, so the new layout
      -- never meets the old one).
      for i in 1..n loop
        continue when i = v_new or v_unit_of[i] = v_item_cur[i];
        update app_public.inventory_claims c set released_at = pg_catalog.now()
         where c.id = v_item_claim[i] and c.unit_id = v_units[v_item_cur[i]] and c.released_at is null;
        if not found then
          raise exception using errcode = '40001', message = 'A stay to move changed meanwhile.';
        end if;
      end loop;
      for i in 1..n loop
        continue when i = v_new or v_unit_of[i] = v_item_cur[i];
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
        select c.property_id, v_units[v_unit_of[i]], c.stay, c.kind, c.reservation_id, c.expires_at, c.note, c.created_by
          from app_public.inventory_claims c where c.id = v_item_claim[i];
        update app_public.reservations r set unit_id = v_units[v_unit_of[i]]
         where r.property_id = reallocate_for.property_id and r.id = v_item_res[i];
        insert into app_public.allocation_moves (property_id, reservation_id, from_unit_id, to_unit_id, arrival, departure, caused_by_reservation_id)
        values (reallocate_for.property_id, v_item_res[i], v_units[v_item_cur[i]], v_units[v_unit_of[i]], v_item_lo[i], v_item_hi[i],
                reallocate_for.reservation_id);
      end loop;
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (reallocate_for.property_id, v_units[v_unit_of[v_new]], reallocate_for.stay, reallocate_for.kind, reallocate_for.reservation_id,
              reallocate_for.expires_at, reallocate_for.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation or serialization_failure or deadlock_detected then
      -- Someone took a night meanwhile: plan again from what is there.
      null;
    end;
  end loop;
  return null;
end;
$function$;
comment on function app_private.reallocate_for(property_id uuid, room_type_id uuid, stay daterange, kind app_public.claim_kind, reservation_id uuid, expires_at timestamp with time zone, note text) is 'Claims a unit of a hotel room type for a stay that fits by count, moving stays that may move to other units of the type; null when none can be arranged.';

-- ----------------------------------------------------------------------------
-- function app_private.record_authorization(attempt_id uuid, charge_id text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_authorization(attempt_id uuid, charge_id text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  update app_public.payment_attempts a set status = 'authorized', provider_charge_id = record_authorization.charge_id
   where a.id = record_authorization.attempt_id and a.status = 'pending'
  returning * into v_attempt;
  if found then
    update app_public.payment_intents i set status = 'authorized'
     where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status = 'processing';
  end if;
end;
$function$;
grant execute on function app_private.record_authorization(attempt_id uuid, charge_id text) to keepr_worker;
comment on function app_private.record_authorization(attempt_id uuid, charge_id text) is 'Records that the provider authorized an attempt (idempotent).';

-- ----------------------------------------------------------------------------
-- function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamp with time zone, card jsonb)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamp with time zone, card jsonb DEFAULT NULL::jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_card app_private.cards_on_file;
  v_brand text := pg_catalog.lower(card ->> 'brand');
  v_last4 text := card ->> 'last4';
begin
  -- The reservation first (the order every booking function locks in), so
  -- a capture and the deadline's cancellation job take turns.
  perform 1
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
    join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
   where a.id = record_capture.attempt_id
     for update of r;
  select * into v_attempt from app_public.payment_attempts a where a.id = record_capture.attempt_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = pg_catalog.format('No payment attempt %s.', record_capture.attempt_id);
  end if;
  if v_attempt.status = 'captured' then
    return;
  end if;
  -- What is known of the card: the provider's word, else what the card
  -- form said when it was put on file.
  select c.* into v_card from app_private.cards_on_file c
    join app_public.payment_intents i on i.reservation_id = c.reservation_id
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id;
  if v_card.payment_token = v_attempt.payment_token then
    v_brand := coalesce(v_brand, v_card.brand);
    v_last4 := coalesce(v_last4, v_card.last4);
  end if;
  if v_last4 !~ '^[0-9]{4}$' or v_brand !~ '^[a-z_]{1,20}$' then
    v_brand := null;
    v_last4 := null;
  end if;
  update app_public.payment_attempts a
     set status = 'captured', provider_charge_id = record_capture.charge_id, captured_at = record_capture.captured_at,
         failure_code = null, failure_message = null, card_brand = v_brand, card_last4 = v_last4
   where a.id = v_attempt.id;
  -- The intent is what was captured on it: an intent resized while its
  -- attempt ran (or after Keepr gave up on it) does not claim more; the
  -- schedule below opens what is still due.
  update app_public.payment_intents i
     set status = 'captured', amount = i.amount_captured + v_attempt.amount,
         amount_captured = i.amount_captured + v_attempt.amount, failure_code = null, failure_message = null
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id
  returning * into v_intent;

  select * into v_res from app_public.reservations r where r.property_id = v_intent.property_id and r.id = v_intent.reservation_id for update;
  perform app_private.post_entry(v_attempt.property_id, 'payment', v_attempt.id, 'payment:' || v_attempt.id || ':capture',
    coalesce('Card payment, ' || app_private.card_label(v_brand, v_last4), 'Card payment'),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', v_attempt.amount, 'currency', v_attempt.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_intent.folio_id, 'amount', -v_attempt.amount, 'currency', v_attempt.currency)));

  perform app_private.schedule_payments(v_res);
  if v_res.status in ('confirmed', 'checked_in', 'checked_out') then
    perform app_private.set_card_on_file(v_res, v_attempt.payment_token, v_brand, v_last4, v_attempt.created_at);
    select * into v_res from app_public.reservations r where r.id = v_res.id;
    perform app_private.clear_payment_due(v_res);
  end if;
  perform app_private.refund_overpayment(v_res, case when v_res.status in ('cancelled', 'no_show')
                                                     then 'Paid after the reservation was cancelled'
                                                     else 'Paid more than the reservation costs' end);
end;
$function$;
grant execute on function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamp with time zone, card jsonb) to keepr_worker;
comment on function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamp with time zone, card jsonb) is 'Records a captured charge: attempt and intent captured, Dr payment clearing / Cr the folio (idempotent); the card becomes the card on file and a payment deadline ends when nothing due is unpaid.';

-- ----------------------------------------------------------------------------
-- function app_private.record_channel_feed_error(feed_id uuid, error text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_channel_feed_error(feed_id uuid, error text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.channel_feeds f
     set last_polled_at = pg_catalog.now(), last_error = pg_catalog.left(record_channel_feed_error.error, 1000), last_error_at = pg_catalog.now(),
         consecutive_failures = f.consecutive_failures + 1,
         next_poll_at = pg_catalog.now() + least(pg_catalog.make_interval(mins => f.poll_interval_minutes) * (2 ^ least(f.consecutive_failures, 8)),
                                                interval '6 hours')
   where f.id = record_channel_feed_error.feed_id;
$function$;
grant execute on function app_private.record_channel_feed_error(feed_id uuid, error text) to keepr_worker;
comment on function app_private.record_channel_feed_error(feed_id uuid, error text) is 'Records a failed poll (blocks kept) and backs the next one off.';

-- ----------------------------------------------------------------------------
-- function app_private.record_due_no_shows()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_due_no_shows()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_property record;
  v_res app_public.reservations;
  v_count integer := 0;
begin
  for v_property in
    select p.id, p.business_date from app_public.properties p where p.business_date is not null order by p.id
  loop
    for v_res in
      select r.* from app_public.reservations r
       where r.property_id = v_property.id and r.status = 'confirmed'
         and pg_catalog.lower(r.stay) < v_property.business_date
         and app_private.no_show_from(r) <= pg_catalog.now()
       order by pg_catalog.lower(r.stay), r.id
         for update of r skip locked
    loop
      perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
      v_count := v_count + 1;
    end loop;
  end loop;
  return v_count;
end;
$function$;
grant execute on function app_private.record_due_no_shows() to keepr_worker;
comment on function app_private.record_due_no_shows() is 'Cron: records the no-shows of closed days whose no-show time has come since the night audit; returns how many.';

-- ----------------------------------------------------------------------------
-- function app_private.record_exports_purged(ids uuid[])
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_exports_purged(ids uuid[])
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with purged as (
    update app_public.exports e set purged_at = pg_catalog.now()
     where e.id = any(record_exports_purged.ids) and e.purged_at is null and e.expires_at <= pg_catalog.now()
    returning 1
  )
  select pg_catalog.count(*)::integer from purged;
$function$;
grant execute on function app_private.record_exports_purged(ids uuid[]) to keepr_worker;
comment on function app_private.record_exports_purged(ids uuid[]) is 'Records that the files of these expired exports were deleted; returns how many.';

-- ----------------------------------------------------------------------------
-- function app_private.record_invoice_delivery(id uuid, status text, message_id text, error text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_invoice_delivery(id uuid, status text, message_id text, error text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.invoice_deliveries d
     set status = record_invoice_delivery.status::app_public.invoice_delivery_status,
         attempts = d.attempts + 1,
         provider_message_id = coalesce(record_invoice_delivery.message_id, d.provider_message_id),
         last_error = pg_catalog.left(record_invoice_delivery.error, 1000),
         sent_at = case when record_invoice_delivery.status = 'sent' then pg_catalog.now() end
   where d.id = record_invoice_delivery.id and d.status <> 'sent';
$function$;
grant execute on function app_private.record_invoice_delivery(id uuid, status text, message_id text, error text) to keepr_worker;
comment on function app_private.record_invoice_delivery(id uuid, status text, message_id text, error text) is 'Records a try of sending an invoice by email: sent, failed, or pending with the error; never un-sends.';

-- ----------------------------------------------------------------------------
-- function app_private.record_job_runs(runs jsonb)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_job_runs(runs jsonb)
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  insert into app_private.job_minutes as m (task, minute, runs, failures, pickup_ms_sum, pickup_ms_max, run_ms_sum)
  select r.task, pg_catalog.date_trunc('minute', r.at), count(*), count(*) filter (where not r.ok),
         sum(r.pickup_ms), max(r.pickup_ms), sum(r.run_ms)
    from pg_catalog.jsonb_to_recordset(runs) r(task text, at timestamptz, ok boolean, pickup_ms integer, run_ms integer)
   group by 1, 2
  on conflict (task, minute) do update
    set runs = m.runs + excluded.runs, failures = m.failures + excluded.failures, pickup_ms_sum = m.pickup_ms_sum + excluded.pickup_ms_sum,
        pickup_ms_max = greatest(m.pickup_ms_max, excluded.pickup_ms_max), run_ms_sum = m.run_ms_sum + excluded.run_ms_sum;
  delete from app_private.job_minutes m where m.minute < pg_catalog.now() - interval '7 days';
$function$;
comment on function app_private.record_job_runs(runs jsonb) is 'Adds a batch of job outcomes [{task, at, ok, pickup_ms, run_ms}] to the per-minute counts.';

-- ----------------------------------------------------------------------------
-- function app_private.record_no_show(reservation app_public.reservations, ledger_key text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_no_show(reservation app_public.reservations, ledger_key text)
 RETURNS app_public.reservations
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint := app_private.cancellation_penalty(reservation, pg_catalog.now());
begin
  perform app_private.release_claims(reservation);
  update app_public.reservations r
     set status = 'no_show', no_show_at = pg_catalog.now(), penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty
   where r.id = reservation.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, ledger_key, 'Booking ' || v_res.confirmation_code || ' no-show'
    || case when v_res.penalty_amount > 0 then ', no-show fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency) else '' end);
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'No-show');
  return v_res;
end;
$function$;
comment on function app_private.record_no_show(reservation app_public.reservations, ledger_key text) is 'Applies a no-show to a locked confirmed reservation: penalty, unit freed, folio, payments and refunds.';

-- ----------------------------------------------------------------------------
-- function app_private.record_notification(id uuid, status app_public.notification_status, subject text, body_text text, provider_message_id text, error text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_notification(id uuid, status app_public.notification_status, subject text, body_text text, provider_message_id text, error text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.notifications n
     set status = record_notification.status,
         attempts = n.attempts + 1,
         subject = coalesce(record_notification.subject, n.subject),
         body_text = coalesce(record_notification.body_text, n.body_text),
         provider_message_id = coalesce(record_notification.provider_message_id, n.provider_message_id),
         last_error = pg_catalog.left(record_notification.error, 1000),
         sent_at = case when record_notification.status = 'sent' then pg_catalog.now() end
   where n.id = record_notification.id and n.status <> 'sent';
$function$;
grant execute on function app_private.record_notification(id uuid, status app_public.notification_status, subject text, body_text text, provider_message_id text, error text) to keepr_worker;
comment on function app_private.record_notification(id uuid, status app_public.notification_status, subject text, body_text text, provider_message_id text, error text) is 'Records a delivery attempt''s outcome (sent, failed, skipped, or pending with the error); never un-sends.';

-- ----------------------------------------------------------------------------
-- function app_private.record_payment_failure(attempt_id uuid, code text, message text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_payment_failure(attempt_id uuid, code text, message text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_hours integer;
begin
  -- The reservation first (the order every booking function locks in).
  select r.* into v_res
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
    join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
   where a.id = record_payment_failure.attempt_id
     for update of r;
  update app_public.payment_attempts a
     set status = 'failed', failure_code = coalesce(record_payment_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_payment_failure.message, 500)
   where a.id = record_payment_failure.attempt_id and a.status in ('pending', 'authorized')
  returning * into v_attempt;
  if not found then
    return;
  end if;
  select * into v_intent from app_public.payment_intents i
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status in ('processing', 'authorized')
   for update;
  if not found then
    return;
  end if;
  -- The reservation changed while this payment ran and has an open intent
  -- of the kind already: that one takes over this amount, and this one is
  -- closed with its reason.
  update app_public.payment_intents i set amount = i.amount + v_intent.amount
   where i.property_id = v_intent.property_id and i.reservation_id = v_intent.reservation_id and i.kind = v_intent.kind
     and i.id <> v_intent.id and i.status in ('requires_payment', 'failed');
  if found then
    update app_public.payment_intents i
       set status = 'cancelled', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.id = v_intent.id;
  else
    update app_public.payment_intents i
       set status = 'failed', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.id = v_intent.id;
  end if;

  if v_res.status = 'confirmed' and v_intent.kind <> 'incidental' and v_intent.due_at <= pg_catalog.now()
     and v_res.payment_due_by is null and v_res.payment_guarantee_waived_at is null then
    select rp.payment_deadline_hours into v_hours
      from app_public.rate_plans rp where rp.property_id = v_res.property_id and rp.id = v_res.rate_plan_id;
    update app_public.reservations r
       set payment_due_by = pg_catalog.date_trunc('minute', pg_catalog.now()) + pg_catalog.make_interval(hours => coalesce(v_hours, 24))
     where r.id = v_res.id
    returning * into v_res;
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  end if;
end;
$function$;
grant execute on function app_private.record_payment_failure(attempt_id uuid, code text, message text) to keepr_worker;
comment on function app_private.record_payment_failure(attempt_id uuid, code text, message text) is 'Records that an attempt failed, with the reason (idempotent; never undoes a capture); a due payment that failed makes a confirmed booking "payment due" with its plan''s deadline and queues the cancellation job.';

-- ----------------------------------------------------------------------------
-- function app_private.record_refund(refund_id uuid, provider_refund_id text, refunded_at timestamp with time zone)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_refund(refund_id uuid, provider_refund_id text, refunded_at timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_intent app_public.payment_intents;
begin
  update app_public.refunds f
     set status = 'succeeded', provider_refund_id = record_refund.provider_refund_id, refunded_at = record_refund.refunded_at,
         failure_code = null, failure_message = null
   where f.id = record_refund.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  update app_public.payment_intents i
     set amount_refunded = i.amount_refunded + v_refund.amount,
         status = case when i.amount_refunded + v_refund.amount = i.amount_captured then 'refunded' else 'partially_refunded' end::app_public.payment_status
   where i.property_id = v_refund.property_id and i.id = v_refund.intent_id
  returning * into v_intent;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':paid',
    pg_catalog.format('Card refund %s', record_refund.provider_refund_id),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', -v_refund.amount, 'currency', v_refund.currency)));
end;
$function$;
grant execute on function app_private.record_refund(refund_id uuid, provider_refund_id text, refunded_at timestamp with time zone) to keepr_worker;
comment on function app_private.record_refund(refund_id uuid, provider_refund_id text, refunded_at timestamp with time zone) is 'Records a refund paid by the provider: Dr refunds due / Cr payment clearing (idempotent).';

-- ----------------------------------------------------------------------------
-- function app_private.record_refund_failure(refund_id uuid, code text, message text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.record_refund_failure(refund_id uuid, code text, message text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_folio_id uuid;
begin
  update app_public.refunds f
     set status = 'failed', failure_code = coalesce(record_refund_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_refund_failure.message, 500)
   where f.id = record_refund_failure.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  select i.folio_id into v_folio_id from app_public.payment_intents i where i.property_id = v_refund.property_id and i.id = v_refund.intent_id;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':failed',
    'Refund of ' || app_hidden.format_money(v_refund.amount, v_refund.currency) || ' failed ('
      || pg_catalog.replace(v_refund.failure_code, '_', ' ') || '): back on the folio',
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio_id, 'amount', -v_refund.amount, 'currency', v_refund.currency)),
    reverses_entry_id => (select e.id from app_public.journal_entries e
                           where e.property_id = v_refund.property_id and e.idempotency_key = 'refund:' || v_refund.id || ':requested'));
end;
$function$;
grant execute on function app_private.record_refund_failure(refund_id uuid, code text, message text) to keepr_worker;
comment on function app_private.record_refund_failure(refund_id uuid, code text, message text) is 'Records a failed refund and reverses its folio entry (idempotent).';

-- ----------------------------------------------------------------------------
-- function app_private.refund_overpayment(reservation app_public.reservations, reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.refund_overpayment(reservation app_public.reservations, reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_due bigint := case when reservation.status in ('cancelled', 'no_show') then coalesce(reservation.penalty_amount, 0)
                       else reservation.total_amount end;
  v_excess bigint;
  v_intent record;
  v_amount bigint;
  v_refunded bigint := 0;
begin
  select coalesce(sum(i.amount_captured - i.amount_refunded), 0)
         - coalesce((select sum(f.amount) from app_public.refunds f
                      where f.property_id = reservation.property_id and f.status = 'pending'
                        and f.intent_id in (select i2.id from app_public.payment_intents i2
                                             where i2.property_id = reservation.property_id and i2.reservation_id = reservation.id
                                               and i2.kind <> 'incidental')), 0)
         - v_due
    into v_excess
    from app_public.payment_intents i
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind <> 'incidental';

  for v_intent in
    select i.*, i.amount_captured - i.amount_refunded
                - coalesce((select sum(f.amount) from app_public.refunds f
                             where f.property_id = i.property_id and f.intent_id = i.id and f.status = 'pending'), 0) as refundable
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.amount_captured > i.amount_refunded
       and i.kind <> 'incidental'
     order by i.created_at desc
       for update
  loop
    exit when v_excess <= 0;
    v_amount := least(v_excess, v_intent.refundable);
    if v_amount > 0 then
      perform app_private.start_refund(pg_catalog.jsonb_populate_record(null::app_public.payment_intents, pg_catalog.to_jsonb(v_intent)),
                                       v_amount, reason);
      v_excess := v_excess - v_amount;
      v_refunded := v_refunded + v_amount;
    end if;
  end loop;
  return v_refunded;
end;
$function$;
comment on function app_private.refund_overpayment(reservation app_public.reservations, reason text) is 'Refunds what was paid for a reservation beyond what it costs now (the penalty, once cancelled); returns the amount.';

-- ----------------------------------------------------------------------------
-- function app_private.refuse_guest_change(reservation app_public.reservations, refusal text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.refuse_guest_change(reservation app_public.reservations, refusal text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  raise exception using errcode = 'DNIED', hint = refusal, message = case refusal
    when 'NOT_CONFIRMED' then pg_catalog.format('This booking is %s; it cannot be changed.', reservation.status)
    when 'RATE_PLAN' then 'This rate does not allow changes online; please contact the property.'
    when 'NOT_REFUNDABLE' then 'This booking is non-refundable and cannot be changed online; please contact the property.'
    when 'PAST_DEADLINE' then 'The free-cancellation deadline has passed; the booking can no longer be changed online. Please contact the property.'
    when 'DATES_ONLY' then 'Guests may change the dates and the number of guests; the property changes rooms and rates.'
    else 'This booking cannot be changed online.'
  end;
end;
$function$;
comment on function app_private.refuse_guest_change(reservation app_public.reservations, refusal text) is 'Raises ACCESS_DENIED with the guest-change refusal as the reason.';

-- ----------------------------------------------------------------------------
-- function app_private.release_claims(r app_public.reservations, from_date date)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.release_claims(r app_public.reservations, from_date date DEFAULT NULL::date)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = r.property_id and c.reservation_id = r.id and c.released_at is null
     and (from_date is null or pg_catalog.lower(c.stay) >= from_date);
  if from_date is not null then
    update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), from_date)
     where c.property_id = r.property_id and c.reservation_id = r.id and c.released_at is null
       and pg_catalog.upper(c.stay) > from_date;
  end if;
end;
$function$;
comment on function app_private.release_claims(r app_public.reservations, from_date date) is 'Releases a reservation''s live claims from a date on (all when null), trimming a claim that spans the date.';

-- ----------------------------------------------------------------------------
-- function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_freed datemultirange;
begin
  with released as (
    update app_public.inventory_claims c
       set released_at = pg_catalog.now()
     where c.property_id = release_expired_holds.property_id
       and c.unit_id = release_expired_holds.unit_id
       and c.stay && release_expired_holds.stay
       and c.released_at is null
       and c.kind = 'hold'
       and c.expires_at <= pg_catalog.now()
    returning c.stay
  )
  select pg_catalog.range_agg(r.stay) into v_freed from released r;
  if v_freed is not null then
    perform app_private.hand_nights_to_channels(release_expired_holds.property_id, release_expired_holds.unit_id, v_freed);
  end if;
end;
$function$;
comment on function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange) is 'Releases the expired holds on a unit that overlap a stay; a channel booking on their nights gets them first.';

-- ----------------------------------------------------------------------------
-- function app_private.release_stale_claims()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.release_stale_claims()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with released as (
    update app_public.inventory_claims c
       set released_at = pg_catalog.now()
     where c.released_at is null and c.kind = 'hold' and c.expires_at < pg_catalog.now() - interval '1 minute'
    returning 1
  )
  select count(*)::integer from released;
$function$;
grant execute on function app_private.release_stale_claims() to keepr_worker;
comment on function app_private.release_stale_claims() is 'Releases holds that expired over a minute ago; returns how many.';

-- ----------------------------------------------------------------------------
-- function app_private.renumber_tax_accounts()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.renumber_tax_accounts()
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  r record;
  v_code text;
  v_count integer := 0;
begin
  for r in
    select a.id, a.property_id
      from app_public.ledger_accounts a
      join app_public.taxes t on t.property_id = a.property_id and t.id = a.tax_id
     where a.purpose = 'tax_payable' and a.code like '2100-%'
     order by a.property_id, t.created_at, t.name, t.id
  loop
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('ledger_accounts:' || r.property_id::text, 0));
    select coalesce(min(c)::text, '2100.' || pg_catalog.left(r.id::text, 8)) into v_code
      from pg_catalog.generate_series(2101, 2199) c
     where not exists (select 1 from app_public.ledger_accounts x where x.property_id = r.property_id and x.code = c::text);
    update app_public.ledger_accounts set code = v_code where id = r.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$function$;
comment on function app_private.renumber_tax_accounts() is 'Renumbers tax-payable accounts with generated codes (2100-<id>) to 2101, 2102, … per property (postings reference accounts by id).';

-- ----------------------------------------------------------------------------
-- function app_private.require_staff(property_id uuid, roles app_public.staff_role[], what text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.require_staff(property_id uuid, roles app_public.staff_role[], what text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  if require_staff.property_id in (select app_hidden.current_property_ids(require_staff.roles)) then
    return;
  end if;
  if require_staff.property_id in (select app_hidden.current_property_ids()) then
    raise exception using errcode = 'DNIED',
      message = pg_catalog.format('Your role at this property does not allow you to %s.', what);
  end if;
  raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
end;
$function$;
comment on function app_private.require_staff(property_id uuid, roles app_public.staff_role[], what text) is 'Raises NOT_FOUND (not staff of the property) or ACCESS_DENIED (role not allowed) unless the caller has one of the roles there.';

-- ----------------------------------------------------------------------------
-- function app_private.room_type_units_left(property_ids uuid[], stay daterange, only_room_type_id uuid)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.room_type_units_left(property_ids uuid[], stay daterange, only_room_type_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(room_type_id uuid, units_left integer)
 LANGUAGE sql
 STABLE PARALLEL SAFE ROWS 20
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with units as materialized (
    select u.property_id, u.room_type_id, u.id, p.kind
      from pg_catalog.unnest(room_type_units_left.property_ids) x(id)
      join app_public.properties p on p.id = x.id
      join app_public.units u on u.property_id = p.id
     where u.is_active and (room_type_units_left.only_room_type_id is null or u.room_type_id = room_type_units_left.only_room_type_id)
  ), live as materialized (
    -- The live claims overlapping the stay, read once per property from the
    -- covering index inventory_claims_live_stay_idx (property_id, stay)
    -- include (unit_id, expires_at) where released_at is null (an index-only
    -- scan), not unit by unit from the exclusion constraint's index.
    select c.property_id, c.unit_id, c.stay * room_type_units_left.stay as nights
      from pg_catalog.unnest(room_type_units_left.property_ids) x(id)
      join app_public.inventory_claims c on c.property_id = x.id
     where c.stay && room_type_units_left.stay and c.released_at is null
       and (c.expires_at is null or c.expires_at > pg_catalog.now())
  ), claims as (
    select u.room_type_id, u.kind, c.unit_id, c.nights
      from live c
      join units u on u.property_id = c.property_id and u.id = c.unit_id
  ), busiest as (
    -- A hotel: the units taken on the stay's busiest night.
    select n.room_type_id, max(n.taken) as taken
      from (select c.room_type_id, d.night, count(*) as taken
              from claims c
             cross join lateral pg_catalog.generate_series(pg_catalog.lower(c.nights), pg_catalog.upper(c.nights) - 1, interval '1 day') d(night)
             where c.kind = 'hotel'
             group by c.room_type_id, d.night) n
     group by n.room_type_id
  ), claimed as (
    -- A vacation rental: the units taken on any night of the stay.
    select c.room_type_id, count(distinct c.unit_id) as taken
      from claims c
     where c.kind = 'vacation_rental'
     group by c.room_type_id
  )
  select u.room_type_id, (count(*) - coalesce(max(b.taken), max(v.taken), 0))::integer
    from units u
    left join busiest b on b.room_type_id = u.room_type_id
    left join claimed v on v.room_type_id = u.room_type_id
   group by u.room_type_id;
$function$;
comment on function app_private.room_type_units_left(property_ids uuid[], stay daterange, only_room_type_id uuid) is 'Per room type of the given properties: how many more stays fit on every night of the stay, by count (a hotel), or the units free for the whole stay (a vacation rental).';

-- ----------------------------------------------------------------------------
-- function app_private.run_night_audits()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.run_night_audits()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_property_id uuid;
  v_count integer := 0;
begin
  for v_property_id in
    select p.id from app_public.properties p
     where p.business_date < (pg_catalog.now() at time zone p.time_zone)::date
     order by p.business_date, p.id
  loop
    begin
      perform 1 from app_public.properties p where p.id = v_property_id for update skip locked;
      continue when not found;
      while (app_private.close_business_day(v_property_id)).id is not null loop
        v_count := v_count + 1;
      end loop;
    exception when others then
      insert into app_public.night_audits (property_id, business_date, error)
      select p.id, p.business_date, pg_catalog.left(sqlerrm || ' (' || sqlstate || ')', 1000)
        from app_public.properties p where p.id = v_property_id
      on conflict (property_id, business_date) do update set error = excluded.error;
      raise warning 'night audit of property % failed: % (%)', v_property_id, sqlerrm, sqlstate;
    end;
  end loop;
  return v_count;
end;
$function$;
grant execute on function app_private.run_night_audits() to keepr_worker;
comment on function app_private.run_night_audits() is 'Closes every business day that is over, at every property; returns how many.';

-- ----------------------------------------------------------------------------
-- function app_private.schedule_channel_polls()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.schedule_channel_polls()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_feed record;
  v_count integer := 0;
begin
  for v_feed in
    select f.id, f.poll_interval_minutes from app_public.channel_feeds f
     where f.is_active and f.next_poll_at <= pg_catalog.now()
     order by f.next_poll_at
       for update skip locked
  loop
    perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                    job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
    update app_public.channel_feeds f
       set next_poll_at = pg_catalog.now() + pg_catalog.make_interval(secs => v_feed.poll_interval_minutes * 60 * (1 + pg_catalog.random() / 5))
     where f.id = v_feed.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$function$;
grant execute on function app_private.schedule_channel_polls() to keepr_worker;
comment on function app_private.schedule_channel_polls() is 'Cron: queues the sync of every due feed (once), with jitter on the next poll.';

-- ----------------------------------------------------------------------------
-- function app_private.schedule_payments(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.schedule_payments(reservation app_public.reservations)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_folio_id uuid;
  v_deposit bigint;
  v_balance_due_at timestamptz;
  v_kind record;
  v_committed bigint;
  v_open app_public.payment_intents;
begin
  if reservation.status in ('cancelled', 'no_show') then
    update app_public.payment_intents i set status = 'cancelled'
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id
       and i.status in ('requires_payment', 'failed');
    return;
  end if;
  if reservation.status not in ('confirmed', 'checked_in') then
    -- A hold owes nothing yet; after check-out the price no longer changes
    -- and what is open stays open.
    return;
  end if;

  select * into v_plan from app_public.rate_plans rp where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id;
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  v_deposit := round(reservation.total_amount * v_plan.deposit_percent / 100)::bigint;
  select greatest(pg_catalog.now(), ((pg_catalog.lower(reservation.stay) - v_plan.balance_due_days)::timestamp + p.check_in_time) at time zone p.time_zone)
    into v_balance_due_at
    from app_public.properties p where p.id = reservation.property_id;

  for v_kind in
    select k.kind::app_public.payment_kind as kind, k.due, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
  loop
    select coalesce(sum(i.amount), 0) into v_committed
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('processing', 'authorized', 'captured', 'partially_refunded', 'refunded');
    select * into v_open from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('requires_payment', 'failed')
     for update;
    if v_kind.due - v_committed > 0 then
      if v_open.id is null then
        insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at)
        values (reservation.property_id, reservation.id, v_folio_id, v_kind.kind, v_kind.due - v_committed, reservation.currency, v_kind.due_at);
      elsif v_open.amount <> v_kind.due - v_committed or (v_kind.kind = 'balance' and v_open.due_at <> v_kind.due_at) then
        update app_public.payment_intents i set amount = v_kind.due - v_committed, currency = reservation.currency,
               due_at = case when v_kind.kind = 'balance' then v_kind.due_at else i.due_at end
         where i.id = v_open.id;
      end if;
    elsif v_open.id is not null then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_open.id;
    end if;
  end loop;
  -- What the guest paid at the desk (cash, bank) or a company took over is
  -- not asked of the card again.
  perform app_private.cap_open_intents(reservation);
end;
$function$;
comment on function app_private.schedule_payments(reservation app_public.reservations) is 'Creates, resizes or cancels a reservation''s open payment intents (deposit, balance) so that collected plus open equals what it costs.';

-- ----------------------------------------------------------------------------
-- function app_private.schedule_stayover_cleaning()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.schedule_stayover_cleaning()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  with created as (
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, reservation_id)
    select r.property_id, r.unit_id, 'stayover_clean', app_private.local_today(r.property_id), r.id
      from app_public.reservations r
      join app_public.properties p on p.id = r.property_id
     where r.status = 'checked_in' and p.stayover_clean_nights > 0
       and app_private.local_today(r.property_id) > pg_catalog.lower(r.stay)
       and app_private.local_today(r.property_id) < pg_catalog.upper(r.stay)
       and (app_private.local_today(r.property_id) - pg_catalog.lower(r.stay)) % p.stayover_clean_nights = 0
       -- The guest hung do-not-disturb today (app_public.set_do_not_disturb).
       and r.do_not_disturb_on is distinct from app_private.local_today(r.property_id)
    on conflict do nothing
    returning 1
  )
  select count(*)::integer from created;
$function$;
grant execute on function app_private.schedule_stayover_cleaning() to keepr_worker;
comment on function app_private.schedule_stayover_cleaning() is 'Creates today''s stay-over cleaning tasks per each property''s rule; returns how many.';

-- ----------------------------------------------------------------------------
-- function app_private.set_card_on_file(reservation app_public.reservations, payment_token text, brand text, last4 text, since timestamp with time zone)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.set_card_on_file(reservation app_public.reservations, payment_token text, brand text, last4 text, since timestamp with time zone)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_current app_private.cards_on_file;
  v_brand text := case when lower(brand) ~ '^[a-z_]{1,20}$' then lower(brand) end;
  v_last4 text := case when last4 ~ '^[0-9]{4}$' then last4 end;
begin
  select * into v_current from app_private.cards_on_file c where c.reservation_id = reservation.id for update;
  if found then
    if v_current.set_at > since then
      return false;
    end if;
    if v_current.payment_token = set_card_on_file.payment_token then
      -- The same card: keep what is known of it.
      v_brand := coalesce(v_brand, v_current.brand);
      v_last4 := coalesce(v_last4, v_current.last4);
    end if;
    update app_private.cards_on_file c
       set payment_token = set_card_on_file.payment_token, brand = v_brand, last4 = v_last4, set_at = since
     where c.reservation_id = reservation.id;
  else
    insert into app_private.cards_on_file (reservation_id, property_id, payment_token, brand, last4, set_at)
    values (reservation.id, reservation.property_id, set_card_on_file.payment_token, v_brand, v_last4, since);
  end if;
  update app_public.payment_intents i set payment_token = set_card_on_file.payment_token
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id
     and i.status in ('requires_payment', 'failed') and i.payment_token is distinct from set_card_on_file.payment_token;
  update app_public.reservations r
     set card_brand = case when v_last4 is null then null else coalesce(v_brand, 'card') end, card_last4 = v_last4
   where r.id = reservation.id and (r.card_brand, r.card_last4) is distinct from
                                    (case when v_last4 is null then null else coalesce(v_brand, 'card') end, v_last4);
  return true;
end;
$function$;
comment on function app_private.set_card_on_file(reservation app_public.reservations, payment_token text, brand text, last4 text, since timestamp with time zone) is 'Makes a card token the card on file of a reservation (its open payments, brand and last four), unless a newer card is on file.';

-- ----------------------------------------------------------------------------
-- function app_private.shift_label(shift app_public.cash_shifts)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.shift_label(shift app_public.cash_shifts)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select 'shift of ' || coalesce((select u.display_name from app_public.users u where u.id = shift.opened_by), 'a former colleague');
$function$;
comment on function app_private.shift_label(shift app_public.cash_shifts) is '"shift of <name>", for ledger descriptions.';

-- ----------------------------------------------------------------------------
-- function app_private.sign(payload text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.sign(payload text)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to(payload, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
    from app_private.signing_keys k
   where k.name = 'quote';
$function$;
comment on function app_private.sign(payload text) is 'Signs a text with the quote key: unpadded base64url HMAC-SHA256.';

-- ----------------------------------------------------------------------------
-- function app_private.start_attempt(intent app_public.payment_intents, payment_token text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.start_attempt(intent app_public.payment_intents, payment_token text)
 RETURNS app_public.payment_attempts
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  insert into app_public.payment_attempts (property_id, intent_id, amount, currency, payment_token)
  values (intent.property_id, intent.id, intent.amount, intent.currency, start_attempt.payment_token)
  returning * into v_attempt;
  update app_public.payment_intents i
     set status = 'processing', payment_token = start_attempt.payment_token, failure_code = null, failure_message = null
   where i.id = intent.id;
  perform app_private.add_job('process_payment_attempt', pg_catalog.json_build_object('attempt_id', v_attempt.id),
                                  job_key := 'payment_attempt:' || v_attempt.id, max_attempts := 15);
  return v_attempt;
end;
$function$;
comment on function app_private.start_attempt(intent app_public.payment_intents, payment_token text) is 'Creates a payment attempt for an intent and queues its capture job (same transaction).';

-- ----------------------------------------------------------------------------
-- function app_private.start_due_payments()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.start_due_payments()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_intent app_public.payment_intents;
  v_started integer := 0;
begin
  for v_intent in
    select i.* from app_public.payment_intents i
      join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
     where i.status = 'requires_payment' and i.due_at <= pg_catalog.now() and i.payment_token is not null
       and r.status in ('confirmed', 'checked_in')
     order by i.due_at
       for update of i skip locked
  loop
    perform app_private.start_attempt(v_intent, v_intent.payment_token);
    v_started := v_started + 1;
  end loop;
  return v_started;
end;
$function$;
grant execute on function app_private.start_due_payments() to keepr_worker;
comment on function app_private.start_due_payments() is 'Cron: starts an attempt for every due intent with a card on file; returns the count.';

-- ----------------------------------------------------------------------------
-- function app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text)
 RETURNS app_public.refunds
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_left bigint := start_refund.amount;
  v_attempt record;
  v_refund app_public.refunds;
begin
  -- An intent can hold more than one captured charge (a capture that came
  -- in after Keepr gave up on it): refund them newest first, each up to
  -- what is left on it.
  for v_attempt in
    select a.id, a.amount - coalesce((select sum(f.amount) from app_public.refunds f
                                        where f.property_id = a.property_id and f.attempt_id = a.id and f.status <> 'failed'), 0) as refundable
      from app_public.payment_attempts a
     where a.property_id = intent.property_id and a.intent_id = intent.id and a.status = 'captured'
     order by a.captured_at desc, a.id
  loop
    exit when v_left <= 0;
    continue when v_attempt.refundable <= 0;
    insert into app_public.refunds (property_id, intent_id, attempt_id, amount, currency, reason, created_by)
    values (intent.property_id, intent.id, v_attempt.id, least(v_left, v_attempt.refundable), intent.currency, start_refund.reason,
            app_hidden.current_user_id())
    returning * into v_refund;
    v_left := v_left - v_refund.amount;
    perform app_private.post_entry(intent.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':requested',
      'Refund of ' || app_hidden.format_money(v_refund.amount, intent.currency) || ' requested'
        || coalesce(': ' || nullif(pg_catalog.btrim(start_refund.reason), ''), ''),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', intent.folio_id, 'amount', v_refund.amount, 'currency', intent.currency),
        pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', -v_refund.amount, 'currency', intent.currency)));
    perform app_private.add_job('process_refund', pg_catalog.json_build_object('refund_id', v_refund.id),
                                    job_key := 'refund:' || v_refund.id, max_attempts := 15);
  end loop;
  if v_refund.id is null or v_left > 0 then
    raise exception using errcode = 'TRANS', message = 'Only what was captured, less refunds made or under way, can be refunded.';
  end if;
  return v_refund;
end;
$function$;
comment on function app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text) is 'Refunds an amount of a captured intent (across its captured charges, newest first), posts it to the folio and queues the provider jobs (same transaction).';

-- ----------------------------------------------------------------------------
-- function app_private.stay_restrictions(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.stay_restrictions(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer)
 RETURNS TABLE(rate_plan_id uuid, restriction text, message text)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  return query
    select r.id, r.restriction,
           case r.restriction
             when 'MAX_OCCUPANCY' then pg_catalog.format('This room sleeps at most %s guests.', r.max_occupancy)
             when 'STOP_SELL' then pg_catalog.format('This rate is not on sale for the night of %s.', r.first_stop)
             when 'CLOSED_TO_ARRIVAL' then pg_catalog.format('Arrivals on %s are not possible on this rate.', stay_restrictions.arrival)
             when 'CLOSED_TO_DEPARTURE' then pg_catalog.format('Departures on %s are not possible on this rate.', stay_restrictions.departure)
             when 'MIN_STAY' then pg_catalog.format('Stays arriving on %s must be at least %s nights.', stay_restrictions.arrival, r.min_stay)
             when 'MAX_STAY' then pg_catalog.format('Stays arriving on %s can be at most %s nights.', stay_restrictions.arrival, r.max_stay)
           end
      from (
        select x.*,
               case
                 when stay_restrictions.adults + stay_restrictions.children > x.max_occupancy then 'MAX_OCCUPANCY'
                 when x.first_stop is not null then 'STOP_SELL'
                 when x.closed_to_arrival then 'CLOSED_TO_ARRIVAL'
                 when x.closed_to_departure then 'CLOSED_TO_DEPARTURE'
                 when stay_restrictions.departure - stay_restrictions.arrival < x.min_stay then 'MIN_STAY'
                 when stay_restrictions.departure - stay_restrictions.arrival > x.max_stay then 'MAX_STAY'
               end as restriction
          from (
            select rp.id, rt.max_occupancy, least(s.first_stop, pp.first_stop) as first_stop,
                   greatest(coalesce(a.min_stay, rp.min_stay), coalesce(pp.arrival_min_stay, pp.plan_min_stay)) as min_stay,
                   least(coalesce(a.max_stay, rp.max_stay), coalesce(pp.arrival_max_stay, pp.plan_max_stay)) as max_stay,
                   coalesce(a.closed_to_arrival, false) or coalesce(pp.closed_to_arrival, false) as closed_to_arrival,
                   coalesce(d.closed_to_departure, false) or coalesce(pp.closed_to_departure, false) as closed_to_departure
              from app_public.rate_plans rp
              join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
              left join app_public.rate_calendar a
                on a.property_id = rp.property_id and a.rate_plan_id = rp.id and a.date = stay_restrictions.arrival
              left join app_public.rate_calendar d
                on d.property_id = rp.property_id and d.rate_plan_id = rp.id and d.date = stay_restrictions.departure
              cross join lateral (
                select min(c.date) as first_stop
                  from app_public.rate_calendar c
                 where c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.stop_sell
                   and c.date >= stay_restrictions.arrival and c.date < stay_restrictions.departure
              ) s
              -- The parent's restrictions, read only for a derived plan (the
              -- condition on rp.parent_rate_plan_id gates the whole subquery).
              left join lateral (
                select par.min_stay as plan_min_stay, par.max_stay as plan_max_stay,
                       pa.min_stay as arrival_min_stay, pa.max_stay as arrival_max_stay,
                       pa.closed_to_arrival, pd.closed_to_departure,
                       (select min(c.date) from app_public.rate_calendar c
                         where c.property_id = par.property_id and c.rate_plan_id = par.id and c.stop_sell
                           and c.date >= stay_restrictions.arrival and c.date < stay_restrictions.departure) as first_stop
                  from app_public.rate_plans par
                  left join app_public.rate_calendar pa
                    on pa.property_id = par.property_id and pa.rate_plan_id = par.id and pa.date = stay_restrictions.arrival
                  left join app_public.rate_calendar pd
                    on pd.property_id = par.property_id and pd.rate_plan_id = par.id and pd.date = stay_restrictions.departure
                 where rp.parent_rate_plan_id is not null
                   and par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
                offset 0 -- kept a subquery (not flattened into the joins above), so the gate holds
              ) pp on true
             where rp.id = any (stay_restrictions.rate_plan_ids)
          ) x
      ) r;
end;
$function$;
comment on function app_private.stay_restrictions(rate_plan_ids uuid[], arrival date, departure date, adults integer, children integer) is 'For each rate plan: the first restriction that stops this stay (MAX_OCCUPANCY, STOP_SELL, CLOSED_TO_ARRIVAL, CLOSED_TO_DEPARTURE, MIN_STAY, MAX_STAY) and a message, or null.';

-- ----------------------------------------------------------------------------
-- function app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text, confirmed boolean)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text, confirmed boolean DEFAULT false)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '2s'
AS $function$
#variable_conflict use_column
declare
  c_confirm_wait constant interval := interval '5 minutes';
  v_feed app_public.channel_feeds;
  v_today date;
  v_fingerprint text;
  v_blocked integer;
  v_released integer;
  v_pending app_private.channel_feed_pending_changes;
  v_counts jsonb;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_now (uid text primary key, start_date date, end_date date, summary text) on commit drop;
  truncate pg_temp.feed_now;
  with valid as (
    select distinct on (e.uid) e.uid, e.start::date as start_date, e."end"::date as end_date,
           pg_catalog.left(coalesce(e.summary, ''), 200) as summary
      from pg_catalog.jsonb_to_recordset(events) as e(uid text, start text, "end" text, summary text, cancelled boolean)
     where not coalesce(e.cancelled, false) and e."end"::date > e.start::date and e."end"::date > v_today
     order by e.uid
  ), merged as (
    select pg_catalog.unnest(pg_catalog.range_agg(pg_catalog.daterange(v.start_date, v.end_date))) as nights from valid v
  )
  insert into pg_temp.feed_now
  select case when count(*) = 1 then min(v.uid)
              else 'merged:' || pg_catalog.md5(pg_catalog.string_agg(v.uid, E'\n' order by v.uid)) end,
         pg_catalog.lower(m.nights), pg_catalog.upper(m.nights),
         (pg_catalog.array_agg(v.summary order by v.start_date, v.uid))[1]
    from merged m
    join valid v on pg_catalog.daterange(v.start_date, v.end_date) <@ m.nights
   group by m.nights;

  -- The nights from today on that the feed blocks, and those this fetch gives back.
  select coalesce(pg_catalog.md5(pg_catalog.string_agg(n.uid || ' ' || n.start_date || ' ' || n.end_date, E'\n' order by n.uid)), 'empty')
    into v_fingerprint from pg_temp.feed_now n;
  with before as (
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(greatest(e.start_date, v_today), e.end_date)), '{}'::datemultirange) as nights
      from app_public.channel_feed_events e where e.feed_id = v_feed.id and e.end_date > v_today
  ), after as (
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(n.start_date, n.end_date)), '{}'::datemultirange) as nights from pg_temp.feed_now n
  )
  select (select coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0) from pg_catalog.unnest(b.nights) r),
         (select coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0) from pg_catalog.unnest(b.nights - a.nights) r)
    into v_blocked, v_released
    from before b, after a;

  if not confirmed and v_released > 0 and v_released * 2 > v_blocked then
    select * into v_pending from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;
    if not found or v_pending.fingerprint <> v_fingerprint then
      insert into app_private.channel_feed_pending_changes as p
             (feed_id, property_id, events, content_hash, fingerprint, reason, nights_released, nights_blocked, confirm_after)
      values (v_feed.id, v_feed.property_id, events, content_hash, v_fingerprint,
              case when not exists (select 1 from pg_temp.feed_now)
                   then 'The channel''s calendar came back empty: it would open all ' || v_blocked || ' blocked nights.'
                   else 'The channel''s calendar would open ' || v_released || ' of ' || v_blocked || ' blocked nights at once.' end,
              v_released, v_blocked, pg_catalog.now() + c_confirm_wait)
      on conflict (feed_id, property_id) do update
        set events = excluded.events, content_hash = excluded.content_hash, fingerprint = excluded.fingerprint, reason = excluded.reason,
            nights_released = excluded.nights_released, nights_blocked = excluded.nights_blocked,
            first_seen_at = pg_catalog.now(), last_seen_at = pg_catalog.now(), confirm_after = excluded.confirm_after
      returning * into v_pending;
    elsif v_pending.confirm_after > pg_catalog.now() then
      update app_private.channel_feed_pending_changes p set last_seen_at = pg_catalog.now()
       where p.feed_id = v_feed.id returning * into v_pending;
    else
      v_pending := null;  -- a later fetch agrees: apply it
    end if;
    if v_pending.feed_id is not null then
      update app_public.channel_feeds f
         set last_polled_at = pg_catalog.now(), last_error = null, last_error_at = null, consecutive_failures = 0,
             next_poll_at = least(f.next_poll_at, v_pending.confirm_after + interval '10 seconds')
       where f.id = v_feed.id;
      return pg_catalog.jsonb_build_object('waiting', true, 'nights_released', v_released, 'nights_blocked', v_blocked,
                                           'confirm_after', v_pending.confirm_after);
    end if;
  end if;
  delete from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;

  delete from app_public.channel_feed_events e
   where e.feed_id = v_feed.id and not exists (select 1 from pg_temp.feed_now n where n.uid = e.uid);
  insert into app_public.channel_feed_events as e (feed_id, property_id, uid, start_date, end_date, summary)
  select v_feed.id, v_feed.property_id, n.uid, n.start_date, n.end_date, n.summary from pg_temp.feed_now n
  on conflict (feed_id, uid, property_id) do update
    set start_date = excluded.start_date, end_date = excluded.end_date, summary = excluded.summary, seen_at = pg_catalog.now()
    where (e.start_date, e.end_date, e.summary) is distinct from (excluded.start_date, excluded.end_date, excluded.summary);

  v_counts := app_private.apply_channel_feed(v_feed.id);

  update app_public.channel_feeds f
     set last_polled_at = pg_catalog.now(), last_success_at = pg_catalog.now(), last_error = null, last_error_at = null,
         consecutive_failures = 0, events_seen = (select count(*) from pg_temp.feed_now), content_hash = sync_channel_feed.content_hash
   where f.id = v_feed.id;
  return v_counts;
end;
$function$;
grant execute on function app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text, confirmed boolean) to keepr_worker;
comment on function app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text, confirmed boolean) is 'Applies an OTA feed''s events to its unit (blocks for every free night of its bookings, conflicts for nights sold twice), unless the fetch would suddenly open most of its nights: that waits for a second fetch or staff. Returns counts.';

-- ----------------------------------------------------------------------------
-- function app_private.tg__create_ledger_accounts()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg__create_ledger_accounts()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform app_private.create_ledger_accounts(new.property_id);
  return null;
end;
$function$;
comment on function app_private.tg__create_ledger_accounts() is 'Trigger: gives a new property (or a new tax) its system accounts.';

-- ----------------------------------------------------------------------------
-- function app_private.tg__timestamps()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg__timestamps()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  new.created_at := case when tg_op = 'INSERT' then pg_catalog.now() else old.created_at end;
  new.updated_at := case when tg_op = 'UPDATE' and old.updated_at >= pg_catalog.now()
                         then old.updated_at + interval '1 millisecond'
                         else pg_catalog.now() end;
  return new;
end;
$function$;
comment on function app_private.tg__timestamps() is 'Trigger: sets created_at on insert and a strictly increasing updated_at on every write.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_channel_feeds__release_blocks()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_channel_feeds__release_blocks()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = old.property_id and c.feed_id = old.id and c.released_at is null;
  update app_public.inventory_claims c set feed_id = null
   where c.property_id = old.property_id and c.feed_id = old.id;
  return old;
end;
$function$;
comment on function app_private.tg_channel_feeds__release_blocks() is 'Trigger: a removed channel feed releases the blocks it made, which then name no feed.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_companies__city_ledger_folio()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_companies__city_ledger_folio()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  insert into app_public.folios (property_id, kind, company_id, label, currency, is_primary)
  select new.property_id, 'company', new.id, pg_catalog.left(new.name, 100), p.currency, false
    from app_public.properties p where p.id = new.property_id
  on conflict (property_id, company_id) where kind = 'company' do update set label = excluded.label;
  return null;
end;
$function$;
comment on function app_private.tg_companies__city_ledger_folio() is 'Trigger (after insert or rename of a company): makes its city-ledger folio, or renames it.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_folio_balances__folio_status()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_folio_balances__folio_status()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if new.balance <> 0 then
    update app_public.folios f set status = 'open', closed_at = null
     where f.property_id = new.property_id and f.id = new.folio_id and f.status = 'closed';
  elsif not exists (select 1 from app_public.folio_balances b
                     where b.property_id = new.property_id and b.folio_id = new.folio_id and b.balance <> 0) then
    update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
     where f.property_id = new.property_id and f.id = new.folio_id and f.status = 'open' and f.kind = 'guest'
       and exists (select 1 from app_public.reservations r
                    where r.property_id = f.property_id and r.id = f.reservation_id and r.status = 'checked_out');
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_folio_balances__folio_status() is 'Trigger (after a folio balance changes): reopens a closed folio that is no longer at zero, closes a checked-out stay''s folio that is.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_guests__updated_by()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_guests__updated_by()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  new.updated_by := app_hidden.current_user_id();
  return new;
end;
$function$;
comment on function app_private.tg_guests__updated_by() is 'Trigger: sets guests.updated_by to the user making the change (null for the system).';

-- ----------------------------------------------------------------------------
-- function app_private.tg_inventory_claims__reapply_channel_feeds()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_inventory_claims__reapply_channel_feeds()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform app_private.hand_nights_to_channels(old.property_id, old.unit_id, pg_catalog.datemultirange(old.stay), old.feed_id);
  return null;
end;
$function$;
comment on function app_private.tg_inventory_claims__reapply_channel_feeds() is 'Trigger (deferred): nights a claim gives back go at once to the unit''s channel feeds that have a booking on them.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_payment_attempts__notify()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_payment_attempts__notify()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform app_private.notify(r,
                             case new.status when 'captured' then 'payment_receipt' else 'payment_failed' end::app_public.notification_kind,
                             'payment:' || new.id || ':' || new.status)
     from app_public.payment_intents i
     join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
    where i.property_id = new.property_id and i.id = new.intent_id and r.guest_id is not null;
  return null;
end;
$function$;
comment on function app_private.tg_payment_attempts__notify() is 'Trigger: queues a payment receipt or a payment-failed message.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_postings__check_balanced()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_postings__check_balanced()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_bad record;
begin
  select p.currency, sum(p.amount) as total, count(*) as postings
    into v_bad
    from app_public.postings p
   where p.property_id = new.property_id and p.entry_id = new.entry_id
   group by p.currency
  having sum(p.amount) <> 0
   limit 1;
  if found then
    raise exception using errcode = 'UNBAL',
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_bad.currency,
                                  app_hidden.format_money(v_bad.total::bigint, v_bad.currency::text));
  end if;
  if (select count(*) from app_public.postings p where p.property_id = new.property_id and p.entry_id = new.entry_id) < 2 then
    raise exception using errcode = 'UNBAL', message = pg_catalog.format('Journal entry %s needs at least two postings.', new.entry_id);
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_postings__check_balanced() is 'Constraint trigger (deferred to commit): raises UNBAL unless the posting''s entry sums to zero per currency with at least two postings.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_postings__folio_balance()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_postings__folio_balance()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if new.folio_id is not null then
    insert into app_public.folio_balances as b (property_id, folio_id, currency, balance)
    values (new.property_id, new.folio_id, new.currency, new.amount)
    on conflict (property_id, folio_id, currency) do update set balance = b.balance + excluded.balance;
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_postings__folio_balance() is 'Trigger (after insert on postings): adds the amount to the folio''s balance.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_properties__add_creator()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_properties__add_creator()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if app_hidden.current_user_id() is not null then
    insert into app_public.property_memberships (property_id, user_id, role)
    values (new.id, app_hidden.current_user_id(), 'owner')
    on conflict (property_id, user_id) do nothing;
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_properties__add_creator() is 'Trigger: makes the user who created a property its owner.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_properties__business_date()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_properties__business_date()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  new.business_date := (pg_catalog.now() at time zone new.time_zone)::date;
  return new;
end;
$function$;
comment on function app_private.tg_properties__business_date() is 'A new property''s business date is today where it is.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_properties__check_time_zone()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_properties__check_time_zone()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = new.time_zone) then
    raise exception using errcode = 'INVTZ', message = pg_catalog.format('Unknown time zone %L; use an IANA name such as Europe/Lisbon.', new.time_zone);
  end if;
  return new;
end;
$function$;
comment on function app_private.tg_properties__check_time_zone() is 'Trigger: refuses an unknown IANA time zone with INVALID_TIME_ZONE.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_properties__create_ledger_accounts()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_properties__create_ledger_accounts()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform app_private.create_ledger_accounts(new.id);
  return null;
end;
$function$;
comment on function app_private.tg_properties__create_ledger_accounts() is 'Trigger: gives a new property its system accounts.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_property_memberships__keep_an_owner()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_property_memberships__keep_an_owner()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if exists (select 1 from app_public.properties p where p.id = old.property_id)
     and not exists (select 1 from app_public.property_memberships m
                      where m.property_id = old.property_id and m.role = 'owner') then
    raise exception using errcode = 'OWNER',
      message = 'A property must keep at least one owner: make someone else owner first.';
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_property_memberships__keep_an_owner() is 'Constraint trigger: refuses (OWNER) a change that leaves a property with no owner.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_rate_calendar__derived_price()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_rate_calendar__derived_price()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_parent text;
begin
  if new.price is null then
    return new;
  end if;
  select p.name into v_parent
    from app_public.rate_plans rp
    join app_public.rate_plans p on p.property_id = rp.property_id and p.id = rp.parent_rate_plan_id
   where rp.property_id = new.property_id and rp.id = new.rate_plan_id;
  if v_parent is not null then
    raise exception using errcode = 'INVLD', hint = 'DERIVED_PRICE',
      message = pg_catalog.format('This plan''s prices follow %s: change %s''s price, or set restrictions only.', v_parent, v_parent);
  end if;
  return new;
end;
$function$;
comment on function app_private.tg_rate_calendar__derived_price() is 'Before a rate calendar row is written: a derived rate plan''s row has no price (INVALID_INPUT, DERIVED_PRICE); its prices follow its parent''s.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_rate_plans__derived()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_rate_plans__derived()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_parent app_public.rate_plans;
begin
  if new.parent_rate_plan_id is not null then
    select * into v_parent from app_public.rate_plans rp
     where rp.property_id = new.property_id and rp.id = new.parent_rate_plan_id
       for share;
    if not found or v_parent.room_type_id <> new.room_type_id then
      raise exception using errcode = 'INVLD', hint = 'PARENT',
        message = 'A derived rate plan follows another rate plan of the same room type.';
    end if;
    if v_parent.id = new.id then
      raise exception using errcode = 'INVLD', hint = 'PARENT', message = 'A rate plan cannot follow itself.';
    end if;
    if v_parent.parent_rate_plan_id is not null then
      raise exception using errcode = 'INVLD', hint = 'PARENT',
        message = pg_catalog.format('%s follows another plan itself: a derived plan follows a plan with its own prices.', v_parent.name);
    end if;
    if tg_op = 'UPDATE' and exists (select 1 from app_public.rate_plans c
                                     where c.property_id = new.property_id and c.room_type_id = new.room_type_id
                                       and c.parent_rate_plan_id = new.id) then
      raise exception using errcode = 'INVLD', hint = 'PARENT',
        message = 'Other rate plans follow this one: it keeps its own prices.';
    end if;
    if pg_catalog.num_nonnulls(new.adjustment_percent, new.adjustment_amount) <> 1 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'A derived rate plan adjusts its parent''s price by a percent or by an amount per night (one of them).';
    end if;
    if new.adjustment_percent not between -90 and 100 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'The adjustment is -90 % to +100 % of the parent''s price.';
    end if;
    if new.adjustment_amount not between -1000000 and 1000000 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'The adjustment is at most 1,000,000 minor units a night either way.';
    end if;
    if new.rounding_step is null or new.rounding_step not between 1 and 100000 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'Round to a step of 1 to 100,000 minor units.';
    end if;
    if new.is_published and not v_parent.is_published then
      raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
        message = pg_catalog.format('%s is not published: publish it before the plans that follow it.', v_parent.name);
    end if;
    if (tg_op = 'INSERT' or old.parent_rate_plan_id is null) and exists (
         select 1 from app_public.rate_calendar c
          where c.property_id = new.property_id and c.rate_plan_id = new.id and c.price is not null) then
      raise exception using errcode = 'INVLD', hint = 'DERIVED_PRICE',
        message = 'This plan has prices of its own in the rate calendar: clear them before it follows another plan.';
    end if;
    new.base_price := app_private.derived_price(v_parent.base_price, new.adjustment_percent, new.adjustment_amount, new.rounding_step);
  elsif new.adjustment_percent is not null or new.adjustment_amount is not null then
    raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
      message = 'Only a derived rate plan (one that follows a parent) has an adjustment.';
  end if;
  if tg_op = 'UPDATE' and old.is_published and not new.is_published and exists (
       select 1 from app_public.rate_plans c
        where c.property_id = new.property_id and c.room_type_id = new.room_type_id
          and c.parent_rate_plan_id = new.id and c.is_published) then
    raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
      message = pg_catalog.format('Rate plans follow %s: unpublish them first.', new.name);
  end if;
  return new;
end;
$function$;
comment on function app_private.tg_rate_plans__derived() is 'Before a rate plan is written: a derived plan follows a plan of its own room type that is not derived, with one bounded adjustment, no own price overrides, published only while its parent is; its base price is the parent''s adjusted. A plan with published derived plans stays published.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_rate_plans__follow_parent()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_rate_plans__follow_parent()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.rate_plans c
     set base_price = app_private.derived_price(new.base_price, c.adjustment_percent, c.adjustment_amount, c.rounding_step)
   where c.property_id = new.property_id and c.room_type_id = new.room_type_id and c.parent_rate_plan_id = new.id;
  return null;
end;
$function$;
comment on function app_private.tg_rate_plans__follow_parent() is 'After a rate plan''s base price changes: the plans derived from it take the new price adjusted.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_rate_plans__keep_parent()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_rate_plans__keep_parent()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_names text;
begin
  if pg_catalog.pg_trigger_depth() > 1 then
    return old;
  end if;
  select pg_catalog.string_agg(c.name, ', ' order by c.name) into v_names
    from app_public.rate_plans c
   where c.property_id = old.property_id and c.room_type_id = old.room_type_id and c.parent_rate_plan_id = old.id;
  if v_names is not null then
    raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
      message = pg_catalog.format('%s follow %s: delete them or let them keep their own prices first.', v_names, old.name);
  end if;
  return old;
end;
$function$;
comment on function app_private.tg_rate_plans__keep_parent() is 'Before a rate plan is deleted: refused (INVALID_TRANSITION, DERIVED_PLANS) while other plans follow it, unless its room type or property is being deleted.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_registration_cards__audit()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_registration_cards__audit()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then app_private.masked_registration_card(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then app_private.masked_registration_card(new) end;
  v_row app_public.registration_cards := case when tg_op = 'DELETE' then old else new end;
begin
  if tg_op = 'UPDATE' and pg_catalog.to_jsonb(old) = pg_catalog.to_jsonb(new) then
    return null;
  end if;
  insert into audit.events (
    table_schema, table_name, operation, row_id, property_id, reservation_id,
    actor_user_id, actor_role, request_id, old_values, new_values
  ) values (
    tg_table_schema, tg_table_name, tg_op, v_row.id::text, v_row.property_id, v_row.reservation_id,
    app_hidden.current_user_id(), pg_catalog.current_setting('role', true),
    nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
    v_old, v_new
  );
  return null;
end;
$function$;
comment on function app_private.tg_registration_cards__audit() is 'Trigger (AFTER, per row): appends a registration card''s change to audit.events with the document number and date of birth masked and no address.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_reservations__channel()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_reservations__channel()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  -- An anonymous caller (no user) is staff of no property: no lookup.
  new.channel := case when app_hidden.current_user_id() is not null and new.property_id in (select app_hidden.current_property_ids())
                      then 'front_desk' else 'web' end;
  return new;
end;
$function$;
comment on function app_private.tg_reservations__channel() is 'Trigger: records whether a reservation was made by a guest (web) or by staff of the property (front_desk).';

-- ----------------------------------------------------------------------------
-- function app_private.tg_reservations__housekeeping()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_reservations__housekeeping()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, reservation_id)
  values (new.property_id, new.unit_id, 'checkout_clean', app_private.local_today(new.property_id), new.id)
  on conflict do nothing;
  return null;
end;
$function$;
comment on function app_private.tg_reservations__housekeeping() is 'Trigger: a check-out creates the unit''s cleaning task.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_reservations__notify()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_reservations__notify()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_pre_arrival timestamptz;
begin
  if new.guest_id is null then
    return null;
  end if;
  if old.status = 'held' and new.status = 'confirmed' and new.group_id is not null and new.room_no > 1 then
    -- A booking group is confirmed in one call and told once: its first
    -- room carries the group's confirmation and pre-arrival message.
    null;
  elsif old.status = 'held' and new.status = 'confirmed' then
    v_pre_arrival := app_private.pre_arrival_at(new);
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['confirmation', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':confirmed', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['modification', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':modified:' || pg_catalog.txid_current(), 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'modification', 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current());
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_reservations__notify() is 'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_reservations__unit_occupancy()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_reservations__unit_occupancy()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if old.status = 'checked_in' and old.unit_id is not null
     and (new.status <> 'checked_in' or new.unit_id is distinct from old.unit_id) then
    update app_public.units u set is_occupied = false
     where u.property_id = old.property_id and u.id = old.unit_id and u.is_occupied;
  end if;
  if new.status = 'checked_in' and new.unit_id is not null
     and (old.status <> 'checked_in' or new.unit_id is distinct from old.unit_id) then
    update app_public.units u set is_occupied = true
     where u.property_id = new.property_id and u.id = new.unit_id and not u.is_occupied;
  end if;
  return null;
end;
$function$;
comment on function app_private.tg_reservations__unit_occupancy() is 'Trigger: keeps units.is_occupied true while a checked-in stay is in the unit.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_reservations__unlink_allocation_moves()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_reservations__unlink_allocation_moves()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.allocation_moves m set caused_by_reservation_id = null
   where m.property_id = old.property_id and m.caused_by_reservation_id = old.id;
  return old;
end;
$function$;
comment on function app_private.tg_reservations__unlink_allocation_moves() is 'Trigger: a removed reservation is no longer the cause of the allocation moves it caused.';

-- ----------------------------------------------------------------------------
-- function app_private.tg_taxes__name_ledger_account()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_taxes__name_ledger_account()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.ledger_accounts a
     set name = 'Tax payable: ' || new.name
   where a.property_id = new.property_id and a.purpose = 'tax_payable' and a.tax_id = new.id
     and a.name = 'Tax payable: ' || old.name;
  return null;
end;
$function$;
comment on function app_private.tg_taxes__name_ledger_account() is 'Trigger: a renamed tax renames its tax-payable account (when it still has the name Keepr gave it).';

-- ----------------------------------------------------------------------------
-- function app_private.tg_taxes__penalty_default()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.tg_taxes__penalty_default()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  new.applies_to_penalty := coalesce(new.applies_to_penalty, new.basis = 'percent_of_room');
  return new;
end;
$function$;
comment on function app_private.tg_taxes__penalty_default() is 'Trigger: taxes.applies_to_penalty defaults by basis (percent taxes yes, per-night and per-person-night taxes no).';

-- ----------------------------------------------------------------------------
-- function app_private.unpaid_prepayment(reservation app_public.reservations)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.unpaid_prepayment(reservation app_public.reservations)
 RETURNS bigint
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(sum(i.amount), 0)::bigint
    from app_public.payment_intents i
    join app_public.properties p on p.id = i.property_id
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id
     and i.status in ('requires_payment', 'failed') and i.kind::text <> 'incidental'
     and i.due_at <= pg_catalog.now()
     and (i.kind = 'deposit' or i.status = 'failed'
          or i.due_at < ((pg_catalog.lower(reservation.stay))::timestamp + p.check_in_time) at time zone p.time_zone);
$function$;
comment on function app_private.unpaid_prepayment(reservation app_public.reservations) is 'The prepayments of a reservation that fell due and are unpaid (a balance due at check-in excluded).';

-- ----------------------------------------------------------------------------
-- function app_private.worker_heartbeat(worker_ids text[], dead_after interval)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.worker_heartbeat(worker_ids text[], dead_after interval)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_dead text[];
begin
  insert into app_private.worker_heartbeats (worker_id, seen_at)
  select w, pg_catalog.now() from pg_catalog.unnest(worker_ids) w
  on conflict (worker_id) do update set seen_at = excluded.seen_at;

  select pg_catalog.array_agg(distinct j.locked_by) into v_dead
    from graphile_worker.jobs j
   where j.locked_by is not null and j.locked_at < pg_catalog.now() - dead_after
     and not exists (select 1 from app_private.worker_heartbeats h
                      where h.worker_id = j.locked_by and h.seen_at > pg_catalog.now() - dead_after);
  if v_dead is not null then
    perform graphile_worker.force_unlock_workers(v_dead);
  end if;
  delete from app_private.worker_heartbeats h where h.seen_at < pg_catalog.now() - greatest(dead_after * 10, interval '1 hour');
  return coalesce(pg_catalog.array_length(v_dead, 1), 0);
end;
$function$;
comment on function app_private.worker_heartbeat(worker_ids text[], dead_after interval) is 'Records live worker ids and unlocks the jobs of workers not seen for dead_after (a killed process); returns how many were unlocked.';

-- ============================================================================
-- schema audit
-- ============================================================================
create schema audit;
comment on schema audit is 'The append-only audit log.';

-- ----------------------------------------------------------------------------
-- table audit.events
-- ----------------------------------------------------------------------------
create table audit.events (
  id bigint generated always as identity,
  occurred_at timestamp with time zone default clock_timestamp() not null,
  transaction_id bigint default txid_current() not null,
  table_schema text not null,
  table_name text not null,
  operation text not null,
  row_id text,
  property_id uuid not null,
  actor_user_id uuid,
  actor_role text,
  request_id text,
  old_values jsonb,
  new_values jsonb,
  reservation_id uuid,
  constraint events_operation_check CHECK (operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text])),
  constraint events_pkey PRIMARY KEY (id, property_id)
);
CREATE INDEX audit_events_reservation_idx ON audit.events USING btree (reservation_id, occurred_at) WHERE (reservation_id IS NOT NULL);
CREATE INDEX audit_events_row_idx ON audit.events USING btree (table_name, row_id, occurred_at);
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_append_only_truncate BEFORE TRUNCATE ON audit.events FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__append_only();
comment on table audit.events is 'Every insert, update and delete on a property''s rows: who, when, from which request, old and new values. Append-only. Organisations, users and properties: audit.shared_events.';

-- ----------------------------------------------------------------------------
-- table audit.shared_events
-- ----------------------------------------------------------------------------
create table audit.shared_events (
  id bigint generated always as identity,
  occurred_at timestamp with time zone default clock_timestamp() not null,
  transaction_id bigint default txid_current() not null,
  table_schema text not null,
  table_name text not null,
  operation text not null,
  row_id text,
  actor_user_id uuid,
  actor_role text,
  request_id text,
  old_values jsonb,
  new_values jsonb,
  constraint shared_events_operation_check CHECK (operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text])),
  constraint shared_events_pkey PRIMARY KEY (id)
);
CREATE INDEX audit_shared_events_row_idx ON audit.shared_events USING btree (table_name, row_id, occurred_at);
CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON audit.shared_events FOR EACH ROW EXECUTE FUNCTION audit.tg__append_only();
CREATE TRIGGER _100_append_only_truncate BEFORE TRUNCATE ON audit.shared_events FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__append_only();
comment on table audit.shared_events is 'Every insert, update and delete on the rows shared by every property (organisations, users, properties): who, when, from which request, old and new values. Append-only. A property''s rows: audit.events.';

-- ----------------------------------------------------------------------------
-- function audit.tg__append_only()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.tg__append_only()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  raise exception using errcode = 'APPND',
    message = pg_catalog.format('%I.%I is append-only: %s is not allowed', tg_table_schema, tg_table_name, tg_op);
end;
$function$;
comment on function audit.tg__append_only() is 'Trigger: raises APPEND_ONLY on any UPDATE, DELETE or TRUNCATE of an append-only table.';

-- ----------------------------------------------------------------------------
-- function audit.tg__record()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION audit.tg__record()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
  v_trace text;
  v_row jsonb := coalesce(v_new, v_old);
begin
  if tg_op = 'UPDATE' then
    -- The changed columns only: their old values, then their new ones.
    select pg_catalog.jsonb_object_agg(o.key, o.value), pg_catalog.jsonb_object_agg(o.key, n.value)
      into v_old, v_new
      from pg_catalog.jsonb_each(v_old) o join pg_catalog.jsonb_each(v_row) n on n.key = o.key
     where n.value is distinct from o.value;
    if v_new is null then
      return null;
    end if;
  end if;
  -- A traced transaction (keepr.traceparent, core/tracing.ts) writes its
  -- traceparent into the WAL once, as a transactional logical message that
  -- realtime receives with the transaction's changes (its delivery span
  -- continues the trace). Without the privilege (an administrator who has
  -- not granted it to the owner) the trace just stops there. The privilege
  -- is looked up, not caught: an exception block would open a
  -- subtransaction (and give it an xid) in every traced transaction.
  v_trace := pg_catalog.current_setting('keepr.traceparent', true);
  if v_trace <> '' and v_trace is distinct from pg_catalog.current_setting('keepr.trace_emitted', true) then
    if exists (select from pg_catalog.pg_proc p
                where p.proname = 'pg_logical_emit_message' and p.pronamespace = 'pg_catalog'::regnamespace
                  and p.proargtypes[2] = 'text'::regtype and pg_catalog.has_function_privilege(p.oid, 'EXECUTE')) then
      perform pg_catalog.pg_logical_emit_message(true, 'keepr.trace', v_trace);
    end if;
    perform pg_catalog.set_config('keepr.trace_emitted', v_trace, true);
  end if;
  if v_row ? 'property_id' then
    insert into audit.events (
      table_schema, table_name, operation, row_id, property_id, reservation_id,
      actor_user_id, actor_role, request_id, old_values, new_values
    ) values (
      tg_table_schema, tg_table_name, tg_op,
      v_row ->> 'id',
      (v_row ->> 'property_id')::uuid,
      case when tg_table_name = 'reservations' then (v_row ->> 'id')::uuid
           else (v_row ->> 'reservation_id')::uuid end,
      app_hidden.current_user_id(),
      pg_catalog.current_setting('role', true),
      nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
      v_old, v_new
    );
  else
    insert into audit.shared_events (
      table_schema, table_name, operation, row_id, actor_user_id, actor_role, request_id, old_values, new_values
    ) values (
      tg_table_schema, tg_table_name, tg_op,
      v_row ->> 'id',
      app_hidden.current_user_id(),
      pg_catalog.current_setting('role', true),
      nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
      v_old, v_new
    );
  end if;
  return null;
end;
$function$;
comment on function audit.tg__record() is 'Trigger (AFTER, per row): appends the change to audit.events (a row of a property) or audit.shared_events (organisations, users, properties) with actor, role, request id and the values: the whole row of an insert or a delete, the changed columns only (old and new) of an update.';

-- ============================================================================
-- schema reporting
-- ============================================================================
create schema reporting;
grant usage on schema reporting to keepr_analyst;
grant usage on schema reporting to keepr_worker;
comment on schema reporting is 'Read-only views for analysts, guest PII masked.';

-- ----------------------------------------------------------------------------
-- view reporting.folio_balances
-- ----------------------------------------------------------------------------
create view reporting.folio_balances with (security_barrier=true) as
 SELECT b.property_id,
    b.folio_id,
    f.reservation_id,
    f.status,
    b.currency,
    b.balance
   FROM app_public.folio_balances b
     JOIN app_public.folios f ON f.property_id = b.property_id AND f.id = b.folio_id;
grant select on reporting.folio_balances to keepr_analyst;
comment on view reporting.folio_balances is 'What each folio owes per currency.';

-- ----------------------------------------------------------------------------
-- view reporting.inventory_claims
-- ----------------------------------------------------------------------------
create view reporting.inventory_claims with (security_barrier=true) as
 SELECT id,
    property_id,
    unit_id,
    lower(stay) AS first_night,
    upper(stay) AS departure,
    kind,
    reservation_id,
    expires_at,
    released_at,
    created_at
   FROM app_public.inventory_claims;
grant select on reporting.inventory_claims to keepr_analyst;
comment on view reporting.inventory_claims is 'Every claim on a unit: holds, reservations and blocks.';

-- ----------------------------------------------------------------------------
-- view reporting.invoices
-- ----------------------------------------------------------------------------
create view reporting.invoices with (security_barrier=true) as
 SELECT id,
    property_id,
    reservation_id,
    kind,
    document_number,
    currency,
    net_amount,
    tax_amount,
    total_amount,
    reporting.mask_email(bill_to ->> 'email'::text) AS email_masked,
    issued_at
   FROM app_public.invoices i;
grant select on reporting.invoices to keepr_analyst;
comment on view reporting.invoices is 'Invoices and credit notes with the guest''s email masked and no name.';

-- ----------------------------------------------------------------------------
-- view reporting.job_health
-- ----------------------------------------------------------------------------
create view reporting.job_health with (security_barrier=true) as
 WITH recent AS (
         SELECT m.task,
            sum(m.runs)::integer AS runs_last_hour,
            sum(m.failures)::integer AS failures_last_hour,
            round(sum(m.failures)::numeric / NULLIF(sum(m.runs), 0)::numeric, 4) AS failure_rate_last_hour,
            (sum(m.pickup_ms_sum) / NULLIF(sum(m.runs), 0)::numeric)::integer AS avg_pickup_ms_last_hour,
            max(m.pickup_ms_max) AS max_pickup_ms_last_hour,
            (sum(m.run_ms_sum) / NULLIF(sum(m.runs), 0)::numeric)::integer AS avg_run_ms_last_hour
           FROM app_private.job_minutes m
          WHERE m.minute >= (now() - '01:00:00'::interval)
          GROUP BY m.task
        ), queue AS (
         SELECT job_queue.task,
            job_queue.waiting,
            job_queue.running,
            job_queue.scheduled,
            job_queue.retrying,
            job_queue.oldest_waiting_ms,
            job_queue.given_up
           FROM reporting.job_queue() job_queue(task, waiting, running, scheduled, retrying, oldest_waiting_ms, given_up)
        )
 SELECT COALESCE(r.task, q.task) AS task,
    COALESCE(q.waiting, 0) AS waiting,
    COALESCE(q.running, 0) AS running,
    COALESCE(q.scheduled, 0) AS scheduled,
    COALESCE(q.retrying, 0) AS retrying,
    COALESCE(q.given_up, 0) AS given_up,
    q.oldest_waiting_ms,
    COALESCE(r.runs_last_hour, 0) AS runs_last_hour,
    COALESCE(r.failures_last_hour, 0) AS failures_last_hour,
    r.failure_rate_last_hour,
    r.avg_pickup_ms_last_hour,
    r.max_pickup_ms_last_hour,
    r.avg_run_ms_last_hour
   FROM recent r
     FULL JOIN queue q ON q.task = r.task;
grant select on reporting.job_health to keepr_analyst;
comment on view reporting.job_health is 'Per job task: the live queue (waiting, running, scheduled, retrying, given up, oldest waiting) and the last hour (runs, failures, failure rate, pickup and run times).';

-- ----------------------------------------------------------------------------
-- view reporting.ledger_postings
-- ----------------------------------------------------------------------------
create view reporting.ledger_postings with (security_barrier=true) as
 SELECT p.id,
    p.property_id,
    e.id AS entry_id,
    e.occurred_at,
    e.cause_type,
    e.cause_id,
    e.reverses_entry_id,
    a.code AS account_code,
    a.name AS account_name,
    a.kind AS account_kind,
    a.purpose AS account_purpose,
    p.folio_id,
    p.amount,
    p.currency
   FROM app_public.postings p
     JOIN app_public.journal_entries e ON e.property_id = p.property_id AND e.id = p.entry_id
     JOIN app_public.ledger_accounts a ON a.property_id = p.property_id AND a.id = p.account_id;
grant select on reporting.ledger_postings to keepr_analyst;
comment on view reporting.ledger_postings is 'Every posting with its entry and account.';

-- ----------------------------------------------------------------------------
-- view reporting.occupancy
-- ----------------------------------------------------------------------------
create view reporting.occupancy with (security_barrier=true) as
 SELECT property_id,
    date,
    currency,
    (( SELECT count(*) AS count
           FROM app_public.units u
          WHERE u.property_id = n.property_id AND u.is_active))::integer AS units_available,
    count(*)::integer AS units_sold,
    sum(room_revenue)::bigint AS room_revenue
   FROM reporting.room_nights n
  GROUP BY property_id, date, currency;
grant select on reporting.occupancy to keepr_analyst;
grant select on reporting.occupancy to keepr_worker;
comment on view reporting.occupancy is 'Per property and night: units available (active units), units sold and room revenue; occupancy = sold / available, ADR = revenue / sold, RevPAR = revenue / available.';

-- ----------------------------------------------------------------------------
-- view reporting.payments
-- ----------------------------------------------------------------------------
create view reporting.payments with (security_barrier=true) as
 SELECT id,
    property_id,
    reservation_id,
    kind,
    amount,
    currency,
    status,
    due_at,
    amount_captured,
    amount_refunded,
    failure_code,
    created_at
   FROM app_public.payment_intents i;
grant select on reporting.payments to keepr_analyst;
comment on view reporting.payments is 'Payment intents without card tokens.';

-- ----------------------------------------------------------------------------
-- view reporting.pickup
-- ----------------------------------------------------------------------------
create view reporting.pickup with (security_barrier=true) as
 SELECT r.property_id,
    (r.confirmed_at AT TIME ZONE p.time_zone)::date AS booked_on,
    r.channel,
    r.currency,
    count(*)::integer AS bookings,
    sum(upper(r.stay) - lower(r.stay))::integer AS room_nights,
    sum(r.room_amount)::bigint AS room_revenue,
    min(lower(r.stay)) AS first_arrival,
    max(lower(r.stay)) AS last_arrival
   FROM app_public.reservations r
     JOIN app_public.properties p ON p.id = r.property_id
  WHERE r.confirmed_at IS NOT NULL
  GROUP BY r.property_id, ((r.confirmed_at AT TIME ZONE p.time_zone)::date), r.channel, r.currency;
grant select on reporting.pickup to keepr_analyst;
comment on view reporting.pickup is 'Bookings made per day (in the property''s calendar) and channel, with their room nights and revenue, whatever happened to them since.';

-- ----------------------------------------------------------------------------
-- view reporting.properties
-- ----------------------------------------------------------------------------
create view reporting.properties with (security_barrier=true) as
 SELECT p.id,
    p.organization_id,
    o.name AS organization_name,
    p.name,
    p.kind,
    p.time_zone,
    p.currency,
    p.country_code,
    p.city,
    p.is_published,
    p.created_at
   FROM app_public.properties p
     JOIN app_public.organizations o ON o.id = p.organization_id;
grant select on reporting.properties to keepr_analyst;
comment on view reporting.properties is 'Every property with its organization.';

-- ----------------------------------------------------------------------------
-- view reporting.rate_plans
-- ----------------------------------------------------------------------------
create view reporting.rate_plans with (security_barrier=true) as
 SELECT id,
    property_id,
    room_type_id,
    name,
    currency,
    base_price,
    included_guests,
    meal_plan,
    is_refundable,
    is_published,
    created_at
   FROM app_public.rate_plans;
grant select on reporting.rate_plans to keepr_analyst;
comment on view reporting.rate_plans is 'Every rate plan.';

-- ----------------------------------------------------------------------------
-- view reporting.reconciliation_differences
-- ----------------------------------------------------------------------------
create view reporting.reconciliation_differences with (security_barrier=true) as
 SELECT d.id,
    d.report_id,
    r.provider,
    r.report_date,
    d.property_id,
    d.kind,
    d.reference,
    d.provider_object_id,
    d.currency,
    d.ledger_amount,
    d.report_amount,
    d.created_at,
    d.resolved_at
   FROM app_public.reconciliation_differences d
     JOIN app_public.settlement_reports r ON r.id = d.report_id
UNION ALL
 SELECT md5((s.report_id::text || ':'::text) || s.line_no)::uuid AS id,
    s.report_id,
    r.provider,
    r.report_date,
    NULL::uuid AS property_id,
    'extra'::app_public.reconciliation_difference_kind AS kind,
    s.reference,
    s.provider_object_id,
    s.currency,
    NULL::bigint AS ledger_amount,
    s.amount AS report_amount,
    r.imported_at AS created_at,
    NULL::timestamp with time zone AS resolved_at
   FROM app_public.settlement_lines s
     JOIN app_public.settlement_reports r ON r.id = s.report_id
  WHERE s.unmatched;
grant select on reporting.reconciliation_differences to keepr_analyst;
comment on view reporting.reconciliation_differences is 'Every difference between the ledger and the provider''s settlement reports; a line of no known payment (settlement_lines.unmatched) as an extra of no property.';

-- ----------------------------------------------------------------------------
-- view reporting.registration_cards
-- ----------------------------------------------------------------------------
create view reporting.registration_cards with (security_barrier=true) as
 SELECT id,
    property_id,
    reservation_id,
    document_type,
    issuing_country,
    nationality,
    reporting.mask_document_number(document_number) AS document_number_masked,
    date_part('year'::text, date_of_birth)::integer AS birth_year,
    expires_on,
    created_at,
    updated_at
   FROM app_public.registration_cards c;
grant select on reporting.registration_cards to keepr_analyst;
comment on view reporting.registration_cards is 'Registration cards without the guest''s identity: document type, countries, the number masked, the year of birth.';

-- ----------------------------------------------------------------------------
-- view reporting.reservations
-- ----------------------------------------------------------------------------
create view reporting.reservations with (security_barrier=true) as
 SELECT r.id,
    r.property_id,
    r.room_type_id,
    r.rate_plan_id,
    r.unit_id,
    r.status,
    lower(r.stay) AS arrival,
    upper(r.stay) AS departure,
    upper(r.stay) - lower(r.stay) AS nights,
    r.adults,
    r.children,
    r.currency,
    r.room_amount,
    r.fees_amount,
    r.taxes_amount,
    r.total_amount,
    r.penalty_amount,
    r.refund_amount,
    r.created_at,
    r.confirmed_at,
    r.cancelled_at,
    r.checked_in_at,
    r.checked_out_at,
    r.no_show_at,
    g.group_code,
    r.room_no
   FROM app_public.reservations r
     LEFT JOIN app_public.booking_groups g ON g.property_id = r.property_id AND g.id = r.group_id;
grant select on reporting.reservations to keepr_analyst;
comment on view reporting.reservations is 'Every reservation without guest identity; a room of a booking group carries the group''s code and its room number.';
comment on column reporting.reservations.group_code is 'The booking group''s code (G-XXXXXXXX) when the reservation is a room of a group; null otherwise.';
comment on column reporting.reservations.room_no is 'The room''s number within its booking group (1, 2, …); null when not in a group.';

-- ----------------------------------------------------------------------------
-- view reporting.revenue_by_channel
-- ----------------------------------------------------------------------------
create view reporting.revenue_by_channel with (security_barrier=true) as
 SELECT property_id,
    date_trunc('month'::text, date::timestamp with time zone)::date AS month,
    channel,
    currency,
    count(*)::integer AS room_nights,
    count(DISTINCT reservation_id)::integer AS bookings,
    sum(room_revenue)::bigint AS room_revenue
   FROM reporting.room_nights n
  GROUP BY property_id, (date_trunc('month'::text, date::timestamp with time zone)), channel, currency;
grant select on reporting.revenue_by_channel to keepr_analyst;
comment on view reporting.revenue_by_channel is 'Room nights and room revenue per month of stay and channel.';

-- ----------------------------------------------------------------------------
-- view reporting.room_nights
-- ----------------------------------------------------------------------------
create view reporting.room_nights with (security_barrier=true) as
 SELECT r.property_id,
    r.id AS reservation_id,
    r.channel,
    d.d::date AS date,
    r.currency,
    r.room_amount / (upper(r.stay) - lower(r.stay)) +
        CASE
            WHEN (d.d::date - lower(r.stay)) < (r.room_amount % (upper(r.stay) - lower(r.stay))::bigint) THEN 1
            ELSE 0
        END AS room_revenue
   FROM app_public.reservations r
     CROSS JOIN LATERAL generate_series(lower(r.stay)::timestamp with time zone, (upper(r.stay) - 1)::timestamp with time zone, '1 day'::interval) d(d)
  WHERE r.status = ANY (ARRAY['confirmed'::app_public.reservation_status, 'checked_in'::app_public.reservation_status, 'checked_out'::app_public.reservation_status]);
grant select on reporting.room_nights to keepr_analyst;
comment on view reporting.room_nights is 'Every sold room night with its share of the room revenue (minor units; the shares of a stay add up to its room amount).';

-- ----------------------------------------------------------------------------
-- view reporting.room_types
-- ----------------------------------------------------------------------------
create view reporting.room_types with (security_barrier=true) as
 SELECT id,
    property_id,
    name,
    max_occupancy,
    is_published,
    created_at
   FROM app_public.room_types;
grant select on reporting.room_types to keepr_analyst;
comment on view reporting.room_types is 'Every room type.';

-- ----------------------------------------------------------------------------
-- view reporting.units
-- ----------------------------------------------------------------------------
create view reporting.units with (security_barrier=true) as
 SELECT id,
    property_id,
    room_type_id,
    name,
    housekeeping_status,
    is_active,
    created_at
   FROM app_public.units;
grant select on reporting.units to keepr_analyst;
comment on view reporting.units is 'Every unit and its housekeeping status.';

-- ----------------------------------------------------------------------------
-- view reporting.users
-- ----------------------------------------------------------------------------
create view reporting.users with (security_barrier=true) as
 SELECT id,
    reporting.mask_email(email::text) AS email_masked,
    created_at
   FROM app_public.users;
grant select on reporting.users to keepr_analyst;
comment on view reporting.users is 'Accounts with masked email addresses.';

-- ----------------------------------------------------------------------------
-- function reporting.job_queue()
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION reporting.job_queue()
 RETURNS TABLE(task text, waiting integer, running integer, scheduled integer, retrying integer, oldest_waiting_ms bigint, given_up integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  return query
    select j.task_identifier::text,
           (count(*) filter (where j.run_at <= pg_catalog.now() and j.locked_at is null))::integer,
           (count(*) filter (where j.locked_at is not null))::integer,
           (count(*) filter (where j.run_at > pg_catalog.now()))::integer,
           (count(*) filter (where j.attempts > 0 and j.locked_at is null))::integer,
           (extract(epoch from pg_catalog.now() - min(j.run_at) filter (where j.run_at <= pg_catalog.now() and j.locked_at is null)) * 1000)::bigint,
           (count(*) filter (where j.attempts >= j.max_attempts))::integer
      from graphile_worker.jobs j
     group by j.task_identifier;
end;
$function$;
grant execute on function reporting.job_queue() to keepr_analyst;
comment on function reporting.job_queue() is 'The live job queue per task: waiting, running, scheduled, retrying, oldest waiting (ms), given up.';

-- ----------------------------------------------------------------------------
-- function reporting.mask_document_number(document_number text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION reporting.mask_document_number(document_number text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.repeat('*', greatest(pg_catalog.length(document_number) - 2, 3)) || pg_catalog.right(document_number, 2);
$function$;
grant execute on function reporting.mask_document_number(document_number text) to keepr_analyst;
comment on function reporting.mask_document_number(document_number text) is 'Masks an identity document number for analysts: ******78.';

-- ----------------------------------------------------------------------------
-- function reporting.mask_email(email text)
-- ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION reporting.mask_email(email text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select pg_catalog.left(email, 1) || '***@' || pg_catalog.split_part(email, '@', 2);
$function$;
grant execute on function reporting.mask_email(email text) to keepr_analyst;
comment on function reporting.mask_email(email text) is 'Masks an email address for analysts: a***@example.com.';

-- ============================================================================
-- publications
-- ============================================================================
create publication keepr_realtime for table
  app_public.cash_movements,
  app_public.cash_shifts,
  app_public.channel_conflicts,
  app_public.channel_feeds (id, property_id, unit_id, source, name, is_active, poll_interval_minutes, next_poll_at, last_polled_at, last_success_at, last_error, last_error_at, consecutive_failures, events_seen, content_hash, created_at, updated_at),
  app_public.companies,
  app_public.exports (id, property_id, kind, from_date, to_date, status, requested_by, file_key, row_count, byte_count, error, expires_at, created_at, finished_at, purged_at),
  app_public.fees (id, property_id),
  app_public.folio_balances,
  app_public.folio_extras,
  app_public.folios,
  app_public.guests,
  app_public.housekeeping_tasks,
  app_public.inventory_claims,
  app_public.invoices,
  app_public.night_audit_anomalies,
  app_public.night_audits,
  app_public.notifications,
  app_public.payment_attempts (id, property_id, intent_id, amount, currency, status, provider_charge_id, captured_at, failure_code, failure_message, created_at, updated_at),
  app_public.payment_intents (id, property_id, reservation_id, folio_id, kind, amount, currency, status, due_at, provider, amount_captured, amount_refunded, failure_code, failure_message, created_at, updated_at),
  app_public.properties,
  app_public.rate_calendar (property_id, rate_plan_id, date),
  app_public.rate_plan_los_discounts (id, property_id),
  app_public.rate_plans,
  app_public.refunds,
  app_public.reservations,
  app_public.room_types,
  app_public.taxes (id, property_id),
  app_public.units (id, property_id, room_type_id, name, housekeeping_status, is_active, created_at, updated_at, owner_id)
with (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
