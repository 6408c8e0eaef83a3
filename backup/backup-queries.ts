import type { CassandraNode } from "../agent/cassandra/node.js";
import { CassandraUnavailableError } from "../agent/errors.js";
import { listClusterBackups, listNodeBackups, type BackupSummary } from "./catalog.js";
import { assertBackupName, type NodeIdentity } from "./layout.js";
import type { ObjectStore } from "./object-store.js";

/**
 * Read-only questions about what is in the store, answered for the node the agent runs beside (whose
 * identity comes from Cassandra, so a pod with a new IP still finds its backups).
 */
export class BackupQueries {
  constructor(
    private readonly node: CassandraNode,
    private readonly store: ObjectStore,
  ) {}

  /**
   * This node's cluster name, DC and host ID, plus the host IDs its gossip view has now (which includes
   * itself once gossip has settled; `purgeBackups` relies on that to tell "left the ring" from "not yet seen").
   */
  async identity(): Promise<{ self: NodeIdentity; ring: Set<string> }> {
    const status = await this.node.status();
    if (!status.hostId) throw new CassandraUnavailableError("the node has no host ID yet");
    const self = { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId };
    return { self, ring: new Set(Object.keys(status.hostIdToEndpoint)) };
  }

  /** Backups of this node, or (`cluster`) of every node under the cluster's prefix, departed ones included. */
  async list(scope: "node" | "cluster"): Promise<(BackupSummary & { inRing?: boolean })[]> {
    const { self, ring } = await this.identity();
    if (scope === "node") return listNodeBackups(this.store, self);
    return listClusterBackups(this.store, self.clusterName, ring);
  }

  /** One backup of this node as stored, or `undefined`. */
  async find(name: string): Promise<BackupSummary | undefined> {
    assertBackupName(name);
    const { self } = await this.identity();
    return (await listNodeBackups(this.store, self)).find((b) => b.name === name);
  }
}
