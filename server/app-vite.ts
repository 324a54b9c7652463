// The Vite settings both browser apps build with (admin/vite.config.ts,
// web/vite.config.ts: each adds only what is its own). Vite 8 transforms TSX
// itself (oxc): React's automatic JSX runtime, no plugin. The build goes to
// dist/ with hashed file names under assets/, which server/static-app.ts
// caches for a year; libraries go to a `vendor` chunk that stays cached
// across app releases. `npm run build` and `npm start` build through
// server/app-build.ts; `npm run <app>:dev` serves an app with hot reload,
// forwarding its API paths to a running Keepr (KEEPR_URL, default
// http://127.0.0.1:3000).
import { mergeConfig, type ProxyOptions, type UserConfig } from "vite";

/** Where the dev servers forward the API (dev tooling only; Keepr itself reads its settings in core/config.ts). */
export const keeprUrl = process.env.KEEPR_URL ?? "http://127.0.0.1:3000";

export interface AppViteOptions {
  /** The app's folder: its vite.config.ts's import.meta.dirname. */
  root: string;
  /** The URL path Keepr serves the app at, with a trailing slash ("/admin/"). */
  base: string;
  /** The dev server's port. */
  devPort: number;
  /** Paths the dev server forwards to Keepr: a path alone, or with options (websockets). */
  devProxy: Array<string | [string, Omit<ProxyOptions, "target">]>;
  /** What else the app sets (chunking, checks); merged over the shared settings. */
  extra?: UserConfig;
}

export function appViteConfig({ root, base, devPort, devProxy, extra = {} }: AppViteOptions): UserConfig {
  const shared: UserConfig = {
    root,
    base,
    oxc: { jsx: { runtime: "automatic" } },
    build: {
      outDir: "dist",
      emptyOutDir: true,
      target: "es2022",
      // Hashed file names under assets/: the server caches them for a year.
      assetsDir: "assets",
    },
    server: {
      port: devPort,
      proxy: Object.fromEntries(
        devProxy.map((entry): [string, string | ProxyOptions] => (typeof entry === "string" ? [entry, keeprUrl] : [entry[0], { ...entry[1], target: keeprUrl }])),
      ),
    },
  };
  return mergeConfig(shared, extra);
}
