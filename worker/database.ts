// Domain work in jobs runs as keepr_worker inside a transaction, never with
// the owner's rights the worker's connection has for its own queue.
import type { PoolClient } from "pg";
import { inTransaction } from "../core/sql.ts";

export const asWorker = <T>(client: PoolClient, work: (client: PoolClient) => Promise<T>, settings?: Readonly<Record<string, string>>): Promise<T> =>
  inTransaction(client, { role: "keepr_worker", ...(settings ? { settings } : {}) }, work);
