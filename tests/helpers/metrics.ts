// Reading Prometheus's text format in tests, and promtool's verdict on it.
import { execFile } from "node:child_process";

/** Every sample of a scrape: `name{label="value",…}` (labels sorted) → value. */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = [...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!] as const);
    samples.set(keyOf(match[1]!, Object.fromEntries(labels)), Number(match[3]));
  }
  return samples;
}

function keyOf(name: string, labels: Record<string, string>): string {
  const inner = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`).join(",");
  return `${name}{${inner}}`;
}

/** A sample's value, 0 when the series does not exist (yet). */
export function sampleOf(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  return samples.get(keyOf(name, labels)) ?? 0;
}

/**
 * `promtool check metrics` on a scrape (Debian's prometheus package;
 * `apt-get install prometheus`). Rejects with a clear message when promtool
 * is missing: the check is never skipped.
 */
export function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile("promtool", ["check", "metrics"], { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new Error("promtool is not installed: apt-get install prometheus (Debian's package brings promtool)"));
        return;
      }
      resolve({ code: typeof error?.code === "number" ? error.code : error ? 1 : 0, output: `${stdout}${stderr}`.trim() });
    });
    child.stdin!.end(text);
  });
}
