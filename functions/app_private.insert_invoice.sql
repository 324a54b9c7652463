-- Writes an invoice or credit note with the next number of its kind at the
-- property (the counter row is locked until commit: no gaps, no doubles),
-- its totals and the bill-to snapshot of the guest.
create or replace function app_private.insert_invoice(
  folio app_public.folios,
  reservation app_public.reservations,
  kind app_public.invoice_kind,
  lines jsonb,
  credits_invoice_id uuid,
  reason text
) returns app_public.invoices
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_number integer;
  v_invoice app_public.invoices;
begin
  insert into app_private.invoice_counters as c (property_id, kind, last_number)
  values (folio.property_id, insert_invoice.kind, 1)
  on conflict (property_id, kind) do update set last_number = c.last_number + 1
  returning c.last_number into v_number;

  insert into app_public.invoices (property_id, folio_id, reservation_id, kind, number, document_number, credits_invoice_id, reason,
                                   currency, lines, net_amount, tax_amount, total_amount, bill_to, issued_by)
  select folio.property_id, folio.id, reservation.id, insert_invoice.kind, v_number,
         case insert_invoice.kind when 'invoice' then 'INV-' else 'CN-' end || pg_catalog.lpad(v_number::text, 6, '0'),
         insert_invoice.credits_invoice_id, insert_invoice.reason, reservation.currency, insert_invoice.lines,
         coalesce((select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(insert_invoice.lines) l where l ->> 'kind' = 'revenue'), 0),
         coalesce((select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(insert_invoice.lines) l where l ->> 'kind' = 'tax'), 0),
         (select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(insert_invoice.lines) l),
         pg_catalog.jsonb_build_object('name', g.full_name, 'email', g.email, 'confirmation_code', reservation.confirmation_code,
                                       'arrival', pg_catalog.lower(reservation.stay), 'departure', pg_catalog.upper(reservation.stay)),
         app_hidden.current_user_id()
    from app_public.guests g
   where g.property_id = reservation.property_id and g.id = reservation.guest_id
  returning * into v_invoice;
  return v_invoice;
end;
$$;
comment on function app_private.insert_invoice(app_public.folios, app_public.reservations, app_public.invoice_kind, jsonb, uuid, text) is
  E'Inserts an invoice or credit note under the next gapless number of its kind at the property.';
