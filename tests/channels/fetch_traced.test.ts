// A channel's feed fetch in a trace (issue 19): inside a traced job, each
// request of the fetch (a redirect's hop too) is an HTTP client span, a
// child of the job's, with its status and host but never the feed's path or
// query, where channels put their tokens; outside a trace, no span at all.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchFeed } from "../../channels/fetch.ts";
import { inSpan, SpanKind, startTracing, type Tracing } from "../../core/tracing.ts";
import { waitUntil } from "../helpers/wait.ts";
import { startCollector, type Collector } from "../helpers/tracing.ts";

const calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
let collector: Collector;
let tracing: Tracing;
let feeds: Server;
let base: string;

beforeAll(async () => {
  collector = await startCollector();
  tracing = await startTracing({ tracesUrl: `${collector.url}/v1/traces`, OTEL_EXPORTER_OTLP_HEADERS: undefined, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "keepr-test", OTEL_TRACES_SAMPLER_ARG: 1 }, { scheduledDelayMillis: 50 });
  // An OTA's export: the old address redirects to the current one; both carry the channel's token.
  feeds = createServer((req, res) => {
    if (req.url?.startsWith("/old/")) return res.writeHead(302, { location: "/calendar/ical/4711.ics?s=secret-channel-token" }).end();
    res.writeHead(200, { "content-type": "text/calendar" }).end(calendar);
  });
  await new Promise<void>((resolve) => feeds.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => feeds?.close(resolve));
  await tracing?.shutdown();
  await collector?.close();
});

it("a fetch in a traced job: one client span per request, the job's children, no path or token", async () => {
  const body = await inSpan("job sync_channel", { kind: SpanKind.CONSUMER }, () => fetchFeed(`${base}/old/4711.ics?s=secret-channel-token`, { allowInternal: true }));
  expect(body).toBe(calendar);
  let job: (typeof collector.spans)[number] | undefined;
  await waitUntil(async () => {
    await tracing.flush();
    job = collector.spans.find((s) => s.name === "job sync_channel");
    return !!job && collector.spans.filter((s) => s.parentSpanId === job!.spanId).length === 2;
  }, "the job's span and its two requests", 30_000);
  const requests = collector.spans.filter((s) => s.parentSpanId === job!.spanId);
  expect(requests.map((s) => [s.name, s.kind, s.attributes["http.response.status_code"], s.attributes["server.address"], s.attributes["keepr.channel.feed_redirected"]])).toEqual([
    ["GET", 3, 302, "127.0.0.1", false],
    ["GET", 3, 200, "127.0.0.1", true],
  ]);
  expect(JSON.stringify(collector.spans)).not.toMatch(/secret-channel-token|4711/);
});

it("a fetch outside any trace records nothing", async () => {
  const before = collector.spans.length;
  await fetchFeed(`${base}/calendar/ical/4711.ics?s=secret-channel-token`, { allowInternal: true });
  // A traced marker after it: once the marker is exported, the fetch's span would have been too.
  await inSpan("marker", {}, async () => {});
  await waitUntil(async () => {
    await tracing.flush();
    return collector.spans.some((s) => s.name === "marker");
  }, "the marker span", 30_000);
  expect(collector.spans.slice(before).map((s) => s.name)).toEqual(["marker"]);
});
