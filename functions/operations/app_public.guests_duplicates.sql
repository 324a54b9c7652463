-- Profiles at the same property that are likely the same person as this
-- guest, for the profile's "Possible duplicates": the same email ignoring
-- case and a "+tag" in its local part (ada+spa@x.org is ada@x.org), or the
-- same name ignoring case and spaces with the same phone digits. Emails are
-- unique per property ignoring case (citext), so an exact match is
-- impossible; the +tag is what tells two profiles of one mailbox apart.
create or replace function app_public.guests_duplicates(guest app_public.guests) returns setof app_public.guests
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_public.guests_duplicates(app_public.guests) is
  E'@behavior -connection +list\nLikely duplicates of this guest at the property (at most 20): the same email ignoring case and a +tag, or the same name and phone digits. Merge one with mergeGuests.';
