import { Readable } from "node:stream";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { IntegrityError, NotFoundError } from "../agent/errors.js";
import { assertFolderPrefix, assertValidKey, assertValidPrefix } from "./object-key.js";
import type * as api from "./object-store.js";
import { toStoreError } from "./s3-client.js";
import type { ByteSource } from "./byte-source.js";
import { putBuffer, storeFingerprint, uploadSource, writeParams, type Sse } from "./s3-upload.js";
import { RateLimiter } from "./throttle-stream.js";

const MIB = 1024 * 1024;

/** How the store uses its bucket. Sizes in bytes. */
export interface S3ObjectStoreOptions {
  bucket: string;
  /** Prepended to every key (a trailing `/` is added), so several clusters can share a bucket. */
  prefix?: string;
  /** Multipart part size (at least 5 MiB). Memory does not depend on it: parts stream from the source. */
  partSize?: number;
  sse?: Sse;
  /** Upload ceiling in bytes per second for the whole store (all puts together); omitted or 0: none. */
  bandwidthLimit?: number;
  /** Ask the server to verify SHA-256 per request/part. Off with `s3ChecksumWhenRequired`. */
  serverChecksums?: boolean;
  /** Tries per request that carries bytes (a PUT or a part) before a transient failure surfaces. */
  partAttempts?: number;
  /** Delay before the second try of a part; it doubles each time. */
  partRetryDelayMs?: number;
}

/**
 * An {@link ObjectStore} on S3 or an S3-compatible server. Large sources go up as multipart uploads of
 * `partSize` parts streamed from the source, so memory stays flat; a failed or aborted upload is aborted
 * server-side so no object (and no orphaned parts) remain. With `serverChecksums`, each request carries
 * its SHA-256 so the server rejects bytes damaged in transit, and the object's stored checksum (whole or
 * composite) is compared with the one computed while streaming: a mismatch deletes the object and throws.
 */
export class S3ObjectStore implements api.ObjectStore {
  readonly #prefix: string;
  readonly #partSize: number;
  readonly #limiter: RateLimiter | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly options: S3ObjectStoreOptions,
  ) {
    const prefix = options.prefix ?? "";
    this.#prefix = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    this.#partSize = Math.max(options.partSize ?? 16 * MIB, 5 * MIB);
    this.#limiter = options.bandwidthLimit ? new RateLimiter(options.bandwidthLimit) : undefined;
  }

  async put(key: string, source: ByteSource, options: api.PutOptions = {}): Promise<api.StoredObject> {
    assertValidKey(key);
    try {
      const up = await uploadSource({
        client: this.client,
        params: this.#writeParams(key, options.contentType),
        source,
        partSize: this.#partSize,
        retry: {
          attempts: this.options.partAttempts ?? 3,
          baseDelayMs: this.options.partRetryDelayMs ?? 1_000,
        },
        ...(this.#limiter ? { limiter: this.#limiter } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onBytes ? { onBytes: options.onBytes } : {}),
      });
      if (up.checksumSha256 !== undefined && up.checksumSha256 !== up.expectedS3Sha256) {
        await this.delete([key]).catch(() => undefined);
        throw new IntegrityError(`${key}: the store's checksum differs from the one computed while sending`);
      }
      // A store that keeps checksums but did not echo one: ask, so the record matches what head reports.
      const fingerprint =
        this.#serverChecksums && !up.checksumSha256 ? (await this.head(key))?.storeChecksum : undefined;
      const storeChecksum = fingerprint ?? storeFingerprint(up.checksumSha256, up.etag);
      return { key, size: up.bytes, sha256: up.sha256, ...(storeChecksum ? { storeChecksum } : {}) };
    } catch (error) {
      throw toStoreError(error, `put ${key}`);
    }
  }

  async head(key: string): Promise<api.ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const out = await this.client.send(
        new HeadObjectCommand({
          Bucket: this.options.bucket,
          Key: this.#fullKey(key),
          ChecksumMode: "ENABLED",
        }),
      );
      // Only our own metadata vouches for a whole-object SHA-256: servers disagree on what a
      // multipart object's checksum is, so that one is compared verbatim (as `storeChecksum`) instead.
      const sha256 = out.Metadata?.sha256;
      const storeChecksum = storeFingerprint(out.ChecksumSHA256, out.ETag);
      return {
        key,
        size: out.ContentLength ?? 0,
        ...(sha256 ? { sha256 } : {}),
        ...(storeChecksum ? { storeChecksum } : {}),
      };
    } catch (error) {
      const mapped = toStoreError(error, `head ${key}`);
      if (mapped instanceof NotFoundError) return undefined;
      throw mapped;
    }
  }

  async get(key: string, options: api.GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    const { range } = options;
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.#fullKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ""}` } : {}),
        }),
      );
      if (!(out.Body instanceof Readable)) throw new Error("the SDK returned no Node.js stream");
      return out.Body;
    } catch (error) {
      throw toStoreError(error, `get ${key}`);
    }
  }

  async *list(prefix: string, options: api.ListOptions = {}): AsyncIterable<api.ObjectSummary> {
    assertValidPrefix(prefix);
    for await (const page of this.#pages(prefix, options.pageSize ? { MaxKeys: options.pageSize } : {})) {
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield {
          key: item.Key.slice(this.#prefix.length),
          size: item.Size ?? 0,
          ...(item.LastModified ? { lastModified: item.LastModified } : {}),
        };
      }
    }
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    assertFolderPrefix(prefix);
    const found: string[] = [];
    for await (const page of this.#pages(prefix, { Delimiter: "/" })) {
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix !== undefined) found.push(p.Prefix.slice(this.#prefix.length));
      }
    }
    return found.sort();
  }

  /** Every page of a ListObjectsV2 under our prefix + `prefix`, fetched as the caller asks for them. */
  async *#pages(prefix: string, extra: { MaxKeys?: number; Delimiter?: string }) {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.#prefix + prefix,
            ...extra,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        throw toStoreError(error, `list ${prefix}`);
      }
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(keys: readonly string[]): Promise<void> {
    keys.forEach(assertValidKey);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((key) => ({ Key: this.#fullKey(key) }));
      let out;
      try {
        out = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: batch, Quiet: true } }),
        );
      } catch (error) {
        throw toStoreError(error, `delete ${batch.length} objects`);
      }
      const failed = out.Errors?.[0];
      if (failed !== undefined) {
        throw toStoreError(
          { name: failed.Code, message: failed.Message, $metadata: { httpStatusCode: 500 } },
          `delete ${failed.Key ?? "?"} (and ${out.Errors!.length - 1} more)`,
        );
      }
    }
  }

  async putText(
    key: string,
    text: string,
    contentType = "text/plain; charset=utf-8",
  ): Promise<api.StoredObject> {
    assertValidKey(key);
    try {
      const params = this.#writeParams(key, contentType);
      const out = await putBuffer(this.client, params, Buffer.from(text, "utf8"), this.#serverChecksums);
      return { key, ...out };
    } catch (error) {
      throw toStoreError(error, `put ${key}`);
    }
  }

  async getText(key: string): Promise<string> {
    const body = await this.get(key);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of body) chunks.push(chunk as Buffer);
    } catch (error) {
      throw toStoreError(error, `get ${key}`);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  get #serverChecksums(): boolean {
    return this.options.serverChecksums !== false;
  }

  #fullKey(key: string): string {
    return this.#prefix + key;
  }

  #writeParams(key: string, contentType: string | undefined): Omit<PutObjectCommandInput, "Body"> {
    const { bucket, sse } = this.options;
    return writeParams(bucket, this.#fullKey(key), {
      contentType,
      sse,
      serverChecksums: this.#serverChecksums,
    });
  }
}
