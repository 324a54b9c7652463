// CPU time of processes, from /proc (Linux), for the benches: a process's
// own, and a Postgres cluster's (the postmaster, its live children, and the
// children that already exited).
import { readdirSync, readFileSync } from "node:fs";

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
