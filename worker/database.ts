// Domain work in jobs runs as keepr_worker inside a transaction, never with
// the owner's rights the worker's connection has for its own queue.
import type { PoolClient } from "pg";

export async function asWorker<T>(client: PoolClient, work: (client: PoolClient) => Promise<T>): Promise<T> {
  try {
    // One round trip for both (a simple-protocol query may hold several statements).
    await client.query("begin; set local role keepr_worker");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}
