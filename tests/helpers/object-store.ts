// A real S3-compatible object store for tests: s3rver (the S3 REST API,
// with signature checks, over a directory), on a free port, with one
// bucket; and the Keepr environment that points exports at it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";

export interface TestObjectStore {
  env: Record<string, string>;
  client: S3Client;
  bucket: string;
  /** Whether an object exists at the key (the prefix included). */
  exists(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function startObjectStore(): Promise<TestObjectStore> {
  const bucket = "keepr-exports";
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: mkdtempSync(path.join(tmpdir(), "keepr-s3-")), configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  // s3rver's fixed credentials.
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  return {
    env: {
      EXPORT_S3_BUCKET: bucket,
      EXPORT_S3_ENDPOINT: endpoint,
      EXPORT_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      EXPORT_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      EXPORT_S3_PREFIX: "test/exports/",
    },
    client,
    bucket,
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === "NotFound") return false;
        throw error;
      }
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
