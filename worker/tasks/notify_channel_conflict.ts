// Tells the property's owners and managers about a new channel conflict,
// by email: which channel, which nights, and what Keepr has there. One
// message per conflict and person (the message id), however often the job
// runs.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { asWorker } from "../database.ts";
import type { Mailer } from "../mailer.ts";

const payload = z.object({ id: z.uuid() });

interface Conflict {
  feed_name: string;
  unit_name: string;
  property_name: string;
  start_date: string;
  end_date: string;
  summary: string | null;
  other: string;
  status: string;
  recipients: Array<{ id: string; email: string; name: string }>;
}

export function makeNotifyChannelConflict(deps: { mailer: Mailer; publicUrl: string }): Task {
  return async (raw, helpers) => {
    const { id } = payload.parse(raw);
    const conflict = await helpers.withPgClient((client) =>
      asWorker(client, async (c) =>
        (await c.query<Conflict>(
          `select f.name as feed_name, u.name as unit_name, p.name as property_name, to_char(k.start_date, 'YYYY-MM-DD') as start_date,
                  to_char(k.end_date, 'YYYY-MM-DD') as end_date, k.summary, k.status,
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
    for (const person of conflict.recipients) {
      await deps.mailer.send({
        id: `channel-conflict-${id}-${person.id}`,
        to: person.email,
        subject: `Channel conflict at ${conflict.property_name}: ${conflict.feed_name}, unit ${conflict.unit_name}`,
        text:
          `Hello ${person.name},\n\n${conflict.feed_name} has a booking for unit ${conflict.unit_name} from ${conflict.start_date} to ${conflict.end_date}` +
          `${conflict.summary ? ` (${conflict.summary})` : ""}, but Keepr already has ${conflict.other} on some of those nights.\n\n` +
          `Those nights are sold twice, once on ${conflict.feed_name} and once in Keepr, and Keepr has not blocked the rest of this booking's nights: ` +
          `until it is resolved they can still be sold in Keepr. Resolve it in the console (move or cancel Keepr's side, or ask the channel to cancel), ${deps.publicUrl}/admin.\n`,
      });
    }
  };
}
