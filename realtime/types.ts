// The contracts between the realtime server and its two neighbours: the
// replication reader, which hands it committed transactions in commit order,
// and the authorizer, which decides which subscriber may see which row and
// which of its columns. Kept apart so each side can be written and tested
// against these types alone.
import type { Identity } from "../core/auth.ts";

/** A column of a changed row: its name and pg_type.typname (int4, _text, timestamptz, ...). */
export interface ChangeColumn {
  name: string;
  type: string;
}

/**
 * One row change as pgoutput reports it. Values are Postgres text output,
 * null for SQL NULL; the client converts them with columns[].type.
 */
export interface Change {
  schema: string;
  table: string;
  type: "INSERT" | "UPDATE" | "DELETE";
  columns: ChangeColumn[];
  /** The new row (INSERT, UPDATE); null for DELETE. */
  record: Record<string, string | null> | null;
  /** The old row (UPDATE and DELETE; only the replica identity's columns unless it is FULL). */
  oldRecord: Record<string, string | null> | null;
}

export interface Transaction {
  lsn: string;
  /** ISO 8601 in UTC with milliseconds and Z, e.g. 2026-08-21T10:15:02.123Z. */
  commitTimestamp: string;
  changes: Change[];
}

/**
 * Who a channel subscriber is: the identity of their verified token, in the
 * shape core/auth.ts uses (so pgSettingsFor() applies to it), plus a key
 * that is equal for every subscriber whose token carries the same role, sub,
 * session_id and reservation_id. Authorization is decided once per key.
 */
export type SubscriberIdentity = Identity & { readonly key: string };

/** Per identity key: the column names the identity may see, or null when the row is not visible to it. */
export type VisibleColumns = ReadonlyMap<string, readonly string[] | null>;

/**
 * Decides the visibility of one change for a set of distinct identities.
 * Called once per change with every distinct identity whose subscription
 * matches it, never once per subscriber. A key missing from the answer
 * counts as "not visible".
 */
export type AuthorizeChange = (change: Change, identities: readonly SubscriberIdentity[]) => Promise<VisibleColumns>;

/**
 * Whether the identity may join the private channel with this name (the
 * topic without its "realtime:" prefix), to send and receive its broadcasts
 * and presence.
 */
export type AuthorizeChannel = (identity: SubscriberIdentity, channel: string) => Promise<boolean>;

/** The part of a pino logger realtime uses. */
export interface RealtimeLogger {
  child(bindings: Record<string, unknown>): RealtimeLogger;
  debug(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}
