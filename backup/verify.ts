import { IntegrityError, isAgentError } from "../agent/errors.js";
import { manifestKey, type NodeIdentity } from "./layout.js";
import { readManifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";
import { runPool } from "./retry.js";
import { verifyObject } from "./verify-object.js";

export interface VerifyOptions {
  /** Download and re-hash every object, instead of comparing what the store reports (`head`). */
  deep?: boolean;
  concurrency?: number;
}

/** The outcome of checking one backup: every problem found, not just the first. */
export interface VerifyReport {
  name: string;
  hostId: string;
  manifestKey: string;
  deep: boolean;
  ok: boolean;
  checkedFiles: number;
  checkedBytes: number;
  problems: { key: string; problem: string }[];
}

/**
 * Checks that every object a backup's manifest names is in the store with the recorded size and checksum
 * (shallow: the store's own record via `head`; deep: the bytes, downloaded and re-hashed). Damage is
 * reported per object; a store that fails to answer rejects, because "could not check" is not "corrupt".
 * A missing manifest is a `NotFoundError`, one that does not parse an `IntegrityError`.
 */
export async function verifyBackup(
  store: ObjectStore,
  node: NodeIdentity,
  name: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const key = manifestKey(node, name);
  const manifest = await readManifest(store, key);
  const problems: VerifyReport["problems"] = [];
  let checkedBytes = 0;
  await runPool(manifest.files, options.concurrency ?? 4, async (file) => {
    try {
      await verifyObject(store, file, { deep: options.deep ?? false });
      checkedBytes += file.size;
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      problems.push({ key: file.key, problem: isAgentError(error) ? error.message : String(error) });
    }
  });
  problems.sort((a, b) => a.key.localeCompare(b.key));
  return {
    name,
    hostId: node.hostId,
    manifestKey: key,
    deep: options.deep ?? false,
    ok: problems.length === 0,
    checkedFiles: manifest.files.length,
    checkedBytes,
    problems,
  };
}
