-- Computed columns: the stay's dates and length, as GraphQL fields
-- (arrival, departure, nights) next to the raw `stay` range. SQL-standard
-- bodies with no `set` clause, so Postgres inlines them into the query that
-- selects, filters or sorts by them (`lower(stay)`, which the arrival
-- indexes serve), instead of planning each again at every statement and
-- calling it for every row (the console's documents select them 166
-- times; docs/benchmarks.md, "Staff statements without planning their
-- policies' helpers").
create or replace function app_public.reservations_arrival(r app_public.reservations) returns date
  language sql immutable parallel safe
begin atomic
  select pg_catalog.lower(r.stay);
end;
comment on function app_public.reservations_arrival(app_public.reservations) is
  E'@behavior +orderBy +filterBy\nThe arrival date (local to the property).';

create or replace function app_public.reservations_departure(r app_public.reservations) returns date
  language sql immutable parallel safe
begin atomic
  select pg_catalog.upper(r.stay);
end;
comment on function app_public.reservations_departure(app_public.reservations) is
  E'@behavior +orderBy\nThe departure date (local to the property); the last night is the day before.';

create or replace function app_public.reservations_nights(r app_public.reservations) returns integer
  language sql immutable parallel safe
begin atomic
  select pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay);
end;
comment on function app_public.reservations_nights(app_public.reservations) is E'Number of nights booked.';

create or replace function app_public.inventory_claims_start_date(c app_public.inventory_claims) returns date
  language sql immutable parallel safe
begin atomic
  select pg_catalog.lower(c.stay);
end;
comment on function app_public.inventory_claims_start_date(app_public.inventory_claims) is E'The first night the claim takes.';

create or replace function app_public.inventory_claims_end_date(c app_public.inventory_claims) returns date
  language sql immutable parallel safe
begin atomic
  select pg_catalog.upper(c.stay);
end;
comment on function app_public.inventory_claims_end_date(app_public.inventory_claims) is E'The day after the last night the claim takes.';
