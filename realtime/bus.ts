// Where broadcast and presence events of a topic travel between channels.
// Today one Keepr instance delivers them to its own sockets (the local bus).
// Several instances can serve one database; making broadcast and presence
// cross-instance is a later step: a bus that also sends each event through
// Postgres (NOTIFY on publish, LISTEN feeding deliver) and a presence state
// handshake for instances that start late. Only this interface must change.
import type { BroadcastBody } from "./protocol.ts";
import type { PresenceDiff } from "./presence.ts";

/** Topics are per privacy: a public and a private channel of the same name never share events. */
export type BusTopic = string;

export type TopicEvent =
  | { kind: "broadcast"; topic: BusTopic; senderChannelId: string; userEvent: string; body: BroadcastBody }
  | { kind: "presence_diff"; topic: BusTopic; diff: PresenceDiff };

export interface TopicBus {
  publish(event: TopicEvent): void;
  /** Registers the function that delivers events to this instance's channels. */
  onDeliver(deliver: (event: TopicEvent) => void): void;
}

export function busTopic(channelName: string, isPrivate: boolean): BusTopic {
  return `${isPrivate ? "private" : "public"}:${channelName}`;
}

/** Delivers every event synchronously to this instance only. */
export function createLocalTopicBus(): TopicBus {
  const receivers: Array<(event: TopicEvent) => void> = [];
  return {
    publish(event) {
      for (const deliver of receivers) deliver(event);
    },
    onDeliver(deliver) {
      receivers.push(deliver);
    },
  };
}
