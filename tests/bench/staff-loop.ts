// The staff clients of the booking bench's staff phase (issue 23), on a
// thread of their own: staff work from their own browsers, so their
// requests must not wait for the bench's own JavaScript thread to finish
// handling the flood's answers (32 clients, hundreds of answers a second,
// each read and parsed there). On the flood's thread a staff answer that
// had arrived was timed only when that thread got to it, and the bench
// measured its own queue as the staff's latency. Here each staff client
// marks its unit dirty and clean for `durationS`, `pauseMs` between its
// changes, and the thread hands back the latencies and the error codes.
// With each latency, how long this thread itself waited for a core during
// the call (its run-queue wait from its schedstat, tests/helpers/cpu.ts; both staff
// clients share the thread, so a call counts the waits of the other's work
// in its time too): the harness's share of the staff's latency, on a
// machine whose cores the bench shares with Keepr and Postgres.
import { readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { threadSchedSeconds } from "../helpers/cpu.ts";
import { makeApi } from "./load.ts";

export interface StaffLoopInput {
  url: string;
  token: string;
  unitIds: string[];
  durationS: number;
  pauseMs: number;
  query: string;
}

export interface StaffLoopOutput {
  latencies: number[];
  /** Per latency, this thread's wait for a core during the call (ms); empty where /proc has no schedstat. */
  threadWaits: number[];
  failures: string[];
}

/** This thread's id (/proc/thread-self names it pid/task/tid), or null where /proc has none. */
function threadId(): number | null {
  try {
    return Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return null;
  }
}
const tid = threadId();
/** This thread's time waiting on a run queue so far (ms), or null. */
const waitedMs = (): number | null => (tid === null ? null : threadSchedSeconds(process.pid, tid).waiting * 1000);

const input = workerData as StaffLoopInput;
const api = makeApi(input.url, input.unitIds.length, input.token);
const latencies: number[] = [];
const threadWaits: number[] = [];
const failures: string[] = [];
const deadline = performance.now() + input.durationS * 1000;
await Promise.all(input.unitIds.map(async (unitId) => {
  let clean = false;
  while (performance.now() < deadline) {
    clean = !clean;
    const before = waitedMs();
    const out = await api.call(input.query, { unitId, status: clean ? "clean" : "dirty" }, (d) => d.setUnitStatus.result.housekeepingStatus as string);
    const after = waitedMs();
    if (out.code) failures.push(out.code);
    else {
      latencies.push(out.ms);
      if (before !== null && after !== null) threadWaits.push(after - before);
    }
    if (input.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, input.pauseMs));
  }
}));
const output: StaffLoopOutput = { latencies, threadWaits, failures };
api.agent.destroy();
parentPort!.postMessage(output);
