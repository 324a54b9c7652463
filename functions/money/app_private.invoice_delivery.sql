-- What the send_invoice job needs, read in one call as the worker: the
-- delivery, and the document as the PDF shows it (the frozen invoice with
-- its property's name and time zone and the number it credits).
create or replace function app_private.invoice_delivery(id uuid) returns jsonb
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_private.invoice_delivery(uuid) is
  E'The send_invoice job''s input: the delivery and its frozen document; null when it is gone.';
