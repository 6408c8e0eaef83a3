import type { Readable } from "node:stream";
import type { ByteSource } from "./byte-source.js";
import type {
  GetOptions,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  ObjectSummary,
  PutOptions,
  StoredObject,
} from "./object-store.js";

/**
 * An `ObjectStore` built on first use: the S3 implementation pulls in the AWS SDK, which the agent loads
 * only when a backup, a listing or a restore actually touches the store. A failed load is retried next time.
 */
export class DeferredObjectStore implements ObjectStore {
  #loaded: Promise<ObjectStore> | undefined;

  constructor(private readonly load: () => Promise<ObjectStore>) {}

  /** The real store, loading it if needed. */
  resolve(): Promise<ObjectStore> {
    this.#loaded ??= this.load().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  async put(key: string, source: ByteSource, options?: PutOptions): Promise<StoredObject> {
    return (await this.resolve()).put(key, source, options);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return (await this.resolve()).head(key);
  }

  async get(key: string, options?: GetOptions): Promise<Readable> {
    return (await this.resolve()).get(key, options);
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectSummary> {
    yield* (await this.resolve()).list(prefix, options);
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    return (await this.resolve()).listPrefixes(prefix);
  }

  async delete(keys: readonly string[]): Promise<void> {
    return (await this.resolve()).delete(keys);
  }

  async putText(key: string, text: string, contentType?: string): Promise<StoredObject> {
    return (await this.resolve()).putText(key, text, contentType);
  }

  async getText(key: string): Promise<string> {
    return (await this.resolve()).getText(key);
  }
}
