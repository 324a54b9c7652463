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
