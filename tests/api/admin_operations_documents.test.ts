// Operations' GraphQL documents (admin/src/features/{housekeeping,channels}/documents.ts:
// the housekeeping board and its actions, the channel manager) are written
// by hand; here they are checked against the reviewed schema and the API's
// limits, like tests/api/admin_documents.test.ts does for the rest of the
// console. None of them is a keyed mutation (none takes an idempotency key).
// The housekeeping board sends one query for every role: the stays without
// names, and the names only when the role may read reservations; whether a
// unit is occupied is the unit's own isOccupied (migration 000022).
import { Kind, parse, print, type FieldNode, type OperationDefinitionNode } from "postgraphile/graphql";
import { apiValidationErrors, mutationsSent } from "../helpers/graphql-documents.ts";
import { keyedMutations } from "../../admin/src/platform/documents.ts";
import { housekeepingDocuments, type BoardStayNode, type BoardUnitNode, type HousekeepingTaskNode } from "../../admin/src/features/housekeeping/documents.ts";
import { channelsDocuments } from "../../admin/src/features/channels/documents.ts";

const operationsDocuments = [...housekeepingDocuments, ...channelsDocuments];
import { assembleBoard } from "../../admin/src/features/housekeeping/board.ts";


it.each(operationsDocuments.map((d) => [d.name, d] as const))("%s is valid against server/schema.graphql and within the API's limits", (_name, document) => {
  expect(apiValidationErrors(document.source)).toEqual([]);
});

it("operations send no mutation that would need an idempotency key", () => {
  const sent = mutationsSent(operationsDocuments).map((m) => m.name);
  expect(sent.filter((name) => (keyedMutations as readonly string[]).includes(name))).toEqual([]);
  expect(sent.sort()).toEqual([
    "acceptChannelFeedChange", "assignHousekeepingTask", "assignHousekeepingTasks", "createChannelFeed", "createHousekeepingTask", "deleteChannelFeedByRowId", "resolveChannelConflict", "setHousekeepingTaskPriority",
    "setUnitStatus", "syncChannelFeedNow", "updateChannelFeedByRowId", "updateHousekeepingTask",
  ]);
});

it("the housekeeping board reads the day's stays from housekeepingStays (no name, no money) and guests' names only under @include(if: $withNames)", () => {
  const board = operationsDocuments.find((d) => d.name === "HousekeepingBoard")!;
  const operation = parse(board.source).definitions[0] as OperationDefinitionNode;
  const fields = new Map(
    operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((field) => [field.name.value, field]),
  );
  expect([...fields.keys()].sort()).toEqual(["allUnits", "frontDeskDay", "housekeepingBoard", "housekeepingStays"]);
  const directives = (name: string) => (fields.get(name)!.directives ?? []).map((d) => `@${d.name.value}(${(d.arguments ?? []).map(print).join(", ")})`);
  // Housekeeping (withNames false) sends the same query and reads no reservation.
  expect(directives("frontDeskDay")).toEqual(["@include(if: $withNames)"]);
  for (const name of ["allUnits", "housekeepingBoard", "housekeepingStays"]) expect(directives(name)).toEqual([]);
  const selected = (field: FieldNode): string[] =>
    (field.selectionSet?.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value, ...selected(s).map((n) => `${s.name.value}.${n}`)] : []));
  // Occupied or vacant: the unit's own word, which every role reads (and realtime delivers to every role).
  expect(selected(fields.get("allUnits")!)).toContain("nodes.isOccupied");
  expect(selected(fields.get("frontDeskDay")!)).toEqual(["nodes", "nodes.rowId", "nodes.guest", "nodes.guest.fullName"]);
  expect(selected(fields.get("housekeepingStays")!)).toEqual([
    "nodes", "nodes.reservationId", "nodes.unitId", "nodes.arrival", "nodes.departure", "nodes.status", "nodes.adults", "nodes.children",
    "nodes.checkedInAt", "nodes.checkedOutAt", "nodes.doNotDisturb", "nodes.expectedArrivalTime", "nodes.earlyCheckIn",
  ]);
});

it("the board says occupied or vacant as the unit does (isOccupied), and takes only the dates and party from the day's stays", () => {
  const day = "2026-12-05";
  const unit = (rowId: string, isOccupied: boolean): BoardUnitNode => ({
    rowId, name: rowId, housekeepingStatus: "clean", isActive: true, isOccupied, roomType: null,
  });
  const stay = (reservationId: string, unitId: string, status: BoardStayNode["status"], arrival: string, departure: string, doNotDisturb = false): BoardStayNode => ({
    reservationId, unitId, arrival, departure, status, adults: 2, children: 0, checkedInAt: null, checkedOutAt: null, doNotDisturb,
    expectedArrivalTime: null, earlyCheckIn: false,
  });
  const board = assembleBoard(
    day,
    [unit("a", true), unit("b", true), unit("c", true), unit("d", false), unit("e", false), unit("f", true)],
    [],
    [
      stay("ra", "a", "checked_in", day, "2026-12-07"), // checked in today
      stay("rb", "b", "checked_in", "2026-12-03", day), // leaves today
      stay("rc", "c", "checked_in", "2026-12-03", "2026-12-08", true), // stays on, do-not-disturb today
      stay("rd", "d", "checked_out", "2026-12-04", day), // left today
      stay("re", "e", "confirmed", day, "2026-12-06"), // arrives, not in yet
    ],
    new Map([["ra", { name: "Ada Lovelace" }], ["rc", { name: null }]]),
  );
  const by = new Map(board.units.map((u) => [u.rowId, u]));
  expect(board.units.map((u) => [u.rowId, u.occupancy])).toEqual([
    ["a", "checked_in_today"], ["b", "leaving_today"], ["c", "occupied"], ["d", "left_today"], ["e", "vacant"], ["f", "occupied"],
  ]);
  expect(by.get("a")!.occupant).toMatchObject({ reservationId: "ra", departure: "2026-12-07", guestName: "Ada Lovelace", doNotDisturb: false });
  expect(by.get("c")!.occupant).toMatchObject({ reservationId: "rc", doNotDisturb: true });
  expect(by.get("b")!.departsToday).toBe(true);
  expect(by.get("d")!.departed).toMatchObject({ reservationId: "rd" });
  expect(by.get("e")!.arrival).toMatchObject({ reservationId: "re", adults: 2 });
  // Occupied by the unit's word with no stay of the day to say until when: occupied all the same.
  expect(by.get("f")!.occupant).toBeNull();
  // Nobody arrives in a dirty unit here: no priority, the units' order kept.
  expect(board.units.some((u) => u.priority)).toBe(false);
  // A stay still checked in while its unit says vacant (a snapshot between the two): the unit's word wins.
  const stale = assembleBoard(day, [unit("g", false)], [], [stay("rg", "g", "checked_in", day, "2026-12-07")]);
  expect(stale.units[0]).toMatchObject({ occupancy: "vacant", occupant: null });
});

it("a dirty unit a guest arrives in today is a priority and comes first; a clean one or one nobody arrives in is not", () => {
  const day = "2026-12-05";
  const unit = (rowId: string, housekeepingStatus: BoardUnitNode["housekeepingStatus"]): BoardUnitNode => ({
    rowId, name: rowId, housekeepingStatus, isActive: true, isOccupied: false, roomType: null,
  });
  const arriving = (reservationId: string, unitId: string, expectedArrivalTime: string | null = null, earlyCheckIn = false): BoardStayNode => ({
    reservationId, unitId, arrival: day, departure: "2026-12-07", status: "confirmed", adults: 1, children: 0, checkedInAt: null, checkedOutAt: null, doNotDisturb: false,
    expectedArrivalTime, earlyCheckIn,
  });
  const board = assembleBoard(
    day,
    [unit("101", "dirty"), unit("102", "clean"), unit("103", "dirty"), unit("104", "dirty"), unit("105", "inspected")],
    [],
    [arriving("r2", "102"), arriving("r3", "103"), arriving("r4", "104")],
  );
  expect(board.units.map((u) => [u.rowId, u.priority])).toEqual([["103", true], ["104", true], ["101", false], ["102", false], ["105", false]]);
});

it("early check-ins (issue 21) come before the other priorities, earliest expected first, labelled with the time", () => {
  const day = "2026-12-05";
  const unit = (rowId: string, housekeepingStatus: BoardUnitNode["housekeepingStatus"]): BoardUnitNode => ({
    rowId, name: rowId, housekeepingStatus, isActive: true, isOccupied: false, roomType: null,
  });
  const arriving = (reservationId: string, unitId: string, expectedArrivalTime: string | null, earlyCheckIn: boolean): BoardStayNode => ({
    reservationId, unitId, arrival: day, departure: "2026-12-07", status: "confirmed", adults: 1, children: 0, checkedInAt: null, checkedOutAt: null, doNotDisturb: false,
    expectedArrivalTime, earlyCheckIn,
  });
  const board = assembleBoard(
    day,
    [unit("101", "dirty"), unit("102", "dirty"), unit("103", "dirty"), unit("104", "clean"), unit("105", "dirty")],
    [],
    [arriving("r1", "101", "18:00:00", false), arriving("r2", "102", "12:30:00", true), arriving("r3", "103", "11:00:00", true), arriving("r4", "104", "09:00:00", true)],
  );
  expect(board.units.map((u) => [u.rowId, u.priority, u.earlyCheckIn])).toEqual([
    ["103", true, "11:00"], ["102", true, "12:30"], ["101", true, null], ["104", false, null], ["105", false, null],
  ]);
});

it("after the arrivals, units with an urgent task, then a high one, come first (a supervisor's priority, issue 21); finished tasks do not count", () => {
  const day = "2026-12-05";
  const unit = (rowId: string): BoardUnitNode => ({ rowId, name: rowId, housekeepingStatus: "dirty", isActive: true, isOccupied: false, roomType: null });
  const task = (unitId: string, priority: HousekeepingTaskNode["priority"], status: HousekeepingTaskNode["status"] = "open"): HousekeepingTaskNode => ({
    rowId: `t-${unitId}-${priority}`, unitId, kind: "checkout_clean", dueDate: day, status, priority, notes: null, reservationId: null, assignedTo: null,
    completedAt: null, createdAt: "2026-12-05T08:00:00Z", userByAssignedTo: null, userByCompletedBy: null,
  });
  const arriving: BoardStayNode = {
    reservationId: "r1", unitId: "105", arrival: day, departure: "2026-12-07", status: "confirmed", adults: 1, children: 0, checkedInAt: null, checkedOutAt: null,
    doNotDisturb: false, expectedArrivalTime: null, earlyCheckIn: false,
  };
  const board = assembleBoard(
    day,
    [unit("101"), unit("102"), unit("103"), unit("104"), unit("105")],
    [task("101", "normal"), task("102", "high"), task("103", "urgent", "done"), task("104", "urgent"), task("104", "normal")],
    [arriving],
  );
  expect(board.units.map((u) => [u.rowId, u.taskPriority])).toEqual([["105", null], ["104", "urgent"], ["102", "high"], ["101", "normal"], ["103", null]]);
});
