// Read replicas (REPLICA_DATABASE_URLS): the hot standbys the API may read
// searches, quotes and reports from, and the monitor that keeps only the
// ones close enough to the primary in the rotation.
//
// The monitor asks, every interval, the primary for its WAL position
// (pg_current_wal_lsn()) and each replica for how far it has replayed
// (pg_last_wal_replay_lsn()). A replica's lag in bytes is the difference;
// its lag in seconds is how long ago the primary first stood past what the
// replica has replayed, read from the primary's positions the monitor keeps
// (on this process's clock, so no clock between machines matters; precise to
// one interval). A replica that has replayed everything the primary wrote
// lags 0, however old its last transaction. Before the monitor has a history
// the replica's own replay timestamp (now() - pg_last_xact_replay_timestamp())
// stands in.
//
// Rotation: a replica leaves it when it lags more than
// REPLICA_MAX_LAG_SECONDS, is unreachable, or is not a standby (promoted),
// and comes back once it lags at most half the limit (no flapping at the
// edge). Each change is logged once; keepr_replica_lag_seconds,
// keepr_replica_lag_bytes and keepr_replica_in_rotation (core/metrics.ts)
// show every replica by its host:port.
//
// Read-your-writes: pick(minLsn) returns only a replica whose replay
// position, as last seen, is at least minLsn (a client's last commit);
// replay positions only grow, so what the monitor saw is a lower bound of
// the replica's position now. None: null, and the caller reads the primary.
import pg from "pg";
import type { Config } from "./config.ts";
import { hearConnectionErrors } from "./database.ts";
import type { Logger } from "./logger.ts";
import { observePool, replicaInRotation, replicaLagBytes, replicaLagSeconds } from "./metrics.ts";
import { apiPoolConfig } from "./pool-mode.ts";

/** A WAL position ("16/B374D848") as a number, or null when the text is not one. */
export function parseLsn(text: string | null | undefined): bigint | null {
  if (typeof text !== "string") return null;
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) return null;
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** A WAL position as Postgres writes it. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export interface Replica {
  /** host:port of its URL (the metrics' label). */
  readonly name: string;
  /** Connections for the API's reads (the authenticator). */
  readonly pool: pg.Pool;
}

export type ReplicaStatus = "unknown" | "ok" | "lagging" | "down" | "not_standby";

export interface ReplicaState {
  name: string;
  status: ReplicaStatus;
  inRotation: boolean;
  /** Replay position last seen. */
  replayLsn: bigint | null;
  lagSeconds: number | null;
  lagBytes: number | null;
}

interface Member extends Replica {
  monitor: pg.Pool;
  state: ReplicaState;
  /** Stops reporting its pool in keepr_db_pool_connections. */
  forgetPool: () => void;
}

/** Positions of the primary the monitor saw, oldest first. */
interface Sample {
  at: number;
  lsn: bigint;
}

export interface ReplicaSetOptions {
  config: Pick<Config, "REPLICA_DATABASE_URLS" | "REPLICA_MAX_LAG_SECONDS" | "DATABASE_POOL_MODE" | "STATEMENT_TIMEOUT_MS" | "API_POOL_SIZE">;
  /** Where the primary's WAL position is read (the API's pool). */
  primaryPool: pg.Pool;
  logger: Logger;
  /** How often the monitor looks (default: a quarter of the limit, between 100 ms and 1 s). */
  intervalMs?: number;
}

const replicaNameOf = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "5432"}`;
};

/** Errors that mean "this server cannot serve the read now" rather than "the read is wrong". */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return true; // no SQLSTATE: the connection (refused, reset, timed out, ended)
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/** A query a hot standby cancelled because replay needed its rows (recovery conflict): the primary answers instead. */
export function isRecoveryConflict(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (e?.code === "40001" || e?.code === "40P01") && typeof e.message === "string" && /conflict with recovery/i.test(e.message);
}

export class ReplicaSet {
  readonly #members: Member[];
  readonly #primaryPool: pg.Pool;
  readonly #logger: Logger;
  readonly #maxLag: number;
  readonly #intervalMs: number;
  readonly #samples: Sample[] = [];
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  #checking: Promise<void> | null = null;
  #stopped = false;
  #primaryFailing = false;

  constructor(options: ReplicaSetOptions) {
    const { config } = options;
    this.#primaryPool = options.primaryPool;
    this.#logger = options.logger;
    this.#maxLag = config.REPLICA_MAX_LAG_SECONDS;
    this.#intervalMs = options.intervalMs ?? Math.min(1000, Math.max(100, (config.REPLICA_MAX_LAG_SECONDS * 1000) / 4));
    const names = new Set<string>();
    this.#members = config.REPLICA_DATABASE_URLS.map((url, i) => {
      let name = replicaNameOf(url);
      if (names.has(name)) name = `${name}#${i + 1}`;
      names.add(name);
      const pool = new pg.Pool({
        ...apiPoolConfig(config, { connectionString: url, max: config.API_POOL_SIZE, applicationName: "keepr-api-replica" }),
        // A replica that does not answer is skipped, not waited for.
        connectionTimeoutMillis: 2_000,
      });
      const monitor = new pg.Pool({
        ...apiPoolConfig(config, { connectionString: url, max: 1, applicationName: "keepr-replica-monitor" }),
        connectionTimeoutMillis: 2_000,
        query_timeout: 2_000,
      });
      // A replica that goes away must never take the process with it: a
      // connection lost while idle (pool) or while checked out between two
      // queries (client) is only noted; the read or the monitor that uses it
      // next fails and handles it.
      for (const p of [pool, monitor]) hearConnectionErrors(p, () => undefined);
      const member: Member = {
        name, pool, monitor,
        state: { name, status: "unknown", inRotation: false, replayLsn: null, lagSeconds: null, lagBytes: null },
        // All replicas' read pools together, as pool "replica".
        forgetPool: observePool("replica", pool),
      };
      replicaInRotation.set({ replica: name }, 0);
      return member;
    });
  }

  get size(): number {
    return this.#members.length;
  }

  /** Each replica's state as the monitor last saw it. */
  states(): ReplicaState[] {
    return this.#members.map((m) => ({ ...m.state }));
  }

  /**
   * A replica in the rotation that has replayed at least minLsn (any, when
   * null), taken in turn; null when there is none (read the primary).
   */
  pick(minLsn: bigint | null): Replica | null {
    const n = this.#members.length;
    for (let i = 0; i < n; i++) {
      const member = this.#members[(this.#next + i) % n]!;
      const { state } = member;
      if (!state.inRotation) continue;
      if (minLsn !== null && (state.replayLsn === null || state.replayLsn < minLsn)) continue;
      this.#next = (this.#next + i + 1) % n;
      return member;
    }
    return null;
  }

  /** A read found the replica unreachable: out of the rotation now; the monitor brings it back. */
  markDown(replica: Replica, error: unknown): void {
    const member = this.#members.find((m) => m === replica);
    if (member) this.#set(member, { status: "down", lagSeconds: null, lagBytes: null }, error);
  }

  /** Starts the monitor: a first look now, then every interval. */
  start(): Promise<void> {
    const first = this.check();
    const tick = () => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => void this.check().catch((error: unknown) => this.#logger.error({ err: error }, "replica monitor failed")).finally(tick), this.#intervalMs);
      this.#timer.unref();
    };
    void first.finally(tick);
    return first;
  }

  /** One look at the primary and every replica (the monitor's round; tests call it to see a change at once). */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    const at = performance.now();
    const primary = await this.#primaryPool.query<{ lsn: string }>("select pg_catalog.pg_current_wal_lsn()::text as lsn").then(
      (r) => parseLsn(r.rows[0]?.lsn),
      (error: unknown) => {
        // Once per outage, not every interval (a failover takes seconds).
        if (!this.#primaryFailing) this.#logger.warn({ err: error }, "replica monitor: the primary's WAL position could not be read; judging replicas by their replay time");
        this.#primaryFailing = true;
        return null;
      },
    );
    if (primary !== null) this.#primaryFailing = false;
    if (primary !== null) {
      const last = this.#samples.at(-1);
      if (!last || last.lsn !== primary) this.#samples.push({ at, lsn: primary });
      // Keep what a lag up to four times the limit needs (and at least a minute).
      const keepMs = Math.max(60_000, this.#maxLag * 4000);
      while (this.#samples.length > 2 && this.#samples[1]!.at < at - keepMs) this.#samples.shift();
    }
    await Promise.all(this.#members.map((member) => this.#look(member, primary, at)));
  }

  async #look(member: Member, primary: bigint | null, at: number): Promise<void> {
    let row: { recovering: boolean; replay: string | null; replay_age: number | null };
    try {
      const result = await member.monitor.query<typeof row>(
        `select pg_catalog.pg_is_in_recovery() as recovering,
                pg_catalog.pg_last_wal_replay_lsn()::text as replay,
                extract(epoch from pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp())::float8 as replay_age`,
      );
      row = result.rows[0]!;
    } catch (error) {
      this.#set(member, { status: "down", lagSeconds: null, lagBytes: null }, error);
      return;
    }
    if (this.#stopped) return;
    const replay = parseLsn(row.replay);
    if (!row.recovering || replay === null) {
      this.#set(member, { status: "not_standby", replayLsn: null, lagSeconds: null, lagBytes: null });
      return;
    }
    let lagSeconds: number;
    let lagBytes: number;
    if (primary === null) {
      // The primary did not answer: judge by the replica's own replay time.
      lagSeconds = Math.max(0, row.replay_age ?? 0);
      lagBytes = member.state.lagBytes ?? 0;
    } else if (replay >= primary) {
      lagSeconds = 0;
      lagBytes = 0;
    } else {
      lagBytes = Number(primary - replay);
      // The first position the primary was seen past the replica's: the replica misses what was written since.
      const firstAhead = this.#samples.find((s) => s.lsn > replay);
      const history = this.#samples.length > 1 || (this.#samples[0] !== undefined && this.#samples[0].lsn <= replay);
      lagSeconds = firstAhead && history ? (at - firstAhead.at) / 1000 : Math.max(0, row.replay_age ?? 0);
    }
    const wasIn = member.state.inRotation;
    const limit = wasIn ? this.#maxLag : this.#maxLag / 2;
    this.#set(member, { status: lagSeconds > limit ? "lagging" : "ok", replayLsn: replay, lagSeconds, lagBytes });
  }

  #set(member: Member, next: Partial<ReplicaState> & { status: ReplicaStatus }, error?: unknown): void {
    const before = member.state;
    const inRotation = next.status === "ok";
    member.state = { ...before, ...next, inRotation };
    const labels = { replica: member.name };
    replicaInRotation.set(labels, inRotation ? 1 : 0);
    if (member.state.lagSeconds === null) replicaLagSeconds.remove(labels);
    else replicaLagSeconds.set(labels, member.state.lagSeconds);
    if (member.state.lagBytes === null) replicaLagBytes.remove(labels);
    else replicaLagBytes.set(labels, member.state.lagBytes);
    if (before.inRotation === inRotation && before.status === next.status) return;
    if (this.#stopped) return;
    const about = { replica: member.name, status: next.status, lagSeconds: member.state.lagSeconds, lagBytes: member.state.lagBytes, limitSeconds: this.#maxLag };
    if (inRotation) {
      this.#logger.info(about, `replica ${member.name} is in the rotation`);
    } else if (next.status === "lagging") {
      this.#logger.warn(about, `replica ${member.name} left the rotation: ${member.state.lagSeconds!.toFixed(1)} s behind the primary (limit ${this.#maxLag} s)`);
    } else if (next.status === "down") {
      this.#logger.warn({ ...about, err: error }, `replica ${member.name} left the rotation: unreachable`);
    } else if (next.status === "not_standby") {
      this.#logger.warn(about, `replica ${member.name} left the rotation: it is not a hot standby (promoted?)`);
    }
  }

  /** Stops the monitor and closes the replicas' pools. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#checking?.catch(() => undefined);
    await Promise.all(this.#members.flatMap((m) => [m.pool.end(), m.monitor.end()]));
    for (const m of this.#members) {
      m.forgetPool();
      const labels = { replica: m.name };
      replicaInRotation.remove(labels);
      replicaLagSeconds.remove(labels);
      replicaLagBytes.remove(labels);
    }
  }
}
