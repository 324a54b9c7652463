// Domain work in jobs runs as keepr_worker inside a transaction, never with
// the owner's rights the worker's connection has for its own queue.
import type { PoolClient } from "pg";

export async function asWorker<T>(client: PoolClient, work: (client: PoolClient) => Promise<T>): Promise<T> {
  await client.query("begin");
  try {
    await client.query("set local role keepr_worker");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}
