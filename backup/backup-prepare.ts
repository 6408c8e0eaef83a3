import { randomBytes } from "node:crypto";
import type { CassandraNode, NodeStatus } from "../agent/cassandra/node.js";
import { CassandraUnavailableError, ConflictError } from "../agent/errors.js";
import type { Logger } from "../agent/logger.js";
import type { BackupDeps, BackupHooks, BackupRequest } from "./backup-run.js";
import { selectKeyspaces } from "./keyspace-selection.js";
import { assertBackupName, manifestKey, runKey, type NodeIdentity } from "./layout.js";
import type { Manifest } from "./manifest.js";
import { ProgressTracker } from "./progress.js";
import { writeRunRecord, type RunRecord } from "./run-record.js";
import { findSnapshotTags } from "./snapshot-files.js";

/** Every snapshot the agent takes starts with this, so leftovers of a run cut off by a restart are found. */
export const SNAPSHOT_TAG_PREFIX = "cpa-backup-";

/** A run that passed its checks and announced itself with a `running` record. */
export interface PreparedRun extends BackupDeps {
  status: NodeStatus;
  identity: NodeIdentity;
  keys: { manifest: string; run: string };
  dataDirs: string[];
  record: RunRecord;
  tag: string;
  tracker: ProgressTracker;
  log: Logger;
}

/** Checks and announcements before anything is snapshotted: identity, name free, keyspaces, run record. */
export async function prepare(
  deps: BackupDeps,
  request: BackupRequest,
  hooks: BackupHooks,
): Promise<PreparedRun> {
  const { node, store, logger } = deps;
  assertBackupName(request.name);
  const status = await node.status();
  const identity = identityOf(status);
  const keys = { manifest: manifestKey(identity, request.name), run: runKey(identity, request.name) };
  if (await store.head(keys.manifest)) {
    throw new ConflictError(`backup ${request.name} already exists for this node`);
  }
  const keyspaces = selectKeyspaces(await node.keyspaces(), request.keyspaces);
  const dataDirs = await node.dataFileLocations();
  await clearLeftoverSnapshots(node, dataDirs, logger);
  const startedAt = new Date().toISOString();
  const record: RunRecord = {
    format: 1,
    name: request.name,
    hostId: identity.hostId,
    state: "running",
    startedAt,
    updatedAt: startedAt,
    keyspaces,
  };
  await writeRunRecord(store, keys.run, record);
  const tag = `${SNAPSHOT_TAG_PREFIX}${Date.now()}-${randomBytes(3).toString("hex")}`;
  const log = logger.child({ backup: request.name, snapshot: tag });
  const tracker = new ProgressTracker(hooks.onProgress);
  return { ...deps, status, identity, keys, dataDirs, record, tag, tracker, log };
}

export function identityOf(status: NodeStatus): NodeIdentity {
  if (!status.hostId)
    throw new CassandraUnavailableError("the node has no host ID yet; try again once it has started");
  return { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId };
}

export function nodeOf(status: NodeStatus, identity: NodeIdentity): Manifest["node"] {
  return {
    ...identity,
    rack: status.rack,
    tokens: status.tokens,
    releaseVersion: status.releaseVersion,
    endpoint: status.endpoint,
  };
}

/**
 * Clears snapshots with our tag prefix. Only a run that was cut off leaves one: the caller holds the node's
 * backup lock, so no other run of ours is in flight.
 */
async function clearLeftoverSnapshots(
  node: CassandraNode,
  dataDirs: string[],
  logger: Logger,
): Promise<void> {
  for (const tag of await findSnapshotTags(dataDirs, SNAPSHOT_TAG_PREFIX)) {
    logger.warn({ snapshot: tag }, "clearing a snapshot left by an interrupted backup");
    await node.clearSnapshot(tag, []);
  }
}
