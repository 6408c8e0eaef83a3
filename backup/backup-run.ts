import type { CassandraNode } from "../agent/cassandra/node.js";
import type { Logger } from "../agent/logger.js";
import { BackupCancelledError } from "./backup-errors.js";
import { nodeOf, prepare, type PreparedRun } from "./backup-prepare.js";
import { DedupIndex } from "./dedup-index.js";
import {
  MANIFEST_FORMAT,
  writeManifest,
  type BackupTotals,
  type Manifest,
  type ManifestFile,
} from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import type { BackupProgress } from "./progress.js";
import { runPool, withRetry } from "./retry.js";
import { writeRunRecord, type RunRecord } from "./run-record.js";
import { listSnapshotFiles } from "./snapshot-files.js";
import { uploadSnapshotFile, type UploadContext } from "./upload-file.js";

export { SNAPSHOT_TAG_PREFIX } from "./backup-prepare.js";

export interface BackupDeps {
  node: CassandraNode;
  store: ObjectStore;
  logger: Logger;
}

export interface BackupRequest {
  name: string;
  /** Keyspaces to back up; the default selection (see `keyspace-selection.ts`) when omitted. */
  keyspaces?: string[];
}

export interface BackupOptions {
  /** Files uploaded at once. Memory grows with it (each large file holds its multipart buffers). */
  concurrency: number;
  /** Tries per file and for the manifest, and the first backoff delay. */
  retry: { attempts: number; baseDelayMs: number };
}

export interface BackupHooks {
  onProgress?: (progress: BackupProgress) => void;
  signal?: AbortSignal;
}

export interface BackupResult {
  name: string;
  hostId: string;
  manifestKey: string;
  keyspaces: string[];
  startedAt: string;
  finishedAt: string;
  totals: BackupTotals;
}

/**
 * One backup of the local node, as an operation a job can run (progress callback, cancellation signal):
 * snapshot with a unique tag, upload the snapshot's files from every data directory with bounded
 * concurrency (skipping what the node already stored), write the manifest *last*, and clear the snapshot
 * whatever happens. A failed or cancelled run leaves no manifest, marks its run record failed with the
 * reason, and rejects; objects it did upload are reused by the next run or removed by purge after its grace
 * period. Snapshots left by a run that was cut off (agent restart) are cleared when the next run starts.
 * Callers run one backup per node at a time (`BackupService` holds the node's lock).
 */
export async function runBackup(
  deps: BackupDeps,
  request: BackupRequest,
  options: BackupOptions,
  hooks: BackupHooks = {},
): Promise<BackupResult> {
  const run = await prepare(deps, request, hooks);
  const { store, log, record, keys, tracker } = run;
  log.info({ keyspaces: record.keyspaces }, "backup started");
  try {
    const manifest = await snapshotAndUpload(run, options, hooks.signal);
    await withRetry(() => writeManifest(store, keys.manifest, manifest), options.retry);
    tracker.phase("done");
    const done: RunRecord = {
      ...record,
      state: "complete",
      updatedAt: manifest.finishedAt,
      totals: manifest.totals,
    };
    await writeRunRecord(store, keys.run, done).catch((error: unknown) => {
      log.warn({ err: error }, "run record not updated; the manifest is written, the backup is complete");
    });
    log.info({ totals: manifest.totals }, "backup complete");
    const { name, startedAt, finishedAt, keyspaces, totals } = manifest;
    return {
      name,
      hostId: record.hostId,
      manifestKey: keys.manifest,
      keyspaces,
      startedAt,
      finishedAt,
      totals,
    };
  } catch (caught) {
    const error = hooks.signal?.aborted
      ? new BackupCancelledError("backup cancelled", { cause: caught })
      : caught;
    log.error({ err: caught, totals: tracker.totals }, "backup failed; no manifest written");
    const failed: RunRecord = {
      ...record,
      state: "failed",
      updatedAt: new Date().toISOString(),
      error: error instanceof Error ? error.message : String(error),
      totals: tracker.totals,
    };
    await writeRunRecord(store, keys.run, failed).catch(() => undefined);
    throw error;
  } finally {
    await deps.node.clearSnapshot(run.tag, []).catch((error: unknown) => {
      log.warn({ err: error }, "clearing the snapshot failed; the next backup clears it");
    });
  }
}

/** Snapshot, list, upload; returns the manifest to write (it is not written here). */
async function snapshotAndUpload(
  run: PreparedRun,
  options: BackupOptions,
  signal: AbortSignal | undefined,
): Promise<Manifest> {
  const { node, store, tracker, record, tag, dataDirs } = run;
  tracker.phase("snapshot");
  await node.takeSnapshot(tag, record.keyspaces, { skipFlush: false });
  const schema = { version: run.status.schemaVersion, cql: await node.describeSchema() };
  const files = await listSnapshotFiles(dataDirs, tag, record.keyspaces);
  tracker.planned(
    files.length,
    files.reduce((sum, f) => sum + f.size, 0),
  );
  const index = await DedupIndex.build(store, run.identity, run.log);
  const ctx: UploadContext = {
    store,
    node: run.identity,
    index,
    tracker,
    retry: options.retry,
    logger: run.log,
  };
  tracker.phase("uploading");
  const entries = new Array<ManifestFile>(files.length);
  await runPool(
    files.map((file, i) => ({ file, i })),
    options.concurrency,
    async ({ file, i }, poolSignal) => void (entries[i] = await uploadSnapshotFile(ctx, file, poolSignal)),
    signal,
  );
  if (signal?.aborted) throw signal.reason;
  tracker.phase("manifest");
  return {
    format: MANIFEST_FORMAT,
    name: record.name,
    startedAt: record.startedAt,
    finishedAt: new Date().toISOString(),
    node: nodeOf(run.status, run.identity),
    keyspaces: record.keyspaces,
    dataDirectories: dataDirs,
    schema,
    snapshotTag: tag,
    files: entries,
    totals: tracker.totals,
  };
}
