import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { IntegrityError } from "../agent/errors.js";

/**
 * A pass-through stream that hashes what flows through it, so an upload is checksummed in the same pass
 * that sends it (an SSTable is read once, never twice).
 *
 * Besides the whole-object SHA-256 it can hash fixed-size parts, because S3 reports a multipart object's
 * checksum as a *composite*: the SHA-256 of the concatenated part digests, suffixed `-<parts>`. Knowing the
 * part size the uploader will cut, we can compute that composite ourselves and compare it with the one the
 * server computed from the bytes it actually received.
 */
export class HashingStream extends Transform {
  #whole = createHash("sha256");
  #part: Hash | undefined;
  #partBytes = 0;
  #partDigests: Buffer[] = [];
  #bytes = 0;

  /**
   * @param partSize the multipart part size, or 0 when only the whole-object hash is wanted.
   * @param expectedSize when given, the stream fails with `IntegrityError` on a byte more or at an early
   *   end, *before* the consumer sees the end of the data, so no upload of the wrong length completes.
   */
  constructor(
    private readonly partSize = 0,
    private readonly expectedSize?: number,
  ) {
    super();
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#whole.update(chunk);
    this.#bytes += chunk.length;
    if (this.expectedSize !== undefined && this.#bytes > this.expectedSize) {
      callback(new IntegrityError(`body is longer than the declared ${this.expectedSize} bytes`));
      return;
    }
    if (this.partSize > 0) this.#hashParts(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.#bytes !== this.expectedSize) {
      callback(
        new IntegrityError(`body ended after ${this.#bytes} of the declared ${this.expectedSize} bytes`),
      );
      return;
    }
    callback();
  }

  #hashParts(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      this.#part ??= createHash("sha256");
      const take = Math.min(chunk.length - offset, this.partSize - this.#partBytes);
      this.#part.update(chunk.subarray(offset, offset + take));
      this.#partBytes += take;
      offset += take;
      if (this.#partBytes === this.partSize) this.#closePart();
    }
  }

  #closePart(): void {
    if (this.#part === undefined) return;
    this.#partDigests.push(this.#part.digest());
    this.#part = undefined;
    this.#partBytes = 0;
  }

  /** Whole-object SHA-256, hex. Call once the stream has ended. */
  sha256Hex(): string {
    return this.#whole.copy().digest("hex");
  }

  /**
   * The checksum S3 would report for these bytes cut into `partSize` parts: the plain base64 SHA-256 when
   * they fit in one part (a single PUT), otherwise the composite `base64(sha256(d1‖d2‖…))-N`.
   */
  s3Sha256(): string {
    if (this.partSize <= 0 || this.#bytes <= this.partSize) return this.#whole.copy().digest("base64");
    this.#closePart();
    const composite = createHash("sha256");
    for (const digest of this.#partDigests) composite.update(digest);
    return `${composite.digest("base64")}-${this.#partDigests.length}`;
  }
}
