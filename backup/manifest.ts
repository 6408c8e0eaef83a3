import { z } from "zod";
import { IntegrityError } from "../agent/errors.js";
import { getJson, putJson, type ObjectStore } from "./object-store.js";

/**
 * The backup manifest: everything a restore needs, in one JSON document written *last*, so that its presence
 * is the one mark of a complete backup. It names every object with the size and SHA-256 recorded when it was
 * uploaded (restore and verify check them), where each file goes back to (keyspace, table, table ID and
 * directory, data directory index, path inside the table directory), the node's identity and tokens (a
 * whole-node restore starts Cassandra as the same node), and the schema as CQL `WITH INTERNALS` (table IDs
 * and dropped columns, so SSTables written before a column was dropped still import).
 *
 * `format` is bumped on any incompatible change; readers refuse a format they do not know.
 */
export const MANIFEST_FORMAT = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

export const manifestFileSchema = z.object({
  /** The object's key in the store (relative to the store's prefix). */
  key: z.string().min(1),
  keyspace: z.string().min(1),
  table: z.string().min(1),
  /** The table's ID as a UUID, from its directory name. */
  tableId: z.string().min(1),
  /** The table's directory name, `<table>-<id without dashes>`. */
  tableDir: z.string().min(1),
  /** Index into `dataDirectories`: which of the node's data directories the file was in. */
  dataDir: count,
  /** Path relative to the table directory: a component file name, or `.<index>/<file>` for a 2i. */
  path: z.string().min(1),
  size: count,
  sha256: sha256Hex,
  /** The store's own fingerprint at upload time; a shallow verify compares it with what `head` says. */
  storeChecksum: z.string().optional(),
  /** The file's mtime; a whole-node restore sets it back so the next backup deduplicates. */
  mtimeMs: z.number(),
});

export const totalsSchema = z.object({
  files: count,
  bytes: count,
  uploadedFiles: count,
  uploadedBytes: count,
  skippedFiles: count,
  skippedBytes: count,
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().min(1),
  startedAt: isoTime,
  finishedAt: isoTime,
  node: z.object({
    clusterName: z.string(),
    datacenter: z.string(),
    rack: z.string(),
    hostId: z.string(),
    tokens: z.array(z.string()),
    releaseVersion: z.string(),
    /** Informational only: the address changes when a pod is rescheduled. */
    endpoint: z.string().nullable(),
  }),
  /** Keyspaces whose SSTables are in the backup. */
  keyspaces: z.array(z.string()),
  /** The node's data directories when the backup ran; `files[].dataDir` indexes this list. */
  dataDirectories: z.array(z.string()),
  schema: z.object({ version: z.string(), cql: z.string() }),
  snapshotTag: z.string(),
  files: z.array(manifestFileSchema),
  totals: totalsSchema,
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type BackupTotals = z.infer<typeof totalsSchema>;

/** Validates a parsed manifest; anything unexpected is an `IntegrityError` naming the key and the fields. */
export function parseManifest(value: unknown, key: string): Manifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => i.path.join(".") || "(root)"))].slice(0, 5);
    throw new IntegrityError(`${key}: not a valid backup manifest (fields: ${fields.join(", ")})`);
  }
  return result.data;
}

export async function readManifest(store: ObjectStore, key: string): Promise<Manifest> {
  return parseManifest(await getJson(store, key), key);
}

export async function writeManifest(store: ObjectStore, key: string, manifest: Manifest): Promise<void> {
  await putJson(store, key, manifestSchema.parse(manifest));
}

export function emptyTotals(): BackupTotals {
  return { files: 0, bytes: 0, uploadedFiles: 0, uploadedBytes: 0, skippedFiles: 0, skippedBytes: 0 };
}
