import { NotFoundError, ValidationError } from "../agent/errors.js";
import { listClusterNodes } from "./catalog.js";
import { assertBackupName, manifestKey } from "./layout.js";
import { readManifest, type Manifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";

const firstToken = (m: Manifest) => BigInt(m.node.tokens[0] ?? "0");

/**
 * For restoring a cluster backup into a new cluster of the same size and topology: which backed-up node
 * (host ID) each new pod becomes. The backed-up nodes are ordered by DC, rack and first token, and given to
 * `pods` in the order listed (for a StatefulSet: its ordinals, laid out over DCs and racks the same way).
 * The answer is the JSON map `restore-node --host-id-map` reads.
 */
export async function clusterHostIdMap(
  store: ObjectStore,
  clusterName: string,
  backup: string,
  pods: string[],
): Promise<Record<string, string>> {
  assertBackupName(backup);
  const manifests: Manifest[] = [];
  for (const node of await listClusterNodes(store, clusterName)) {
    const manifest = await readManifest(store, manifestKey(node, backup)).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (manifest) manifests.push(manifest);
  }
  if (manifests.length === 0)
    throw new NotFoundError(`no node of cluster ${clusterName} has a backup named ${backup}`);
  if (manifests.length !== pods.length) {
    throw new ValidationError(
      `backup ${backup} of cluster ${clusterName} holds ${manifests.length} nodes, but ${pods.length} pods were given: the new cluster must have the same size`,
    );
  }
  manifests.sort(
    (a, b) =>
      a.node.datacenter.localeCompare(b.node.datacenter) ||
      a.node.rack.localeCompare(b.node.rack) ||
      (firstToken(a) < firstToken(b) ? -1 : firstToken(a) > firstToken(b) ? 1 : 0),
  );
  return Object.fromEntries(pods.map((pod, i) => [pod, manifests[i]?.node.hostId ?? ""]));
}
