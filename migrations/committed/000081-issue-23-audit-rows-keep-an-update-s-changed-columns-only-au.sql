--! Previous: sha1:af957283723404458a79c127399b4565c1768228
--! Hash: sha1:cbb6c6ca29e86898a687822ea008ca3a52608c67
--! Message: Issue 23: audit rows keep an update's changed columns only; audit.events' unread indexes dropped; the reservation timeline reads both shapes

-- Issue 23: a booking's Postgres CPU.
--
-- The audit log keeps an update's changed columns only (their old and new
-- values) instead of two whole images of the row; an insert and a delete
-- keep the whole row. The reservation's history in words rebuilds the row
-- before and after each update from its insert and the updates before it.
--! Included common/audit.tg__record.sql
-- Writes one audit row per inserted, updated or deleted row: who (user id
-- from the session), from which request (keepr.request_id set by the API per
-- request) and the values: the whole row of an insert (new_values) or a
-- delete (old_values); of an update, the changed columns only, their old
-- values in old_values and their new ones in new_values (an update that
-- changes nothing writes no row). A row's state at any event is its insert
-- with the later updates' new_values applied in order. A row of a property (one with a
-- property_id) goes to audit.events, which is distributed by property with
-- the property's rows; a row shared by every property (organisations,
-- users, properties themselves) goes to audit.shared_events. Rows of a
-- reservation (the reservation itself, its claims) carry its id, so its
-- history is one indexed lookup. A traced transaction also writes its traceparent into the
-- WAL once (for realtime). Fires as _500_audit.
create or replace function audit.tg__record() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
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
$$;
comment on function audit.tg__record() is
  E'Trigger (AFTER, per row): appends the change to audit.events (a row of a property) or audit.shared_events (organisations, users, properties) with actor, role, request id and the values: the whole row of an insert or a delete, the changed columns only (old and new) of an update.';
--! EndIncluded common/audit.tg__record.sql
--! Included operations/app_public.reservation_timeline.sql
-- A reservation's history as a person reads it (issue 21): one line per
-- thing that happened, from the audit log of the reservation row — "Moved
-- from 201 to 204", "Checked in", "Dates changed from 5 Dec–7 Dec to
-- 6 Dec–8 Dec", "Guest name changed from … to …", "Expected at 11:00" — with who did it: the
-- user's name and their role at the property ("Dana", "desk"), "the guest"
-- for a guest's own change, Keepr for jobs, and Keepr (allocator) for a move
-- the allocator made in another booking's transaction to make room for it
-- (an allocation_moves row of the stay in the same transaction). The price
-- the desk set (rate_overrides) and the registration card (its number
-- masked, as the audit log keeps it) have their lines too. Units, rate
-- plans and amounts by their names, never ids. The staff who read
-- reservations (cashiers), as reservation_history (which keeps the raw
-- values, for the trace). The audit log keeps a reservation's insert whole
-- and an update's changed columns only (audit.tg__record): the row before and
-- after each update is rebuilt by applying the updates in order, starting
-- from its insert (or, for a row older than its audit, from the row as it is
-- now, for the columns no update names).
create or replace function app_public.reservation_timeline(reservation_id uuid)
  returns setof app_public.reservation_history_line
  language plpgsql stable security definer rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_public.reservation_timeline(uuid) is
  E'A reservation''s history in words, oldest first: one line per change ("Moved from 201 to 204", "Checked in", "Dates changed from …"), with who made it (their name and role at the property; "the guest"; Keepr for jobs, role allocator for the allocator''s moves) and the request id. Staff who read reservations. Errors: NOT_FOUND, ACCESS_DENIED.';
--! EndIncluded operations/app_public.reservation_timeline.sql

-- audit.events' indexes that no reader uses: the history reads by
-- reservation (audit_events_reservation_idx), an operator's look-up of a
-- row's history by table and row (audit_events_row_idx); nothing reads the
-- log by property and time or by request id.
drop index if exists audit.audit_events_property_idx;
drop index if exists audit.audit_events_request_idx;
drop index if exists audit.audit_shared_events_request_idx;

comment on type app_public.reservation_event is
  E'One change to a reservation or its claims, from the audit log: old_values and new_values hold an insert''s or a delete''s whole row, an update''s changed columns only (their old and new values).';
