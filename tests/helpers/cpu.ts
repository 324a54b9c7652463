// CPU time of processes, from /proc (Linux), for the benches: a process's
// own, and a Postgres cluster's (the postmaster, its live children, and the
// children that already exited).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ

interface ProcessTimes {
  ppid: number;
  /** utime + stime, in ticks. */
  own: number;
  /** cutime + cstime: children waited for, in ticks. */
  children: number;
}

function timesOf(pid: number): ProcessTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm) ": state, ppid, …; utime is the 12th of them, stime, cutime, cstime follow.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null; // it ended while we looked
  }
}

/** CPU seconds a process has used itself. */
export function processCpuSeconds(pid: number): number {
  return (timesOf(pid)?.own ?? 0) / ticksPerSecond;
}

/** CPU seconds a Postgres cluster has used: postmaster, backends and workers, live or exited. */
export function postgresCpuSeconds(postmaster: number): number {
  const root = timesOf(postmaster);
  let ticks = root ? root.own + root.children : 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const times = timesOf(Number(entry));
    if (times && times.ppid === postmaster) ticks += times.own;
  }
  return ticks / ticksPerSecond;
}

/**
 * CPU seconds each named process and all its descendants have used (one
 * look at /proc for all of them): its own, its children's that exited and
 * were waited for, and every live descendant's (a postmaster's backends, a
 * Node process's workers). A process that is gone counts 0.
 */
export function processTreesCpuSeconds(pids: Record<string, number>): Record<string, number> {
  const children = new Map<number, Array<{ pid: number; times: ProcessTimes }>>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const times = timesOf(Number(entry));
    if (!times) continue;
    const list = children.get(times.ppid) ?? [];
    list.push({ pid: Number(entry), times });
    children.set(times.ppid, list);
  }
  const tree = (pid: number) => {
    const root = timesOf(pid);
    if (!root) return 0;
    let ticks = root.own + root.children;
    const stack = [...(children.get(pid) ?? [])];
    while (stack.length) {
      const next = stack.pop()!;
      // A live descendant's own time, and its own waited-for children's.
      ticks += next.times.own + next.times.children;
      stack.push(...(children.get(next.pid) ?? []));
    }
    return ticks / ticksPerSecond;
  };
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, tree(pid)]));
}

/**
 * A Postgres cluster's CPU seconds by the kind of process, from each
 * process's title (/proc/<pid>/cmdline): `backend <user>` (a session of
 * that login: the API's authenticator, the worker's owner…), `walsender
 * <user>` (a replication session: a standby's, realtime's logical
 * decoding), `autovacuum`, `background` (checkpointer, writers, a standby's
 * startup and WAL receiver…), and `exited` (the postmaster itself and every
 * child that has exited).
 */
export function postgresCpuByKind(postmaster: number): Record<string, number> {
  const root = timesOf(postmaster);
  const seconds: Record<string, number> = { exited: root ? (root.own + root.children) / ticksPerSecond : 0 };
  for (const p of postgresProcesses(postmaster).values()) seconds[p.kind] = (seconds[p.kind] ?? 0) + p.seconds;
  return seconds;
}

/**
 * A Postgres cluster's live child processes, by pid: the kind of each (as
 * postgresCpuByKind names them) and the CPU seconds it has used so far.
 */
export function postgresProcesses(postmaster: number): Map<number, { kind: string; seconds: number }> {
  const out = new Map<number, { kind: string; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const times = timesOf(Number(entry));
    if (!times || times.ppid !== postmaster) continue;
    let title = "";
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    } catch {
      continue; // it ended while we looked
    }
    out.set(Number(entry), { kind: postgresKind(title), seconds: times.own / ticksPerSecond });
  }
  return out;
}

function postgresKind(title: string): string {
  const rest = title.replace(/^postgres:\s*/, "");
  const walsender = /^walsender (\S+)/.exec(rest);
  if (walsender) return `walsender ${walsender[1]}`;
  if (rest.startsWith("autovacuum")) return "autovacuum";
  if (/^(checkpointer|background writer|walwriter|logical replication|archiver|stats|startup|walreceiver|wal receiver|parallel worker)/.test(rest)) return "background";
  const backend = /^(\S+) \S+ /.exec(rest);
  return backend ? `backend ${backend[1]}` : "background";
}

/**
 * A thread's time on a core and waiting in a run queue for one, in seconds
 * (/proc/<pid>/task/<tid>/schedstat; zeros once it is gone). For a process's
 * main thread, tid = pid: Node's JavaScript thread.
 */
export function threadSchedSeconds(pid: number, tid = pid): { onCpu: number; waiting: number } {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
    return { onCpu: onCpu! / 1e9, waiting: waiting! / 1e9 };
  } catch {
    return { onCpu: 0, waiting: 0 };
  }
}

/** kernel.sched_autogroup_enabled: whether the scheduler shares the cores between sessions first (null: not Linux or no such knob). */
export function autogroupEnabled(): boolean | null {
  try {
    return readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1";
  } catch {
    return null;
  }
}

/**
 * Sets the nice value of a process's autogroup (/proc/<pid>/autogroup): the
 * weight its session gets against other sessions when autogroup is on (a
 * thread's own nice only weighs inside its session). Below 0 needs
 * CAP_SYS_NICE. Answers what the file says afterwards.
 */
export function setAutogroupNice(pid: number, nice: number): string {
  writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  return readFileSync(`/proc/${pid}/autogroup`, "utf8").trim();
}

/** The nice value of a process's autogroup ("/autogroup-<id> nice <n>"); null when there is none to read. */
export function autogroupNice(pid: number): number | null {
  try {
    const match = /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * A bench's --autogroup-nice: weigh(pid) sets that process's scheduler
 * autogroup to `nice` (nothing without the option), remembering the bench's
 * own first value, which restore() puts back (a session's autogroup outlives
 * the bench). A value that is not a whole number from -20 to 19 exits 2.
 */
export function autogroupWeigher(option: string | undefined): { nice: number | null; weigh(pid: number, what: string): void; restore(): void } {
  const nice = option === undefined ? null : Number(option);
  if (nice !== null && !(Number.isInteger(nice) && nice >= -20 && nice <= 19)) {
    console.error("--autogroup-nice: a whole number from -20 to 19");
    process.exit(2);
  }
  let own: number | null = null;
  return {
    nice,
    weigh(pid, what) {
      if (nice === null) return;
      if (pid === process.pid && own === null) own = autogroupNice(pid);
      console.log(`(${what}, pid ${pid}: ${setAutogroupNice(pid, nice)})`);
    },
    restore() {
      if (own !== null) setAutogroupNice(process.pid, own);
    },
  };
}
