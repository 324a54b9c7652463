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
// Throughput of guest reads is unchanged while the lane is at least the
// cores Postgres has (more in flight only queue inside Postgres); their
// latency now includes the wait here (docs/running.md,
// docs/benchmarks.md).

import { guestLaneOperations } from "../core/metrics.ts";

/** A FIFO lane of at most `limit` operations at once (counted in keepr_api_guest_reads). */
export class Lane {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
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

  /** Runs work when the lane has room (at once, or after the ones that came first), and frees its place when work settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      guestLaneOperations.inc({ state: "waiting" });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      guestLaneOperations.dec({ state: "waiting" });
    } else {
      this.active++;
    }
    guestLaneOperations.inc({ state: "running" });
    try {
      return await work();
    } finally {
      guestLaneOperations.dec({ state: "running" });
      // Hand the place straight to the next in line (active stays the same), else free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
