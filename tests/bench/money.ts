// npm run bench -- money --url http://127.0.0.1:3000 [--calls 20] [--top 3] [--only <regexp of path names>]
//
// What the paths that read money cost on the scale data with its money
// (`npm run seed -- --properties 50 --units 5000`: folios, charges,
// payments, refunds, cancellations, city ledger). Against a running Keepr
// (--url) and the database it uses (configured as for `npm run db`:
// DATA_DIR / EMBEDDED_PG_PORT, or DATABASE_URL and ROOT_DATABASE_URL):
//
//  1. picks the generated hotel with the most reservations and signs in a
//     manager of it (made once: bench-money@keepr.example), with the
//     property's legal details set (for invoices) if it had none;
//  2. through the GraphQL API, --calls calls each of the console's money
//     documents as the console sends them (the folio list, a folio, a
//     stay's folios, AR aging, the trial balance, a week of the journal,
//     payments and refunds, invoices, on-the-books, occupancy and city-tax
//     reports) and of the desk's and back office's money mutations (a bank
//     payment at the desk, a card refund, an invoice issued: these change
//     the data, a little, each call on another folio or intent);
//  3. the worker's read of a message (send_notification's statement) for
//     cancelled and booked reservations, as keepr_worker, in a transaction
//     rolled back (its notifications are made for it), and a night audit of
//     the property (app_public.run_night_audit as the manager, rolled back);
//  4. prints p50/p95 per path and, when pg_stat_statements is loaded
//     (track = all), the --top statements by time of each path (nested
//     ones included) with calls, mean time, rows and buffers per call: a
//     statement whose buffers or rows grow with the whole table, not the
//     property or the reservation, shows there.
import "../../core/env.ts";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { openDatabase } from "../../core/database.ts";
import { folio, folios, invoices, issueInvoice, journal, payments, refundPayment, trialBalance } from "../../admin/src/features/accounting/documents.ts";
import { arAging, stayFolios, takeFolioPayment } from "../../admin/src/features/folio/documents.ts";
import { cityTaxReport, onTheBooksReport, stayReports } from "../../admin/src/features/reports/documents.ts";
import { notificationLoadSql } from "../../worker/tasks/send_notification.ts";
import { percentile } from "./latency.ts";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3000" },
    calls: { type: "string", default: "20" },
    top: { type: "string", default: "3" },
    only: { type: "string" },
  },
  strict: true,
});
const calls = Number(args.calls);
const top = Number(args.top);
const password = "bench-money-password-1";
const email = "bench-money@keepr.example";

const config = loadConfig();
const db = await openDatabase(config, () => {});
const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
// The superuser (pg_stat_statements), in Keepr's database (superuserUrl names the maintenance one).
const suUrl = db.superuserUrl ? new URL(db.superuserUrl) : null;
if (suUrl) suUrl.pathname = new URL(db.ownerUrl).pathname;
const su = suUrl ? new pg.Pool({ connectionString: suUrl.toString(), max: 1 }) : null;
const loadBefore = loadavg().map((x) => x.toFixed(2)).join(" ");

try {
  const { rows: [property] } = await owner.query<{ id: string; name: string; n: number; today: string }>(
    `select p.id, p.name, count(*)::int as n, p.business_date::text as today
       from app_public.properties p
       join app_public.organizations o on o.id = p.organization_id
       join app_public.reservations r on r.property_id = p.id
      where o.slug like 'scale-gen-%' and p.kind = 'hotel'
      group by p.id order by n desc limit 1`,
  );
  if (!property) throw new Error("no generated hotel: run npm run seed first");
  const totals = (await owner.query<Record<string, string>>(
    `select (select count(*) from app_public.reservations) as reservations, (select count(*) from app_public.folios) as folios,
            (select count(*) from app_public.postings) as postings, (select count(*) from app_public.payment_intents) as intents,
            (select count(*) from app_public.folios where property_id = $1) as property_folios,
            (select count(*) from app_public.postings where property_id = $1) as property_postings`,
    [property.id],
  )).rows[0]!;
  console.log(`property "${property.name}": ${property.n} reservations, ${totals.property_folios} folios, ${totals.property_postings} postings`);
  console.log(`whole database: ${totals.reservations} reservations, ${totals.folios} folios, ${totals.postings} postings, ${totals.intents} payment intents`);

  const { rows: [user] } = await owner.query<{ id: string }>(
    `insert into app_public.users (email, display_name) values ($1, 'Bench Money')
     on conflict (email) do update set display_name = excluded.display_name returning id`,
    [email],
  );
  await owner.query(
    "insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'manager') on conflict (property_id, user_id) do nothing",
    [property.id, user!.id],
  );
  await owner.query(
    `insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))
     on conflict (user_id) do update set password_hash = excluded.password_hash`,
    [user!.id, password],
  );
  await owner.query(
    `insert into app_public.property_legal_details (property_id, legal_name, address_line1, postal_code, city, country_code, vat_id)
     select p.id, p.name || ' Lda', p.address, '1000-001', p.city, p.country_code, p.country_code || '500000000'
       from app_public.properties p where p.id = $1
     on conflict (property_id) do nothing`,
    [property.id],
  );

  const login = await fetch(`${args.url}/graphql`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, variables: { e: email, p: password } }),
  });
  const token = ((await login.json()) as { data?: { login?: { result?: string } } }).data?.login?.result;
  if (!token) throw new Error("could not sign in the bench's manager");
  const api = async (doc: { name: string; source: string }, variables: Record<string, unknown>) => {
    const res = await fetch(`${args.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: doc.source, variables, operationName: doc.name }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (body.errors?.length) throw new Error(`${doc.name}: ${body.errors.map((e) => e.extensions?.code ?? e.message).join(", ")}`);
    return body.data;
  };

  let statements = false;
  if (su) {
    try {
      await su.query("create extension if not exists pg_stat_statements");
      await su.query("select 1 from pg_stat_statements limit 1");
      statements = true;
    } catch {
      console.log("pg_stat_statements is not loaded: times only (see docs/benchmarks.md for how to preload it)");
    }
  }

  // Inputs: folios with money on them, captured intents, each used once by the mutations.
  const { rows: folioRows } = await owner.query<{ id: string; reservation_id: string }>(
    `select f.id, f.reservation_id from app_public.folios f join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
      where f.property_id = $1 and f.is_primary and b.balance >= 10000 order by md5(f.id::text) limit $2`,
    [property.id, calls * 3],
  );
  const { rows: intentRows } = await owner.query<{ id: string }>(
    `select i.id from app_public.payment_intents i
      where i.property_id = $1 and i.status = 'captured' and i.amount_captured - i.amount_refunded >= 1000 order by md5(i.id::text) limit $2`,
    [property.id, calls],
  );
  const today = property.today;
  const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const pick = <T>(list: T[], i: number) => list[i % list.length]!;

  const paths: Array<{ name: string; run: (i: number) => Promise<unknown> }> = [
    { name: "folio list, unsettled (BackofficeFolios)", run: () => api(folios, { propertyId: property.id, status: null, unsettled: true, first: 25, offset: 0 }) },
    { name: "folio list, all (BackofficeFolios)", run: () => api(folios, { propertyId: property.id, status: null, unsettled: false, first: 25, offset: 0 }) },
    { name: "a folio (BackofficeFolio)", run: (i) => api(folio, { id: pick(folioRows, i).id }) },
    { name: "a stay's folios (DeskStayFolios)", run: (i) => api(stayFolios, { reservationId: pick(folioRows, i).reservation_id }) },
    { name: "AR aging (DeskArAging)", run: () => api(arAging, { propertyId: property.id, asOf: today }) },
    { name: "trial balance (BackofficeTrialBalance)", run: () => api(trialBalance, { propertyId: property.id }) },
    { name: "journal, 7 days (BackofficeJournal)", run: () => api(journal, { propertyId: property.id, fromDate: addDays(today, -7), toDate: today, accountId: null, first: 50, offset: 0 }) },
    { name: "payments and refunds (BackofficePayments)", run: () => api(payments, { propertyId: property.id, first: 25, offset: 0, refundsFirst: 25, refundsOffset: 0 }) },
    { name: "invoices (BackofficeInvoices)", run: () => api(invoices, { propertyId: property.id, kind: null, first: 25, offset: 0 }) },
    { name: "on the books, 30 nights", run: () => api(onTheBooksReport, { propertyId: property.id, fromDate: today, toDate: addDays(today, 30), asOf: new Date().toISOString() }) },
    { name: "occupancy and channels, 30 nights", run: () => api(stayReports, { propertyId: property.id, fromDate: today, toDate: addDays(today, 30) }) },
    { name: "city tax, 90 days", run: () => api(cityTaxReport, { propertyId: property.id, fromDate: today, toDate: addDays(today, 90) }) },
    {
      name: "bank payment at the desk (takeFolioPayment)",
      run: (i) => api(takeFolioPayment, { folioId: pick(folioRows, i).id, method: "bank_transfer", amount: 100, reference: "BENCH", idempotencyKey: randomUUID() }),
    },
    {
      name: "card refund (refundPayment)",
      run: (i) => api(refundPayment, { intentId: pick(intentRows, i).id, amount: 100, reason: "bench", idempotencyKey: randomUUID() }),
    },
    { name: "invoice issued (issueInvoice)", run: (i) => api(issueInvoice, { folioId: pick(folioRows, calls + i).id, idempotencyKey: randomUUID() }) },
  ];

  const report = async (name: string, ms: number[]) => {
    if (ms.length) console.log(`\n${name.padEnd(46)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(ms, 95).toFixed(1).padStart(7)} ms  (${ms.length} calls)`);
    if (!statements) return;
    const { rows } = await su!.query<{ query: string; calls: string; mean: number; rows: number; blocks: number }>(
      `select regexp_replace(query, '\\s+', ' ', 'g') as query, calls, mean_exec_time as mean, rows::float / nullif(calls, 0) as rows,
              (shared_blks_hit + shared_blks_read)::float / nullif(calls, 0) as blocks
         from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
          and calls > 0 and query not like '%pg_stat_statements%' and query !~* '^\\s*(begin|commit|rollback|set |select set_config|select \\$1::text)'
        order by total_exec_time desc limit $1`,
      [top],
    );
    for (const r of rows) {
      console.log(`   ${r.mean.toFixed(2).padStart(8)} ms  ${String(r.calls).padStart(4)} calls  ${r.rows.toFixed(0).padStart(7)} rows  ${r.blocks.toFixed(0).padStart(8)} buffers/call  ${r.query.slice(0, 150)}`);
    }
  };

  const only = args.only ? new RegExp(args.only, "i") : null;
  for (const path of paths.filter((p) => !only || only.test(p.name))) {
    try {
      if (statements) await su!.query("select pg_stat_statements_reset()");
      await path.run(0); // planned and cached once, as a console in use would have it
      if (statements) await su!.query("select pg_stat_statements_reset()");
      const ms: number[] = [];
      for (let i = 1; i <= calls; i++) {
        const t = performance.now();
        await path.run(i);
        ms.push(performance.now() - t);
      }
      await report(path.name, ms);
    } catch (error) {
      // A path that fails (a TIMEOUT is the API's statement_timeout) is a finding, not the end of the run.
      console.log(`\n${path.name.padEnd(46)} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (statements) await report(`  (what it ran before failing)`, []);
    }
  }

  // The worker's read of a message, and the night audit: in transactions rolled back.
  const { rows: sample } = await owner.query<{ id: string }>(
    `(select r.id from app_public.reservations r where r.property_id = $1 and r.status = 'cancelled' order by md5(r.id::text) limit $2)
     union all
     (select r.id from app_public.reservations r where r.property_id = $1 and r.status = 'confirmed' order by md5(r.id::text) limit $2)`,
    [property.id, Math.ceil(calls / 2)],
  );
  {
    const client = await owner.connect();
    const ms: number[] = [];
    try {
      await client.query("begin");
      await client.query(
        "select app_private.notify(r, 'cancellation', 'bench-money:' || r.id) from app_public.reservations r where r.id = any ($1::uuid[])",
        [sample.map((s) => s.id)],
      );
      const { rows: notes } = await client.query<{ id: string }>(
        "select n.id from app_public.notifications n where n.property_id = $1 and n.cause like 'bench-money:%'",
        [property.id],
      );
      if (!notes.length) throw new Error("notify made no notification for the sample");
      await client.query("set local role keepr_worker");
      if (statements) await su!.query("select pg_stat_statements_reset()");
      for (const n of notes) {
        const t = performance.now();
        await client.query(notificationLoadSql, [[n.id]]);
        ms.push(performance.now() - t);
      }
      const { rows: plan } = await client.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers, costs off, timing off) ${notificationLoadSql}`, [[notes[0]!.id]]);
      await report("a message's read (send_notification, worker)", ms);
      console.log(`   plan, buffers: ${plan.filter((p) => /Buffers|Execution/.test(p["QUERY PLAN"])).slice(-2).map((p) => p["QUERY PLAN"].trim()).join(" / ")}`);
    } finally {
      await client.query("rollback");
      client.release();
    }
  }
  {
    const client = await owner.connect();
    try {
      await client.query("begin");
      const { rows: [session] } = await client.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [user!.id]);
      await client.query("select set_config('jwt.claims.session_id', $1, true)", [session!.id]);
      await client.query("set local role keepr_staff");
      if (statements) await su!.query("select pg_stat_statements_reset()");
      const t = performance.now();
      await client.query("select * from app_public.run_night_audit($1)", [property.id]);
      await report("night audit of the property (run_night_audit, rolled back)", [performance.now() - t]);
    } finally {
      await client.query("rollback");
      client.release();
    }
  }
  console.log(`\nload average before ${loadBefore}, after ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
} finally {
  await owner.end();
  await su?.end();
  await db.stop();
}
