import type { KeyspaceInfo } from "../agent/cassandra/node.js";
import { ValidationError } from "../agent/errors.js";
import { CQL_NAME } from "./layout.js";

/**
 * Keyspaces a default backup (no keyspaces named) leaves out. Every other keyspace is included, system ones
 * too, because a whole-node restore needs them:
 * - `system_schema`: the node starts with the schema it had, with the same table IDs (so the SSTables in
 *   `<table>-<id>` directories belong to their tables).
 * - `system`: `system.local` holds the host ID, tokens and cluster name, so a restored node comes back as
 *   the same node; the rest of it (peers, paxos, batches, compaction history) is small.
 * - `system_auth`: roles and permissions; without them a restored cluster has only the default superuser.
 * - `system_distributed`: repair history and view build status; small.
 * Left out: `system_traces` (query traces only, can be large, nothing to restore). Virtual keyspaces
 * (`system_views`, `system_virtual_schema`) have no files and are not listed in `system_schema` at all.
 */
export const EXCLUDED_KEYSPACES: ReadonlySet<string> = new Set(["system_traces"]);

/**
 * The keyspaces to snapshot: those asked for (each must exist), or every keyspace the node has except
 * {@link EXCLUDED_KEYSPACES}. Sorted, so manifests of the same node compare easily.
 */
export function selectKeyspaces(available: readonly KeyspaceInfo[], requested?: readonly string[]): string[] {
  const names = new Set(available.map((k) => k.name));
  if (requested === undefined || requested.length === 0) {
    return [...names].filter((name) => !EXCLUDED_KEYSPACES.has(name)).sort();
  }
  const bad = requested.filter((name) => !CQL_NAME.test(name));
  if (bad.length > 0) throw new ValidationError(`invalid keyspace names: ${bad.join(", ")}`);
  const missing = requested.filter((name) => !names.has(name));
  if (missing.length > 0) throw new ValidationError(`no such keyspaces on this node: ${missing.join(", ")}`);
  return [...new Set(requested)].sort();
}
