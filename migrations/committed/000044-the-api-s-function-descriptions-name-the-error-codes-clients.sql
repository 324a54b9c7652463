--! Previous: sha1:6c4e4ecf4879ca0bf6272f759bcec72bdf2b7a8c
--! Hash: sha1:200b792a442cfb5083672ccd25991658fde37947
--! Message: The API's function descriptions name the error codes clients see (NOT_FOUND, ACCESS_DENIED, INVALID_CREDENTIALS, ...), not the SQLSTATEs SQL raises; comments only

-- The API's function descriptions name the error codes clients see (shared/error-codes.ts:
-- NOT_FOUND, ACCESS_DENIED, ...), not the SQLSTATEs SQL raises (NTFND, DNIED, ...).
-- Comments only: no function body changes.

comment on function app_private.require_staff(uuid, app_public.staff_role[], text) is
  E'Raises NOT_FOUND (not staff of the property) or ACCESS_DENIED (role not allowed) unless the caller has one of the roles there.';

comment on function app_public.login(text, text) is
  E'Signs in with email and password and returns a signed JWT for a new session. Errors: INVALID_CREDENTIALS.';

comment on function app_public.register(text, text, text) is
  E'Creates a guest account (email, password of 10 to 72 bytes that is not the email or a common password, display name), signs it in and queues a welcome email. Errors: INVALID_EMAIL, WEAK_PASSWORD, INVALID_NAME, EMAIL_TAKEN.';

comment on function app_private.lock_reservation(uuid, app_public.staff_role[], text, boolean) is
  E'Locks a reservation FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';

comment on function app_private.refuse_guest_change(app_public.reservations, text) is
  E'Raises ACCESS_DENIED with the guest-change refusal as the reason.';

comment on function app_private.tg_properties__check_time_zone() is E'Trigger: refuses an unknown IANA time zone with INVALID_TIME_ZONE.';

comment on function app_public.cancel_reservation(uuid, text, text) is
  E'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.check_in(uuid, text, boolean, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date; unpaid prepayments need acknowledgeUnpaid. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_NOT_READY, PAYMENT_DUE, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Every guest folio of the stay must be settled (at zero) first: FOLIO_UNSETTLED names the folio and the amount open (extensions.reason OWED or CREDIT). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, FOLIO_UNSETTLED, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.confirm_booking(uuid, text, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.create_block(uuid, date, date, app_public.claim_kind, text, text) is
  E'Blocks a unit (owner_block or maintenance_block) for the nights from start_date up to end_date. Errors: NOT_FOUND, ACCESS_DENIED, DATES, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show from the property''s no-show time after its arrival date: the penalty its rate plan says applies and the unit is freed. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, NO_SHOW_TOO_EARLY, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NOT_FOUND, ACCESS_DENIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.move_unit(uuid, uuid, text) is
  E'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.pin_reservation_unit(uuid, boolean) is
  E'Pins a stay to its unit (the allocator never moves it) or unpins it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

comment on function app_public.quote(uuid, date, date, integer, integer) is
  E'Prices a stay on a rate plan: nightly lines, discount, fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT.';

comment on function app_public.quote_change(uuid, date, date, integer, integer) is
  E'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. Errors: NOT_FOUND, ACCESS_DENIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';

comment on function app_public.rate_grid(uuid, date, date) is
  E'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s), and whether the date is overridden. Staff of the property but housekeeping. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

comment on function app_public.release_block(uuid, text) is
  E'Releases an owner or maintenance block. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.reservation_history(uuid) is
  E'The audit trail of a reservation and its claims: who changed what, when, from which request. Staff only. Errors: NOT_FOUND.';

comment on function app_public.set_rates(uuid, date, date, text, bigint, integer, integer, boolean, boolean, boolean, integer[], boolean) is
  E'Sets price and restrictions of a rate plan on a range of dates (optionally some weekdays) in one call; null leaves a field unchanged, reset clears overrides first. Returns the number of dates written. Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, DATES, INVLD, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.accept_channel_feed_change(uuid) is
  E'Applies the feed''s fetch that is waiting to be confirmed (it opens most of the feed''s blocked nights). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION.';

comment on function app_public.channel_reconciliation(uuid) is
  E'Per feed of a property: nights sold twice (open conflicts), Keepr stays the channel does not show as taken, fetches waiting to be confirmed, failing or stale feeds. Errors: NOT_FOUND, ACCESS_DENIED.';

comment on function app_public.resolve_channel_conflict(uuid, text) is E'Closes a channel conflict with a note; it stays closed while the same booking and Keepr side hold the same nights. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';

comment on function app_public.sync_channel_feed_now(uuid) is E'Queues a sync of the feed now. Errors: NOT_FOUND, ACCESS_DENIED.';

comment on function audit.tg__append_only() is
  E'Trigger: raises APPEND_ONLY on any UPDATE, DELETE or TRUNCATE of an append-only table.';

comment on function app_private.lock_folio(uuid, app_public.staff_role[], text) is
  E'Locks a folio FOR UPDATE (a guest folio''s reservation first) after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';

comment on function app_public.ar_aging(uuid, date) is
  E'Accounts receivable per company on a date, by days overdue (items due payment_terms_days after posting; payments settle the oldest first): current, 1–30, 31–60, 61–90, over 90, total. Owner, manager, accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT.';

comment on function app_public.attach_payment_method(uuid, text, text, text, text) is
  E'Puts a provider card token on file for the reservation (its open payments, charged when each falls due, and the desk); a due payment that failed is charged on it at once. cardBrand/cardLast4: what the card form gave. Returns the open payments. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.charge_card_on_file(uuid, bigint, text) is
  E'Charges an amount on the reservation''s card on file into its folio (the desk: extras, the balance); returns the attempt, captured by a job. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, NO_CARD_ON_FILE, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.city_tax_report(uuid, date, date) is
  E'City tax per month of stay and per-night / per-person-night tax: stays, nights, person-nights, tax charged (minor units), and cancelled or no-show stays with the tax the ledger still holds for them. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

comment on function app_public.close_cash_shift(uuid, bigint, text, text) is
  E'Closes a cash shift with the counted cash: records expected (float + cash in − cash out) and the difference, posted to cash over/short. The opener, or owner, manager or accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (closed already), IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.correct_folio_entry(uuid, uuid, text, text) is
  E'Reverses an extra or allowance posted by mistake (at most once), with a reason, on the folio it sits on now. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (corrected already), IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.create_folio(uuid, text, uuid, text) is
  E'Opens another guest folio on a confirmed or checked-in reservation, optionally billed to a company; route charges to it with routeFolioPostings. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.extend_payment_deadline(uuid, timestamptz, text, text) is
  E'Moves the payment deadline of a booking whose payment is due to a later time (at most 30 days ahead), with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (no payment due), INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.issue_credit_note(uuid, text, text) is
  E'Credits an issued invoice in full with a credit note (its own gapless numbers). Errors: NOT_FOUND, ACCESS_DENIED, LEGAL_DETAILS_MISSING, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.issue_invoice(uuid, text) is
  E'Issues an invoice (numbered per property without gaps) for what a folio was charged and not yet invoiced: a line per night with its VAT, fees, city tax, extras, allowances; payments received and the amount due. Errors: NOT_FOUND, ACCESS_DENIED, LEGAL_DETAILS_MISSING, INVALID_INPUT (nothing to invoice), INVALID_TRANSITION (credit the last invoice first), IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.mark_payout_paid(uuid, text) is
  E'Records a payout as transferred: Dr owner payable / Cr payouts. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.open_cash_shift(uuid, bigint, text) is
  E'Opens the caller''s cash shift with its opening float (minor units). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (one is open already), IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.pay(uuid, text, text) is
  E'Pays a payment intent with a provider card token: starts an attempt captured by a job; the card stays on file for later intents. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.post_folio_allowance(uuid, bigint, text, text) is
  E'Posts an allowance with a reason: Dr allowances / Cr the folio (owner, manager, accountant). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.post_folio_charge(uuid, uuid, integer, text, text) is
  E'Posts an extra of the catalogue (quantity 1 to 999, an optional note) to an open folio: Dr folio / Cr extras revenue and the VAT included in the price. Errors: NOT_FOUND, ACCESS_DENIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.refund_folio_payment(uuid, app_public.desk_payment_method, bigint, text, boolean, text) is
  E'Refunds in cash (from the caller''s open cash shift) or by bank transfer, at most the folio''s credit; with goodwill (owner, manager, accountant) any amount, posting an allowance of it in the same entry so the folio''s balance does not move. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.refund_payment(uuid, bigint, text, text) is
  E'Refunds part or all of a captured payment: the folio is credited at once, the provider pays by a job. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.route_folio_postings(uuid, uuid, uuid[], text) is
  E'Moves charges (journal entries that charged the first folio) to another folio of the property in the same currency, in one entry; returns the folio they moved to. Errors: NOT_FOUND, ACCESS_DENIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.run_payouts(uuid, date, text) is
  E'Computes and posts each owner''s share of rental revenue for stays ended by period_end, never paying a stay''s revenue twice. Errors: NOT_FOUND, ACCESS_DENIED, DATES, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.send_invoice(uuid, text, text) is
  E'Emails an issued invoice or credit note with its PDF attached (to the given address, else the bill-to''s email) through a job added in the same transaction. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.set_folio_bill_to(uuid, text, text, text, text, text, text, text, text, text) is
  E'Sets whom the folio''s next invoices are addressed to (name, address, tax id, email); a blank name goes back to the company or guest. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.set_property_legal_details(uuid, text, text, text, text, text, text, text, text, text, text, text, text) is
  E'Saves the legal details the property''s invoices show (legal name, address, VAT id, registration, footer with bank details). Owner, manager, accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.take_folio_payment(uuid, app_public.desk_payment_method, bigint, text, text) is
  E'Takes a cash or bank-transfer payment of at most what the folio owes (dueAtCheckOut) (cash: into the caller''s open cash shift). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.transfer_folio_to_city_ledger(uuid, uuid, text) is
  E'Moves a guest folio''s open balance to a company''s city-ledger folio (accounts receivable), settling the guest folio. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.waive_payment_guarantee(uuid, text, text) is
  E'Waives a booking''s payment guarantee: its payment deadline ends and no later failed payment sets one; with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';

comment on function app_public.housekeeping_stays(uuid, date) is
  E'The stays that touch the housekeeping board on `day` (default: today at the property): arrivals, departures and guests in house, with unit, dates, state and number of guests, and nothing about who they are. Owners, managers, front desk and housekeeping. Errors: NOT_FOUND, ACCESS_DENIED.';

comment on function app_private.check_report(uuid, date, date) is E'Raises NOT_FOUND or ACCESS_DENIED unless the caller may read the property''s reports, DATES unless the range is 1 to 400 days.';

comment on function app_public.occupancy_report(uuid, date, date) is
  E'Occupancy (0–1), ADR and RevPAR (minor units) per night of a property. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

comment on function app_public.pickup_report(uuid, date, date) is E'Bookings made per day and channel. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

comment on function app_public.channel_revenue_report(uuid, date, date) is E'Room nights and revenue per channel for the nights in a range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

comment on function app_public.request_export(uuid, app_public.export_kind, date, date) is
  E'Queues a CSV export (reservations, guests, ledger, occupancy, city_tax) of a property over a date range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

comment on function app_public.run_night_audit(uuid) is
  E'Runs the night audit of a property now: closes each business day that is over and returns the audits. Errors: NOT_FOUND, ACCESS_DENIED.';

comment on function app_public.set_unit_status(uuid, app_public.housekeeping_status, text) is
  E'Sets a unit''s housekeeping status (out of order needs a note and an empty unit); marking it clean completes its cleaning tasks. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, UNIT_UNAVAILABLE.';

comment on function app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text) is
  E'Takes (in_progress), finishes (done: the unit becomes clean, or inspected) or cancels (managers) a housekeeping task. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
