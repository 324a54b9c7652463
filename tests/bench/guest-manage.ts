// npm run bench -- guest-manage --url http://127.0.0.1:3000 [--reads 100] [--rounds 4]
//
// A guest's Manage page against a running Keepr and the data it holds (the
// scale data: `npm run seed -- --properties 50 --units 5000`). The bench
// books one stay through the API as the guest app does (search, quote,
// createHold, confirmBooking), finds it by code and email (lookupBooking,
// the booking token), then reads it as the Manage page does, with the guest
// app's own MyBooking document (`currentBooking`: the token's reservation by
// id), and, for comparison, the same fields through `allReservations(first:
// 1)`, the shape the page read before 2026-12-06 (row-level security then
// filtered every reservation of every property to find the one the token
// may see). The two alternate in --rounds rounds of --reads reads each; it
// prints p50/p95/mean per shape and the ratio of their means.
import { parseArgs } from "node:util";
import * as web from "../../web/src/documents.ts";
import { apiOps, benchGuest, makeApi, median, randomStay } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3000" },
    reads: { type: "string", default: "100" },
    rounds: { type: "string", default: "4" },
  },
  strict: true,
});
const reads = Number(args.reads);
const rounds = Number(args.rounds);
const api = makeApi(args.url!, 4);
const ops = apiOps(api);

// Cities the guest app offers.
const destinations = await api.call(`query { allProperties(first: 200) { nodes { city } } }`, {}, (d) => (d.allProperties.nodes as Array<{ city: string }>).map((n) => n.city));
const cities = [...new Set(destinations.data ?? [])];
if (!cities.length) throw new Error(`no published property to book at ${args.url}: ${destinations.code}`);

// One booking, as a guest makes it.
let booked: { code: string; email: string } | undefined;
for (let attempt = 0; attempt < 200 && !booked; attempt++) {
  const stay = randomStay(cities);
  const found = (await ops.search(stay)).data?.find((r) => r.isBookable);
  if (!found) continue;
  const quote = await ops.quote(found.ratePlanId, stay.arrival, stay.departure, stay.adults);
  if (!quote.data) continue;
  const hold = await ops.hold(quote.data);
  if (!hold.data) continue;
  const guest = benchGuest();
  const confirmed = await ops.confirm(hold.data.id, hold.data.token, guest);
  if (confirmed.data) booked = { code: confirmed.data, email: guest.email };
}
if (!booked) throw new Error("found no stay to book in 200 searches");
const lookup = await api.call(web.lookupBooking.source, { code: booked.code, email: booked.email }, (d) => d.lookupBooking.result as string, web.lookupBooking.name);
if (!lookup.data) throw new Error(`lookupBooking: ${lookup.code}`);
const guestApi = makeApi(args.url!, 1, lookup.data);

// The page's document, and the same selection through allReservations (before).
const now = { name: "currentBooking", source: web.myBooking.source, pick: (d: any) => d.currentBooking?.confirmationCode as string | undefined };
const fields = web.myBooking.source.slice(web.myBooking.source.indexOf("currentBooking {") + "currentBooking {".length, web.myBooking.source.lastIndexOf("}", web.myBooking.source.lastIndexOf("}") - 1));
const before = {
  name: "allReservations(first: 1)",
  source: `query MyBookingBefore { allReservations(first: 1) { nodes { ${fields} } } }`,
  pick: (d: any) => d.allReservations?.nodes?.[0]?.confirmationCode as string | undefined,
};
const timings = new Map<string, number[]>([[now.name, []], [before.name, []]]);
for (let round = 0; round < rounds; round++) {
  for (const shape of round % 2 === 0 ? [before, now] : [now, before]) {
    for (let i = 0; i < reads; i++) {
      const out = await guestApi.call(shape.source, {}, shape.pick);
      if (out.data !== booked.code) throw new Error(`${shape.name}: ${out.code ?? `read ${String(out.data)}, not ${booked.code}`}`);
      timings.get(shape.name)!.push(out.ms);
    }
  }
}
const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { p50: median(sorted), p95: sorted[Math.floor(sorted.length * 0.95)]!, mean };
};
console.log(`booking ${booked.code}; ${rounds} alternating rounds of ${reads} reads per shape, one guest, keep-alive HTTP (${args.url})`);
const results = [before, now].map((shape) => ({ name: shape.name, ...summary(timings.get(shape.name)!) }));
for (const r of results) console.log(`  ${r.name.padEnd(28)} p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  mean ${r.mean.toFixed(2)} ms`);
console.log(`  before / now (means): ${(results[0]!.mean / results[1]!.mean).toFixed(1)}x`);
api.agent.destroy();
guestApi.agent.destroy();
