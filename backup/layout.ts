import { ValidationError } from "../agent/errors.js";

/**
 * Where backups live in an object store, relative to the store's own prefix (`AGENT_S3_PREFIX`, or the
 * `fs` target's directory):
 *
 * ```
 * <cluster>/<dc>/<hostId>/manifests/<backup>.json   the manifest: written last, the only mark of a complete backup
 * <cluster>/<dc>/<hostId>/runs/<backup>.json        the run record: running / complete / failed (+ why, totals)
 * <cluster>/<dc>/<hostId>/data/<ks>/<tableDir>/<file>~<mtimeMs>-<size>   one SSTable component, shared by backups
 * ```
 *
 * Keyed by cluster name, DC and host ID, never by IP or pod name, so a pod that comes back with a new IP, or
 * a restored cluster, still finds its backups; backups with one name under several host IDs form a cluster
 * backup. The data key carries the component's mtime and size because a name alone does not identify
 * content: Cassandra rewrites `Statistics.db` in place when incremental repair marks an SSTable repaired, and
 * sequential generations restart at 1 after a restart with an empty table. Components are otherwise
 * immutable, so an object under the same key is the same bytes, and a second backup uploads nothing new.
 */

/** The node a backup belongs to: what its keys are built from. */
export interface NodeIdentity {
  clusterName: string;
  datacenter: string;
  hostId: string;
}

/** What a data key is built from. `path` is relative to the table directory (2i files sit in `.<index>/`). */
export interface DataFileRef {
  keyspace: string;
  tableDir: string;
  path: string;
  mtimeMs: number;
  size: number;
}

/** Backup names: safe as one key segment and in a URL path. */
export const BACKUP_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** Keyspace and table names as Cassandra allows them (unquoted identifiers, at most 48 characters). */
export const CQL_NAME = /^[A-Za-z0-9_]{1,48}$/;
const HOST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Encodes a free-form name (a cluster or DC name may hold spaces or `/`) as one key segment, reversibly:
 * `[A-Za-z0-9._-]` stay, everything else is percent-encoded; `.` and `..` are encoded too.
 */
export function keySegment(name: string): string {
  if (name === "") throw new ValidationError("a cluster or DC name must not be empty");
  const encoded = encodeURIComponent(name).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return encoded === "." || encoded === ".." ? encoded.replace(/\./g, "%2E") : encoded;
}

export function assertBackupName(name: string): void {
  if (!BACKUP_NAME.test(name) || name === "." || name === "..") {
    throw new ValidationError(`backup name ${JSON.stringify(name)}: must match ${BACKUP_NAME.source}`);
  }
}

/** `<cluster>/` — everything the agents of one cluster wrote. */
export function clusterPrefix(clusterName: string): string {
  return `${keySegment(clusterName)}/`;
}

/** `<cluster>/<dc>/<hostId>/` — everything one node's agent wrote. */
export function nodePrefix(node: NodeIdentity): string {
  if (!HOST_ID.test(node.hostId)) throw new ValidationError(`not a host ID: ${JSON.stringify(node.hostId)}`);
  return `${clusterPrefix(node.clusterName)}${keySegment(node.datacenter)}/${node.hostId}/`;
}

export function manifestPrefix(node: NodeIdentity): string {
  return `${nodePrefix(node)}manifests/`;
}

export function manifestKey(node: NodeIdentity, backup: string): string {
  assertBackupName(backup);
  return `${manifestPrefix(node)}${backup}.json`;
}

export function runPrefix(node: NodeIdentity): string {
  return `${nodePrefix(node)}runs/`;
}

export function runKey(node: NodeIdentity, backup: string): string {
  assertBackupName(backup);
  return `${runPrefix(node)}${backup}.json`;
}

export function dataPrefix(node: NodeIdentity): string {
  return `${nodePrefix(node)}data/`;
}

export function dataKey(node: NodeIdentity, file: DataFileRef): string {
  const version = `${Math.trunc(file.mtimeMs)}-${file.size}`;
  return `${dataPrefix(node)}${file.keyspace}/${file.tableDir}/${file.path}~${version}`;
}

/** The backup name of a manifest or run-record key (`…/manifests/<name>.json`), or undefined for others. */
export function backupNameOf(key: string): string | undefined {
  const match = /\/(?:manifests|runs)\/([^/]+)\.json$/.exec(key);
  return match?.[1] !== undefined && BACKUP_NAME.test(match[1]) ? match[1] : undefined;
}

/** Splits a key under a cluster prefix into the node it belongs to and the rest, if it is in our layout. */
export function parseNodeKey(
  clusterName: string,
  key: string,
): { node: NodeIdentity; rest: string } | undefined {
  const prefix = clusterPrefix(clusterName);
  if (!key.startsWith(prefix)) return undefined;
  const [dc, hostId, ...rest] = key.slice(prefix.length).split("/");
  if (dc === undefined || hostId === undefined || !HOST_ID.test(hostId) || rest.length === 0)
    return undefined;
  let datacenter: string;
  try {
    datacenter = decodeURIComponent(dc);
  } catch {
    return undefined;
  }
  return { node: { clusterName, datacenter, hostId }, rest: rest.join("/") };
}
