// The console's one realtime client (@supabase/realtime-js) to Keepr's
// realtime endpoint on the same origin (docs/realtime.md). The socket's
// `apikey` is the public anonymous key, read from /admin/config.json
// (platform/publicConfig.ts, server/admin.ts; public by design); the user's session token rides in
// every join and is re-read before each heartbeat (realtime-js's
// `accessToken` callback, which calls setAuth with it), so a new sign-in
// or a refreshed token reaches the server without a reconnect. The socket
// opens with the first channel and closes shortly after the last one.
import { RealtimeClient } from "@supabase/realtime-js";
import { publicConfig } from "../publicConfig.ts";
import { getToken } from "../session.ts";

let clientPromise: Promise<RealtimeClient | null> | null = null;

async function createClient(): Promise<RealtimeClient | null> {
  const config = await publicConfig();
  // This server runs no realtime service (the console then refreshes on its own timers only).
  if (!config.realtime) return null;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const client = new RealtimeClient(`${scheme}//${location.host}${config.realtime.path}`, {
    params: { apikey: config.realtime.apiKey },
    accessToken: async () => getToken(),
    // Back off on reconnects, as realtime-js does, but start fast: a server
    // restart is back within a second (docs/realtime.md, "Recovery").
    reconnectAfterMs: (tries: number) => [250, 1000, 2000, 5000][tries - 1] ?? 10_000,
  });
  await client.setAuth();
  return client;
}

/**
 * The shared client, made on first use; null when the server has no
 * realtime service. A failure to read the configuration (the server down)
 * is retried on the next call.
 */
export function liveClient(): Promise<RealtimeClient | null> {
  if (!clientPromise) {
    const promise = createClient();
    clientPromise = promise;
    promise.catch(() => {
      if (clientPromise === promise) clientPromise = null;
    });
  }
  return clientPromise;
}
