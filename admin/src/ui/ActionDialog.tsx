// One dialog for every back-office action that changes something, with one
// idempotency key per user action when the API takes one (keyedAction.tsx).
import Dialog from "@mui/material/Dialog";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import Stack from "@mui/material/Stack";
import type { FormEvent, ReactNode } from "react";
import { ApiErrorAlert } from "./ApiErrorAlert.tsx";
import type { IdempotencyKey } from "../platform/idempotency.ts";
import { ConfirmButtons, useKeyedAction } from "./keyedAction.tsx";

export interface ActionDialogProps<TInput> {
  title: string;
  confirmLabel: string;
  /** The user's input: a changed input after a refusal gets a new key (ActionKey). */
  input: TInput;
  /** Why the input cannot be sent yet (shown on the disabled button); null when it can. */
  invalid?: string | null;
  /**
   * Does the thing; `key` is this action's idempotency key (unused by APIs
   * that take none); `keyFor(part)` gives one key per part of an action that
   * makes several calls (e.g. one per rate plan), with the same rules.
   */
  onSubmit: (input: TInput, key: IdempotencyKey, keyFor: (part: string) => IdempotencyKey) => Promise<void>;
  onClose: () => void;
  children?: ReactNode;
  maxWidth?: "xs" | "sm" | "md";
  testId?: string;
  errorTitle?: string;
  danger?: boolean;
}

/**
 * One user action: the dialog holds one ActionKey while open, so a double
 * click, a second Enter or a retry after a lost connection sends the same
 * key and the API does the thing once; it ignores a second submit while
 * the first runs, and keeps the API's refusal on screen with its code.
 */
export function ActionDialog<TInput>({ title, confirmLabel, input, invalid = null, onSubmit, onClose, children, maxWidth = "sm", testId, errorTitle, danger = false }: ActionDialogProps<TInput>) {
  const action = useKeyedAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (action.running() || invalid) return;
    const done = await action.run((keyFor) => onSubmit(input, keyFor(input), (part) => keyFor(input, part)));
    if (done) onClose();
  };
  return (
    <Dialog open onClose={action.pending ? undefined : onClose} maxWidth={maxWidth} fullWidth data-testid={testId}>
      {/* A dialog opened from another dialog (e.g. a payment from the check-out dialog) sits in a portal, but React
          bubbles its submit through the component tree: stopped here, so it never submits the dialog below too. */}
      <form
        onSubmit={(e) => {
          e.stopPropagation();
          void submit(e);
        }}
        noValidate
      >
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {children}
            {action.error && <ApiErrorAlert title={errorTitle ?? `${confirmLabel} failed`} error={action.error} />}
          </Stack>
        </DialogContent>
        <ConfirmButtons
          onClose={onClose}
          pending={action.pending}
          disabled={action.pending || Boolean(invalid)}
          label={action.pending ? "Working…" : confirmLabel}
          color={danger ? "error" : "primary"}
          title={invalid ?? undefined}
          spinner={false}
          confirm={{ "data-confirm": testId }}
        />
      </form>
    </Dialog>
  );
}
