// One user action that changes something, as every confirm dialog of the
// console runs it: one idempotency key per action (ActionKey) so a double
// click, a second Enter or a retry after a lost connection sends the same
// key and the API does the thing once; a second submit while the first runs
// is ignored; the API's refusal is kept on screen with its code. And the
// buttons such a dialog ends with.
import Button, { type ButtonProps } from "@mui/material/Button";
import CircularProgress from "@mui/material/CircularProgress";
import DialogActions from "@mui/material/DialogActions";
import { useRef, useState, type ReactNode } from "react";
import { ActionKey, type IdempotencyKey } from "../platform/idempotency.ts";
import { refusedByApi, shownError, type ShownError } from "./ApiErrorAlert.tsx";

/** Gives the key for an attempt's input; `part` keys one of several calls of the action (e.g. one per rate plan) separately. */
export type KeyFor = (input: unknown, part?: string) => IdempotencyKey;

export interface KeyedAction {
  pending: boolean;
  error: ShownError | null;
  setError: (update: (shown: ShownError | null) => ShownError | null) => void;
  /** Whether an attempt is under way (a ref: true at once, before React renders `pending`). */
  running: () => boolean;
  /** Runs `work` unless an attempt is under way; true when it succeeded, false when refused (the error is shown) or ignored. */
  run: (work: (keyFor: KeyFor) => Promise<void>) => Promise<boolean>;
}

export function useKeyedAction(): KeyedAction {
  const actionKey = useRef(new ActionKey());
  const partKeys = useRef(new Map<string, ActionKey>());
  const inFlight = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const keyFor: KeyFor = (input, part) => {
    if (part === undefined) return actionKey.current.keyFor(input);
    let key = partKeys.current.get(part);
    if (!key) partKeys.current.set(part, (key = new ActionKey()));
    return key.keyFor(input);
  };
  const run = async (work: (keyFor: KeyFor) => Promise<void>): Promise<boolean> => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      await work(keyFor);
      return true;
    } catch (caught) {
      // A GraphQL error means the API refused and kept nothing; a lost answer may have committed.
      actionKey.current.failed(refusedByApi(caught));
      for (const key of partKeys.current.values()) key.failed(refusedByApi(caught));
      setError(shownError(caught));
      return false;
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  };
  return { pending, error, setError, running: () => inFlight.current, run };
}

/**
 * A confirm dialog's buttons: Close (disabled while the action runs) and the
 * submit button, showing a spinner instead of its icon while pending (or,
 * with `spinner` false, its label as given).
 */
export function ConfirmButtons({ onClose, pending, disabled = pending, label, icon, color = "primary", title, spinner = true, confirm = {} }: {
  onClose: () => void;
  pending: boolean;
  disabled?: boolean;
  label: ReactNode;
  icon?: ReactNode;
  color?: ButtonProps["color"];
  title?: string;
  spinner?: boolean;
  /** data- attributes of the submit button (what the browser tests find it by). */
  confirm?: Record<`data-${string}`, string | undefined>;
}) {
  return (
    <DialogActions>
      <Button onClick={onClose} disabled={pending}>
        Close
      </Button>
      <Button
        type="submit"
        variant="contained"
        color={color}
        disabled={disabled}
        title={title}
        startIcon={spinner && pending ? <CircularProgress size={16} color="inherit" /> : icon}
        {...confirm}
      >
        {label}
      </Button>
    </DialogActions>
  );
}
