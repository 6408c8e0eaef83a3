import { mkdir, readdir, rm, rmdir, statfs } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CassandraNode } from "../agent/cassandra/node.js";
import { CassandraOperationError, CassandraUnavailableError } from "../agent/errors.js";
import type { Logger } from "../agent/logger.js";
import { downloadVerified } from "./download-file.js";
import type { NodeIdentity } from "./layout.js";
import type { ObjectStore } from "./object-store.js";
import { InsufficientSpaceError } from "./restore-errors.js";
import { planRestore, type PlannedTable, type RestorePlan, type RestoreSelection } from "./restore-plan.js";
import { loadRestorableManifest } from "./restore-source.js";
import { RestoreTracker, type RestoreProgress } from "./restore-progress.js";
import { runPool, type RetryOptions } from "./retry.js";

export type { RestorePhase, RestoreProgress } from "./restore-progress.js";

export interface RestoreDeps {
  node: CassandraNode;
  store: ObjectStore;
  logger: Logger;
}

export interface RestoreRequest extends RestoreSelection {
  backup: string;
  /** Restore another node's backup (same cluster and DC), e.g. of the node this one replaced. */
  fromHostId?: string;
  dryRun?: boolean;
}

export interface RestoreOptions {
  concurrency: number;
  retry: Omit<RetryOptions, "signal" | "onRetry">;
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
  /** Free space kept beyond the files' size; the node goes on writing while the restore runs. */
  spaceMarginBytes?: number;
}

export interface RestoreResult {
  dryRun: boolean;
  plan: RestorePlan;
}

/** Staging lives in the first data directory, so the import moves files within one filesystem. */
export const STAGING_DIR = ".cpa-restore";

/**
 * Restores tables of a backup into the live node it runs beside. In order, and touching nothing until the
 * last two steps: read and check the manifest, plan against the node's schema (conflicts refuse), check free
 * space, download every file into a staging directory under the data volume verifying each SHA-256; then
 * create the missing schema over CQL and load each table's files with `importNewSSTables` (moving them).
 * The staging directory is removed however it ends. A failure before the schema step leaves the node as
 * it was; a failed import leaves the tables imported so far, and says which one failed.
 */
export async function restoreBackup(
  deps: RestoreDeps,
  request: RestoreRequest,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const progress = new RestoreTracker(options.onProgress);
  const self = await identity(deps.node);
  const source = { ...self, hostId: request.fromHostId ?? self.hostId };
  const manifest = await loadRestorableManifest(deps.store, source, request.backup);
  const plan = planRestore(manifest, source, await deps.node.describeSchema(), request);
  progress.planned(plan);
  if (request.dryRun) return { dryRun: true, plan };

  const [dataDir] = await deps.node.dataFileLocations();
  if (dataDir === undefined) throw new CassandraOperationError("the node reports no data directory");
  const staging = join(dataDir, STAGING_DIR, `${plan.backup}-${Date.now()}`);
  await checkFreeSpace(dataDir, plan.bytes + (options.spaceMarginBytes ?? 64 * 1024 * 1024));
  deps.logger.info({ backup: plan.backup, files: plan.files, bytes: plan.bytes, staging }, "restore started");
  try {
    const dirs = await download(deps.store, plan, staging, options, progress);
    progress.phase("schema");
    for (const statement of plan.schemaStatements) await deps.node.applySchema(statement);
    progress.phase("importing");
    for (const table of plan.tables) {
      options.signal?.throwIfAborted();
      const tableDirs = dirs.get(table) ?? [];
      if (tableDirs.length > 0) {
        await deps.node.importSSTables(table.keyspace, table.table, tableDirs, {
          copyData: false,
          verify: true,
          // Another node's SSTables hold ranges this node does not own; cleanup removes them later.
          verifyTokens: source.hostId === self.hostId,
        });
        await assertImported(table, tableDirs);
      }
      progress.tableDone();
    }
    progress.phase("done");
    deps.logger.info({ backup: plan.backup, tables: plan.tables.length }, "restore finished");
    return { dryRun: false, plan };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rmdir(dirname(staging)).catch(() => undefined);
  }
}

async function identity(node: CassandraNode): Promise<NodeIdentity> {
  const status = await node.status();
  if (!status.hostId) throw new CassandraUnavailableError("the node has no host ID yet");
  return { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId };
}

async function checkFreeSpace(dir: string, needed: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < needed) {
    throw new InsufficientSpaceError(`${dir} has ${free} bytes free; the restore needs ${needed}`);
  }
}

/**
 * Every file into `<staging>/<data dir index>/<keyspace>/<table dir>/`: Cassandra reads the keyspace and
 * table from the last two path segments, and files of different data directories may share names.
 */
async function download(
  store: ObjectStore,
  plan: RestorePlan,
  staging: string,
  options: RestoreOptions,
  progress: RestoreTracker,
): Promise<Map<PlannedTable, string[]>> {
  progress.phase("downloading");
  const dirs = new Map<PlannedTable, string[]>();
  const work = plan.tables.flatMap((table) =>
    table.files.map((file) => {
      const dir = join(staging, String(file.dataDir), table.keyspace, table.tableDir);
      const list = dirs.get(table) ?? [];
      if (!list.includes(dir)) dirs.set(table, [...list, dir]);
      return { file, dir };
    }),
  );
  for (const dir of new Set(work.map((w) => w.dir))) await mkdir(dir, { recursive: true });
  await runPool(
    work,
    options.concurrency,
    async ({ file, dir }, signal) => {
      await downloadVerified(store, file, join(dir, file.path), {
        retry: options.retry,
        signal,
        onBytes: (n) => progress.bytes(n),
      });
      progress.fileDone();
    },
    options.signal,
  );
  return dirs;
}

/** `importNewSSTables` answers success when it found nothing to load; files left behind mean exactly that. */
async function assertImported(table: PlannedTable, dirs: string[]): Promise<void> {
  const left = (await Promise.all(dirs.map((d) => readdir(d)))).flat().filter((f) => f.endsWith("-Data.db"));
  if (left.length > 0) {
    throw new CassandraOperationError(
      `Cassandra did not import ${left.length} SSTables into ${table.keyspace}.${table.table}; see the node's log`,
    );
  }
}
