// The development outboxes (email, SMS): files in a directory, each written
// under a temporary name and renamed, so a reader never sees half a
// message. The directory is created on the first write.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export function outboxDirectory(dir: string) {
  let ready: Promise<unknown> | undefined;
  return {
    async write(fileName: string, data: string | Buffer): Promise<void> {
      ready ??= mkdir(dir, { recursive: true }).catch((error) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const file = path.join(dir, fileName.replace(/[^A-Za-z0-9._-]/g, "_"));
      await writeFile(`${file}.tmp`, data);
      await rename(`${file}.tmp`, file);
    },
  };
}
