import type { Logger } from "../agent/logger.js";
import { fileSource } from "./byte-source.js";
import type { DedupIndex } from "./dedup-index.js";
import { dataKey, type NodeIdentity } from "./layout.js";
import type { ManifestFile } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import type { ProgressTracker } from "./progress.js";
import { withRetry, type RetryOptions } from "./retry.js";
import type { SnapshotFile } from "./snapshot-files.js";

/** What uploading one snapshot file needs; shared by every file of a run. */
export interface UploadContext {
  store: ObjectStore;
  node: NodeIdentity;
  index: DedupIndex;
  tracker: ProgressTracker;
  retry: Omit<RetryOptions, "signal" | "onRetry">;
  logger: Logger;
}

/**
 * Stores one snapshot file unless the node already stored the same bytes, and returns its manifest entry.
 * The file is read once, straight into the store, which computes its SHA-256 on the way and has the server
 * check it. The store sends a failed part again itself; a failure it gives up on starts the file over
 * (with backoff) here.
 */
export async function uploadSnapshotFile(
  ctx: UploadContext,
  file: SnapshotFile,
  signal: AbortSignal,
): Promise<ManifestFile> {
  const key = dataKey(ctx.node, file);
  const entry = {
    key,
    keyspace: file.keyspace,
    table: file.table,
    tableId: file.tableId,
    tableDir: file.tableDir,
    dataDir: file.dataDir,
    path: file.path,
    size: file.size,
    mtimeMs: file.mtimeMs,
  };
  const known = await ctx.index.find(key, file.size);
  if (known !== undefined) {
    ctx.tracker.skipped(file.size);
    return {
      ...entry,
      sha256: known.sha256,
      ...(known.storeChecksum ? { storeChecksum: known.storeChecksum } : {}),
    };
  }
  const source = fileSource(file.absolutePath, file.size);
  const stored = await withRetry(
    () => ctx.store.put(key, source, { signal, onBytes: (bytes) => ctx.tracker.streamed(bytes) }),
    {
      ...ctx.retry,
      signal,
      onRetry: (error, attempt, delayMs) =>
        ctx.logger.warn(
          { err: error, key, attempt, delayMs: Math.round(delayMs) },
          "upload failed; retrying",
        ),
    },
  );
  ctx.tracker.uploaded(file.size);
  return {
    ...entry,
    sha256: stored.sha256,
    ...(stored.storeChecksum ? { storeChecksum: stored.storeChecksum } : {}),
  };
}
