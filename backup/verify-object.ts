import { createHash } from "node:crypto";
import { IntegrityError } from "../agent/errors.js";
import type { ObjectStore, StoredObject } from "./object-store.js";

export interface VerifyOptions {
  /** Re-download and re-hash the whole object; otherwise only `head` is asked (one cheap request). */
  deep?: boolean;
}

/**
 * Checks a stored object against what its put returned (as recorded in a manifest). Throws
 * `IntegrityError` naming the key on any disagreement, so restore refuses to use a damaged backup.
 *
 * Shallow: the object exists, its size matches, and the store's fingerprints (`storeChecksum`, and
 * `sha256` where the store can vouch for it) match the recorded ones. A recorded `storeChecksum` that the
 * store no longer reports counts as a mismatch: the object was replaced by something we did not write.
 * Deep: additionally streams the object and compares its SHA-256, catching silent corruption at rest.
 */
export async function verifyObject(
  store: ObjectStore,
  expected: StoredObject,
  options: VerifyOptions = {},
): Promise<void> {
  const { key } = expected;
  const info = await store.head(key);
  if (info === undefined) throw new IntegrityError(`${key}: missing`);
  if (info.size !== expected.size) {
    throw new IntegrityError(`${key}: size ${info.size}, expected ${expected.size}`);
  }
  if (info.sha256 !== undefined && info.sha256 !== expected.sha256) {
    throw new IntegrityError(`${key}: stored SHA-256 differs from the recorded one`);
  }
  if (expected.storeChecksum !== undefined && info.storeChecksum !== expected.storeChecksum) {
    throw new IntegrityError(`${key}: store checksum differs from the recorded one`);
  }
  if (!options.deep) return;
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of await store.get(key)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const sha256 = hash.digest("hex");
  if (size !== expected.size || sha256 !== expected.sha256) {
    throw new IntegrityError(`${key}: content does not match the recorded size and SHA-256`);
  }
}
