-- The registration card of a stay, as the desk fills it in at check-in: the
-- guest's name and identity document (type, number, issuing country, issued
-- and expiry dates), nationality, date of birth and, optionally, home
-- address. Given again, it replaces the card (a corrected number, another
-- document): the same values twice change nothing. The front office of the
-- property only (housekeeping and accountants: ACCESS_DENIED; anyone else:
-- NOT_FOUND), for a confirmed or checked-in stay. Each field is checked and
-- a wrong one is INVALID_ID_DOCUMENT with extensions.reason naming it:
-- TYPE, NUMBER (3 to 30 letters, digits, '<' or '-'; spaces are dropped and
-- letters upper-cased), COUNTRY and NATIONALITY (ISO 3166-1 alpha-2),
-- BIRTH (from 1900 to today), ISSUED (from the date of birth to today),
-- EXPIRED (a document that expired before today, or expires before it was
-- issued), ADDRESS (at most 500 characters). The audit log keeps the
-- change with the number and the date of birth masked
-- (app_private.tg_registration_cards__audit).
create or replace function app_public.record_registration_card(
  reservation_id uuid,
  full_name text,
  document_type app_public.identity_document_type,
  document_number text,
  issuing_country text,
  nationality text,
  date_of_birth date,
  issued_on date,
  expires_on date default null,
  address text default null
) returns app_public.registration_cards
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
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
$$;
comment on function app_public.record_registration_card(uuid, text, app_public.identity_document_type, text, text, text, date, date, date, text) is
  E'Records (or corrects) the registration card of a confirmed or checked-in stay: the guest''s identity document, nationality, date of birth and address. Front office of the property only. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_NAME, INVALID_ID_DOCUMENT (extensions.reason: TYPE, NUMBER, COUNTRY, NATIONALITY, BIRTH, ISSUED, EXPIRED, ADDRESS).';
