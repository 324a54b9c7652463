// Where export files live: a directory (EXPORT_DIR, default
// DATA_DIR/exports). Files are written under a temporary name and renamed
// when complete, so a reader never gets half a file; a rewrite (a retried
// job) replaces the file whole. An S3-compatible store would implement the
// same two calls.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface ExportStore {
  /** Writes the stream to key; resolves with the number of bytes written. */
  write(key: string, body: Readable): Promise<number>;
  /** The file at key, or null when there is none. */
  read(key: string): Promise<{ body: Readable; bytes: number } | null>;
}

const safeKey = (key: string) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$/.test(key) || key.includes("..")) throw new Error(`not a valid export key: ${key}`);
  return key;
};

export function createDirectoryExportStore(dir: string): ExportStore {
  return {
    async write(key, body) {
      const file = path.join(dir, safeKey(key));
      await mkdir(path.dirname(file), { recursive: true });
      await pipeline(body, createWriteStream(`${file}.tmp`));
      await rename(`${file}.tmp`, file);
      return (await stat(file)).size;
    },
    async read(key) {
      const file = path.join(dir, safeKey(key));
      const info = await stat(file).catch(() => null);
      return info ? { body: createReadStream(file), bytes: info.size } : null;
    },
  };
}
