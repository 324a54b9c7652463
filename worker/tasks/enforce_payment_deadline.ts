// The payment guarantee: at a booking's payment deadline (added with job key
// payment_deadline:<reservation>, run_at = the deadline, by the transaction
// that set or moved it), cancels the booking if it is still unpaid, under
// its rate plan's terms, and releases its nights. The SQL function locks the
// reservation and checks again, so a payment made meanwhile, an extension
// or a waiver wins, and a second run changes nothing.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { asWorker } from "../database.ts";

const payload = z.object({ reservation_id: z.uuid() });

export const enforcePaymentDeadline: Task = async (raw, helpers) => {
  const { reservation_id: reservationId } = payload.parse(raw);
  const outcome = await helpers.withPgClient((client) =>
    asWorker(client, async (c) =>
      (await c.query<{ outcome: string }>("select app_private.enforce_payment_deadline($1) as outcome", [reservationId])).rows[0]!.outcome,
    ),
  );
  if (outcome !== "nothing") helpers.logger.info(`payment deadline of reservation ${reservationId}: ${outcome}`);
};
