import type { Logger } from "../agent/logger.js";
import { listClusterNodes, listNodeBackups } from "./catalog.js";
import { dataPrefix, manifestKey, runKey, type NodeIdentity } from "./layout.js";
import { readManifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import { planRetention, type RetentionRules } from "./retention.js";

/** What a purge did to one node's backups. */
export interface NodePurgeReport {
  hostId: string;
  datacenter: string;
  inRing: boolean;
  kept: string[];
  dropped: string[];
  deletedObjects: number;
  deletedBytes: number;
  /** Why unreferenced objects were left in place, when they were. */
  objectsLeft?: string;
}

/** Only keys shaped like the agent's data keys are ever deleted (`…~<mtime>-<size>`). */
const OUR_DATA_KEY = /~\d+-\d+$/;

/**
 * Applies the retention rules to one node: deletes the manifests of dropped backups first (so no listing
 * ever shows a complete backup whose objects are going), then their run records, then the data objects no
 * remaining manifest references and that are older than the grace period. Objects are left alone while a
 * run of this node is in flight (a `running` record younger than the grace period) or when a kept
 * manifest cannot be read, since then what is referenced is not known. Only keys of the agent's own
 * layout under this node's prefix are touched.
 */
export async function purgeNode(
  store: ObjectStore,
  node: NodeIdentity,
  rules: RetentionRules,
  context: { now: Date; inRing: boolean; logger: Logger },
): Promise<NodePurgeReport> {
  const backups = await listNodeBackups(store, node);
  const plan = planRetention(backups, rules, context.now, context.inRing);
  const report: NodePurgeReport = {
    hostId: node.hostId,
    datacenter: node.datacenter,
    inRing: context.inRing,
    kept: plan.keep.map((b) => b.name),
    dropped: plan.drop.map((b) => b.name),
    deletedObjects: 0,
    deletedBytes: 0,
  };
  await store.delete(plan.drop.filter((b) => b.complete).map((b) => manifestKey(node, b.name)));
  await store.delete(plan.drop.map((b) => runKey(node, b.name)));
  const inFlight = plan.keep.some((b) => !b.complete && b.state === "running");
  if (inFlight) {
    report.objectsLeft = "a backup of this node is in flight";
    return report;
  }
  const referenced = new Set<string>();
  for (const backup of plan.keep.filter((b) => b.complete)) {
    try {
      for (const file of (await readManifest(store, manifestKey(node, backup.name))).files)
        referenced.add(file.key);
    } catch (error) {
      context.logger.error(
        { err: error, backup: backup.name },
        "kept manifest unreadable; no objects deleted",
      );
      report.objectsLeft = `manifest of ${backup.name} could not be read`;
      return report;
    }
  }
  const doomed: string[] = [];
  for await (const item of store.list(dataPrefix(node))) {
    const age = item.lastModified ? context.now.getTime() - item.lastModified.getTime() : 0;
    if (referenced.has(item.key) || !OUR_DATA_KEY.test(item.key) || age < rules.graceMs) continue;
    doomed.push(item.key);
    report.deletedBytes += item.size;
  }
  await store.delete(doomed);
  report.deletedObjects = doomed.length;
  return report;
}

/**
 * Purges the local node and every node under the cluster's prefix that has left the ring (its host ID is
 * not in the ring any more), by the same rules. Nodes still in the ring other than this one are left to
 * their own agents. A ring view that does not even hold this node (gossip not settled) is not trusted to
 * say who left, and only the local node is purged.
 */
export async function purgeBackups(
  store: ObjectStore,
  self: NodeIdentity,
  ringHostIds: ReadonlySet<string>,
  rules: RetentionRules,
  context: { now?: Date; logger: Logger },
): Promise<NodePurgeReport[]> {
  const now = context.now ?? new Date();
  const reports = [await purgeNode(store, self, rules, { now, inRing: true, logger: context.logger })];
  if (!ringHostIds.has(self.hostId)) return reports;
  for (const node of await listClusterNodes(store, self.clusterName)) {
    if (node.hostId === self.hostId || ringHostIds.has(node.hostId)) continue;
    reports.push(await purgeNode(store, node, rules, { now, inRing: false, logger: context.logger }));
  }
  for (const r of reports) context.logger.info({ ...r, kept: r.kept.length }, "purge done for a node");
  return reports;
}
