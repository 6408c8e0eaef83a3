import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { IntegrityError } from "../agent/errors.js";
import { HashingStream } from "./hashing-stream.js";
import type { ManifestFile } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import { withRetry, type RetryOptions } from "./retry.js";

/**
 * Downloads one backed-up file to `target`, hashing it on the way: the file appears under its name only
 * when its size and SHA-256 match the manifest, so a half-written or corrupted file is never left where
 * Cassandra could load it. Store failures that may pass (`retryable`) start the file over with backoff;
 * a checksum mismatch is an `IntegrityError` and is not retried (the object itself is damaged).
 * `onBytes` reports bytes as they arrive, and a negative count when a retry starts the file over.
 */
export async function downloadVerified(
  store: ObjectStore,
  file: ManifestFile,
  target: string,
  options: { retry: Omit<RetryOptions, "signal">; signal: AbortSignal; onBytes: (n: number) => void },
): Promise<void> {
  const partial = `${target}.part`;
  await withRetry(
    async () => {
      let counted = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          counted += chunk.length;
          options.onBytes(chunk.length);
          done(null, chunk);
        },
      });
      const hashing = new HashingStream({ expectedSize: file.size });
      try {
        const body = await store.get(file.key);
        await pipeline(body, hashing, counter, createWriteStream(partial), { signal: options.signal });
      } catch (error) {
        options.onBytes(-counted);
        await rm(partial, { force: true });
        if (error instanceof IntegrityError) throw new IntegrityError(`${file.key}: ${error.message}`);
        throw error;
      }
      if (hashing.sha256Hex() !== file.sha256) {
        await rm(partial, { force: true });
        throw new IntegrityError(
          `${file.key}: SHA-256 does not match the manifest; the stored object is damaged`,
        );
      }
    },
    { ...options.retry, signal: options.signal },
  );
  await rename(partial, target);
}
