// Tells the property's owners and managers about a new channel conflict,
// by email: which channel booking, exactly which nights are sold twice and
// to whom in Keepr, that its other nights are blocked, and what they can do.
// One message per conflict and person (the message id), however often the
// job runs.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { asWorker } from "../database.ts";
import type { Mailer } from "../mailer.ts";

const payload = z.object({ id: z.uuid() });

interface Conflict {
  feed_name: string;
  unit_name: string;
  property_name: string;
  /** The nights sold twice, as YYYY-MM-DD. */
  nights: string[];
  event_start_date: string;
  event_end_date: string;
  summary: string | null;
  other: string;
  confirmation_code: string | null;
  status: string;
  recipients: Array<{ id: string; email: string; name: string }>;
}

export function makeNotifyChannelConflict(deps: { mailer: Mailer; publicUrl: string }): Task {
  return async (raw, helpers) => {
    const { id } = payload.parse(raw);
    const conflict = await helpers.withPgClient((client) =>
      asWorker(client, async (c) =>
        (await c.query<Conflict>(
          `select f.name as feed_name, u.name as unit_name, p.name as property_name,
                  array(select to_char(n, 'YYYY-MM-DD') from generate_series(k.start_date, k.end_date - 1, interval '1 day') n) as nights,
                  to_char(k.event_start_date, 'YYYY-MM-DD') as event_start_date, to_char(k.event_end_date, 'YYYY-MM-DD') as event_end_date,
                  k.summary, k.status, r.confirmation_code,
                  coalesce('reservation ' || r.confirmation_code, cl.kind::text || coalesce(' (' || cl.note || ')', '')) as other,
                  coalesce((select jsonb_agg(jsonb_build_object('id', us.id, 'email', us.email, 'name', us.display_name))
                              from app_public.property_memberships m join app_public.users us on us.id = m.user_id
                             where m.property_id = k.property_id and m.role in ('owner', 'manager')), '[]') as recipients
             from app_public.channel_conflicts k
             join app_public.channel_feeds f on f.id = k.feed_id
             join app_public.units u on u.property_id = k.property_id and u.id = k.unit_id
             join app_public.properties p on p.id = k.property_id
             join app_public.inventory_claims cl on cl.property_id = k.property_id and cl.id = k.conflicting_claim_id
             left join app_public.reservations r on r.property_id = k.property_id and r.id = k.conflicting_reservation_id
            where k.id = $1`,
          [id],
        )).rows[0],
      ),
    );
    if (!conflict || conflict.status !== "open") return;
    const what = conflict.confirmation_code
      ? `Move reservation ${conflict.confirmation_code} to another unit (Move on its page), or cancel it if the guest agrees`
      : "Release Keepr's block if it is no longer needed";
    for (const person of conflict.recipients) {
      await deps.mailer.send({
        id: `channel-conflict-${id}-${person.id}`,
        to: person.email,
        subject: `Channel conflict at ${conflict.property_name}: ${conflict.feed_name}, unit ${conflict.unit_name}, ${conflict.nights.length === 1 ? "1 night" : `${conflict.nights.length} nights`} sold twice`,
        text:
          `Hello ${person.name},\n\n` +
          `${conflict.feed_name} has a booking for unit ${conflict.unit_name} from ${conflict.event_start_date} to ${conflict.event_end_date}` +
          `${conflict.summary ? ` (${conflict.summary})` : ""}, and Keepr has ${conflict.other} on the same unit.\n\n` +
          `${nightCount(conflict.nights)} sold twice: ${listNights(conflict.nights)}. ` +
          `The booking's other nights are blocked in Keepr, so they cannot be sold again.\n\n` +
          `What you can do:\n` +
          `- ${what}: the channel's booking then gets these nights at once and the conflict closes itself.\n` +
          `- Or ask ${conflict.feed_name} to cancel or move its booking.\n` +
          `- If you have settled it another way, acknowledge the conflict with a note; it stays closed while these two bookings keep these nights.\n\n` +
          `Channels in the console: ${deps.publicUrl}/admin/#/channels\n`,
      });
    }
  };
}

const nightCount = (nights: string[]) => (nights.length === 1 ? "This night is" : `These ${nights.length} nights are`);

/** "2026-07-20", "2026-07-20 and 2026-07-21", or a range when long. */
function listNights(nights: string[]): string {
  if (nights.length <= 1) return nights[0] ?? "";
  if (nights.length <= 6) return `${nights.slice(0, -1).join(", ")} and ${nights.at(-1)}`;
  return `every night from ${nights[0]} to ${nights.at(-1)}`;
}
