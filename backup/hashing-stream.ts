import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { IntegrityError } from "../agent/errors.js";

export interface HashingStreamOptions {
  /**
   * When given, the stream fails with `IntegrityError` on a byte more or at an early end, *before* the
   * consumer sees the end of the data, so no upload of the wrong length completes.
   */
  expectedSize?: number;
  /**
   * A second hash fed the same bytes. A multipart upload hashes each part on its own and the whole object
   * across parts: this is the whole object's hash, continued part after part.
   */
  also?: Hash;
  /** Called with each chunk's length as it passes (progress). */
  onBytes?: (bytes: number) => void;
}

/**
 * A pass-through stream that hashes what flows through it, so an upload or a download is checksummed in
 * the same pass that moves the bytes (an SSTable is read once, never twice).
 */
export class HashingStream extends Transform {
  readonly #hash = createHash("sha256");
  #bytes = 0;

  constructor(private readonly options: HashingStreamOptions = {}) {
    super();
  }

  /** Bytes passed through so far (and reported to `onBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const { expectedSize } = this.options;
    if (expectedSize !== undefined && this.#bytes + chunk.length > expectedSize) {
      callback(new IntegrityError(`body is longer than the declared ${expectedSize} bytes`));
      return;
    }
    this.#bytes += chunk.length;
    this.#hash.update(chunk);
    this.options.also?.update(chunk);
    this.options.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { expectedSize } = this.options;
    if (expectedSize !== undefined && this.#bytes !== expectedSize) {
      callback(new IntegrityError(`body ended after ${this.#bytes} of the declared ${expectedSize} bytes`));
      return;
    }
    callback();
  }

  /** SHA-256 of the bytes seen, raw. Call once the stream has ended. */
  digest(): Buffer {
    return this.#hash.copy().digest();
  }

  /** SHA-256 of the bytes seen, hex. Call once the stream has ended. */
  sha256Hex(): string {
    return this.digest().toString("hex");
  }
}

/**
 * The checksum S3 reports for an object: the base64 SHA-256 of a single PUT, or for a multipart upload the
 * *composite* `base64(sha256(d1‖d2‖…))-N` over the parts' raw digests.
 */
export function s3Sha256(partDigests: readonly Buffer[], multipart: boolean): string {
  if (!multipart) return (partDigests[0] ?? createHash("sha256").digest()).toString("base64");
  const composite = createHash("sha256").update(Buffer.concat(partDigests)).digest("base64");
  return `${composite}-${partDigests.length}`;
}
