// npm run bench -- stay-calendar [--calls 2000]
//
// What a guest's .ics costs (channels/stay-calendar.ts), in process, no
// database: CPU per call (process.cpuUsage, so other processes on the machine
// do not count) of
//   1. rendering a stay whose zone and years were seen before (its VTIMEZONE
//      reused): what almost every email and download costs;
//   2. making a VTIMEZONE for a zone and span of years not seen before (about
//      1,100 offset look-ups through Intl): what the first stay of a zone and
//      year costs on top;
// each the median of 5 rounds, and their ratio within the run.
import { parseArgs } from "node:util";
import { renderStayCalendar, vtimezone, type StayCalendarRow } from "../../channels/stay-calendar.ts";

const { values: args } = parseArgs({ options: { calls: { type: "string", default: "2000" } } });
const calls = Number(args.calls);

const row: StayCalendarRow = {
  id: "0f6c1c1e-1111-4222-8333-944445555666", status: "confirmed", code: "ABCD2345", arrival: "2027-03-27", departure: "2027-03-29",
  starts_at: new Date("2027-03-27T15:00:00Z"), ends_at: new Date("2027-03-29T10:00:00Z"), adults: 2, children: 1, sequence: 2,
  confirmed_at: new Date("2026-12-01T10:00:00Z"), updated_at: new Date("2026-12-02T10:00:00Z"),
  property_name: "Casa do Mar, Ericeira; Surf 🏄 & Spa — São João", address: "Rua do Ouriço 3, 2.º esq.; Ericeira", city: "Mafra",
  time_zone: "Europe/Lisbon", language: "pt", contact_email: "reservas@casa.example", contact_phone: "+351 261 000 000",
  arrival_instructions: "Chave no cofre, código 1234; portão à esquerda,\nsegunda porta 🚪. Não toque à campainha!",
  check_in_time: "15:00", check_out_time: "11:00", room_type: "Quarto Duplo, vista mar",
};
const options = { language: "pt" as const, manageUrl: "https://book.example/manage?code=ABCD2345", organizerEmail: "no-reply@keepr.example" };

function perCall(label: string, n: number, fn: (i: number) => void): number {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(round * n + i);
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / 1000 / n);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${label.padEnd(60)} ${rounds[2]!.toFixed(3).padStart(8)} ms CPU  (rounds ${rounds.map((r) => r.toFixed(3)).join(", ")})`);
  return rounds[2]!;
}

for (let i = 0; i < 200; i++) renderStayCalendar(row, options); // warm up
const warm = perCall("render a stay (its VTIMEZONE seen before)", calls, () => renderStayCalendar(row, options));
// A zone and span of years never seen before on every call: years 2100 + i.
const zones = ["Europe/Lisbon", "America/New_York", "Australia/Sydney", "Asia/Tokyo"];
const cold = perCall("a VTIMEZONE for a new zone and years (first stay of them)", Math.max(10, Math.floor(calls / 20)), (i) => {
  const year = 2100 + Math.floor(i / zones.length);
  vtimezone(zones[i % zones.length]!, new Date(Date.UTC(year, 5, 1)), new Date(Date.UTC(year, 5, 3)));
});
console.log(`ratio: a new VTIMEZONE costs ${(cold / warm).toFixed(1)}× a rendered stay`);
