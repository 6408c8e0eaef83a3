import { readFileSync } from "node:fs";
import { z } from "zod";
import { ValidationError } from "../agent/errors.js";

const hostIdMap = z.record(z.string().min(1), z.uuid());

/**
 * Which backed-up node a pod is, for the init-container restore: an explicit host ID, or the pod's name
 * looked up in a JSON map `{"cassandra-0": "<host id>", …}` (a ConfigMap), so one StatefulSet spec serves
 * every pod and a pod that comes back with a new IP still finds its own node's backup.
 */
export function resolveHostId(options: { hostId?: string; hostIdMap?: string; podName?: string }): string {
  if (options.hostId) return options.hostId;
  if (!options.hostIdMap) throw new ValidationError("give --host-id, or --host-id-map with the pod's name");
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(options.hostIdMap, "utf8"));
  } catch (error) {
    throw new ValidationError(
      `--host-id-map ${options.hostIdMap}: cannot be read as JSON (${(error as Error).message})`,
    );
  }
  const map = hostIdMap.safeParse(parsed);
  if (!map.success)
    throw new ValidationError(`--host-id-map ${options.hostIdMap}: must map pod names to host IDs (UUIDs)`);
  const pod = options.podName;
  if (!pod) throw new ValidationError("--pod-name (or POD_NAME) is needed with --host-id-map");
  const hostId = map.data[pod];
  if (!hostId) throw new ValidationError(`--host-id-map ${options.hostIdMap} has no entry for pod ${pod}`);
  return hostId;
}
