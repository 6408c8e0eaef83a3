import type { Readable } from "node:stream";
import { IntegrityError } from "../agent/errors.js";
import type { ByteSource } from "./byte-source.js";

/**
 * The one seam between backup/restore code and wherever backups live. Backup and restore depend on this
 * interface only, never on an SDK client, so the same contract suite can run against the local-directory
 * store and a real S3-compatible server, and a fake can never claim what the real thing does not do.
 *
 * Checksums: every object's SHA-256 is computed by the store *while the bytes stream past* (no second read
 * of an SSTable) and returned from {@link ObjectStore.put}, so the caller records it in the backup manifest.
 * SHA-256 was chosen over CRC32C/CRC64NVME because it is one of the algorithms S3 verifies server-side
 * (`x-amz-checksum-sha256`, per request and per multipart part) *and* it is strong enough that a manifest
 * entry identifies content, not just catches bit flips. Its cost (~1 GB/s per core) is far below network
 * bandwidth for a sidecar.
 *
 * Errors: `ObjectStoreError` (with `retryable`), `NotFoundError` for a missing key, `IntegrityError` when
 * bytes or sizes disagree with what was expected.
 */
export interface ObjectStore {
  /**
   * Stores the bytes of `source` under `key`, replacing any object there. The object appears whole or not
   * at all: a source that fails or ends short of its size leaves no object (and no half-written one) under
   * `key`. The store may read a range more than once (a part sent again after a transient failure).
   */
  put(key: string, source: ByteSource, options?: PutOptions): Promise<StoredObject>;
  /** Size and recorded checksums of an object, or `undefined` when there is none: absence is not an error. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** The object's bytes (or an inclusive byte range of them). Throws `NotFoundError` when missing. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  /** Every object whose key starts with `prefix`, in key order; pages are fetched lazily. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectSummary>;
  /**
   * The "folders" one level below `prefix` (which is empty or ends with `/`), each ending with `/`, sorted:
   * S3's common prefixes with delimiter `/`. Lets the agent find every node of a cluster without listing
   * every object of every node.
   */
  listPrefixes(prefix: string): Promise<string[]>;
  /** Deletes the keys in as few requests as the store allows. Keys that do not exist are not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Stores a small text object (a manifest, a marker) in one request, checksummed like any other. */
  putText(key: string, text: string, contentType?: string): Promise<StoredObject>;
  /** Reads a small text object whole. Throws `NotFoundError` when missing. */
  getText(key: string): Promise<string>;
}

export interface PutOptions {
  contentType?: string;
  /** Aborting stops the upload and leaves no object. */
  signal?: AbortSignal;
  /**
   * Reports bytes as they are read for sending, and a negative count when a failed attempt's bytes will be
   * sent again, so progress never counts a byte twice.
   */
  onBytes?: (bytes: number) => void;
}

export interface GetOptions {
  /** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` omitted reads to the end. */
  range?: { start: number; end?: number };
}

export interface ListOptions {
  /** Keys per request; the store's own maximum when omitted (1000 for S3). Small values test paging. */
  pageSize?: number;
}

export interface ObjectSummary {
  key: string;
  size: number;
  /** When the object was written, as the store reports it; purge's grace period and "newest" rely on it. */
  lastModified?: Date;
}

/**
 * What a put stored: record all of it in the manifest. `sha256` (hex, whole object) is what a deep verify
 * re-computes; `storeChecksum` is the store's own fingerprint, which `head` reports back cheaply, so a
 * shallow verify can notice an object replaced behind our back without downloading it.
 */
export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
  storeChecksum?: string;
}

/** What `head` knows. `sha256` is present only when the store can vouch for the whole-object hash. */
export interface ObjectInfo {
  key: string;
  size: number;
  sha256?: string;
  storeChecksum?: string;
}

/** Stores a JSON document (a manifest) as UTF-8 text; the same checksum rules as any object. */
export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<StoredObject> {
  return store.putText(key, `${JSON.stringify(value, null, 2)}\n`, "application/json");
}

/** Reads a JSON document. Returns `unknown` on purpose: callers validate it with their zod schema. */
export async function getJson(store: ObjectStore, key: string): Promise<unknown> {
  const text = await store.getText(key);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new IntegrityError(`${key}: not valid JSON`, { cause: error });
  }
}
