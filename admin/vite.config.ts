// Vite build of the staff console (admin/dist, served by Keepr at /admin):
// the shared settings (server/app-vite.ts) and what is the console's own.
// `npm run admin:dev` serves it with hot reload on port 5174.
import { defineConfig } from "vite";
import { appViteConfig } from "../server/app-vite.ts";

export default defineConfig(
  appViteConfig({
    root: import.meta.dirname,
    base: "/admin/",
    devPort: 5174,
    // The API; live updates: the console's public configuration (the realtime key) and the realtime socket.
    devProxy: ["/graphql", "/admin/config.json", ["/realtime", { ws: true }]],
    extra: {
      build: {
        chunkSizeWarningLimit: 2048,
        rolldownOptions: {
          // react-admin and MUI mark modules "use client" (for React Server
          // Components): meaningless in a client bundle, one warning per module.
          checks: { moduleLevelDirective: false },
          output: {
            // Libraries change less often than the console: a separate chunk stays cached across console releases.
            codeSplitting: {
              groups: [
                // The map (Leaflet, issue 22): its own chunk, fetched only when Property › Content shows a location.
                { name: "map-vendor", test: /node_modules[\\/]leaflet[\\/]/, priority: 3 },
                { name: "vendor", test: /node_modules/, tags: ["$initial"], priority: 2 },
                // Libraries only screens loaded on demand use (the chart library of Reports): their own chunk, fetched when opened.
                { name: "lazy-vendor", test: /node_modules/, priority: 1 },
              ],
            },
          },
        },
      },
    },
  }),
);
