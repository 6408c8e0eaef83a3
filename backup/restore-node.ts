import { mkdir, readdir, statfs, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConflictError, ValidationError } from "../agent/errors.js";
import type { Logger } from "../agent/logger.js";
import { downloadVerified } from "./download-file.js";
import { manifestKey, type NodeIdentity } from "./layout.js";
import type { Manifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import { BackupNotFoundError, InsufficientSpaceError } from "./restore-errors.js";
import { loadRestorableManifest } from "./restore-source.js";
import { runPool, type RetryOptions } from "./retry.js";

export interface NodeRestoreRequest {
  backup: string;
  hostId: string;
  /** The node's data directories (`data_file_directories`), in order; each must be empty or absent. */
  dataDirs: string[];
  /** Where the backup lives; found by searching the store for the host ID when not given. */
  clusterName?: string;
  datacenter?: string;
}

export interface NodeRestoreResult {
  backup: string;
  node: Manifest["node"];
  files: number;
  bytes: number;
  keyspaces: string[];
}

/**
 * Fills the empty data directories of a stopped node with every file of one of its backups, `system`
 * keyspace included, so that Cassandra starts as the same node: `system.local` holds its host ID, tokens
 * and cluster name. Meant for an init container, before Cassandra starts. Each file lands in
 * `<data dir>/<keyspace>/<table dir>/<path>` only once its SHA-256 matched; mtimes are set back so that the
 * next backup deduplicates. Refuses non-empty data directories: it never mixes a backup with live data.
 * Files of a backup taken with more data directories than the node now has go to `index mod count`;
 * Cassandra finds a table's SSTables in any of its data directories.
 */
export async function restoreWholeNode(
  deps: { store: ObjectStore; logger: Logger },
  request: NodeRestoreRequest,
  options: { concurrency: number; retry: Omit<RetryOptions, "signal" | "onRetry">; signal?: AbortSignal },
): Promise<NodeRestoreResult> {
  if (request.dataDirs.length === 0) throw new ValidationError("at least one data directory is needed");
  for (const dir of request.dataDirs) await assertEmpty(dir);
  const source = await locate(deps.store, request);
  const manifest = await loadRestorableManifest(deps.store, source, request.backup);
  const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
  await mkdir(request.dataDirs[0]!, { recursive: true });
  const fs = await statfs(request.dataDirs[0]!);
  if (fs.bavail * fs.bsize < bytes) {
    throw new InsufficientSpaceError(
      `${request.dataDirs[0]} has ${fs.bavail * fs.bsize} bytes free; needs ${bytes}`,
    );
  }
  deps.logger.info(
    { backup: request.backup, hostId: request.hostId, files: manifest.files.length, bytes },
    "node restore started",
  );
  await runPool(
    manifest.files,
    options.concurrency,
    async (file, signal) => {
      const dataDir = request.dataDirs[file.dataDir % request.dataDirs.length]!;
      const target = join(dataDir, file.keyspace, file.tableDir, file.path);
      await mkdir(dirname(target), { recursive: true });
      await downloadVerified(deps.store, file, target, {
        retry: options.retry,
        signal,
        onBytes: () => undefined,
      });
      const mtime = new Date(file.mtimeMs);
      await utimes(target, mtime, mtime);
    },
    options.signal,
  );
  deps.logger.info({ backup: request.backup, hostId: request.hostId }, "node restore finished");
  return {
    backup: manifest.name,
    node: manifest.node,
    files: manifest.files.length,
    bytes,
    keyspaces: manifest.keyspaces,
  };
}

async function assertEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  const found = entries.filter((e) => e !== "lost+found");
  if (found.length > 0) {
    throw new ConflictError(
      `data directory ${dir} is not empty (${found.slice(0, 3).join(", ")}…): a node restore only fills empty directories`,
    );
  }
}

/** The backup's cluster and DC: as given, or the one prefix in the store that holds this host's manifest. */
async function locate(store: ObjectStore, request: NodeRestoreRequest): Promise<NodeIdentity> {
  if (request.clusterName !== undefined && request.datacenter !== undefined) {
    return { clusterName: request.clusterName, datacenter: request.datacenter, hostId: request.hostId };
  }
  const found: NodeIdentity[] = [];
  for (const cluster of await store.listPrefixes("")) {
    for (const dc of await store.listPrefixes(cluster)) {
      const identity = {
        clusterName: decodeURIComponent(cluster.slice(0, -1)),
        datacenter: decodeURIComponent(dc.slice(cluster.length, -1)),
        hostId: request.hostId,
      };
      if (request.clusterName !== undefined && identity.clusterName !== request.clusterName) continue;
      if (request.datacenter !== undefined && identity.datacenter !== request.datacenter) continue;
      if (await store.head(manifestKey(identity, request.backup))) found.push(identity);
    }
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new BackupNotFoundError(
      `no manifest for backup ${request.backup} of host ${request.hostId} in the store`,
    );
  }
  throw new ValidationError(
    `backup ${request.backup} of host ${request.hostId} is in several clusters or DCs; name one`,
  );
}
