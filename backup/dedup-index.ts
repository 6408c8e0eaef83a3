import type { Logger } from "../agent/logger.js";
import { dataPrefix, manifestPrefix, type NodeIdentity } from "./layout.js";
import { readManifest } from "./manifest.js";
import type { ObjectStore } from "./object-store.js";

/** What is known of an object already in the store that a new backup can reference instead of uploading. */
export interface KnownObject {
  size: number;
  sha256: string;
  storeChecksum?: string;
}

/**
 * Which of this node's data objects are already stored, built once per run: one listing of the node's
 * `data/` prefix (key → size) and the newest manifest (key → SHA-256). An object found in the listing with
 * the expected size is reused with the checksum its manifest recorded; one that no manifest names (left by
 * a run that was cut off) is reused when the store vouches for its SHA-256 (`head`), otherwise uploaded
 * again. Keys carry name, mtime and size (see `layout.ts`), so the same key means the same bytes.
 */
export class DedupIndex {
  private constructor(
    private readonly store: ObjectStore,
    private readonly sizes: Map<string, number>,
    private readonly hashes: Map<string, KnownObject>,
  ) {}

  static async build(store: ObjectStore, node: NodeIdentity, logger?: Logger): Promise<DedupIndex> {
    const sizes = new Map<string, number>();
    for await (const item of store.list(dataPrefix(node))) sizes.set(item.key, item.size);
    const hashes = new Map<string, KnownObject>();
    const newest = await newestManifestKey(store, node);
    if (newest !== undefined) {
      try {
        for (const file of (await readManifest(store, newest)).files) {
          hashes.set(file.key, {
            size: file.size,
            sha256: file.sha256,
            ...(file.storeChecksum ? { storeChecksum: file.storeChecksum } : {}),
          });
        }
      } catch (error) {
        // An unreadable manifest only costs re-uploads (or head requests), never a wrong reference.
        logger?.warn({ err: error, key: newest }, "previous manifest unreadable; deduplicating without it");
      }
    }
    return new DedupIndex(store, sizes, hashes);
  }

  get storedObjects(): number {
    return this.sizes.size;
  }

  /** The stored object to reuse for `key` holding `size` bytes, or `undefined` when it must be uploaded. */
  async find(key: string, size: number): Promise<KnownObject | undefined> {
    if (this.sizes.get(key) !== size) return undefined;
    const known = this.hashes.get(key);
    if (known !== undefined && known.size === size) return known;
    const info = await this.store.head(key);
    if (info?.sha256 === undefined || info.size !== size) return undefined;
    return {
      size,
      sha256: info.sha256,
      ...(info.storeChecksum ? { storeChecksum: info.storeChecksum } : {}),
    };
  }
}

/**
 * The key of the node's most recently written manifest, by the listing's write time; a store that reports
 * none makes it read every manifest's `finishedAt` instead.
 */
async function newestManifestKey(store: ObjectStore, node: NodeIdentity): Promise<string | undefined> {
  const items = [];
  for await (const item of store.list(manifestPrefix(node))) if (item.key.endsWith(".json")) items.push(item);
  if (items.every((item) => item.lastModified !== undefined)) {
    items.sort((a, b) => a.lastModified!.getTime() - b.lastModified!.getTime());
    return items.at(-1)?.key;
  }
  let newest: { key: string; at: string } | undefined;
  for (const { key } of items) {
    const at = await readManifest(store, key).then(
      (m) => m.finishedAt,
      () => "",
    );
    if (newest === undefined || at > newest.at) newest = { key, at };
  }
  return newest?.key;
}
