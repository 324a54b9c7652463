-- Sends an issued invoice or credit note by email with its PDF attached:
-- records the delivery and adds the send_invoice job in this transaction
-- (the worker renders the PDF from the frozen document and sends it through
-- the mail provider, once per delivery however often the job runs).
-- Cashiers. The address defaults to the document's bill-to email.
create or replace function app_public.send_invoice(invoice_id uuid, email text, idempotency_key text) returns app_public.invoice_deliveries
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_public.send_invoice(uuid, text, text) is
  E'Emails an issued invoice or credit note with its PDF attached (to the given address, else the bill-to''s email) through a job added in the same transaction. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';
