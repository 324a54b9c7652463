// A Sentry-compatible ingest endpoint for tests: a plain HTTP server that
// keeps every envelope @sentry/node posts to /api/<project>/envelope/, raw
// (to look for personal data in the bytes) and parsed.
import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";

export interface Envelope {
  path: string;
  raw: string;
  header: Record<string, any>;
  items: Array<{ header: Record<string, any>; payload: any }>;
}

/** A Sentry-compatible ingest endpoint: keeps every envelope, raw and parsed. */
export interface Sink {
  url: string;
  envelopes: Envelope[];
  /** The DSN of a project on this endpoint. */
  dsn(project: number): string;
  /** Every event, with the envelope it came in. */
  events(): Array<{ envelope: Envelope; event: any }>;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const envelopes: Envelope[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const raw = body.toString("utf8");
      const lines = raw.split("\n").filter((line) => line.length > 0);
      const items: Envelope["items"] = [];
      for (let i = 1; i + 1 < lines.length; i += 2) items.push({ header: JSON.parse(lines[i]!), payload: JSON.parse(lines[i + 1]!) });
      envelopes.push({ path: req.url ?? "", raw, header: JSON.parse(lines[0] ?? "{}"), items });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    envelopes,
    dsn: (project) => `http://publickey@127.0.0.1:${port}/${project}`,
    events: () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === "event").map((i) => ({ envelope: e, event: i.payload }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

