import { IntegrityError, NotFoundError } from "../agent/errors.js";
import { manifestKey, type NodeIdentity } from "./layout.js";
import { readManifest, type Manifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import { BackupIncompleteError, BackupNotFoundError } from "./restore-errors.js";

/**
 * Reads the manifest a restore starts from, refusing what cannot be trusted: no manifest (the backup never
 * finished, or the name or host ID is wrong), one that does not validate, or one whose file list disagrees
 * with its own totals. Nothing is downloaded before this has passed.
 */
export async function loadRestorableManifest(
  store: ObjectStore,
  source: NodeIdentity,
  backup: string,
): Promise<Manifest> {
  const key = manifestKey(source, backup);
  let manifest: Manifest;
  try {
    manifest = await readManifest(store, key);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new BackupNotFoundError(
        `no manifest for backup ${backup} of host ${source.hostId} (${key}): it does not exist or never finished`,
        { cause: error },
      );
    }
    if (error instanceof IntegrityError) {
      throw new BackupIncompleteError(`backup ${backup}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
  if (manifest.files.length !== manifest.totals.files || bytes !== manifest.totals.bytes) {
    throw new BackupIncompleteError(
      `backup ${backup}: the manifest lists ${manifest.files.length} files (${bytes} bytes) but its totals ` +
        `say ${manifest.totals.files} (${manifest.totals.bytes} bytes)`,
    );
  }
  return manifest;
}
