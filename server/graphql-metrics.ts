// The API's metrics (core/metrics.ts), as one PostGraphile plugin:
// - keepr_graphql_operation_duration_seconds: once per request that ran an
//   operation, from grafserv taking the request to its response (retries
//   after a serialization failure included, as the client waits for them),
//   labelled by the operation's root fields (validated against the schema,
//   so bounded by it), type, and the outcome of the answer sent;
// - keepr_sold_out_total: SOLD_OUT errors, by the root field that raised it;
// - keepr_bookings_total: confirmBooking answering a booking, by source
//   (staff for the property's staff, web for guests), once per idempotency
//   key (a retry replays the answer);
// - keepr_api_errors_total: every error code of the response as the client
//   receives it (parse and validation errors included), counted once.
// The execute middleware notes what ran; the outermost processRequest
// middleware measures and records, once per request.
import "postgraphile";
import { isAsyncIterable } from "postgraphile/grafast";
import { valueFromASTUntyped, type FieldNode, type GraphQLFormattedError } from "postgraphile/graphql";
import { apiErrors, bookingsConfirmed, graphqlOperationDuration, soldOutAnswers } from "../core/metrics.ts";
import { classifyDatabaseError } from "./errors.ts";
import { operationLabel, operationOf } from "./graphql-operation.ts";
import { answerHasErrors } from "./graphql-cache.ts";

interface ExecutionLike {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ path?: ReadonlyArray<string | number>; originalError?: unknown }>;
}

/**
 * What the last execution of a request ran and answered, read when it
 * answered (grafserv masks the errors afterwards, and the masked ones no
 * longer carry the database's code).
 */
interface Execution {
  type: string;
  fields: FieldNode[];
  /** Whether it answered without errors (false when it threw). */
  ok: boolean;
  /** The root field of each SOLD_OUT error. */
  soldOut: string[];
  /** Bookings confirmed, by source. */
  bookings: Array<"web" | "staff">;
}

/**
 * The idempotency keys of the bookings counted lately (the last 10,000, in
 * this process): confirmBooking sent again with its key replays its answer,
 * and is not a second booking.
 */
const countedBookingKeys = new Set<string>();
const maxBookingKeys = 10_000;

function firstTimeBooked(field: FieldNode, variables: Record<string, unknown> | null | undefined): boolean {
  const input = field.arguments?.find((a) => a.name.value === "input");
  const value = input ? (valueFromASTUntyped(input.value, variables ?? undefined) as { idempotencyKey?: unknown } | null) : null;
  const key = value?.idempotencyKey;
  if (typeof key !== "string") return true;
  if (countedBookingKeys.has(key)) return false;
  countedBookingKeys.add(key);
  if (countedBookingKeys.size > maxBookingKeys) countedBookingKeys.delete(countedBookingKeys.values().next().value!);
  return true;
}

function summarize(type: string, fields: FieldNode[], role: string | undefined, result: ExecutionLike | null, variables?: Record<string, unknown> | null): Execution {
  const errors = result?.errors ?? [];
  const fieldOfKey = new Map(fields.map((f) => [f.alias?.value ?? f.name.value, f.name.value]));
  const soldOut: string[] = [];
  for (const error of errors) {
    if (classifyDatabaseError(error.originalError)?.code !== "SOLD_OUT") continue;
    const key = error.path?.[0];
    soldOut.push((typeof key === "string" && fieldOfKey.get(key)) || "unknown");
  }
  const bookings: Execution["bookings"] = [];
  if (type === "mutation" && result?.data) {
    for (const field of fields) {
      if (field.name.value === "confirmBooking" && result.data[field.alias?.value ?? field.name.value] != null && firstTimeBooked(field, variables)) {
        bookings.push(role === "keepr_staff" ? "staff" : "web");
      }
    }
  }
  return { type, fields, ok: result !== null && errors.length === 0, soldOut, bookings };
}

/** Records a request's operation: its duration and outcome, its SOLD_OUT answers and the bookings it confirmed. */
function record(started: number, execution: Execution): void {
  graphqlOperationDuration.observe(
    { operation: operationLabel(execution.fields.map((f) => f.name.value)), type: execution.type, outcome: execution.ok ? "ok" : "error" },
    (performance.now() - started) / 1000,
  );
  for (const operation of execution.soldOut) soldOutAnswers.inc({ operation });
  for (const source of execution.bookings) bookingsConfirmed.inc({ source });
}

/** Per request (the express request, else grafserv's digest): the execution to record, and whether a measurement is under way. */
const executions = new WeakMap<object, Execution>();
const measuring = new WeakSet<object>();
const requestKey = (requestContext: Partial<Grafast.RequestContext> | undefined): object | undefined =>
  (requestContext?.expressv4 as { req?: object } | undefined)?.req;

/** The codes of the errors in a response body, as sent (buffer or JSON). */
function errorCodesOf(result: unknown): string[] {
  const r = result as { type?: string; buffer?: Buffer; json?: { errors?: readonly GraphQLFormattedError[] } | null } | null;
  let errors: readonly GraphQLFormattedError[] | undefined;
  if (r?.type === "buffer" && r.buffer && answerHasErrors(r.buffer)) {
    try {
      errors = (JSON.parse(r.buffer.toString("utf8")) as { errors?: readonly GraphQLFormattedError[] }).errors;
    } catch {
      return [];
    }
  } else if (r?.type === "json") {
    errors = r.json?.errors;
  }
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    const code = e.extensions?.code;
    // Every code the API sends is registered (shared/error-codes.ts); anything else is counted as one label.
    return typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : "UNKNOWN";
  });
}

export const MetricsPlugin: GraphileConfig.Plugin = {
  name: "KeeprMetricsPlugin",
  version: "1.0.0",
  grafserv: {
    middleware: {
      // Outermost: sees the response as sent, after retries and rewrites. A
      // retry runs the request again through here: the call already
      // measuring it lets it pass.
      async processRequest(next, event) {
        const key = requestKey(event.requestDigest.requestContext) ?? event.requestDigest;
        if (measuring.has(key)) return next();
        measuring.add(key);
        const started = performance.now();
        let result: Awaited<ReturnType<typeof next>>;
        try {
          result = await next();
        } catch (error) {
          const execution = executions.get(key);
          if (execution) record(started, { ...execution, ok: false, soldOut: [], bookings: [] });
          throw error;
        } finally {
          measuring.delete(key);
        }
        const execution = executions.get(key);
        executions.delete(key);
        if (execution) record(started, execution);
        for (const code of errorCodesOf(result)) apiErrors.inc({ code });
        return result;
      },
    },
  },
  grafast: {
    middleware: {
      execute(next, event) {
        const started = performance.now();
        const { document, operationName, contextValue, requestContext, variableValues } = event.args;
        const roots = operationOf(document, operationName);
        if (!roots) return next();
        const role = (contextValue as { pgSettings?: Record<string, string> } | undefined)?.pgSettings?.role;
        const key = requestKey(requestContext);
        // Noted for the request's processRequest to record (the last run wins); outside grafserv, recorded here.
        const note = (result: ExecutionLike | null) => {
          const execution = summarize(roots.type, roots.fields, role, result, variableValues);
          if (key && measuring.has(key)) executions.set(key, execution);
          else record(started, execution);
        };
        const done = (result: unknown) => {
          note(isAsyncIterable(result) ? {} : (result as ExecutionLike));
          return result;
        };
        const failed = (error: unknown) => {
          note(null);
          throw error;
        };
        let result: ReturnType<typeof next>;
        try {
          result = next();
        } catch (error) {
          return failed(error);
        }
        return (result instanceof Promise ? result.then(done, failed) : done(result)) as ReturnType<typeof next>;
      },
    },
  },
};
