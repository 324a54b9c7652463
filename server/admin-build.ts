// Builds the staff console (admin/) with Vite's JS API into admin/dist, the
// directory the server serves at /admin. `npm start` calls ensureAdminBuilt:
// it builds when admin/dist is missing or was built from other sources (a
// hash of admin/index.html, vite.config.ts, tsconfig.json, src/** and
// package-lock.json, kept in admin/dist/.keepr-build.json), so an edit, a
// checkout or a dependency upgrade rebuilds and nothing else does.
// `npm run build` runs this file to build unconditionally.
//
// A build goes to a temporary directory and replaces admin/dist in two
// renames, so a running server never serves half a build and two processes
// building at once do not mix their files. Each asset also gets a gzip copy
// (file.gz) the server sends to browsers that accept it.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

export const adminDir = path.resolve(import.meta.dirname, "../admin");
export const adminDistDir = path.join(adminDir, "dist");
const repoRoot = path.resolve(import.meta.dirname, "..");
const stampName = ".keepr-build.json";
const tempPrefix = ".dist-build-";

export interface AssetSize {
  /** Path inside admin/dist, e.g. assets/index-3f2a.js. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface AdminBuildReport {
  built: boolean;
  /** Why it was built: no build yet, sources changed, or asked for. */
  reason?: "missing" | "stale" | "forced";
  durationMs: number;
  sourceHash: string;
  assets: AssetSize[];
  totals: { bytes: number; gzipBytes: number };
  outDir: string;
}

interface BuildStamp {
  sourceHash: string;
  builtAt: string;
  durationMs: number;
  assets: AssetSize[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** A hash of everything the build reads: the console's sources and the locked dependency versions. */
export function adminSourceHash(): string {
  const files = [
    ...["index.html", "vite.config.ts", "tsconfig.json"].map((f) => path.join(adminDir, f)),
    ...listFiles(path.join(adminDir, "src")),
    path.join(repoRoot, "package-lock.json"),
  ].sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(repoRoot, file)).update("\0");
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update("(missing)");
    }
    hash.update("\0");
  }
  return hash.digest("hex");
}

function readStamp(distDir = adminDistDir): BuildStamp | null {
  try {
    statSync(path.join(distDir, "index.html"));
    return JSON.parse(readFileSync(path.join(distDir, stampName), "utf8")) as BuildStamp;
  } catch {
    return null;
  }
}

/** Whether admin/dist holds a build of the current sources. */
export function adminBuildState(): { upToDate: true } | { upToDate: false; reason: "missing" | "stale" } {
  const stamp = readStamp();
  if (!stamp) return { upToDate: false, reason: "missing" };
  return stamp.sourceHash === adminSourceHash() ? { upToDate: true } : { upToDate: false, reason: "stale" };
}

const totalsOf = (assets: AssetSize[]) => ({
  bytes: assets.reduce((sum, a) => sum + a.bytes, 0),
  gzipBytes: assets.reduce((sum, a) => sum + a.gzipBytes, 0),
});

/** Writes file.gz beside every text asset and returns the sizes (what the browser downloads). */
async function compressAssets(outDir: string): Promise<AssetSize[]> {
  const assets: AssetSize[] = [];
  for (const file of listFiles(outDir).sort()) {
    if (!/\.(js|css|html|svg|json|txt|map)$/.test(file)) continue;
    const content = await fs.readFile(file);
    const gzipped = gzipSync(content, { level: 9 });
    if (!file.endsWith(".html")) await fs.writeFile(`${file}.gz`, gzipped);
    assets.push({ file: path.relative(outDir, file), bytes: content.length, gzipBytes: gzipped.length });
  }
  return assets;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temporary build directories left by a process that died mid-build. */
async function removeAbandonedBuilds(): Promise<void> {
  for (const name of await fs.readdir(adminDir)) {
    const match = new RegExp(`^\\${tempPrefix}(\\d+)-`).exec(name) ?? /^\.dist-old-(\d+)-/.exec(name);
    if (match && !processAlive(Number(match[1]))) await fs.rm(path.join(adminDir, name), { recursive: true, force: true });
  }
}

/** Puts a finished build in place of admin/dist. */
async function swapIntoPlace(tempDir: string, suffix: string): Promise<void> {
  const oldDir = path.join(adminDir, `.dist-old-${suffix}`);
  for (let attempt = 0; ; attempt++) {
    await fs.rename(adminDistDir, oldDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    try {
      await fs.rename(tempDir, adminDistDir);
      break;
    } catch (error) {
      // Another process put its build in place between our two renames: take its place again.
      if (attempt >= 3 || !["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      await fs.rm(oldDir, { recursive: true, force: true });
    }
  }
  await fs.rm(oldDir, { recursive: true, force: true });
}

/** Builds the console now, whatever admin/dist holds. */
export async function buildAdmin(options: { reason?: AdminBuildReport["reason"]; logLevel?: "info" | "warn" | "error" | "silent" } = {}): Promise<AdminBuildReport> {
  const started = performance.now();
  const sourceHash = adminSourceHash();
  await removeAbandonedBuilds();
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tempDir = path.join(adminDir, `${tempPrefix}${suffix}`);
  // The bundle is a production one whatever this process runs as (Vite
  // takes React's mode from NODE_ENV: under jest it is "test", which would
  // ship React's development build); restored afterwards.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    const { build } = await import("vite");
    await build({
      configFile: path.join(adminDir, "vite.config.ts"),
      root: adminDir,
      mode: "production",
      logLevel: options.logLevel ?? "warn",
      build: { outDir: tempDir, emptyOutDir: true },
    });
  } catch (error) {
    await fs.rm(tempDir, { recursive: true, force: true });
    throw error;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const assets = await compressAssets(tempDir);
  const durationMs = Math.round(performance.now() - started);
  const stamp: BuildStamp = { sourceHash, builtAt: new Date().toISOString(), durationMs, assets };
  await fs.writeFile(path.join(tempDir, stampName), JSON.stringify(stamp, null, 2) + "\n");
  await swapIntoPlace(tempDir, suffix);
  return { built: true, reason: options.reason ?? "forced", durationMs, sourceHash, assets, totals: totalsOf(assets), outDir: adminDistDir };
}

let inFlight: Promise<AdminBuildReport> | null = null;

/** Builds the console if admin/dist is missing or out of date; one build at a time per process. */
export function ensureAdminBuilt(options: { logLevel?: "info" | "warn" | "error" | "silent" } = {}): Promise<AdminBuildReport> {
  inFlight ??= (async () => {
    const state = adminBuildState();
    if (state.upToDate) {
      const stamp = readStamp()!;
      return { built: false, durationMs: 0, sourceHash: stamp.sourceHash, assets: stamp.assets, totals: totalsOf(stamp.assets), outDir: adminDistDir };
    }
    return buildAdmin({ reason: state.reason, logLevel: options.logLevel });
  })().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The report as lines for a terminal: each file, then the totals. */
export function describeBuild(report: AdminBuildReport): string[] {
  const width = Math.max(...report.assets.map((a) => a.file.length), 10);
  return [
    ...report.assets.map((a) => `  ${a.file.padEnd(width)}  ${formatKiB(a.bytes).padStart(11)}  gzip ${formatKiB(a.gzipBytes).padStart(10)}`),
    `  ${"total".padEnd(width)}  ${formatKiB(report.totals.bytes).padStart(11)}  gzip ${formatKiB(report.totals.gzipBytes).padStart(10)}`,
  ];
}

/**
 * Runs this module in a child process (`--json`, and `--if-needed` unless
 * forced): what `npm start` and the browser tests use, so the build's work
 * and memory stay out of the server's event loop and a shutdown can stop it.
 */
export function runAdminBuildProcess(options: { force?: boolean } = {}): { report: Promise<AdminBuildReport>; stop(): void } {
  const child = spawn(process.execPath, [import.meta.filename, ...(options.force ? [] : ["--if-needed"]), "--json"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production", NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const report = new Promise<AdminBuildReport>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as AdminBuildReport);
        } catch {
          reject(new Error(`the admin build printed no report: ${stdout}${stderr}`));
        }
      } else {
        const detail = stderr.trim().split("\n").filter((l) => !/^\s*at /.test(l)).slice(0, 12).join("\n");
        reject(new Error(signal ? `the admin build was stopped (${signal})` : detail || `the admin build exited with ${code}`));
      }
    });
  });
  return {
    report,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}

// `npm run build`: build the console now and print what the browser
// downloads. `--if-needed` builds only when out of date (what `npm start`
// does); `--json` prints the report as JSON (the browser tests read it).
if (import.meta.main) {
  try {
    const report = process.argv.includes("--if-needed") ? await ensureAdminBuilt() : await buildAdmin({ reason: "forced" });
    if (process.argv.includes("--json")) {
      process.stdout.write(JSON.stringify(report) + "\n");
    } else {
      const what = report.built ? `built in ${report.durationMs} ms` : "up to date";
      process.stdout.write(`staff console ${what} → ${path.relative(process.cwd(), report.outDir)}\n${describeBuild(report).join("\n")}\n`);
    }
  } catch (error) {
    process.stderr.write(`staff console build failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  }
}
