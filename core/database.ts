// Where Keepr's Postgres is: the embedded cluster by default, or any
// Postgres 15+ through DATABASE_URL (+ AUTH_DATABASE_URL, optionally
// ROOT_DATABASE_URL to create roles and the database). Returns the
// connection strings of every role Keepr uses.
import { readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import type { Config } from "./config.ts";
import { defaultSharedBuffersMb, startEmbeddedCluster, type EmbeddedCluster } from "./embedded-postgres.ts";
import { ensureDatabase, ensureRoles, roles } from "./roles.ts";
import { loadOrCreateSecrets } from "./secrets.ts";

export interface Database {
  name: string;
  embedded: boolean;
  /** The embedded cluster's postmaster (a process on this machine); none for a Postgres of DATABASE_URL. */
  postmasterPid?: number;
  /** Superuser; only when Keepr manages roles (embedded, or ROOT_DATABASE_URL). */
  superuserUrl?: string;
  ownerUrl: string;
  authenticatorUrl: string;
  /**
   * A session login for LISTEN/NOTIFY (realtime's bus): the authenticator's,
   * or the owner's when AUTH_DATABASE_URL goes through a transaction pooler
   * (DATABASE_POOL_MODE=transaction; DATABASE_URL reaches Postgres directly).
   */
  listenUrl: string;
  analystUrl?: string;
  shadowUrl?: string;
  /** The realtime server's logical-replication login (embedded, or REALTIME_DATABASE_URL); without it no postgres_changes. */
  replicationUrl?: string;
  jwtSecret: string;
  stop(): Promise<void>;
}

export function roleUrl(base: string, user: string, password: string, database: string): string {
  const url = new URL(base);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  url.pathname = `/${database}`;
  return url.toString();
}

const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);
const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

export async function openDatabase(config: Config, log: (message: string) => void): Promise<Database> {
  const secrets = loadOrCreateSecrets(config.DATA_DIR);
  const jwtSecret = config.JWT_SECRET ?? secrets.jwtSecret;

  if (config.DATABASE_URL && config.AUTH_DATABASE_URL) {
    const name = databaseOf(config.DATABASE_URL);
    const superuserUrl = config.ROOT_DATABASE_URL;
    if (superuserUrl) {
      await ensureRoles(superuserUrl, {
        owner: passwordOf(config.DATABASE_URL),
        authenticator: passwordOf(config.AUTH_DATABASE_URL),
      });
      await ensureDatabase(superuserUrl, name);
    }
    return {
      name,
      embedded: false,
      superuserUrl,
      ownerUrl: config.DATABASE_URL,
      authenticatorUrl: config.AUTH_DATABASE_URL,
      listenUrl: config.DATABASE_POOL_MODE === "transaction" ? config.DATABASE_URL : config.AUTH_DATABASE_URL,
      shadowUrl: config.SHADOW_DATABASE_URL,
      replicationUrl: config.REALTIME_DATABASE_URL,
      jwtSecret,
      stop: async () => {},
    };
  }

  const cluster: EmbeddedCluster = await startEmbeddedCluster({
    dataDir: path.join(config.DATA_DIR, "pg"),
    port: config.EMBEDDED_PG_PORT,
    superuserPassword: secrets.superuserPassword,
    settings: { shared_buffers: `${config.EMBEDDED_PG_SHARED_BUFFERS_MB ?? defaultSharedBuffersMb()}MB` },
    log,
  });
  try {
    const superuserUrl = cluster.superuserUrl();
    await ensureRoles(superuserUrl, {
      owner: secrets.ownerPassword,
      authenticator: secrets.authenticatorPassword,
      analyst: secrets.analystPassword,
      realtime: secrets.realtimePassword,
    });
    await ensureDatabase(superuserUrl, "keepr");
    await ensureDatabase(superuserUrl, "keepr_shadow");
    const authenticatorUrl = roleUrl(superuserUrl, roles.authenticator, secrets.authenticatorPassword, "keepr");
    return {
      name: "keepr",
      embedded: true,
      postmasterPid: cluster.postmasterPid,
      superuserUrl,
      ownerUrl: roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, "keepr"),
      authenticatorUrl,
      listenUrl: authenticatorUrl,
      analystUrl: roleUrl(superuserUrl, roles.analyst, secrets.analystPassword, "keepr"),
      replicationUrl: roleUrl(superuserUrl, roles.realtime, secrets.realtimePassword, "keepr"),
      shadowUrl: roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, "keepr_shadow"),
      jwtSecret,
      stop: () => cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** The graphile-migrate settings of .gmrc, with this database's connection strings. */
export function migrateSettings(db: Pick<Database, "ownerUrl" | "shadowUrl" | "superuserUrl">) {
  const gmrc = JSON.parse(readFileSync(new URL("../.gmrc", import.meta.url), "utf8")) as Record<string, unknown>;
  return {
    ...gmrc,
    connectionString: db.ownerUrl,
    shadowConnectionString: db.shadowUrl,
    rootConnectionString: db.superuserUrl,
  };
}

/**
 * Hears every connection error of a pool, so none ends the process: a
 * connection lost while idle (the pool says so) and one lost while checked
 * out, between two queries (its client says so; unheard, node-postgres's
 * 'error' event would be fatal). Its holder's next query fails, and the pool
 * drops it on release. A failover or a restart of Postgres does both.
 */
export function hearConnectionErrors(pool: pg.Pool, onError: (error: Error, where: "idle" | "in use") => void): void {
  pool.on("error", (error) => onError(error, "idle"));
  pool.on("connect", (client) => client.on("error", (error) => onError(error, "in use")));
}
