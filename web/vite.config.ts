// Vite build of the guest app (web/dist, served by Keepr at /): the shared
// settings (server/app-vite.ts) and what is the guest app's own.
// `npm run web:dev` serves it with hot reload on port 5175.
import { defineConfig } from "vite";
import { appViteConfig } from "../server/app-vite.ts";

export default defineConfig(
  appViteConfig({
    root: import.meta.dirname,
    base: "/",
    devPort: 5175,
    // The API and the payment provider's card form of a running Keepr; invoices' PDFs.
    devProxy: ["/graphql", "/simulated-provider", "/invoices", "/config.json"],
    extra: {
      build: {
        // No inlined assets: the Content-Security-Policy allows images from 'self' and data:, and one request per icon is not needed (there are none).
        assetsInlineLimit: 0,
        rolldownOptions: {
          output: {
            // React changes less often than the app: a separate chunk stays cached across app releases.
            // Leaflet (the map, issue 22) stays out of it: it comes with the map's own lazy chunk.
            codeSplitting: {
              groups: [{ name: "vendor", test: /node_modules[\\/](?!leaflet[\\/])/ }],
            },
          },
        },
      },
    },
  }),
);
