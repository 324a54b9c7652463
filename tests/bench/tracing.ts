// npm run bench -- tracing [--rounds 2] [booking bench args…]
//
// What tracing costs (issue 19: booking and search throughput with tracing
// on at least 0.9 of tracing off). Runs the booking bench's search and
// booking phases (`npm run bench -- booking --phases search,booking`, the
// API and direct paths) with tracing off and on, --rounds times
// alternating (off, on, on, off, …: a busy machine's drift falls on both),
// tracing on exporting every span (OTEL_TRACES_SAMPLER_ARG=1) over
// OTLP/HTTP to a sink in this process that reads and counts what arrives.
// Prints each run's API throughput and p95, the medians, and the on/off
// ratios. Other arguments go to the booking bench (default here: 16
// clients, 10 s per phase after 2 s, a smaller data set: 20 properties,
// 1,000 units, 120 days).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import path from "node:path";
import { spansIn } from "../helpers/tracing.ts";

const argv = process.argv.slice(2);
const roundsAt = argv.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 2;
const passed = roundsAt >= 0 ? [...argv.slice(0, roundsAt), ...argv.slice(roundsAt + 2)] : argv;
const defaults: Record<string, string> = { "--clients": "16", "--seconds": "10", "--warmup": "2", "--properties": "20", "--units": "1000", "--days": "120" };
const benchArgs = ["--phases", "search,booking", ...Object.entries(defaults).flatMap(([k, v]) => (passed.includes(k) ? [] : [k, v])), ...passed];

// The collector: reads each export (OTLP protobuf, the default protocol),
// counts its spans, answers 200.
let spans = 0;
let exports = 0;
const sink = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    exports++;
    try {
      spans += spansIn(Buffer.concat(chunks), req.headers["content-type"]);
    } catch {
      // counted as an export all the same
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;

interface Figures {
  search: number;
  searchP95: number;
  /** CPU time of the Keepr process per search (ms): steadier than throughput on a busy machine. */
  searchCpu: number;
  /** Postgres's CPU per search (ms), and the bench client's (which holds the span sink). */
  searchPgCpu: number;
  searchClientCpu: number;
  booking: number;
  bookingP95: number;
  bookingCpu: number;
  bookingPgCpu: number;
  bookingClientCpu: number;
}

function runBench(tracing: boolean): Promise<Figures> {
  const env = { ...process.env };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (tracing) Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER_ARG: "1" });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, "run.ts"), "booking", ...benchArgs], { env, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.on("exit", (code) => {
      const figure = (name: string) => {
        const match = new RegExp(`^\\s+${name}\\s+API ([\\d.]+)/s p95 ([\\d.]+) ms`, "m").exec(output);
        if (!match) throw new Error(`no ${name} summary in the booking bench's output (exit ${code}):\n${output}`);
        return [Number(match[1]), Number(match[2])] as const;
      };
      // The phase's row: each process's CPU (share of one core) over the phase, per call (ms).
      const cpu = (name: string, rate: number) => {
        const match = new RegExp(`^${name} API .*cpu: client (\\d+)%, keepr (\\d+)%, postgres (\\d+)%`, "m").exec(output);
        if (!match) throw new Error(`no ${name} API row in the booking bench's output:\n${output}`);
        const perCall = (share: string) => (Number(share) / 100 / rate) * 1000;
        return { keepr: perCall(match[2]!), postgres: perCall(match[3]!), client: perCall(match[1]!) };
      };
      try {
        const [search, searchP95] = figure("search");
        const [booking, bookingP95] = figure("booking");
        const s = cpu("search", search);
        const b = cpu("booking", booking);
        resolve({
          search, searchP95, searchCpu: s.keepr, searchPgCpu: s.postgres, searchClientCpu: s.client,
          booking, bookingP95, bookingCpu: b.keepr, bookingPgCpu: b.postgres, bookingClientCpu: b.client,
        });
      } catch (error) {
        reject(error);
      }
    });
  });
}

const runs: Record<"off" | "on", Figures[]> = { off: [], on: [] };
for (let round = 1; round <= rounds; round++) {
  // ABBA: off then on, then on then off, so a drift of the machine over the
  // run falls on both alike.
  for (const mode of round % 2 === 1 ? (["off", "on"] as const) : (["on", "off"] as const)) {
    const before = spans;
    const f = await runBench(mode === "on");
    runs[mode].push(f);
    console.log(
      `round ${round}, tracing ${mode.padEnd(3)}: search ${f.search.toFixed(1)}/s p95 ${f.searchP95.toFixed(1)} ms, CPU each: Keepr ${f.searchCpu.toFixed(2)} ms, Postgres ${f.searchPgCpu.toFixed(2)} ms, client ${f.searchClientCpu.toFixed(2)} ms; ` +
        `booking ${f.booking.toFixed(1)}/s p95 ${f.bookingP95.toFixed(1)} ms, CPU each: Keepr ${f.bookingCpu.toFixed(2)} ms, Postgres ${f.bookingPgCpu.toFixed(2)} ms, client ${f.bookingClientCpu.toFixed(2)} ms` +
        (mode === "on" ? `; ${spans - before} spans exported` : ""),
    );
  }
}
sink.close();
if (runs.on.length > 0 && spans === 0) throw new Error("tracing on exported no span: the comparison measured nothing");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const m = (mode: "off" | "on", key: keyof Figures) => median(runs[mode].map((f) => f[key]));
console.log(`\ntracing on/off, medians of ${rounds} rounds (${benchArgs.join(" ")}), ${spans} spans in ${exports} exports:`);
for (const [name, p95, cpu, pgCpu] of [["search", "searchP95", "searchCpu", "searchPgCpu"], ["booking", "bookingP95", "bookingCpu", "bookingPgCpu"]] as const) {
  const ratio = m("on", name) / m("off", name);
  const paired = median(runs.on.map((f, i) => f[name] / runs.off[i]![name]));
  console.log(
    `  ${name.padEnd(8)} off ${m("off", name).toFixed(1)}/s p95 ${m("off", p95).toFixed(1)} ms; on ${m("on", name).toFixed(1)}/s p95 ${m("on", p95).toFixed(1)} ms; ` +
      `throughput on/off ${ratio.toFixed(2)} (target ≥ 0.9: ${ratio >= 0.9 ? "met" : "MISSED"}; median of the rounds' own ratios ${paired.toFixed(2)}); ` +
      `Keepr CPU per ${name} off ${m("off", cpu).toFixed(2)} ms, on ${m("on", cpu).toFixed(2)} ms (on/off ${(m("on", cpu) / m("off", cpu)).toFixed(2)}); ` +
      `Postgres CPU per ${name} off ${m("off", pgCpu).toFixed(2)} ms, on ${m("on", pgCpu).toFixed(2)} ms`,
  );
}
