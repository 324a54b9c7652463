-- A property by its slug, for links such as /hotels/<slug>. Slugs are unique
-- within an organization (so a slug conflict never reveals another tenant's
-- property) and among published properties (a partial unique index): the
-- published property of that slug, else one the caller may see.
create or replace function app_public.property_by_slug(slug text) returns app_public.properties
  language sql stable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select p.*
    from app_public.properties p
   where p.slug = property_by_slug.slug
   order by p.is_published desc, p.created_at
   limit 1;
$$;
comment on function app_public.property_by_slug(text) is
  E'The property with this slug: the published one, else one of yours (slugs are unique within an organization and among published properties).';
