// The channels' side of channel sync, for tests: a local HTTP server that
// stands in for the OTAs' calendar exports, and the refusal a feed that is
// not a calendar gets from the parser.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FeedError } from "../../channels/ical.ts";

export interface FeedServer {
  /** http://127.0.0.1:<port>, to which a feed's path is appended. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves feeds: each request is answered with what `answer` gives for its
 * path, a calendar's text (200, text/calendar) or an HTTP status.
 */
export async function startFeedServer(answer: (path: string) => string | number): Promise<FeedServer> {
  const server = createServer((req, res) => {
    const what = answer(req.url ?? "");
    if (typeof what === "string") res.writeHead(200, { "content-type": "text/calendar" }).end(what);
    else res.writeHead(what).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The FeedError that run throws; fails when it accepts the feed or throws anything else. */
export function refusal(run: () => unknown): FeedError {
  try {
    run();
  } catch (error) {
    if (error instanceof FeedError) return error;
    throw error;
  }
  throw new Error("expected a FeedError, but the feed was accepted");
}
