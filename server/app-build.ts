// Builds Keepr's browser apps with Vite's JS API, each into its dist/
// directory, which the server serves (server/static-app.ts): the staff
// console (admin/, at /admin) and the guest app (web/, at /). `npm start`
// calls ensureAppBuilt for each: it builds when dist/ is missing or was built
// from other sources (a hash of the app's index.html, vite.config.ts,
// tsconfig.json, src/**, public/**, shared/**, server/app-vite.ts and
// package-lock.json, kept in dist/.keepr-build.json), so an edit, a
// checkout or a dependency upgrade rebuilds and nothing else does.
// `npm run build` runs this file to build every app unconditionally.
//
// A build goes to a temporary directory and replaces dist/ in two renames,
// so a running server never serves half a build and two processes building
// at once do not mix their files. Each asset also gets a gzip copy
// (file.gz) the server sends to browsers that accept it.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

const repoRoot = path.resolve(import.meta.dirname, "..");
const stampName = ".keepr-build.json";
const tempPrefix = ".dist-build-";

export interface AppSpec {
  name: "admin" | "web";
  /** What people call it, in logs and on the "being built" page. */
  title: string;
  /** The app's directory (index.html, vite.config.ts, tsconfig.json, src/, public/). */
  dir: string;
  /** Where its build goes and is served from. */
  distDir: string;
  /** The URL path it is served at. */
  mountPath: string;
}

function appSpec(name: AppSpec["name"], title: string, mountPath: string): AppSpec {
  const dir = path.join(repoRoot, name);
  return { name, title, dir, distDir: path.join(dir, "dist"), mountPath };
}

/** The apps Keepr builds and serves. */
export const apps = {
  admin: appSpec("admin", "staff console", "/admin"),
  web: appSpec("web", "guest app", "/"),
} as const satisfies Record<AppSpec["name"], AppSpec>;
export type AppName = keyof typeof apps;
export const appNames = Object.keys(apps) as AppName[];

export interface AssetSize {
  /** Path inside dist/, e.g. assets/index-3f2a.js. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface AppBuildReport {
  app: AppName;
  built: boolean;
  /** Why it was built: no build yet, sources changed, or asked for. */
  reason?: "missing" | "stale" | "forced";
  durationMs: number;
  sourceHash: string;
  assets: AssetSize[];
  totals: { bytes: number; gzipBytes: number };
  outDir: string;
}

/** What a server shows while an app builds (server/static-app.ts). */
export type AppBuildStatus = { state: "idle" } | { state: "building" } | { state: "failed"; message: string };

interface BuildStamp {
  sourceHash: string;
  builtAt: string;
  durationMs: number;
  assets: AssetSize[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** A hash of everything an app's build reads: its sources and the locked dependency versions. */
export function appSourceHash(name: AppName): string {
  const { dir } = apps[name];
  const files = [
    ...["index.html", "vite.config.ts", "tsconfig.json"].map((f) => path.join(dir, f)),
    ...listFiles(path.join(dir, "src")),
    ...listFiles(path.join(dir, "public")),
    // The code both apps build from (money, ids, API errors) and their shared Vite settings.
    ...listFiles(path.join(repoRoot, "shared")),
    path.join(repoRoot, "server", "app-vite.ts"),
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

function readStamp(distDir: string): BuildStamp | null {
  try {
    statSync(path.join(distDir, "index.html"));
    return JSON.parse(readFileSync(path.join(distDir, stampName), "utf8")) as BuildStamp;
  } catch {
    return null;
  }
}

/** Whether an app's dist/ holds a build of its current sources. */
export function appBuildState(name: AppName): { upToDate: true } | { upToDate: false; reason: "missing" | "stale" } {
  const stamp = readStamp(apps[name].distDir);
  if (!stamp) return { upToDate: false, reason: "missing" };
  return stamp.sourceHash === appSourceHash(name) ? { upToDate: true } : { upToDate: false, reason: "stale" };
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
async function removeAbandonedBuilds(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const match = new RegExp(`^\\${tempPrefix}(\\d+)-`).exec(name) ?? /^\.dist-old-(\d+)-/.exec(name);
    if (match && !processAlive(Number(match[1]))) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

/** Puts a finished build in place of dist/. */
async function swapIntoPlace(spec: AppSpec, tempDir: string, suffix: string): Promise<void> {
  const oldDir = path.join(spec.dir, `.dist-old-${suffix}`);
  for (let attempt = 0; ; attempt++) {
    await fs.rename(spec.distDir, oldDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    try {
      await fs.rename(tempDir, spec.distDir);
      break;
    } catch (error) {
      // Another process put its build in place between our two renames: take its place again.
      if (attempt >= 3 || !["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      await fs.rm(oldDir, { recursive: true, force: true });
    }
  }
  await fs.rm(oldDir, { recursive: true, force: true });
}

type LogLevel = "info" | "warn" | "error" | "silent";

/** Builds an app now, whatever its dist/ holds. */
export async function buildApp(name: AppName, options: { reason?: AppBuildReport["reason"]; logLevel?: LogLevel } = {}): Promise<AppBuildReport> {
  const spec = apps[name];
  const started = performance.now();
  const sourceHash = appSourceHash(name);
  await removeAbandonedBuilds(spec.dir);
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tempDir = path.join(spec.dir, `${tempPrefix}${suffix}`);
  // The bundle is a production one whatever this process runs as (Vite
  // takes React's mode from NODE_ENV: under jest it is "test", which would
  // ship React's development build); restored afterwards.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    const { build } = await import("vite");
    await build({
      configFile: path.join(spec.dir, "vite.config.ts"),
      root: spec.dir,
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
  await swapIntoPlace(spec, tempDir, suffix);
  return { app: name, built: true, reason: options.reason ?? "forced", durationMs, sourceHash, assets, totals: totalsOf(assets), outDir: spec.distDir };
}

const inFlight = new Map<AppName, Promise<AppBuildReport>>();

/** Builds an app if its dist/ is missing or out of date; one build of an app at a time per process. */
export function ensureAppBuilt(name: AppName, options: { logLevel?: LogLevel } = {}): Promise<AppBuildReport> {
  let pending = inFlight.get(name);
  if (!pending) {
    pending = (async () => {
      const state = appBuildState(name);
      if (state.upToDate) {
        const stamp = readStamp(apps[name].distDir)!;
        return { app: name, built: false, durationMs: 0, sourceHash: stamp.sourceHash, assets: stamp.assets, totals: totalsOf(stamp.assets), outDir: apps[name].distDir };
      }
      return buildApp(name, { reason: state.reason, logLevel: options.logLevel });
    })().finally(() => inFlight.delete(name));
    inFlight.set(name, pending);
  }
  return pending;
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The report as lines for a terminal: each file, then the totals. */
export function describeBuild(report: AppBuildReport): string[] {
  const width = Math.max(...report.assets.map((a) => a.file.length), 10);
  return [
    ...report.assets.map((a) => `  ${a.file.padEnd(width)}  ${formatKiB(a.bytes).padStart(11)}  gzip ${formatKiB(a.gzipBytes).padStart(10)}`),
    `  ${"total".padEnd(width)}  ${formatKiB(report.totals.bytes).padStart(11)}  gzip ${formatKiB(report.totals.gzipBytes).padStart(10)}`,
  ];
}

/**
 * Runs this module in a child process for one app (`--json`, and
 * `--if-needed` unless forced): what `npm start` and the browser tests use,
 * so the build's work and memory stay out of the server's event loop and a
 * shutdown can stop it.
 */
export function runAppBuildProcess(name: AppName, options: { force?: boolean } = {}): { report: Promise<AppBuildReport>; stop(): void } {
  const child = spawn(process.execPath, [import.meta.filename, name, ...(options.force ? [] : ["--if-needed"]), "--json"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production", NO_COLOR: "1" },
  });
  const title = apps[name].title;
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const report = new Promise<AppBuildReport>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as AppBuildReport);
        } catch {
          reject(new Error(`the ${title} build printed no report: ${stdout}${stderr}`));
        }
      } else {
        const detail = stderr.trim().split("\n").filter((l) => !/^\s*at /.test(l)).slice(0, 12).join("\n");
        reject(new Error(signal ? `the ${title} build was stopped (${signal})` : detail || `the ${title} build exited with ${code}`));
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

// `npm run build`: build every app (or those named: `admin`, `web`) now and
// print what the browser downloads. `--if-needed` builds only when out of
// date (what `npm start` does); `--json` prints each report as a line of
// JSON (runAppBuildProcess reads it).
if (import.meta.main) {
  const named = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const unknown = named.filter((a) => !(appNames as string[]).includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown app ${unknown.join(", ")}: choose from ${appNames.join(", ")}\n`);
    process.exit(2);
  }
  for (const name of named.length > 0 ? (named as AppName[]) : appNames) {
    try {
      const report = process.argv.includes("--if-needed") ? await ensureAppBuilt(name) : await buildApp(name, { reason: "forced" });
      if (process.argv.includes("--json")) {
        process.stdout.write(JSON.stringify(report) + "\n");
      } else {
        const what = report.built ? `built in ${report.durationMs} ms` : "up to date";
        process.stdout.write(`${apps[name].title} ${what} → ${path.relative(process.cwd(), report.outDir)}\n${describeBuild(report).join("\n")}\n`);
      }
    } catch (error) {
      process.stderr.write(`${apps[name].title} build failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(1);
    }
  }
}
