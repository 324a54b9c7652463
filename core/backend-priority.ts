// Guest reads' Postgres backends at a lower CPU priority than everyone
// else's (issue 23: staff keep working during a guest spike).
//
// The guest lane (server/admission.ts) bounds how many guest reads run in
// Postgres at once, and staff first holds new ones while a staff request is
// in flight; but the few already running (a computed search: 6-20 ms of
// CPU) still share the cores with the staff member's statement, so on two
// cores a housekeeper's change waited about 3x its time alone. The kernel
// can tell them apart: each connection is a process of its own, and a
// process at nice 10 gets about a tenth of a core that one at nice 0 wants
// (CFS weights 110 against 1024), while it still has every idle cycle.
// Each backend is also a session of its own (Postgres calls setsid), and
// with Linux's autogroup on (the default) a process's nice weighs it only
// against its own session: so the backend's autogroup gets the nice value
// too (/proc/<pid>/autogroup), as well as the process (which is what
// counts with autogroup off). Session 38 set only the process's, and
// measured no difference. So
// when Postgres runs on this machine and Keepr started it (the embedded
// cluster: its postmaster is Keepr's child), each backend of the guest pool
// is reniced as it connects. Nothing else is: staff, bookings, the worker,
// realtime and Postgres's own processes stay at their priority.
//
// A backend is reniced only when /proc says it is a child of that
// postmaster, so a pid of another machine's Postgres (a remote DATABASE_URL,
// a pooler in between) is never taken for a local process. Raising a nice
// value needs no privilege for a process of the same user (or root, as CI
// runs: the embedded Postgres then runs as `postgres`); when the kernel
// refuses, the backend stays as it is and Keepr says so once.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";

/** The parent pid of a local process, or null (no such process, /proc unreadable). */
export function parentPidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

export type Reniced = "reniced" | "not-local" | "refused";

/**
 * Sets the nice value of backend `pid`, and of its autogroup where the
 * kernel has them, when it is a child of `postmasterPid` (a Postgres on
 * this machine): "reniced"; "not-local" when it is not such a child;
 * "refused" when the kernel said no.
 */
export function reniceBackend(pid: number, postmasterPid: number, nice: number): Reniced {
  if (!Number.isInteger(pid) || pid <= 0 || parentPidOf(pid) !== postmasterPid) return "not-local";
  try {
    setPriority(pid, nice);
    const autogroup = `/proc/${pid}/autogroup`;
    if (existsSync(autogroup)) writeFileSync(autogroup, String(nice));
    return "reniced";
  } catch {
    return "refused";
  }
}

/** The nice value of a local process's autogroup, or null (no autogroups, no such process). */
export function autogroupNiceOf(pid: number): number | null {
  try {
    const match = / nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
