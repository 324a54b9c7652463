// The reading half of Keepr's realtime server: streams the changes of the
// publication keepr_realtime (its tables: the end of db/schema.sql) out of
// Postgres by logical replication (pgoutput) and hands them to onTransaction one
// committed transaction at a time, in commit order, values as Postgres text.
//
// Slot. Each instance streams from its own TEMPORARY logical slot
// (<prefix>_<random>) created on the walsender connection itself: Postgres
// drops it when that connection ends, so a stopped or crashed server leaves
// no slot holding WAL back, and several instances can read one database.
// pg-logical-replication opens its replication connection itself and offers
// one hook before START_REPLICATION: the output plugin's
// start(client, slot, lsn). The plugin below runs CREATE_REPLICATION_SLOT
// ... TEMPORARY there and then starts pgoutput. We keep the library's
// copy-both loop, pgoutput parser, keepalive decoding, standby status
// encoding and flow control, and write none of the wire protocol.
//
// Delivery. A transaction is acknowledged (standby status update) only after
// onTransaction resolves; the library's own acknowledgement, which confirms
// what was received rather than handled, is off. Its flow control stops
// reading the socket while onTransaction runs: a slow consumer holds Postgres
// back instead of filling our memory. A transaction of more than
// maxChangesPerDelivery changes is delivered as consecutive chunks with the
// same lsn and commitTimestamp (order kept) and acknowledged after the last.
// If onTransaction rejects, nothing more is acknowledged: the connection is
// closed and a new one opened, as when Postgres drops it (restart,
// terminated walsender, silence). A temporary slot dies with its connection,
// so what commits from the failure until the new slot exists is never
// delivered: delivery is exactly once in order while a connection lives and
// at most once across reconnects (subscribers should refetch after one).
//
// Values. Unchanged TOASTed values (pgoutput 'u') are taken from the old row
// when the replica identity sends one (FULL); otherwise they are left out of
// record, so a consumer must treat a column missing from an UPDATE's record
// as "unchanged, value unknown" (logged at debug).
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from "pg-logical-replication";
import { inSpan, SpanKind, traceIdOf, tracingEnabled } from "../core/tracing.ts";
import type { Change, ChangeColumn, RealtimeLogger, Transaction } from "./types.ts";
import { reportError } from "../core/error-reporting.ts";
import { hearConnectionErrors } from "../core/database.ts";

export interface ReplicationOptions {
  /** A role with LOGIN REPLICATION (and CONNECT on the database). */
  connectionString: string;
  /** Default keepr_realtime. */
  publication?: string;
  /** Slots are named <slotPrefix>_<random>. Default keepr_realtime. */
  slotPrefix?: string;
  /** Awaited: the transaction is acknowledged once it resolves. A rejection reconnects (see above). */
  onTransaction(transaction: Transaction): Promise<void>;
  logger: RealtimeLogger;
  /** A transaction with more changes is delivered in chunks of this many. Default 10,000. */
  maxChangesPerDelivery?: number;
  /** How often a standby status update (asking for a reply) goes out and lagBytes is measured. Default 10 s. */
  statusIntervalMs?: number;
  /** Silence from Postgres after which the connection is taken for dead. Default 30 s. */
  silenceTimeoutMs?: number;
  /** Waits before reconnecting after consecutive failures; the last one repeats. Default 1, 2, 5, 10 s. */
  reconnectDelaysMs?: readonly number[];
  /** A session reached START_REPLICATION on a new slot: changes committed from now on will be delivered. */
  onStreaming?(slot: string): void;
  /** A TRUNCATE of these tables (schema.table) was replicated (its rows are not delivered as changes). */
  onTruncate?(tables: string[]): void;
}

export interface ReplicationStatus {
  connected: boolean;
  slot: string;
  /** lsn of the last transaction delivered and acknowledged, or null. */
  lastLsn: string | null;
  /** WAL written since the slot's confirmed position, measured every statusIntervalMs. */
  lagBytes?: number;
  /** Streaming, and every message received so far has been handled (nothing waits behind a slow delivery). */
  caughtUp: boolean;
}

export interface Replication {
  stop(): Promise<void>;
  status(): ReplicationStatus;
}

/** Why the stream stopped or refused to start; `code` for logs and callers. */
export class ReplicationError extends Error {
  readonly code: "INVALID_OPTION" | "STREAM_ENDED" | "SILENT" | "PROTOCOL";
  constructor(code: ReplicationError["code"], message: string) {
    super(message);
    this.name = "ReplicationError";
    this.code = code;
  }
}

const applicationName = "keepr_realtime";

export function startReplication(options: ReplicationOptions): Replication {
  const publication = options.publication ?? "keepr_realtime";
  const slotPrefix = options.slotPrefix ?? "keepr_realtime";
  assertIdentifier("publication", publication);
  assertIdentifier("slotPrefix", slotPrefix);
  return new Replicator(options, publication, slotPrefix);
}

/** Publication and slot names go into replication commands: plain lowercase identifiers only. */
function assertIdentifier(option: string, value: string): void {
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(value)) {
    throw new ReplicationError("INVALID_OPTION", `${option} must be a lowercase identifier of at most 40 characters, not ${JSON.stringify(value)}`);
  }
}

/** What every session of one reader shares. */
interface Settings {
  connectionString: string;
  publication: string;
  onTransaction(transaction: Transaction): Promise<void>;
  maxChangesPerDelivery: number;
  statusIntervalMs: number;
  silenceTimeoutMs: number;
  /** A normal (non-replication) connection: type names and lag. */
  lookup: pg.Pool;
  typeNames: TypeNames;
  /** The session reached START_REPLICATION. */
  onStreaming(): void;
  /** A transaction was delivered and acknowledged. */
  onDelivered(lsn: string): void;
  onTruncate(tables: string[]): void;
}

/** One reader: a session at a time, replaced with backoff whenever one fails, until stop(). */
class Replicator implements Replication {
  readonly #logger: RealtimeLogger;
  readonly #settings: Settings;
  readonly #slotPrefix: string;
  readonly #reconnectDelaysMs: readonly number[];
  readonly #stopping = new AbortController();
  readonly #running: Promise<void>;
  #session: ReplicationSession;
  #stopped: Promise<void> | null = null;
  #lastLsn: string | null = null;
  #consecutiveFailures = 0;

  constructor(options: ReplicationOptions, publication: string, slotPrefix: string) {
    this.#logger = options.logger.child({ component: "replication" });
    const lookup = new pg.Pool({ connectionString: options.connectionString, application_name: applicationName, max: 1 });
    hearConnectionErrors(lookup, (error, where) => this.#logger.debug({ err: error }, `a lookup connection was lost (${where})`));
    this.#settings = {
      connectionString: options.connectionString,
      publication,
      onTransaction: options.onTransaction,
      maxChangesPerDelivery: options.maxChangesPerDelivery ?? 10_000,
      statusIntervalMs: options.statusIntervalMs ?? 10_000,
      silenceTimeoutMs: options.silenceTimeoutMs ?? 30_000,
      lookup,
      typeNames: typeNameLookup(lookup),
      onStreaming: () => {
        this.#consecutiveFailures = 0;
        options.onStreaming?.(this.#session.slot);
      },
      onDelivered: (lsn) => (this.#lastLsn = lsn),
      onTruncate: (tables) => options.onTruncate?.(tables),
    };
    this.#slotPrefix = slotPrefix;
    this.#reconnectDelaysMs = options.reconnectDelaysMs ?? [1_000, 2_000, 5_000, 10_000];
    this.#session = this.#newSession();
    this.#running = this.#keepStreaming();
  }

  status(): ReplicationStatus {
    const { streaming, slot, lagBytes } = this.#session;
    return { connected: streaming, slot, lastLsn: this.#lastLsn, caughtUp: streaming && this.#session.caughtUp, ...(lagBytes === undefined ? {} : { lagBytes }) };
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      await this.#session.stop();
      await this.#running;
      await this.#settings.lookup.end();
      this.#logger.info({ slot: this.#session.slot }, "replication stopped");
    })();
    return this.#stopped;
  }

  #newSession(): ReplicationSession {
    return new ReplicationSession(this.#settings, `${this.#slotPrefix}_${randomBytes(6).toString("hex")}`, this.#logger);
  }

  async #keepStreaming(): Promise<void> {
    for (;;) {
      try {
        await this.#session.run();
        return; // only stop() ends a session without an error
      } catch (error) {
        if (this.#stopping.signal.aborted || !(await this.#waitAfter(error))) return;
      }
      this.#session = this.#newSession();
    }
  }

  /** Logs the failure and waits out the backoff; false when stop() came first. */
  async #waitAfter(error: unknown): Promise<boolean> {
    const delays = this.#reconnectDelaysMs;
    const delayMs = delays[Math.min(this.#consecutiveFailures, delays.length - 1)] ?? 1_000;
    this.#consecutiveFailures += 1;
    this.#logger.warn({ err: error, slot: this.#session.slot, delayMs }, "replication connection lost; reconnecting with a new temporary slot");
    const waited = await sleep(delayMs, true, { signal: this.#stopping.signal }).catch(() => false);
    return waited && !this.#stopping.signal.aborted;
  }
}

/** What the stream hands the session: a pgoutput message, or the error of one that could not be read. */
type StreamMessage = Pgoutput.Message | { tag: "unreadable"; error: unknown };

/** What the plugin tells its session, and asks it. */
interface PluginHooks {
  /** stop() was called before the library reached start(): create no slot. */
  isEnding(): boolean;
  slotCreated(consistentPoint: string): void;
  /** A message arrived (before the library queues it for the session). */
  arrived(): void;
}

/**
 * pgoutput (protocol 1) on a temporary slot. start() creates the slot on the
 * walsender connection the library opened, then starts streaming. parse()
 * keeps values as Postgres text (the library would convert them with the
 * process-wide pg type parsers), turns a parse error into a message instead
 * of a throw inside the socket's data handler, and reports every arrival.
 */
class TemporarySlotPgoutput {
  readonly options: Pgoutput.Options;
  readonly #pgoutput: PgoutputPlugin;
  readonly #hooks: PluginHooks;

  constructor(publication: string, hooks: PluginHooks) {
    // With tracing on, transactional logical messages too: a traced
    // transaction's traceparent (audit.tg__record writes it).
    this.options = { protoVersion: 1, publicationNames: [publication], messages: tracingEnabled() };
    this.#pgoutput = new PgoutputPlugin(this.options);
    this.#hooks = hooks;
  }

  get name(): string {
    return "pgoutput";
  }

  async start(client: pg.Client, slotName: string, startLsn: string): Promise<unknown> {
    if (this.#hooks.isEnding()) throw new ReplicationError("STREAM_ENDED", "stop() came before the stream started");
    const { rows } = await client.query<{ consistent_point: string }>(
      `CREATE_REPLICATION_SLOT ${pg.escapeIdentifier(slotName)} TEMPORARY LOGICAL pgoutput (SNAPSHOT 'nothing')`,
    );
    this.#hooks.slotCreated(rows[0]!.consistent_point);
    return this.#pgoutput.start(client, slotName, startLsn);
  }

  parse(buffer: Buffer): StreamMessage {
    this.#hooks.arrived();
    try {
      const message = this.#pgoutput.parse(buffer);
      if (message.tag === "relation") keepValuesAsText(message);
      return message;
    } catch (error) {
      return { tag: "unreadable", error };
    }
  }
}

/** The library reads the tuples of a relation with the parsers of the relation object it cached: this one. */
function keepValuesAsText(relation: Pgoutput.MessageRelation): void {
  for (const column of relation.columns) column.parser = (raw: string) => raw;
}

type TypeNames = (columns: readonly Pgoutput.RelationColumn[]) => Promise<ChangeColumn[]>;

/**
 * Column types as pg_type.typname. pgoutput names the types it sends Type
 * messages for (user types: enums, domains, extension types); built-in ones
 * arrive as bare OIDs and are looked up over a normal connection, one query
 * per set of unknown OIDs, and cached.
 */
function typeNameLookup(pool: pg.Pool): TypeNames {
  const names = new Map<number, string>();
  return async (columns) => {
    const oidOf = (column: Pgoutput.RelationColumn) => column.typeOid >>> 0; // read as a signed int32
    for (const column of columns) if (column.typeName) names.set(oidOf(column), column.typeName);
    const unknown = [...new Set(columns.map(oidOf).filter((oid) => !names.has(oid)))];
    if (unknown.length > 0) {
      const { rows } = await pool.query<{ oid: number; typname: string }>(
        "select oid, typname from pg_catalog.pg_type where oid = any($1::oid[])",
        [unknown],
      );
      for (const row of rows) names.set(Number(row.oid), row.typname);
    }
    return columns.map((column) => {
      const type = names.get(oidOf(column));
      if (type === undefined) throw new ReplicationError("PROTOCOL", `column ${column.name} has type OID ${oidOf(column)}, which pg_type does not know`);
      return { name: column.name, type };
    });
  };
}

interface PublishedRelation {
  schema: string;
  table: string;
  columns: ChangeColumn[];
}

/** The transaction being received: what is not yet delivered of it. */
interface OpenTransaction {
  lsn: string;
  commitTimestamp: string;
  changes: Change[];
  /** The trace of the request or job that made it (a keepr.trace message), when traced. */
  traceparent?: string;
}

type RowMessage = Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete;

/**
 * One replication connection and its temporary slot, from connect to
 * disconnect. run() resolves when stop() ends it and rejects when anything
 * else does.
 */
class ReplicationSession {
  readonly slot: string;
  streaming = false;
  lagBytes: number | undefined;
  readonly #settings: Settings;
  readonly #logger: RealtimeLogger;
  readonly #service: LogicalReplicationService;
  readonly #plugin: TemporarySlotPgoutput;
  readonly #relations = new Map<number, PublishedRelation>();
  #transaction: OpenTransaction | null = null;
  /** Every change up to here is delivered (or not ours): what Postgres may forget. */
  #confirmed = 0n;
  #received = 0;
  #handled = 0;
  #lastHeardAt = Date.now();
  #measuringLag = false;
  #ending = false;
  #failure: { error: unknown } | null = null;

  constructor(settings: Settings, slot: string, logger: RealtimeLogger) {
    this.slot = slot;
    this.#settings = settings;
    this.#logger = logger.child({ slot });
    this.#service = new LogicalReplicationService(
      { connectionString: settings.connectionString, application_name: applicationName },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
    this.#plugin = new TemporarySlotPgoutput(settings.publication, {
      isEnding: () => this.#ending,
      slotCreated: (consistentPoint) => (this.#confirmed = parseLsn(consistentPoint)),
      arrived: () => (this.#received += 1),
    });
    this.#service.on("start", () => this.#onStreaming());
    this.#service.on("data", (_lsn: string, message: StreamMessage) => this.#handle(message));
    this.#service.on("heartbeat", (walEnd: string, _sentAt: number, replyRequested: boolean) => this.#onKeepalive(walEnd, replyRequested));
    this.#service.on("error", (error: Error) => this.#fail(error));
  }

  async run(): Promise<void> {
    const ticker = setInterval(() => this.#tick(), this.#settings.statusIntervalMs);
    try {
      await this.#service.subscribe(this.#plugin, this.slot);
    } catch (error) {
      this.#fail(error);
    } finally {
      clearInterval(ticker);
      this.streaming = false;
      await this.#service.stop();
    }
    if (this.#failure) throw this.#failure.error;
    if (!this.#ending) throw new ReplicationError("STREAM_ENDED", "Postgres ended the replication stream");
  }

  /** Every message received has been handled. */
  get caughtUp(): boolean {
    return this.#received === this.#handled;
  }

  /** Closes the connection; a transaction being delivered at that moment stays unacknowledged. */
  async stop(): Promise<void> {
    this.#ending = true;
    await this.#service.stop();
  }

  #onStreaming(): void {
    this.streaming = true;
    this.#lastHeardAt = Date.now();
    this.#settings.onStreaming();
    this.#logger.info({ publication: this.#settings.publication, from: formatLsn(this.#confirmed) }, "replication streaming");
  }

  /** Ends the session (first failure wins); run() then rejects with it. */
  #fail(error: unknown): void {
    if (this.#failure || this.#ending) return;
    this.#failure = { error };
    this.#service.stop().catch((stopError: unknown) => this.#logger.debug({ err: stopError }, "closing a failed connection"));
  }

  async #handle(message: StreamMessage): Promise<void> {
    try {
      await this.#apply(message);
    } catch (error) {
      if (!this.#ending) {
        this.#logger.error({ err: error, tag: message.tag }, "replication message not handled; reconnecting without acknowledging it");
        reportError(error, { where: "realtime", tags: { realtime: "replication" } });
      }
      this.#fail(error);
    } finally {
      this.#handled += 1;
      this.#lastHeardAt = Date.now();
    }
  }

  async #apply(message: StreamMessage): Promise<void> {
    switch (message.tag) {
      case "begin":
        this.#transaction = { lsn: formatLsn(parseLsn(requireLsn(message.commitLsn))), commitTimestamp: isoTimestamp(message.commitTime), changes: [] };
        return;
      case "relation":
        this.#relations.set(message.relationOid, {
          schema: message.schema,
          table: message.name,
          columns: await this.#settings.typeNames(message.columns),
        });
        return;
      case "insert":
      case "update":
      case "delete":
        return this.#add(message);
      case "commit":
        return this.#commit(message);
      case "truncate":
      {
        const tables = message.relations.map((r) => `${r.schema}.${r.name}`);
        this.#logger.warn({ tables }, "TRUNCATE replicated; not delivered to subscribers");
        this.#settings.onTruncate(tables);
        return;
      }
      case "message":
        // The transaction's trace (tracing on): its delivery continues it.
        if (message.transactional && message.prefix === "keepr.trace" && this.#transaction && !this.#transaction.traceparent) {
          const traceparent = Buffer.from(message.content).toString("utf8");
          if (traceIdOf(traceparent)) this.#transaction.traceparent = traceparent;
        }
        return;
      case "unreadable":
        throw message.error;
      default:
        return; // origin and type messages mean nothing to subscribers
    }
  }

  async #add(message: RowMessage): Promise<void> {
    const transaction = this.#openTransaction();
    const change = toChange(this.#relationOf(message.relation.relationOid), message);
    const { record } = change;
    if (record && Object.keys(record).length < change.columns.length) {
      const missing = change.columns.map((c) => c.name).filter((name) => !(name in record));
      this.#logger.debug({ table: `${change.schema}.${change.table}`, missing }, "unchanged TOASTed values without an old row left out of record");
    }
    transaction.changes.push(change);
    if (transaction.changes.length >= this.#settings.maxChangesPerDelivery) await this.#deliver(transaction);
  }

  async #commit(message: Pgoutput.MessageCommit): Promise<void> {
    const transaction = this.#openTransaction();
    if (transaction.changes.length > 0) await this.#deliver(transaction);
    this.#transaction = null;
    this.#confirm(parseLsn(requireLsn(message.commitEndLsn)));
    this.#settings.onDelivered(transaction.lsn);
  }

  async #deliver(transaction: OpenTransaction): Promise<void> {
    const changes = transaction.changes;
    transaction.changes = [];
    const deliver = () => this.#settings.onTransaction({ lsn: transaction.lsn, commitTimestamp: transaction.commitTimestamp, changes });
    if (!transaction.traceparent) return deliver();
    // The realtime delivery of a traced transaction's changes: a span of
    // the trace that made them (authorization and fan-out to subscribers).
    await inSpan(
      "realtime deliver",
      {
        kind: SpanKind.CONSUMER,
        parent: transaction.traceparent,
        attributes: {
          "messaging.system": "postgresql_logical_replication",
          "messaging.operation.type": "process",
          "keepr.realtime.lsn": transaction.lsn,
          "keepr.realtime.changes": changes.length,
          "keepr.realtime.tables": [...new Set(changes.map((c) => `${c.schema}.${c.table}`))],
        },
      },
      deliver,
    );
  }

  #openTransaction(): OpenTransaction {
    if (!this.#transaction) throw new ReplicationError("PROTOCOL", "a change or commit arrived outside a transaction");
    return this.#transaction;
  }

  #relationOf(oid: number): PublishedRelation {
    const relation = this.#relations.get(oid);
    if (!relation) throw new ReplicationError("PROTOCOL", `a change arrived for relation ${oid} before its Relation message`);
    return relation;
  }

  /** Nothing received is waiting to be handled, and no transaction is half received. */
  #isIdle(): boolean {
    return this.#received === this.#handled && this.#transaction === null;
  }

  /**
   * A keepalive carries the WAL position the walsender has sent up to. When
   * we are idle everything before it has reached us and been delivered (or
   * was not ours), so we confirm it as Postgres's own subscriber does:
   * the slot then lets go of WAL written by unpublished tables too.
   */
  #onKeepalive(walEnd: string, replyRequested: boolean): void {
    this.#lastHeardAt = Date.now();
    const advanced = this.#isIdle() && this.#advance(parseLsn(walEnd));
    if (advanced || replyRequested) this.#sendStatus(false);
  }

  #confirm(lsn: bigint): void {
    if (this.#advance(lsn)) this.#sendStatus(false);
  }

  #advance(lsn: bigint): boolean {
    if (lsn <= this.#confirmed) return false;
    this.#confirmed = lsn;
    return true;
  }

  /**
   * Standby status update with #confirmed as written, flushed and applied.
   * The library reports lsn + 1 (the physical-replication "last byte + 1"):
   * we pass one less so Postgres records exactly the end of what we
   * delivered, as its own subscriber does.
   */
  #sendStatus(replyRequested: boolean): void {
    this.#service
      .acknowledge(formatLsn(this.#confirmed - 1n), replyRequested)
      .catch((error: unknown) => this.#fail(error));
  }

  /**
   * Every statusIntervalMs: a status update asking for a reply (Postgres
   * then hears from us well within wal_sender_timeout, and we from it), the
   * silence check, and the lag. Silence counts only while we read the socket:
   * flow control stops reading while onTransaction runs.
   */
  #tick(): void {
    if (!this.streaming) return;
    const silentMs = Date.now() - this.#lastHeardAt;
    if (this.#received === this.#handled && silentMs > this.#settings.silenceTimeoutMs) {
      this.#fail(new ReplicationError("SILENT", `no message from Postgres for ${silentMs} ms`));
      return;
    }
    this.#sendStatus(true);
    void this.#measureLag();
  }

  async #measureLag(): Promise<void> {
    if (this.#measuringLag) return;
    this.#measuringLag = true;
    try {
      const { rows } = await this.#settings.lookup.query<{ lag_bytes: number }>(
        `select (pg_catalog.pg_current_wal_lsn() - confirmed_flush_lsn)::float8 as lag_bytes
           from pg_catalog.pg_replication_slots where slot_name = $1`,
        [this.slot],
      );
      this.lagBytes = rows[0]?.lag_bytes;
    } catch (error) {
      this.#logger.debug({ err: error }, "replication lag not measured");
    } finally {
      this.#measuringLag = false;
    }
  }
}

/** A row message as a Change: values as text, the old row as far as the replica identity gives it. */
function toChange(relation: PublishedRelation, message: RowMessage): Change {
  const base = { schema: relation.schema, table: relation.table, columns: relation.columns };
  const old = message.tag === "insert" ? null : (message.old ?? message.key);
  const oldRecord = old ? textRow(relation.columns, old, null) : null;
  switch (message.tag) {
    case "insert":
      return { ...base, type: "INSERT", record: textRow(relation.columns, message.new, null), oldRecord };
    case "update":
      return { ...base, type: "UPDATE", record: textRow(relation.columns, message.new, oldRecord), oldRecord };
    case "delete":
      return { ...base, type: "DELETE", record: null, oldRecord };
  }
}

/**
 * A decoded tuple as text values in column order. A column the tuple does
 * not carry (an unchanged TOASTed value, or a non-key column of a key-only
 * old row) is taken from `fallback` when it has it, else left out.
 */
function textRow(columns: readonly ChangeColumn[], tuple: Record<string, unknown>, fallback: Record<string, string | null> | null): Record<string, string | null> {
  const row: Record<string, string | null> = {};
  for (const { name } of columns) {
    const value = tuple[name];
    if (typeof value === "string" || value === null) row[name] = value;
    else if (fallback && name in fallback) row[name] = fallback[name]!;
  }
  return row;
}

function requireLsn(lsn: string | null): string {
  if (lsn === null) throw new ReplicationError("PROTOCOL", "a pgoutput message came without its LSN");
  return lsn;
}

/** pgoutput times are microseconds since 1970 (the library shifted them from 2000). */
function isoTimestamp(microseconds: Pgoutput.MessageBegin["commitTime"]): string {
  return new Date(Math.floor(Number(microseconds) / 1000)).toISOString();
}

function parseLsn(text: string): bigint {
  const [high, low] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** As Postgres prints pg_lsn: 0/16B3748. */
function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
