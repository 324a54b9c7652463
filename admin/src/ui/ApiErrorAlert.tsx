// How the front desk's screens show an API refusal: a title saying what
// failed, the API's own message (written for people), a plain explanation
// for the conflicts a desk meets every day, and the code for support.
import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Typography from "@mui/material/Typography";
import type { ReactNode } from "react";
import type { ErrorCode } from "../../../shared/error-codes.ts";
import { ApiError, type ConsoleErrorCode } from "../platform/graphql.ts";

export interface ShownError {
  message: string;
  /** The API's (or the console's) code; ERROR for a failure that is not an ApiError. */
  code: ConsoleErrorCode | "ERROR";
}

/** The error as the screens keep it. */
export function shownError(caught: unknown): ShownError {
  if (caught instanceof ApiError) return { message: caught.message, code: caught.code };
  return { message: caught instanceof Error ? caught.message : String(caught), code: "ERROR" };
}

/**
 * Whether the API answered with a refusal (nothing was kept under the
 * idempotency key), as opposed to a failure whose outcome is unknown (no
 * answer, an unreadable answer): see ActionKey.failed.
 */
export function refusedByApi(caught: unknown): boolean {
  return caught instanceof ApiError && caught.code !== "NETWORK" && caught.code !== "BAD_RESPONSE";
}

/** What a conflict means for the stay, beside the API's message (every other code: the API's message alone). */
const explanations: Partial<Record<ErrorCode, string>> = {
  UNIT_UNAVAILABLE: "Another stay or a block already holds that unit for some of these nights. Nothing was changed.",
  SOLD_OUT: "No unit is free for those nights. Nothing was changed.",
  CONFLICT: "Another stay or a block already holds that unit for some of these nights. Nothing was changed.",
  HOLD_EXPIRED: "The hold ran out and its room was booked meanwhile: search again.",
  QUOTE_EXPIRED: "Quotes last 30 minutes: get a new quote.",
  IDEMPOTENCY_KEY_REUSED: "This action was already sent with different details. Reload to see the current state before trying again.",
};

const conflictCodes: ReadonlySet<string> = new Set<ErrorCode>(["UNIT_UNAVAILABLE", "SOLD_OUT", "CONFLICT"]);

/** An API refusal as an alert: the title, the API's message, `children` (an explanation), and the code for support. */
export function ErrorAlert({ title, error, severity = "error", children }: { title: ReactNode; error: ShownError; severity?: "error" | "warning"; children?: ReactNode }) {
  return (
    <Alert severity={severity} role="alert" data-error-code={error.code}>
      <AlertTitle>{title}</AlertTitle>
      {error.message}
      {children}
      <Typography variant="caption" component="div" sx={{ mt: 0.5, opacity: 0.8 }}>
        Code {error.code}
      </Typography>
    </Alert>
  );
}

/** ErrorAlert, with a conflict shown as one and the plain explanation of the desk's everyday refusals. */
export function ApiErrorAlert({ title, error }: { title: string; error: ShownError }) {
  const conflict = conflictCodes.has(error.code);
  const explanation = Object.hasOwn(explanations, error.code) ? explanations[error.code as ErrorCode] : undefined;
  return (
    <ErrorAlert severity={conflict ? "warning" : "error"} title={conflict ? "Conflict: those nights are taken" : title} error={error}>
      {explanation && (
        <Typography variant="body2" component="div" sx={{ mt: 0.5 }}>
          {explanation}
        </Typography>
      )}
    </ErrorAlert>
  );
}
