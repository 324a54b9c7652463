// Admission control for the API's guest traffic (issue 23): staff keep
// working during a guest spike.
//
// A guest search or quote is anonymous, read-only and costs Postgres tens of
// milliseconds of CPU; a spike of them can fill every core, and then every
// other transaction (a housekeeper marking a room clean, a desk check-in, a
// guest's own booking) waits for a share of CPU behind them. So anonymous
// read-only operations (queries of requests core/auth.ts isAnonymous calls
// anonymous, the predicate the two caches use too: searches, quotes,
// property pages) form a lane: at most
// API_PUBLIC_READ_CONCURRENCY of them run in Postgres at once per process,
// and the others wait their turn here, in order of arrival, holding no
// connection. Everything else, staff requests, a guest's reads of their own
// booking (a booking token: personal, never cached either) and every
// mutation (a guest's hold and confirmation included), does not wait for
// the lane. With the
// lane narrower than the pool (API_POOL_SIZE), staff always find a free
// connection, and Postgres runs at most that many guest reads at once, so a
// staff transaction competes with a few, not with the whole spike.
// A place is taken before the connection and given back when the read's
// statements are done (server/read-routing.ts guestReadsOf: on the guest
// pool a read is its statements alone, with no begin or commit). A place also waits on Keepr's
// thread between its statements, so a lane as wide as Postgres's cores
// left Postgres a third idle under a flood of uncached searches: the
// default is one more than the machine's cores (core/config.ts
// defaultGuestLane): on 2 cores it kept the API's uncached searches at
// 0.83-0.85 of their SQL called directly (0.87 with no lane) and took a
// housekeeper's p95 under a flood of guest searches from 12-13x its p95
// alone to about 3x (docs/running.md, docs/benchmarks.md "The guest lane on
// by default"). Cheap reads pay more: since a quote costs Postgres 1.15 ms
// (session 39), 3 places served 811 quotes a second against 943 with no
// lane, a place then held over two round trips (docs/benchmarks.md "A
// quote's Postgres CPU, and the hold's"); since session 40 a guest read is
// one round trip ("Guest reads on connections of their own").

import type { IncomingMessage, ServerResponse } from "node:http";
import { guestLaneOperations, guestsHeld, staffFirstGauge } from "../core/metrics.ts";

/**
 * A guest read waited longer than the lane's waitMs for its turn: refused,
 * nothing done, as a connection not had in time is (UNAVAILABLE, "retry
 * shortly": server/errors.ts).
 */
export class LaneWaitTimeout extends Error {
  constructor(waitMs: number) {
    super(`waited ${waitMs} ms for a turn in the guest lane`);
    this.name = "LaneWaitTimeout";
  }
}

/**
 * Who a lane gives way to (StaffFirst): while `givingWay()`, a free place is
 * not taken; `onDone` hears when it may be again.
 */
export interface Priority {
  givingWay(): boolean;
  onDone(listener: () => void): void;
  /** The longest a free place is kept from the line for them (ms). */
  readonly maxWaitMs: number;
}

/**
 * A FIFO lane of at most `limit` operations at once (counted in
 * keepr_api_guest_reads). With `priority`, a place that is free while the
 * priority gives way (staff in flight during a flood) is kept from the
 * line until it is done, or for at most its maxWaitMs from the moment the
 * line first waited for it; then the line goes on as usual until the
 * priority is done and comes again.
 */
export class Lane {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  readonly limit: number;
  /** How long an operation may wait for its turn (Infinity: as long as it takes). */
  readonly waitMs: number;
  private readonly priority: Priority | undefined;
  /** When the current giving way ends (performance.now()); undefined: not giving way now. */
  private givingWayUntil: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(limit: number, options: { waitMs?: number; priority?: Priority } = {}) {
    this.limit = limit;
    this.waitMs = options.waitMs ?? Infinity;
    this.priority = options.priority;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a lane needs a limit of at least 1, not ${limit}`);
    this.priority?.onDone(() => {
      this.givingWayUntil = undefined;
      this.dispatch();
    });
  }

  /** Whether a free place is kept from the line now (starting the giving way's clock at the first ask). */
  private keptFromLine(): boolean {
    if (!this.priority?.givingWay()) {
      this.givingWayUntil = undefined;
      return false;
    }
    const now = performance.now();
    this.givingWayUntil ??= now + this.priority.maxWaitMs;
    return now < this.givingWayUntil;
  }

  /** Hands free places to the line, in order, unless they are kept from it (then looks again when that ends). */
  private dispatch(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      if (this.keptFromLine()) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.dispatch();
          }, Math.max(0, this.givingWayUntil! - performance.now()));
        }
        return;
      }
      this.active++;
      this.waiting.shift()!();
    }
  }

  /** Operations running now. */
  get running(): number {
    return this.active;
  }

  /** Operations waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Takes a place (at once, or after the ones that came first) and returns
   * the function that gives it back (the next in line gets it then); giving
   * it back again does nothing.
   */
  async enter(): Promise<() => void> {
    if (this.active >= this.limit || this.waiting.length > 0 || this.keptFromLine()) {
      guestLaneOperations.inc({ state: "waiting" });
      try {
        await new Promise<void>((resolve, reject) => {
          let timer: NodeJS.Timeout | undefined;
          const turn = () => {
            clearTimeout(timer);
            resolve();
          };
          this.waiting.push(turn);
          if (Number.isFinite(this.waitMs)) {
            timer = setTimeout(() => {
              // Out of the line; a place handed over meanwhile is not lost (turn ran first, and cleared this).
              const at = this.waiting.indexOf(turn);
              if (at >= 0) this.waiting.splice(at, 1);
              reject(new LaneWaitTimeout(this.waitMs));
            }, this.waitMs);
          }
          // A free place kept from the line for staff: its turn comes when they are done (or have had their time).
          this.dispatch();
        });
      } finally {
        guestLaneOperations.dec({ state: "waiting" });
      }
    } else {
      this.active++;
    }
    guestLaneOperations.inc({ state: "running" });
    let left = false;
    return () => {
      if (left) return;
      left = true;
      guestLaneOperations.dec({ state: "running" });
      this.active--;
      this.dispatch();
    };
  }
}

// Staff first on Keepr's thread (issue 23, session 37). The lane above
// decides who gets a Postgres connection, not who gets Keepr's one
// JavaScript thread: with the search cache answering a flood of repeats
// (1,500 answers a second), a staff operation's many asynchronous steps
// (PostGraphile's planning, each round trip to Postgres) each waited behind
// the flood's queued requests, and staff were 6× slower at p95 with
// Postgres a third busy. So the door of the HTTP server (before express,
// before any work for the request) tells staff from everyone else: while a
// staff request is in flight, a new request of anyone else is held here, in
// order of arrival, until no staff request is in flight, or it has waited
// API_STAFF_FIRST_MS, whichever comes first. It is then handled as if it
// had just arrived; it is never refused for it. Held requests are let go
// one per turn of the event loop (setImmediate), so that a staff request
// arriving meanwhile is seen, and holds the rest, before they all run.
// The door holds only when Keepr is busy with others: at least
// API_STAFF_FIRST_BUSY other requests already running (a flood). A guest
// asking while a colleague's screen loads on a quiet day is not held, so
// staff first costs guests nothing outside a spike.
// The door does not stop what it let through before the staff request came:
// under a flood of computed searches, the guest reads waiting in the lane
// took each place given back and started statements beside staff's. So the
// lane gives way too (StaffFirst is its Priority): while the door would
// hold, a free place is kept from the line, for at most API_STAFF_FIRST_MS
// from the moment the line first waited for it (session 39: a housekeeper
// under the mix's Zipf flood 3.6-3.9x -> 2.9-3.1x their p95 alone, as many
// searches served; docs/benchmarks.md "The guest lane gives way to staff").

/** What the door makes of a request: staff go first, the others may be held, the rest (probes) pass. */
export type DoorClass = "staff" | "held" | "pass";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The door: wraps the server's request handler. `classify` must be cheap and
 * must not trust a claim it has not verified (a forged staff token is
 * "held", and later refused by the API as any forged token).
 */
export class StaffFirst implements Priority {
  private staff = 0;
  private readonly doneListeners: Array<() => void> = [];
  /** Other requests let through the door and not yet answered. */
  private others = 0;
  private readonly held: Array<{ req: IncomingMessage; run: () => void; until: number }> = [];
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;
  readonly maxWaitMs: number;
  readonly busy: number;

  /** `busy`: how many other requests must be running for the door to hold one (0: hold whenever staff are in flight). */
  constructor(maxWaitMs: number, busy = 0) {
    if (!Number.isInteger(maxWaitMs) || maxWaitMs < 1) throw new RangeError(`staff first needs a wait of at least 1 ms, not ${maxWaitMs}`);
    if (!Number.isInteger(busy) || busy < 0) throw new RangeError(`staff first's busy threshold must be 0 or more, not ${busy}`);
    this.maxWaitMs = maxWaitMs;
    this.busy = busy;
  }

  /** Staff requests in flight now. */
  get staffInFlight(): number {
    return this.staff;
  }

  /** Requests held now. */
  get holding(): number {
    return this.held.length;
  }

  /**
   * Whether others give way to staff now: a staff request is in flight and
   * Keepr is busy with others (as the door holds). The guest lane keeps its
   * free places from guests meanwhile (Lane's priority): a guest read let
   * through the door before the staff request came starts no statement
   * while it runs, for at most maxWaitMs.
   */
  givingWay(): boolean {
    return this.staff > 0 && this.others >= this.busy;
  }

  /** `listener` runs each time the last staff request in flight is answered. */
  onDone(listener: () => void): void {
    this.doneListeners.push(listener);
  }

  door(classify: (req: IncomingMessage) => DoorClass, handler: Handler): Handler {
    return (req, res) => {
      const kind = classify(req);
      if (kind === "staff") {
        this.staff++;
        staffFirstGauge.set({ state: "staff_in_flight" }, this.staff);
        res.once("close", () => {
          this.staff--;
          staffFirstGauge.set({ state: "staff_in_flight" }, this.staff);
          if (this.staff === 0) {
            this.pump();
            for (const listener of this.doneListeners) listener();
          }
        });
        return handler(req, res);
      }
      if (kind === "pass") return handler(req, res);
      const run = () => {
        this.others++;
        res.once("close", () => this.others--);
        handler(req, res);
      };
      if (this.held.length === 0 && (this.staff === 0 || this.others < this.busy)) return run();
      this.held.push({ req, run, until: performance.now() + this.maxWaitMs });
      staffFirstGauge.set({ state: "held" }, this.held.length);
      if (this.staff === 0) this.pump();
      else this.arm();
    };
  }

  /** Wakes the pump when the first held request has waited long enough. */
  private arm(): void {
    if (this.timer || this.pumping) return;
    const first = this.held[0];
    if (!first) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(0, first.until - performance.now()));
  }

  /** Lets held requests go, one per turn of the event loop, while no staff request is in flight or the first has waited its time. */
  private pump(): void {
    if (this.pumping) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pumping = true;
    const step = (): void => {
      const first = this.held[0];
      if (!first) {
        this.pumping = false;
        return;
      }
      const expired = first.until <= performance.now();
      if (this.staff > 0 && !expired) {
        this.pumping = false;
        this.arm();
        return;
      }
      this.held.shift();
      staffFirstGauge.set({ state: "held" }, this.held.length);
      guestsHeld.inc({ released: expired ? "waited" : "staff_done" });
      // A client that left while held gets nothing done for it.
      if (!first.req.socket.destroyed) first.run();
      setImmediate(step);
    };
    setImmediate(step);
  }
}
