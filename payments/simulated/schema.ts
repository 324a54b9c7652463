// The simulated provider keeps its state in its own schema, created on start
// (it is a stand-in for someone else's system, so it is not part of Keepr's
// migrations). Every statement is idempotent, and the whole setup runs under
// an advisory lock so that two processes starting at once do not race on
// `create ... if not exists` (which is not safe against concurrent creators).
import type pg from "pg";
import { inTransaction } from "../../core/sql.ts";

// An arbitrary constant: the lock only has to be distinct from Keepr's own.
const setupLockKey = 7_346_211_905;

const setupSql = `
create schema if not exists simulated_provider;
comment on schema simulated_provider is E'State of the simulated payment provider (payments/simulated). Not Keepr data: it stands in for the provider''s own systems.';

create or replace function simulated_provider.tg__timestamps() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, pg_temp
as $$
begin
  new.created_at := case when tg_op = 'INSERT' then now() else old.created_at end;
  new.updated_at := case when tg_op = 'UPDATE' and old.updated_at >= now() then old.updated_at + interval '1 millisecond' else now() end;
  return new;
end;
$$;

create table if not exists simulated_provider.tokens (
  id text primary key check (id ~ '^tok_[0-9a-f]{24}$'),
  brand text not null,
  last4 char(4) not null check (last4 ~ '^[0-9]{4}$'),
  exp_month smallint not null check (exp_month between 1 and 12),
  exp_year smallint not null check (exp_year between 2000 and 2199),
  behaviour text not null check (behaviour in ('succeed', 'card_declined', 'insufficient_funds', 'expired_card')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table simulated_provider.tokens is E'Card tokens. Never a card number or CVC: only what a real provider may show (brand, last four digits, expiry) and the behaviour the test card stands for.';

create table if not exists simulated_provider.charges (
  id text primary key check (id ~ '^ch_[0-9a-f]{24}$'),
  token_id text not null references simulated_provider.tokens (id) on delete restrict,
  status text not null check (status in ('authorized', 'captured', 'failed', 'refunded', 'partially_refunded')),
  amount bigint not null check (amount > 0),
  amount_captured bigint not null default 0 check (amount_captured between 0 and amount),
  amount_refunded bigint not null default 0 check (amount_refunded between 0 and amount_captured),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  reference text not null,
  idempotency_key text not null unique,
  capture_idempotency_key text,
  failure_code text,
  captured_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'failed') = (failure_code is not null)),
  check ((captured_at is not null) = (status in ('captured', 'refunded', 'partially_refunded')))
);
comment on table simulated_provider.charges is E'Charges: authorized, captured (whole or part of the authorization), failed (declined, kept with its failure_code) or refunded.';
comment on column simulated_provider.charges.idempotency_key is E'The Idempotency-Key of the POST /v1/charges that created the charge (GET /v1/charges?idempotency_key= finds it).';
create index if not exists charges_token_id_idx on simulated_provider.charges (token_id);
create index if not exists charges_captured_at_idx on simulated_provider.charges (captured_at) where captured_at is not null;

create table if not exists simulated_provider.refunds (
  id text primary key check (id ~ '^re_[0-9a-f]{24}$'),
  charge_id text not null references simulated_provider.charges (id) on delete restrict,
  status text not null default 'succeeded' check (status = 'succeeded'),
  amount bigint not null check (amount > 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  reference text not null,
  idempotency_key text not null unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table simulated_provider.refunds is E'Refunds of captured charges; their sum per charge never exceeds the amount captured.';
create index if not exists refunds_charge_id_idx on simulated_provider.refunds (charge_id);
create index if not exists refunds_created_at_idx on simulated_provider.refunds (created_at);

create table if not exists simulated_provider.idempotency_keys (
  endpoint text not null,
  key text not null,
  request_hash text not null,
  response_status integer check (response_status between 200 and 599),
  response_body jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (endpoint, key),
  check ((response_status is null) = (response_body is null))
);
comment on table simulated_provider.idempotency_keys is E'The stored answer to each (endpoint, Idempotency-Key): a retry with the same parameters gets it again, with other parameters a 409. The row is inserted first (a concurrent request with the key waits on it) and given its response in the transaction of the effect, so outside that transaction the response is always there.';

create table if not exists simulated_provider.events (
  id text primary key check (id ~ '^evt_[0-9a-f]{24}$'),
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table simulated_provider.events is E'Every state change as the webhook event sent for it (charge.authorized, charge.captured, charge.failed, refund.succeeded).';

create table if not exists simulated_provider.deliveries (
  id bigint primary key generated always as identity,
  event_id text not null references simulated_provider.events (id) on delete cascade,
  url text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table simulated_provider.deliveries is E'Webhook deliveries, retried with exponential backoff. A claimed delivery has next_attempt_at pushed past the attempt''s timeout (a lease), so a process that dies mid-attempt leaves it to be retried.';
comment on column simulated_provider.deliveries.next_attempt_at is E'When the delivery is due, or, while an attempt runs, when its lease ends.';
create index if not exists deliveries_due_idx on simulated_provider.deliveries (next_attempt_at) where status = 'pending';
create index if not exists deliveries_event_id_idx on simulated_provider.deliveries (event_id);
`;

const timestampedTables = ["tokens", "charges", "refunds", "idempotency_keys", "events", "deliveries"];

/** Creates (or completes) the simulated_provider schema. Safe to run from several processes at once. */
export async function ensureSimulatedProviderSchema(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, {}, async (client) => {
    await client.query("select pg_advisory_xact_lock($1)", [setupLockKey]);
    await client.query(setupSql);
    for (const table of timestampedTables) {
      await client.query(
        `create or replace trigger _100_timestamps before insert or update on simulated_provider.${table}
           for each row execute function simulated_provider.tg__timestamps()`,
      );
    }
  });
}
