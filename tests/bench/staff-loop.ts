// The staff clients of the booking bench's staff phase (issue 23), on a
// thread of their own: staff work from their own browsers, so their
// requests must not wait for the bench's own JavaScript thread to finish
// handling the flood's answers (32 clients, hundreds of answers a second,
// each read and parsed there). On the flood's thread a staff answer that
// had arrived was timed only when that thread got to it, and the bench
// measured its own queue as the staff's latency. Here each staff client
// marks its unit dirty and clean for `durationS`, `pauseMs` between its
// changes, and the thread hands back the latencies and the error codes.
import { parentPort, workerData } from "node:worker_threads";
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
  failures: string[];
}

const input = workerData as StaffLoopInput;
const api = makeApi(input.url, input.unitIds.length, input.token);
const latencies: number[] = [];
const failures: string[] = [];
const deadline = performance.now() + input.durationS * 1000;
await Promise.all(input.unitIds.map(async (unitId) => {
  let clean = false;
  while (performance.now() < deadline) {
    clean = !clean;
    const out = await api.call(input.query, { unitId, status: clean ? "clean" : "dirty" }, (d) => d.setUnitStatus.result.housekeepingStatus as string);
    if (out.code) failures.push(out.code);
    else latencies.push(out.ms);
    if (input.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, input.pauseMs));
  }
}));
const output: StaffLoopOutput = { latencies, failures };
api.agent.destroy();
parentPort!.postMessage(output);
