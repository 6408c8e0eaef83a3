import {
  backupNameOf,
  clusterPrefix,
  manifestPrefix,
  parseNodeKey,
  runKey,
  runPrefix,
  manifestKey,
  type NodeIdentity,
} from "./layout.js";
import { readManifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import { readRunRecord } from "./run-record.js";

/** One backup of one node as a listing shows it. */
export interface BackupSummary {
  name: string;
  clusterName: string;
  datacenter: string;
  hostId: string;
  /** True only when the manifest exists: the one mark of a complete backup. */
  complete: boolean;
  /** From the run record: `running` may also be a run cut off by a restart, `unknown` when there is none. */
  state: "complete" | "running" | "failed" | "unknown";
  startedAt?: string;
  finishedAt?: string;
  /** When the backup's manifest (or, for an incomplete one, its run record) was last written. */
  writtenAt?: string;
  files?: number;
  bytes?: number;
  error?: string;
}

async function namesUnder(store: ObjectStore, prefix: string): Promise<Map<string, Date | undefined>> {
  const names = new Map<string, Date | undefined>();
  for await (const item of store.list(prefix)) {
    const name = backupNameOf(item.key);
    if (name !== undefined) names.set(name, item.lastModified);
  }
  return names;
}

/**
 * Every backup of one node, complete or not, newest first. Manifests say which are complete; run records
 * add state, times and totals without reading large manifests (a manifest is read only when its run
 * record is missing).
 */
export async function listNodeBackups(store: ObjectStore, node: NodeIdentity): Promise<BackupSummary[]> {
  const manifests = await namesUnder(store, manifestPrefix(node));
  const runs = await namesUnder(store, runPrefix(node));
  const summaries: BackupSummary[] = [];
  for (const name of new Set([...manifests.keys(), ...runs.keys()])) {
    const complete = manifests.has(name);
    const record = runs.has(name) ? await readRunRecord(store, runKey(node, name)) : undefined;
    const written = (complete ? manifests.get(name) : runs.get(name))?.toISOString();
    const summary: BackupSummary = {
      name,
      ...node,
      complete,
      state: complete ? "complete" : (record?.state ?? "unknown"),
      ...(written ? { writtenAt: written } : {}),
    };
    if (record) {
      Object.assign(summary, { startedAt: record.startedAt }, record.error ? { error: record.error } : {});
      if (record.state === "complete") summary.finishedAt = record.updatedAt;
      if (record.totals) Object.assign(summary, { files: record.totals.files, bytes: record.totals.bytes });
    }
    if (complete && (record?.state !== "complete" || !record.totals))
      await fillFromManifest(store, node, summary);
    summaries.push(summary);
  }
  return summaries.sort((a, b) => backupTime(b).localeCompare(backupTime(a)));
}

async function fillFromManifest(
  store: ObjectStore,
  node: NodeIdentity,
  summary: BackupSummary,
): Promise<void> {
  try {
    const manifest = await readManifest(store, manifestKey(node, summary.name));
    Object.assign(summary, {
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      files: manifest.totals.files,
      bytes: manifest.totals.bytes,
    });
  } catch (error) {
    // A manifest that does not parse is not a usable backup, whatever the listing said.
    Object.assign(summary, { complete: false, state: "failed", error: (error as Error).message });
  }
}

/** The time a backup is ordered by: when it started, else when its files were written. */
export function backupTime(summary: BackupSummary): string {
  return summary.startedAt ?? summary.writtenAt ?? "";
}

/**
 * Every node that has anything stored under the cluster's prefix, found by walking `<cluster>/<dc>/<hostId>/`
 * folders (not by listing objects), including nodes that have since left the ring.
 */
export async function listClusterNodes(store: ObjectStore, clusterName: string): Promise<NodeIdentity[]> {
  const nodes: NodeIdentity[] = [];
  for (const dc of await store.listPrefixes(clusterPrefix(clusterName))) {
    for (const host of await store.listPrefixes(dc)) {
      const parsed = parseNodeKey(clusterName, `${host}x`);
      if (parsed) nodes.push(parsed.node);
    }
  }
  return nodes;
}

/** Backups of every node of the cluster, each marked with whether its node is still in the ring. */
export async function listClusterBackups(
  store: ObjectStore,
  clusterName: string,
  ringHostIds: ReadonlySet<string>,
): Promise<(BackupSummary & { inRing: boolean })[]> {
  const all: (BackupSummary & { inRing: boolean })[] = [];
  for (const node of await listClusterNodes(store, clusterName)) {
    const inRing = ringHostIds.has(node.hostId);
    for (const summary of await listNodeBackups(store, node)) all.push({ ...summary, inRing });
  }
  return all.sort((a, b) => backupTime(b).localeCompare(backupTime(a)) || a.hostId.localeCompare(b.hostId));
}
