// HAProxy 2.6 (Debian's haproxy) for `npm run cluster`: its configuration
// and its runtime API (the stats socket), through which a failover moves the
// "primary" frontend to the promoted standby without restarting anything.
//
// Frontends:
//   pg_primary  (TCP)  the current primary: both Postgres nodes listed, only
//                      the primary enabled (the standby is `disabled`, i.e. in
//                      maintenance, until a failover makes it ready). PgBouncer
//                      and every direct (session) connection go through it.
//   http        (HTTP) the API processes, round robin, health-checked on
//                      /readyz; /realtime/ goes to the realtime process
//                      (websockets). Every response says which API process
//                      answered in `x-keepr-backend` (the server's name).
//   stats       (HTTP) HAProxy's own status page.
import { connect } from "node:net";

export interface HaproxyLayout {
  /** The stats socket (admin level): the runtime API. */
  socket: string;
  primaryPort: number;
  /** The Postgres nodes, the first one enabled (the primary), the others disabled (standbys). */
  postgres: Array<{ name: string; port: number }>;
  httpPort: number;
  api: Array<{ name: string; port: number }>;
  realtimePort: number;
  statsPort: number;
}

export function haproxyConfig(layout: HaproxyLayout): string {
  return `# Written by ops/cluster/haproxy.ts for npm run cluster.
global
  stats socket ${layout.socket} mode 600 level admin
  maxconn 4000

defaults
  timeout connect 2s
  # Postgres sessions (LISTEN, the worker, logical replication) and websockets stay open for long.
  timeout client 24h
  timeout server 24h
  timeout tunnel 24h
  timeout http-request 10s
  timeout queue 30s

# The current primary. A failover: set server pg_primary/<old> state maint,
# shutdown sessions server pg_primary/<old>, then (once promoted)
# set server pg_primary/<standby> state ready.
frontend pg_primary
  mode tcp
  bind 127.0.0.1:${layout.primaryPort}
  default_backend pg_primary

backend pg_primary
  mode tcp
  option tcpka
  default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
${layout.postgres.map((node, i) => `  server ${node.name} 127.0.0.1:${node.port} check${i === 0 ? "" : " disabled"}`).join("\n")}

frontend http
  mode http
  bind 127.0.0.1:${layout.httpPort}
  option forwardfor
  acl realtime path_beg /realtime/
  use_backend realtime if realtime
  default_backend api

backend api
  mode http
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  retries 2
  option redispatch
  http-response set-header x-keepr-backend %s
  # A /readyz slow on a loaded machine is not a process down: 3 s to answer, 3 failures in a row.
  timeout check 3s
  default-server inter 1s fall 3 rise 1
${layout.api.map((api) => `  server ${api.name} 127.0.0.1:${api.port} check`).join("\n")}

backend realtime
  mode http
  option httpchk GET /healthz
  default-server inter 1s fall 2 rise 1
  server realtime 127.0.0.1:${layout.realtimePort} check

frontend stats
  mode http
  bind 127.0.0.1:${layout.statsPort}
  stats enable
  stats uri /
  stats refresh 2s
`;
}

/** Sends one command to HAProxy's runtime API and resolves with its answer. */
export function haproxyCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = connect(socket);
    let answer = "";
    client.setEncoding("utf8");
    client.on("data", (chunk) => (answer += chunk));
    client.once("error", reject);
    client.once("end", () => resolve(answer.trim()));
    client.once("connect", () => client.end(`${command}\n`));
  });
}

/** HAProxy's `show stat` as rows keyed by column name (pxname, svname, status, stot, hrsp_2xx, …). */
export async function haproxyStats(socket: string): Promise<Array<Record<string, string>>> {
  const text = await haproxyCommand(socket, "show stat");
  const [header, ...lines] = text.split("\n").filter(Boolean);
  const columns = header!.replace(/^# /, "").split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i], value])));
}
