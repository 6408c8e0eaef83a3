import { beforeEach, inject } from "vitest";
import type { CassandraProcess } from "./cassandra/cassandra-process.js";
import { LocalCluster } from "./cassandra/local-cluster.js";

/** Handles to the shared clusters started by global setup. */
export async function sharedCluster(which: "single" | "trio"): Promise<CassandraProcess[]> {
  const info = inject(which);
  if (!info) throw new Error(`the shared "${which}" cluster was not started (CPA_SHARED_CLUSTERS)`);
  return LocalCluster.attach(info);
}

/** Prints the tail of each node's system.log when a test of the calling file fails. */
export function printLogsOnFailure(nodes: () => CassandraProcess[]): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      for (const node of nodes()) console.error(await node.logTail(40));
    });
  });
}
