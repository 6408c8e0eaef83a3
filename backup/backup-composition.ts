import { join } from "node:path";
import type { CassandraNode } from "../agent/cassandra/node.js";
import type { AgentConfig } from "../agent/config.js";
import type { Logger } from "../agent/logger.js";
import { BackupQueries } from "./backup-queries.js";
import { BackupService } from "./backup-service.js";
import type { BackupResult } from "./backup-run.js";
import { createObjectStore } from "./object-store-factory.js";
import type { ObjectStore } from "./object-store.js";
import { purgeBackups, type NodePurgeReport } from "./purge.js";
import type { RetentionRules } from "./retention.js";
import { acquireNodeLock } from "./node-lock.js";
import { restoreBackup, type RestoreProgress, type RestoreRequest, type RestoreResult } from "./restore.js";

/** A restore as the API's job and the CLI run it. */
export type RestoreFn = (
  request: RestoreRequest,
  hooks?: { signal?: AbortSignal; onProgress?: (progress: RestoreProgress) => void },
) => Promise<RestoreResult>;

/** Everything backup-related the server and the CLI need, built once from the configuration. */
export interface BackupComponents {
  store: ObjectStore;
  service: BackupService;
  queries: BackupQueries;
  rules: RetentionRules;
  lockFile: string;
  /** Restores into the local node (`restoreBackup`) holding the node's lock, unless it is a dry run. */
  restore: RestoreFn;
  /** Purges by the configured rules (this node and nodes that left the ring); takes the node's lock. */
  purge(options?: { locked?: boolean }): Promise<NodePurgeReport[]>;
  close(): void;
}

/** Builds the object store, the backup service and the retention rules from the agent's configuration. */
export function createBackupComponents(
  config: AgentConfig,
  node: CassandraNode,
  logger: Logger,
  onComplete?: (result: BackupResult) => void,
): BackupComponents {
  const { store, close } = createObjectStore(config);
  const lockFile = join(config.stateDir, "backup.lock");
  const rules: RetentionRules = {
    keepLast: config.backupKeepLast,
    keepDays: config.backupKeepDays,
    graceMs: config.backupPurgeGraceHours * 3_600_000,
  };
  const queries = new BackupQueries(node, store);
  const purgeNow = async (): Promise<NodePurgeReport[]> => {
    const { self, ring } = await queries.identity();
    return purgeBackups(store, self, ring, rules, { logger });
  };
  const purge = async (options: { locked?: boolean } = {}): Promise<NodePurgeReport[]> => {
    if (options.locked) return purgeNow();
    const release = await acquireNodeLock(lockFile, "purge");
    try {
      return await purgeNow();
    } finally {
      await release();
    }
  };
  const retentionSet = config.backupKeepLast > 0 || config.backupKeepDays > 0;
  const service = new BackupService(
    { node, store, logger },
    {
      concurrency: config.backupConcurrency,
      retry: { attempts: config.backupRetryAttempts, baseDelayMs: 2_000 },
      lockFile,
      scheduledKeyspaces: config.backupKeyspaces,
      ...(onComplete ? { onComplete } : {}),
      // The service holds the node's lock while this runs.
      ...(retentionSet ? { afterScheduled: async () => void (await purge({ locked: true })) } : {}),
    },
  );
  const restore: RestoreFn = async (request, hooks = {}) => {
    const run = () =>
      restoreBackup({ node, store, logger }, request, {
        concurrency: config.backupConcurrency,
        retry: { attempts: config.backupRetryAttempts, baseDelayMs: 2_000 },
        ...hooks,
      });
    if (request.dryRun) return run();
    // A backup must not snapshot tables while files are being imported into them, nor the other way round.
    const release = await acquireNodeLock(lockFile, "restore");
    try {
      return await run();
    } finally {
      await release();
    }
  };
  return { store, service, queries, rules, lockFile, restore, purge, close };
}
