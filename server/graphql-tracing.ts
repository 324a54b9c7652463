// The GraphQL operation's span (tracing on, core/tracing.ts): named by its
// type and root fields, labelled as the metrics label them (graphql-operation.ts:
// "mutation confirmBooking", "query quote+searchAvailability"),
// a child of the HTTP request's span and the parent of the SQL the
// operation runs. Its traceparent goes into pgSettings (keepr.traceparent),
// so the jobs the operation's transaction queues continue the trace.
import { GraphQLError } from "postgraphile/graphql";
import { classifyDatabaseError } from "./errors.ts";
import { operationLabel, operationOf } from "./graphql-operation.ts";
import { inSpan, SpanKind, SpanStatusCode, currentTraceparent, tracingEnabled } from "../core/tracing.ts";

/**
 * The code a client will see for an error of the result (maskError gives
 * them their codes later, when the result is sent): its own, the database
 * error's (classifyDatabaseError), INVALID_INPUT for what Grafast raised
 * about the input, else INTERNAL.
 */
function codeOf(error: GraphQLError): string {
  const own = error.extensions?.code;
  if (typeof own === "string") return own;
  const original = error.originalError;
  if (!original) return "GRAPHQL_VALIDATION_FAILED";
  const known = classifyDatabaseError(original);
  if (known) return known.code;
  return original instanceof GraphQLError ? "INVALID_INPUT" : "INTERNAL";
}

export const GraphQLTracingPlugin: GraphileConfig.Plugin = {
  name: "KeeprGraphQLTracingPlugin",
  version: "1.0.0",
  grafast: {
    middleware: {
      execute(next, event) {
        if (!tracingEnabled()) return next();
        const operation = operationOf(event.args.document, event.args.operationName);
        const rootFields = operation ? operationLabel(operation.fields.map((f) => f.name.value)) : "";
        const name = operation ? `${operation.type} ${rootFields}` : "graphql";
        return inSpan(
          name,
          {
            kind: SpanKind.INTERNAL,
            attributes: {
              "graphql.operation.type": operation?.type ?? "unknown",
              ...(operation?.name ? { "graphql.operation.name": operation.name } : {}),
              "keepr.graphql.root_fields": rootFields,
            },
          },
          async (span) => {
            // The operation's SQL runs with this span's traceparent, so a
            // job it queues is a child of the operation.
            const contextValue = event.args.contextValue as { pgSettings?: Record<string, string> } | undefined;
            const traceparent = currentTraceparent();
            if (contextValue?.pgSettings && traceparent) contextValue.pgSettings = { ...contextValue.pgSettings, "keepr.traceparent": traceparent };
            const result = await next();
            const errors = (result as { errors?: ReadonlyArray<GraphQLError> } | null)?.errors;
            if (errors && errors.length > 0) {
              const codes = [...new Set(errors.map(codeOf))];
              span.setAttribute("keepr.graphql.error_codes", codes);
              span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(",") });
            }
            return result;
          },
        );
      },
    },
  },
};
