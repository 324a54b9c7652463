// An OTLP/HTTP collector for tests: a plain HTTP server that takes what
// OpenTelemetry's exporter posts to /v1/traces (OTLP protobuf, the default,
// or JSON) and keeps the spans, flattened, for a test to assert the shape of
// a trace.
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
  /** The export requests that arrived: method, path, content type and the x-collector-key header they carried. */
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
      requests.push(`${req.method} ${req.url} ${req.headers["content-type"]} key=${req.headers["x-collector-key"] ?? ""}`);
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const protobuf = req.headers["content-type"] === "application/x-protobuf";
      const body = (protobuf ? decodeTraceRequest(raw) : JSON.parse(raw.toString("utf8"))) as {
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

// OTLP's protobuf (opentelemetry-proto, trace/v1 and common/v1), read by
// its wire format into the shape of OTLP JSON: only the fields the tests
// look at. Field numbers: ExportTraceServiceRequest 1 resource_spans;
// ResourceSpans 1 resource (Resource 1 attributes), 2 scope_spans;
// ScopeSpans 2 spans; Span 1 trace_id, 2 span_id, 4 parent_span_id, 5 name,
// 6 kind, 7 start_time_unix_nano, 9 attributes, 13 links (Link 1 trace_id,
// 2 span_id), 15 status (Status 3 code); KeyValue 1 key, 2 value; AnyValue
// 1 string, 2 bool, 3 int, 4 double, 5 array (ArrayValue 1 values).
type Field = { number: number; varint?: bigint; bytes?: Buffer; fixed64?: Buffer };
function fieldsOf(buffer: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const number = key >>> 3;
    switch (key & 7) {
      case 0:
        fields.push({ number, varint: varint() });
        break;
      case 1:
        fields.push({ number, fixed64: buffer.subarray(at, (at += 8)) });
        break;
      case 2: {
        const length = Number(varint());
        fields.push({ number, bytes: buffer.subarray(at, (at += length)) });
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unexpected protobuf wire type ${key & 7}`);
    }
  }
  return fields;
}
const all = (fields: Field[], number: number) => fields.filter((f) => f.number === number);
const first = (fields: Field[], number: number) => fields.find((f) => f.number === number);
const text = (f: Field | undefined) => f?.bytes?.toString("utf8");
const hex = (f: Field | undefined) => (f?.bytes && f.bytes.length > 0 ? f.bytes.toString("hex") : undefined);
function anyValueOf(buffer: Buffer): AnyValue {
  const f = fieldsOf(buffer)[0];
  if (!f) return {};
  switch (f.number) {
    case 1: return { stringValue: text(f) };
    case 2: return { boolValue: f.varint !== 0n };
    case 3: return { intValue: String(BigInt.asIntN(64, f.varint!)) };
    case 4: return { doubleValue: f.fixed64!.readDoubleLE(0) };
    case 5: return { arrayValue: { values: all(fieldsOf(f.bytes!), 1).map((v) => anyValueOf(v.bytes!)) } };
    default: return {};
  }
}
const keyValuesOf = (fields: Field[]) => fields.map((kv) => {
  const parts = fieldsOf(kv.bytes!);
  return { key: text(first(parts, 1)) ?? "", value: anyValueOf(first(parts, 2)?.bytes ?? Buffer.alloc(0)) };
});
/**
 * How many spans an export holds (OTLP protobuf or JSON), reading no more
 * of it than that takes: the tracing bench's sink, which runs beside the
 * load it measures.
 */
export function spansIn(body: Buffer, contentType: string | undefined): number {
  if (contentType === "application/x-protobuf") {
    let count = 0;
    for (const rs of all(fieldsOf(body), 1)) for (const ss of all(fieldsOf(rs.bytes!), 2)) count += all(fieldsOf(ss.bytes!), 2).length;
    return count;
  }
  const json = JSON.parse(body.toString("utf8")) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
  return (json.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0), 0);
}

function decodeTraceRequest(buffer: Buffer) {
  return {
    resourceSpans: all(fieldsOf(buffer), 1).map((rs) => {
      const rsFields = fieldsOf(rs.bytes!);
      const resource = first(rsFields, 1);
      return {
        resource: { attributes: resource ? keyValuesOf(all(fieldsOf(resource.bytes!), 1)) : [] },
        scopeSpans: all(rsFields, 2).map((ss) => ({
          spans: all(fieldsOf(ss.bytes!), 2).map((span) => {
            const f = fieldsOf(span.bytes!);
            const status = first(f, 15);
            return {
              traceId: hex(first(f, 1)),
              spanId: hex(first(f, 2)),
              parentSpanId: hex(first(f, 4)),
              name: text(first(f, 5)) ?? "",
              kind: Number(first(f, 6)?.varint ?? 0n),
              startTimeUnixNano: first(f, 7)?.fixed64?.readBigUInt64LE(0).toString() ?? "0",
              attributes: keyValuesOf(all(f, 9)),
              status: { code: status ? Number(first(fieldsOf(status.bytes!), 3)?.varint ?? 0n) : 0 },
              links: all(f, 13).map((link) => {
                const l = fieldsOf(link.bytes!);
                return { traceId: hex(first(l, 1)), spanId: hex(first(l, 2)) };
              }),
            };
          }),
        })),
      };
    }),
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
