// npm run bench -- start [runs]
// Time from starting Keepr (node main.ts, what `npm start` runs) to
// /readyz answering 200: first start on an empty data directory (initdb,
// migrations, demo data) and second start on the same data. Prints each run
// and the medians.
import { freePort, makeDataDir, startKeepr, stopKeepr } from "../helpers/keepr-process.ts";

const runs = Number(process.argv[2] ?? 5);
const first: number[] = [];
const second: number[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = makeDataDir();
  const port = await freePort();
  const pgPort = await freePort();
  for (const bucket of [first, second]) {
    const running = await startKeepr({ dataDir, port, pgPort });
    bucket.push(running.readyMs);
    const code = await stopKeepr(running, "SIGINT");
    if (code !== 0) throw new Error(`Keepr exited with ${code}:\n${running.output()}`);
  }
  console.log(`run ${i + 1}: first start ${first.at(-1)} ms, second start ${second.at(-1)} ms`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`median of ${runs}: first start (initdb + migrate + seed) ${median(first)} ms; second start ${median(second)} ms; ratio ${(median(first) / median(second)).toFixed(1)}x`);
