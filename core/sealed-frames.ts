// Sealed frames for LISTEN/NOTIFY: what Keepr's processes say to each other
// on a NOTIFY channel that any login of the database may also listen and
// notify on (neither needs a grant), so nothing goes in clear or is taken on
// trust. Two users: the realtime bus between realtime instances
// (realtime/bus.ts) and the search cache's feed from realtime to the API
// (realtime/search-feed.ts, server/search-cache-feed.ts). Each frame is
// sealed with AES-256-GCM under a key derived (HKDF) from the deployment's
// secret, the channel and the sending instance, and carries the sender's
// origin, its sequence number and the time it was sent: a receiver drops
// what does not open (forged, another deployment's), what repeats a
// sequence already seen (a replay) and what is stamped too far from its
// own clock (an old capture).
import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";

// A frame (one NOTIFY) is `k1:` and the base64 of
//   origin (16 bytes) | sequence (8) | AES-256-GCM( sentAt (8) | part (4) | parts (4) | data ) | tag (16)
// The origin is the sending instance's id and the sequence counts its frames from 0. Both are in clear, so
// the receiver can pick the key and judge replays, and both are authenticated: they are the additional
// data, the key is the origin's (HKDF of the secret, the channel and the origin) and the nonce is the
// sequence, which never repeats under one key. sentAt (ms since the epoch), and the message's part number
// and count, are inside the ciphertext. A message longer than one frame's data goes in several frames of
// consecutive sequence numbers, each sealed on its own.
export const framePrefix = "k1:";
const originBytes = 16;
const headerBytes = originBytes + 8;
const sealedMetaBytes = 16;
const tagBytes = 16;
/** NOTIFY payloads must be shorter than 8000 bytes; a frame is at most this many (ASCII) characters. */
const maxFrameChars = 7_996;
/** The message bytes one frame carries: what the base64 of a frame of maxFrameChars leaves after the header, meta and tag (5,938). */
export const maxFrameData = Math.floor((maxFrameChars - framePrefix.length) / 4) * 3 - headerBytes - sealedMetaBytes - tagBytes;

export type OpenedFrame = { origin: string; sequence: number; sentAt: number; part: number; parts: number; data: Buffer };

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll("-", ""), "hex");
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 96-bit GCM nonce of a frame: its sequence number (unique per origin, and each origin has its own key). */
function nonceOf(header: Buffer): Buffer {
  return Buffer.concat([Buffer.alloc(4), header.subarray(originBytes, headerBytes)]);
}

/** Seals this instance's frames and opens the others', with one AES-256-GCM key per origin derived from the secret. */
export class FrameSealer {
  private readonly secret: KeyObject;
  private readonly channel: string;
  private readonly origin: string;
  private readonly originHeader: Buffer;
  private readonly ownKey: KeyObject;
  /** The keys of origins whose frames have opened (forgotten with them). Key objects: a raw key costs an import per use. */
  private readonly keys = new Map<string, KeyObject>();

  constructor(secret: string, channel: string, origin: string) {
    this.secret = createSecretKey(Buffer.from(secret, "utf8"));
    this.channel = channel;
    this.origin = origin;
    this.originHeader = uuidBytes(origin);
    this.ownKey = this.derive(origin);
  }

  private derive(origin: string): KeyObject {
    const info = `keepr realtime bus v1: AES-256-GCM key of instance ${origin} on NOTIFY channel ${this.channel}`;
    return createSecretKey(Buffer.from(hkdfSync("sha256", this.secret, "keepr-realtime-bus", info, 32)));
  }

  seal(sequence: number, sentAt: number, part: number, parts: number, data: Buffer): string {
    const header = Buffer.alloc(headerBytes);
    this.originHeader.copy(header, 0);
    header.writeBigUInt64BE(BigInt(sequence), originBytes);
    const meta = Buffer.alloc(sealedMetaBytes);
    meta.writeDoubleBE(sentAt, 0);
    meta.writeUInt32BE(part, 8);
    meta.writeUInt32BE(parts, 12);
    const cipher = createCipheriv("aes-256-gcm", this.ownKey, nonceOf(header), { authTagLength: tagBytes });
    cipher.setAAD(header);
    const sealed = Buffer.concat([header, cipher.update(meta), cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    return framePrefix + sealed.toString("base64");
  }

  /** The frame's content; "own" for this instance's own frames (not opened); or why it is not to be trusted. */
  open(payload: string): OpenedFrame | "own" | "malformed" | "forged" {
    if (!payload.startsWith(framePrefix)) return "malformed";
    const frame = Buffer.from(payload.slice(framePrefix.length), "base64");
    if (frame.length < headerBytes + sealedMetaBytes + tagBytes) return "malformed";
    const header = frame.subarray(0, headerBytes);
    const origin = uuidOf(header.subarray(0, originBytes));
    if (origin === this.origin) return "own";
    const key = this.keys.get(origin) ?? this.derive(origin);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, nonceOf(header), { authTagLength: tagBytes });
      decipher.setAAD(header);
      decipher.setAuthTag(frame.subarray(frame.length - tagBytes));
      plain = Buffer.concat([decipher.update(frame.subarray(headerBytes, frame.length - tagBytes)), decipher.final()]);
    } catch {
      return "forged";
    }
    this.keys.set(origin, key);
    const sentAt = plain.readDoubleBE(0);
    const part = plain.readUInt32BE(8);
    const parts = plain.readUInt32BE(12);
    if (parts < 1 || part >= parts) return "malformed";
    return { origin, sequence: Number(header.readBigUInt64BE(originBytes)), sentAt, part, parts, data: plain.subarray(sealedMetaBytes) };
  }

  forget(origin: string): void {
    this.keys.delete(origin);
  }
}
