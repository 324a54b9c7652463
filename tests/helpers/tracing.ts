// An OTLP/HTTP collector for tests: a plain HTTP server that takes what
// OpenTelemetry's exporter posts to /v1/traces (OTLP JSON) and keeps the
// spans, flattened, for a test to assert the shape of a trace.
import { createServer, type Server } from "node:http";

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: number;
  links: Array<{ traceId: string; spanId: string }>;
  /** Nanoseconds since the epoch, as a string (OTLP's fixed64). */
  start: string;
}

export interface Collector {
  url: string;
  spans: CollectedSpan[];
  /** How many export requests arrived (and the content types they had). */
  requests: string[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
const valueOf = (v: AnyValue | undefined): unknown =>
  v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined) ?? v?.boolValue ?? v?.doubleValue ?? v?.arrayValue?.values?.map(valueOf);
const attributesOf = (list: Array<{ key: string; value: AnyValue }> | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));

export async function startCollector(): Promise<Collector> {
  const spans: CollectedSpan[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url} ${req.headers["content-type"]}`);
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        resourceSpans?: Array<{
          resource?: { attributes?: Array<{ key: string; value: AnyValue }> };
          scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
        }>;
      };
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "");
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId as string,
              spanId: s.spanId as string,
              parentSpanId: (s.parentSpanId as string | undefined) || undefined,
              name: s.name as string,
              kind: s.kind as number,
              service,
              attributes: attributesOf(s.attributes as Array<{ key: string; value: AnyValue }>),
              status: ((s.status as { code?: number } | undefined)?.code) ?? 0,
              start: String(s.startTimeUnixNano ?? "0"),
              links: ((s.links as Array<{ traceId: string; spanId: string }> | undefined) ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    spans,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The chain of span names from a span up to its trace's root (the span first). */
export function ancestry(spans: CollectedSpan[], span: CollectedSpan): string[] {
  const byId = new Map(spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (let at: CollectedSpan | undefined = span; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) names.push(at.name);
  return names;
}

/** A trace as an indented tree, children in the order they started (names only; filter to leave some out). */
export function treeOf(spans: CollectedSpan[], keep: (s: CollectedSpan) => boolean = () => true): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const byStart = [...spans].sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of byStart.filter((c) => (parent === undefined ? !c.parentSpanId || !ids.has(c.parentSpanId) : c.parentSpanId === parent))) {
      if (keep(s)) lines.push(`${"  ".repeat(depth)}${s.name}`);
      walk(s.spanId, keep(s) ? depth + 1 : depth);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

/** Polls until condition holds (every 50 ms), failing after timeoutMs with what it waited for. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
