import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { IntegrityError, NotFoundError, ObjectStoreError } from "../agent/errors.js";
import { bufferSource, openWhole, type ByteSource } from "./byte-source.js";
import { HashingStream } from "./hashing-stream.js";
import { assertFolderPrefix, assertValidKey, assertValidPrefix } from "./object-key.js";
import type {
  GetOptions,
  ObjectInfo,
  ObjectStore,
  ObjectSummary,
  PutOptions,
  StoredObject,
} from "./object-store.js";

interface SidecarMeta {
  size: number;
  sha256: string;
  /** The data file's mtime when the sidecar was written: a later change to the file invalidates the hash. */
  mtimeMs: number;
}

/**
 * An {@link ObjectStore} in a local directory: the default target (a mounted volume, or tests). Layout under
 * `root`: `data/<key>` holds the bytes, `meta/<key>.json` the size and SHA-256, `tmp/` uploads in flight.
 * Bytes go to `tmp/` first and are renamed into place only once complete and synced, so a crash never
 * leaves a partial object under its final key. A data file changed after its sidecar was written (its
 * mtime differs) reports no checksum, so a shallow verify catches the change without re-reading it.
 */
export class FsObjectStore implements ObjectStore {
  readonly #data: string;
  readonly #meta: string;
  readonly #tmp: string;

  constructor(readonly root: string) {
    this.#data = join(root, "data");
    this.#meta = join(root, "meta");
    this.#tmp = join(root, "tmp");
  }

  async put(key: string, source: ByteSource, options: PutOptions = {}): Promise<StoredObject> {
    assertValidKey(key);
    await mkdir(this.#tmp, { recursive: true });
    const tmp = join(this.#tmp, randomUUID());
    const { onBytes } = options;
    const hasher = new HashingStream({
      expectedSize: source.size,
      ...(onBytes ? { onBytes } : {}),
    });
    try {
      const out = createWriteStream(tmp, { flags: "wx", flush: true });
      await pipeline(openWhole(source), hasher, out, options.signal ? { signal: options.signal } : {});
      const sha256 = hasher.sha256Hex();
      const target = this.#dataPath(key);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      const { mtimeMs } = await stat(target);
      await this.#writeMeta(key, { size: hasher.bytes, sha256, mtimeMs });
      return { key, size: hasher.bytes, sha256, storeChecksum: `sha256:${sha256}` };
    } catch (error) {
      await rm(tmp, { force: true });
      if (hasher.bytes > 0) onBytes?.(-hasher.bytes);
      // A missing *source* file (an SSTable compacted away) must not read as "object not found".
      throw asStoreError(error, key, false);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const { size, mtimeMs } = await stat(this.#dataPath(key));
      const meta = await this.#readMeta(key);
      if (meta === undefined || meta.size !== size || meta.mtimeMs !== mtimeMs) return { key, size };
      return { key, size, sha256: meta.sha256, storeChecksum: `sha256:${meta.sha256}` };
    } catch (error) {
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return undefined;
      throw asStoreError(error, key);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    try {
      const handle = await open(this.#dataPath(key), "r");
      const { range } = options;
      if (range === undefined) return handle.createReadStream();
      const { size } = await handle.stat();
      if (range.start >= size || (range.end !== undefined && range.end < range.start)) {
        await handle.close();
        throw new ObjectStoreError(
          `${key}: range ${range.start}-${range.end ?? ""} not satisfiable (size ${size})`,
        );
      }
      return handle.createReadStream({ start: range.start, end: Math.min(range.end ?? size - 1, size - 1) });
    } catch (error) {
      throw asStoreError(error, key);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    assertValidPrefix(prefix);
    const base = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    let entries;
    try {
      entries = await readdir(join(this.#data, base), { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return;
      throw asStoreError(error, prefix);
    }
    const keys = entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.#data, join(entry.parentPath, entry.name)).split(sep).join("/"))
      .filter((key) => key.startsWith(prefix))
      .sort();
    for (const key of keys) {
      const info = await stat(this.#dataPath(key)).catch(() => undefined);
      if (info !== undefined) yield { key, size: info.size, lastModified: info.mtime };
    }
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    assertFolderPrefix(prefix);
    try {
      const entries = await readdir(join(this.#data, ...prefix.split("/")), { withFileTypes: true });
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${prefix}${entry.name}/`)
        .sort();
    } catch (error) {
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return [];
      throw asStoreError(error, prefix);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    keys.forEach(assertValidKey);
    for (const key of keys) {
      try {
        await rm(this.#dataPath(key), { force: true });
        await rm(this.#metaPath(key), { force: true });
        await this.#pruneEmptyDirs(key);
      } catch (error) {
        throw asStoreError(error, key);
      }
    }
  }

  async putText(key: string, text: string, contentType?: string): Promise<StoredObject> {
    return this.put(key, bufferSource(Buffer.from(text, "utf8")), contentType ? { contentType } : {});
  }

  async getText(key: string): Promise<string> {
    assertValidKey(key);
    try {
      return await readFile(this.#dataPath(key), "utf8");
    } catch (error) {
      throw asStoreError(error, key);
    }
  }

  #dataPath(key: string): string {
    return join(this.#data, ...key.split("/"));
  }

  #metaPath(key: string): string {
    return `${join(this.#meta, ...key.split("/"))}.json`;
  }

  async #writeMeta(key: string, meta: SidecarMeta): Promise<void> {
    const target = this.#metaPath(key);
    const tmp = join(this.#tmp, `${randomUUID()}.json`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(tmp, JSON.stringify(meta), { flush: true });
    await rename(tmp, target);
  }

  async #readMeta(key: string): Promise<SidecarMeta | undefined> {
    try {
      return JSON.parse(await readFile(this.#metaPath(key), "utf8")) as SidecarMeta;
    } catch {
      return undefined;
    }
  }

  /** Removes directories left empty by a delete, so listing a pruned backup stays cheap. */
  async #pruneEmptyDirs(key: string): Promise<void> {
    const segments = key.split("/").slice(0, -1);
    for (let depth = segments.length; depth > 0; depth--) {
      for (const top of [this.#data, this.#meta]) {
        await rmdir(join(top, ...segments.slice(0, depth))).catch(() => undefined);
      }
    }
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

const RETRYABLE_FS_CODES = new Set(["EAGAIN", "EBUSY", "EMFILE", "ENFILE", "EINTR", "EIO"]);

function asStoreError(error: unknown, key: string, enoentIsNotFound = true): Error {
  if (
    error instanceof ObjectStoreError ||
    error instanceof IntegrityError ||
    error instanceof NotFoundError
  ) {
    return error;
  }
  if (enoentIsNotFound && (isCode(error, "ENOENT") || isCode(error, "ENOTDIR"))) {
    return new NotFoundError(`object ${key} does not exist`, { cause: error });
  }
  if ((error as Error | undefined)?.name === "AbortError") {
    return new ObjectStoreError(`${key}: aborted`, { cause: error, retryable: false });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const retryable = code !== undefined && RETRYABLE_FS_CODES.has(code);
  return new ObjectStoreError(`${key}: ${(error as Error).message}`, { cause: error, retryable });
}
