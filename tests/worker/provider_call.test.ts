// How a payment job reacts to the provider: declines and rejected requests
// are recorded at once, transient errors are retried (thrown) until the
// job's last try, which records the failure with its reason for staff.
import type { JobHelpers } from "graphile-worker";
import { PaymentDeclined, PaymentRequestError, PaymentTransientError } from "../../payments/provider.ts";
import { callProvider } from "../../worker/tasks/provider_call.ts";

const helpersOnTry = (attempts: number, maxAttempts = 15) => ({ job: { attempts, max_attempts: maxAttempts } }) as unknown as JobHelpers;

async function outcome(error: Error, attempts: number) {
  const recorded: Array<[string, string]> = [];
  try {
    await callProvider(helpersOnTry(attempts), async () => { throw error; }, async (code, message) => { recorded.push([code, message]); });
    return { recorded };
  } catch (thrown) {
    return { recorded, thrown };
  }
}

it("a decline or a rejected request is recorded at once, never retried", async () => {
  expect(await outcome(new PaymentDeclined("insufficient_funds", "Insufficient funds."), 1)).toEqual({ recorded: [["insufficient_funds", "Insufficient funds."]] });
  expect(await outcome(new PaymentRequestError("idempotency_key_reused", "Key reused.", 409), 1)).toEqual({ recorded: [["idempotency_key_reused", "Key reused."]] });
});

it("a transient error is retried, and on the last try recorded as provider_unavailable with the reason", async () => {
  const transient = new PaymentTransientError("payment provider answered HTTP 503");
  const early = await outcome(transient, 3);
  expect(early.recorded).toEqual([]);
  expect(early.thrown).toBe(transient);
  const last = await outcome(transient, 15);
  expect(last.thrown).toBeUndefined();
  expect(last.recorded).toEqual([["provider_unavailable", "The payment provider did not answer after 15 tries: payment provider answered HTTP 503"]]);
});

it("anything else (a bug, the database) is thrown for a retry", async () => {
  const bug = new TypeError("boom");
  expect(await outcome(bug, 15)).toEqual({ recorded: [], thrown: bug });
});
