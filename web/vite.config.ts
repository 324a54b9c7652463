// Vite build of the guest app (web/dist, served by Keepr at /). Vite 8
// transforms TSX itself (oxc): React's automatic JSX runtime, no plugin.
// `npm run build` and `npm start` build it through server/app-build.ts;
// `npm run web:dev` serves it with hot reload against a running Keepr.
import { defineConfig } from "vite";

const keepr = process.env.KEEPR_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Hashed file names under assets/: the server caches them for a year.
    assetsDir: "assets",
    // No inlined assets: the Content-Security-Policy allows images from 'self' and data:, and one request per icon is not needed (there are none).
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // React changes less often than the app: a separate chunk stays cached across app releases.
        codeSplitting: {
          groups: [{ name: "vendor", test: /node_modules/ }],
        },
      },
    },
  },
  server: {
    port: 5175,
    proxy: {
      // The API and the payment provider's card form of a Keepr started with `npm start` (KEEPR_URL to point elsewhere).
      "/graphql": keepr,
      "/simulated-provider": keepr,
      "/invoices": keepr,
    },
  },
});
