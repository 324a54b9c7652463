-- Opens another guest folio on a reservation (a split: "Extras", a second
-- guest), optionally billed to a company of the property. Cashiers. The
-- label defaults to "Folio <n>".
create or replace function app_public.create_folio(
  reservation_id uuid,
  label text,
  company_id uuid,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_public.create_folio(uuid, text, uuid, text) is
  E'Opens another guest folio on a confirmed or checked-in reservation, optionally billed to a company; route charges to it with routeFolioPostings. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
