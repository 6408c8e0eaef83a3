import { Transform, type TransformCallback } from "node:stream";

/**
 * One upload ceiling shared by every stream of a store, so `AGENT_BACKUP_BANDWIDTH_LIMIT` bounds the
 * node's whole backup traffic however many files go up at once. A virtual clock: each chunk books the
 * link for `bytes / rate` after the last booking (or from now, when the link was idle) and is released when
 * its booking ends, so bursts are bounded by one chunk per stream.
 */
export class RateLimiter {
  #freeAt = 0;

  /** @param bytesPerSecond the ceiling; must be positive. */
  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError("bytesPerSecond must be positive");
  }

  /** Books the link for `bytes`; returns how many milliseconds to wait before releasing them. */
  reserve(bytes: number): number {
    const now = this.now();
    this.#freeAt = Math.max(now, this.#freeAt) + (bytes / this.bytesPerSecond) * 1000;
    return this.#freeAt - now;
  }
}

/**
 * Releases bytes no faster than its {@link RateLimiter} allows, so a backup of a large node does not
 * saturate the pod's network and starve Cassandra's own streaming and client traffic.
 */
export class ThrottleStream extends Transform {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly limiter: RateLimiter) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const wait = this.limiter.reserve(chunk.length);
    if (wait <= 1) {
      callback(null, chunk);
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      callback(null, chunk);
    }, wait);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    callback(error);
  }
}
