// postgres_changes: the bindings a channel asks for when it joins, and the
// delivery of replicated changes to them. For each change: find the
// bindings it matches (schema, table, event, filter), ask the authorizer
// once for the distinct identities behind them, and send each channel one
// message listing its matching binding ids, with only the columns its
// identity may see. Transactions are delivered one after another and each
// change is handed to every socket before the next, so no socket sees a
// later change before an earlier one.
import { Buffer } from "node:buffer";
import { realtimeCommitToSend } from "../core/metrics.ts";
import { FilterError, matchesFilter, parseFilter, type FilterCondition } from "./filters.ts";
import type { PostgresChangeRequest } from "./payloads.ts";
import type { AuthorizeChange, Change, ChangeColumn, RealtimeLogger, SubscriberIdentity, Transaction, VisibleColumns } from "./types.ts";
import { reportError } from "../core/error-reporting.ts";

/** The one schema whose changes Keepr publishes. */
export const publishedSchema = "app_public";

const changeEvents = ["*", "INSERT", "UPDATE", "DELETE"] as const;
type BindingEvent = (typeof changeEvents)[number];

/** What a binding needs from the channel that owns it. */
export interface ChangeSubscriber {
  readonly identity: SubscriberIdentity;
  readonly isActive: boolean;
  pushChange(ids: readonly number[], dataJson: string): void;
  pushSystem(extension: string, status: "ok" | "error", message: string): void;
}

export interface PostgresBinding {
  id: number;
  subscriber: ChangeSubscriber;
  event: BindingEvent;
  /** null: every table of the schema. */
  table: string | null;
  conditions: FilterCondition[];
  /** The columns the client asked for (config select); null: all it may see. */
  select: readonly string[] | null;
}

export type BindingSpec = Omit<PostgresBinding, "subscriber">;

export interface BindingPlan {
  /** The join reply's postgres_changes: each request echoed in order with its id (the client matches by index). */
  echo: Array<PostgresChangeRequest & { id: number }>;
  specs: BindingSpec[];
  /** Why nothing is subscribed: one bad request disables the channel's postgres_changes, as in the reference server. */
  error: string | null;
}

class BindingError extends Error {}

/** Gives every request an id and parses them all; a bad request becomes `error`, not an exception. */
export function planBindings(requests: readonly PostgresChangeRequest[], nextId: () => number): BindingPlan {
  const echo = requests.map((request) => ({ ...request, id: nextId() }));
  try {
    const specs = echo.map((request) => ({ ...parseRequest(request), id: request.id }));
    return { echo, specs, error: null };
  } catch (error) {
    if (error instanceof FilterError) return { echo, specs: [], error: `Error parsing \`filter\` params: ${error.message}` };
    if (error instanceof BindingError) return { echo, specs: [], error: `Unable to subscribe to changes with given parameters: ${error.message}` };
    throw error;
  }
}

function parseRequest(request: PostgresChangeRequest): Omit<BindingSpec, "id"> {
  const event = changeEvents.find((candidate) => candidate === request.event.toUpperCase());
  if (!event) throw new BindingError(`event "${request.event}" is not one of ${changeEvents.join(", ")}`);
  if (request.schema !== publishedSchema) {
    throw new BindingError(`Keepr publishes changes of the "${publishedSchema}" schema only, not "${request.schema}"`);
  }
  const table = request.table === undefined || request.table === "*" ? null : request.table;
  const conditions = parseFilter(request.filter);
  if (table === null && conditions.length > 0) throw new BindingError("a filter needs an explicit table");
  const select = request.select && request.select.length > 0 ? request.select : null;
  if (table === null && select) throw new BindingError("column selection needs an explicit table");
  return { event, table, conditions, select };
}

export interface ChangeFeedOptions {
  authorize: AuthorizeChange;
  logger: RealtimeLogger;
  /** A change whose visible data is larger than this goes out cut, as in the reference server. */
  maxChangeBytes: number;
}

export class ChangeFeed {
  private readonly options: ChangeFeedOptions;
  private readonly byTable = new Map<string, Set<PostgresBinding>>();
  private readonly anyTable = new Set<PostgresBinding>();
  private lastBindingId = 0;
  private delivered: Promise<void> = Promise.resolve();

  constructor(options: ChangeFeedOptions) {
    this.options = options;
  }

  /** Binding ids are positive integers, unique on this server (realtime-js ignores an id of 0). */
  readonly nextBindingId = (): number => ++this.lastBindingId;

  add(bindings: readonly PostgresBinding[]): void {
    for (const binding of bindings) this.setFor(binding).add(binding);
  }

  remove(bindings: readonly PostgresBinding[]): void {
    for (const binding of bindings) {
      const set = this.setFor(binding);
      set.delete(binding);
      if (binding.table !== null && set.size === 0) this.byTable.delete(binding.table);
    }
  }

  /** Resolves once every change of the transaction has been handed to every matching socket. */
  publish(transaction: Transaction): Promise<void> {
    const delivery = this.delivered.then(() => this.deliverTransaction(transaction));
    this.delivered = delivery.catch(() => undefined);
    return delivery;
  }

  private setFor(binding: PostgresBinding): Set<PostgresBinding> {
    if (binding.table === null) return this.anyTable;
    let set = this.byTable.get(binding.table);
    if (!set) this.byTable.set(binding.table, (set = new Set()));
    return set;
  }

  private async deliverTransaction(transaction: Transaction): Promise<void> {
    for (const change of transaction.changes) await this.deliverChange(change, transaction.commitTimestamp);
  }

  private async deliverChange(change: Change, commitTimestamp: string): Promise<void> {
    const matches = this.matchingBindings(change);
    if (matches.size === 0) return;
    const visibility = await this.authorize(change, matches);
    if (!visibility) return;
    const payloads = new Map<string, string>();
    let sent = false;
    for (const [subscriber, bindings] of matches) {
      const allowed = subscriber.isActive ? visibility.get(subscriber.identity.key) : null;
      if (!allowed) continue;
      const columns = visibleColumns(change.columns, allowed, selectedColumns(bindings));
      const cacheKey = JSON.stringify([subscriber.identity.key, columns.map((column) => column.name)]);
      let dataJson = payloads.get(cacheKey);
      if (dataJson === undefined) {
        dataJson = changeDataJson(change, commitTimestamp, columns, this.options.maxChangeBytes);
        payloads.set(cacheKey, dataJson);
      }
      subscriber.pushChange(bindings.map((binding) => binding.id), dataJson);
      sent = true;
    }
    // From the commit (Postgres's clock) to the change handed to its last socket.
    if (sent) realtimeCommitToSend.observe(Math.max(0, Date.now() - Date.parse(commitTimestamp)) / 1000);
  }

  /** The bindings the change matches, grouped by channel. DELETE filters apply to the old row. */
  private matchingBindings(change: Change): Map<ChangeSubscriber, PostgresBinding[]> {
    const matches = new Map<ChangeSubscriber, PostgresBinding[]>();
    if (change.schema !== publishedSchema) return matches;
    const row = change.type === "DELETE" ? change.oldRecord : change.record;
    for (const binding of [...(this.byTable.get(change.table) ?? []), ...this.anyTable]) {
      if (binding.event !== "*" && binding.event !== change.type) continue;
      if (!binding.subscriber.isActive || !matchesFilter(binding.conditions, row, change.columns)) continue;
      matches.set(binding.subscriber, [...(matches.get(binding.subscriber) ?? []), binding]);
    }
    return matches;
  }

  /** One authorizer call for the distinct identities; null (and the channels told) when it fails. */
  private async authorize(change: Change, matches: Map<ChangeSubscriber, PostgresBinding[]>): Promise<VisibleColumns | null> {
    const identities = new Map<string, SubscriberIdentity>();
    for (const subscriber of matches.keys()) identities.set(subscriber.identity.key, subscriber.identity);
    try {
      const visibility = await this.options.authorize(change, [...identities.values()]);
      if (!(visibility instanceof Map)) throw new TypeError("authorize() must resolve to a Map");
      return visibility;
    } catch (error) {
      this.options.logger.error({ err: error, schema: change.schema, table: change.table, type: change.type }, "realtime authorization failed; change not delivered");
      reportError(error, { where: "realtime", tags: { realtime: "authorize_change", table: `${change.schema}.${change.table}` } });
      const message = `Keepr could not check who may see a change to ${change.schema}.${change.table}; it was not delivered`;
      for (const subscriber of matches.keys()) if (subscriber.isActive) subscriber.pushSystem("postgres_changes", "error", message);
      return null;
    }
  }
}

/** The union of the bindings' selections; null when one of them wants every column. */
function selectedColumns(bindings: readonly PostgresBinding[]): Set<string> | null {
  if (bindings.some((binding) => binding.select === null)) return null;
  return new Set(bindings.flatMap((binding) => binding.select ?? []));
}

function visibleColumns(columns: readonly ChangeColumn[], allowed: readonly string[], selected: Set<string> | null): ChangeColumn[] {
  const allowedNames = new Set(allowed);
  return columns.filter((column) => allowedNames.has(column.name) && (selected === null || selected.has(column.name)));
}

/** Values longer than this are dropped from a change that is over the size limit. */
const maxValueLengthWhenCut = 64;

function changeDataJson(change: Change, commitTimestamp: string, columns: readonly ChangeColumn[], maxBytes: number): string {
  const names = columns.map((column) => column.name);
  const data = {
    schema: change.schema,
    table: change.table,
    commit_timestamp: commitTimestamp,
    type: change.type,
    columns,
    record: pick(change.record, names),
    old_record: pick(change.oldRecord, names),
    errors: null as string[] | null,
  };
  const json = JSON.stringify(data);
  if (Buffer.byteLength(json) <= maxBytes) return json;
  return JSON.stringify({
    ...data,
    record: withoutLongValues(data.record),
    old_record: withoutLongValues(data.old_record),
    errors: ["Error 413: Payload Too Large"],
  });
}

function pick(row: Readonly<Record<string, string | null>> | null, names: readonly string[]): Record<string, string | null> | null {
  if (!row) return null;
  return Object.fromEntries(names.filter((name) => Object.hasOwn(row, name)).map((name) => [name, row[name] ?? null]));
}

function withoutLongValues(row: Record<string, string | null> | null): Record<string, string | null> | null {
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, value !== null && value.length > maxValueLengthWhenCut ? null : value]));
}
