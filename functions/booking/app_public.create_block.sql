-- Blocks a unit for the nights start_date … end_date - 1 (an owner's stay
-- or maintenance). Refused with UNIT_UNAVAILABLE when any of those nights is
-- taken, without saying by whom.
create or replace function app_public.create_block(
  unit_id uuid,
  start_date date,
  end_date date,
  kind app_public.claim_kind,
  idempotency_key text,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
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
$$;
comment on function app_public.create_block(uuid, date, date, app_public.claim_kind, text, text) is
  E'Blocks a unit (owner_block or maintenance_block) for the nights from start_date up to end_date. Errors: NOT_FOUND, ACCESS_DENIED, DATES, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
