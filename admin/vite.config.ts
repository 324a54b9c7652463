// Vite build of the staff console (admin/dist, served by Keepr at /admin).
// Vite 8 transforms TSX itself (oxc): React's automatic JSX runtime, no plugin.
// `npm run build` and `npm start` build it through server/app-build.ts;
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
          groups: [
            { name: "vendor", test: /node_modules/, tags: ["$initial"], priority: 2 },
            // Libraries only screens loaded on demand use (the chart library of Reports): their own chunk, fetched when opened.
            { name: "lazy-vendor", test: /node_modules/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5174,
    proxy: {
      // The API of a Keepr started with `npm start` (KEEPR_URL to point elsewhere).
      "/graphql": process.env.KEEPR_URL ?? "http://127.0.0.1:3000",
      // Live updates: the console's public configuration (the realtime key) and the realtime socket.
      "/admin/config.json": process.env.KEEPR_URL ?? "http://127.0.0.1:3000",
      "/realtime": { target: process.env.KEEPR_URL ?? "http://127.0.0.1:3000", ws: true },
    },
  },
});
