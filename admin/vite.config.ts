// Vite build of the staff console (admin/dist, served by Keepr at /admin).
// Vite 8 transforms TSX itself (oxc): React's automatic JSX runtime, no plugin.
// `npm run build` and `npm start` build it through server/admin-build.ts;
// `npm run admin:dev` serves it with hot reload against a running Keepr.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/admin/",
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Hashed file names under assets/: the server caches them for a year.
    assetsDir: "assets",
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      // react-admin and MUI mark modules "use client" (for React Server
      // Components): meaningless in a client bundle, one warning per module.
      checks: { moduleLevelDirective: false },
      output: {
        // Libraries change less often than the console: a separate chunk stays cached across console releases.
        codeSplitting: {
          groups: [{ name: "vendor", test: /node_modules/ }],
        },
      },
    },
  },
  server: {
    port: 5174,
    proxy: {
      // The API of a Keepr started with `npm start` (KEEPR_URL to point elsewhere).
      "/graphql": process.env.KEEPR_URL ?? "http://127.0.0.1:3000",
    },
  },
});
