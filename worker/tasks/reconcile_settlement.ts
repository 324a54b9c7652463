// Fetches the provider's settlement report of one UTC day (yesterday by
// default, from the daily cron), parses the CSV with csv-parse and has the
// database reconcile it with the ledger (app_private.import_settlement):
// every missing, extra or mismatched line is recorded for staff. Importing
// a day twice changes nothing.
import type { Task } from "graphile-worker";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { asWorker } from "../database.ts";

const payload = z.object({ date: z.iso.date().optional() }).default({});

const line = z.object({
  id: z.string().min(1),
  type: z.enum(["charge", "refund"]),
  created: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  amount: z.coerce.number().int(),
  fee: z.coerce.number().int(),
  net: z.coerce.number().int(),
  charge: z.string(),
  reference: z.string(),
});

export function makeReconcileSettlement(deps: { fetchReport(date: string): Promise<string>; provider: string }): Task {
  return async (raw, helpers) => {
    const { date } = payload.parse(raw ?? {});
    const day = date ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const csv = await deps.fetchReport(day);
    const lines = z.array(line).parse(parse(csv, { columns: true, skip_empty_lines: true, trim: true }));
    const { differences } = await helpers.withPgClient((client) =>
      asWorker(client, async (c) => {
        const { rows } = await c.query<{ id: string }>("select app_private.import_settlement($1, $2, $3) as id", [deps.provider, day, JSON.stringify(lines)]);
        return (await c.query<{ differences: number }>("select difference_count as differences from app_public.settlement_reports where id = $1", [rows[0]!.id])).rows[0]!;
      }),
    );
    helpers.logger.info(`settlement ${day}: ${lines.length} line(s), ${differences} difference(s)`);
  };
}
