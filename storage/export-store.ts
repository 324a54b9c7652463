// Where export files live. Two stores behind one interface:
//  - a directory (EXPORT_DIR, default DATA_DIR/exports), the default: files
//    are written under a temporary name and renamed when complete, so a
//    reader never gets half a file, and the server streams them;
//  - any S3-compatible object store (EXPORT_S3_BUCKET, with
//    EXPORT_S3_ENDPOINT for MinIO, Ceph, R2 and the like), through the AWS
//    SDK: a multipart upload streams the file in parts (never all in
//    memory) and becomes visible only when complete; downloads are
//    redirected to a pre-signed URL valid for a few minutes.
// A rewrite (a retried job) replaces the file whole in both.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Config } from "../core/config.ts";

export interface ExportStore {
  readonly kind: "directory" | "s3";
  /** Writes the stream to key; resolves with the number of bytes written. */
  write(key: string, body: Readable): Promise<number>;
  /** The file at key, or null when there is none. */
  read(key: string): Promise<{ body: Readable; bytes: number } | null>;
  /** Deletes the file at key; a missing file is not an error. */
  remove(key: string): Promise<void>;
  /**
   * Stores that serve files themselves: a short-lived URL the client fetches
   * the file from directly, or null when there is no file at key. Without
   * it, the server streams the file (read).
   */
  downloadUrl?(key: string, fileName: string): Promise<string | null>;
}

const safeKey = (key: string) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$/.test(key) || key.includes("..")) throw new Error(`not a valid export key: ${key}`);
  return key;
};

export function createDirectoryExportStore(dir: string): ExportStore {
  return {
    kind: "directory",
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
    async remove(key) {
      await rm(path.join(dir, safeKey(key)), { force: true });
    },
  };
}

export interface S3StoreOptions {
  bucket: string;
  /** For S3-compatible stores; AWS itself when absent. */
  endpoint?: string;
  region: string;
  /** Key prefix inside the bucket, e.g. "keepr/exports/". */
  prefix: string;
  /** Path-style URLs (http://host/bucket/key), which most S3-compatible stores need. */
  forcePathStyle: boolean;
  /** Explicit credentials; otherwise the SDK's default chain (AWS_* variables, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** How long a pre-signed download URL is valid. */
  urlSeconds: number;
}

export function createS3ExportStore(options: S3StoreOptions): ExportStore {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
  });
  const Bucket = options.bucket;
  const keyOf = (key: string) => `${options.prefix}${safeKey(key)}`;
  return {
    kind: "s3",
    async write(key, body) {
      let bytes = 0;
      const counted = new Transform({
        transform(chunk: Buffer | string, _encoding, done) {
          bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
          done(null, chunk);
        },
      });
      body.on("error", (error) => counted.destroy(error));
      // 5 MiB parts, 2 in flight: at most ~10 MiB of a file in memory.
      const upload = new Upload({
        client,
        params: { Bucket, Key: keyOf(key), Body: body.pipe(counted), ContentType: "text/csv; charset=utf-8" },
        partSize: 5 * 1024 * 1024,
        queueSize: 2,
      });
      await upload.done();
      return bytes;
    },
    async read(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key) }));
        return { body: object.Body as Readable, bytes: Number(object.ContentLength ?? 0) };
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchKey") return null;
        throw error;
      }
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },
    async downloadUrl(key, fileName) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(key) }));
      } catch (error) {
        if (error instanceof NotFound || (error as { name?: string }).name === "NotFound") return null;
        throw error;
      }
      const command = new GetObjectCommand({
        Bucket,
        Key: keyOf(key),
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
        ResponseContentType: "text/csv; charset=utf-8",
        ResponseCacheControl: "private, no-store",
      });
      return getSignedUrl(client, command, { expiresIn: options.urlSeconds });
    },
  };
}

/** The store the configuration names: S3 when EXPORT_S3_BUCKET is set, else the directory. */
export function createExportStore(
  config: Pick<Config, "exportDir" | "EXPORT_S3_BUCKET" | "EXPORT_S3_ENDPOINT" | "EXPORT_S3_REGION" | "EXPORT_S3_PREFIX"
    | "EXPORT_S3_FORCE_PATH_STYLE" | "EXPORT_S3_ACCESS_KEY_ID" | "EXPORT_S3_SECRET_ACCESS_KEY" | "EXPORT_DOWNLOAD_URL_SECONDS">,
): ExportStore {
  if (!config.EXPORT_S3_BUCKET) return createDirectoryExportStore(config.exportDir);
  return createS3ExportStore({
    bucket: config.EXPORT_S3_BUCKET,
    endpoint: config.EXPORT_S3_ENDPOINT,
    region: config.EXPORT_S3_REGION,
    prefix: config.EXPORT_S3_PREFIX,
    forcePathStyle: config.EXPORT_S3_FORCE_PATH_STYLE ?? config.EXPORT_S3_ENDPOINT !== undefined,
    credentials: config.EXPORT_S3_ACCESS_KEY_ID && config.EXPORT_S3_SECRET_ACCESS_KEY
      ? { accessKeyId: config.EXPORT_S3_ACCESS_KEY_ID, secretAccessKey: config.EXPORT_S3_SECRET_ACCESS_KEY }
      : undefined,
    urlSeconds: config.EXPORT_DOWNLOAD_URL_SECONDS,
  });
}
