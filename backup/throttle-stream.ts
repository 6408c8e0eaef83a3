import { Transform, type TransformCallback } from "node:stream";

/**
 * Limits the rate bytes pass through, so a backup of a large node does not saturate the pod's network and
 * starve Cassandra's own streaming and client traffic. A simple virtual clock: each chunk is released no
 * earlier than `bytes so far / rate` after the first one, so bursts are bounded by one chunk.
 */
export class ThrottleStream extends Transform {
  #started: number | undefined;
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  /** @param bytesPerSecond the ceiling; must be positive. */
  constructor(
    private readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
    if (!(bytesPerSecond > 0)) throw new RangeError("bytesPerSecond must be positive");
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#started ??= this.now();
    this.#bytes += chunk.length;
    const due = this.#started + (this.#bytes / this.bytesPerSecond) * 1000;
    const wait = due - this.now();
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
