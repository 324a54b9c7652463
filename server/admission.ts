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
// statements are done, before its commit's round trip
// (server/read-routing.ts withPgClientOf). A place also waits on Keepr's
// thread between its statements, so a lane as wide as Postgres's cores
// left Postgres a third idle under a flood of uncached searches: the
// default is one more than the machine's cores (core/config.ts
// defaultGuestLane): on 2 cores it kept the API's uncached searches and
// quotes at 0.83-0.90 of their SQL called directly (0.87-0.95 with no
// lane) and took a housekeeper's p95 under a flood of guest searches from
// 12-13x its p95 alone to about 3x (docs/running.md, docs/benchmarks.md
// "The guest lane on by default").

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

/** A FIFO lane of at most `limit` operations at once (counted in keepr_api_guest_reads). */
export class Lane {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  readonly limit: number;
  /** How long an operation may wait for its turn (Infinity: as long as it takes). */
  readonly waitMs: number;

  constructor(limit: number, options: { waitMs?: number } = {}) {
    this.limit = limit;
    this.waitMs = options.waitMs ?? Infinity;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a lane needs a limit of at least 1, not ${limit}`);
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
    if (this.active >= this.limit) {
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
      // Hand the place straight to the next in line (active stays the same), else free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
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

/** What the door makes of a request: staff go first, the others may be held, the rest (probes) pass. */
export type DoorClass = "staff" | "held" | "pass";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The door: wraps the server's request handler. `classify` must be cheap and
 * must not trust a claim it has not verified (a forged staff token is
 * "held", and later refused by the API as any forged token).
 */
export class StaffFirst {
  private staff = 0;
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

  door(classify: (req: IncomingMessage) => DoorClass, handler: Handler): Handler {
    return (req, res) => {
      const kind = classify(req);
      if (kind === "staff") {
        this.staff++;
        staffFirstGauge.set({ state: "staff_in_flight" }, this.staff);
        res.once("close", () => {
          this.staff--;
          staffFirstGauge.set({ state: "staff_in_flight" }, this.staff);
          if (this.staff === 0) this.pump();
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
