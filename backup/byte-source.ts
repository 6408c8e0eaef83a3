import { createReadStream } from "node:fs";
import { Readable } from "node:stream";

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Bytes a store can read more than once and in pieces: a multipart upload opens one range per part, and a
 * part that fails is sent again by opening its range again. That is what keeps an upload's memory flat:
 * no part is ever held in memory to be able to resend it.
 */
export interface ByteSource {
  /** Exact byte count. A range that ends early fails the put with `IntegrityError`. */
  readonly size: number;
  /** A new stream of the bytes in `range` (within `0..size-1`); each call reads afresh. */
  open(range: ByteRange): Readable;
}

/** A file's bytes, read from disk one range at a time. `size` is the size the caller listed. */
export function fileSource(path: string, size: number): ByteSource {
  return { size, open: (range) => createReadStream(path, { start: range.start, end: range.end }) };
}

/** Bytes already in memory (a manifest, tests), streamed in `chunkSize` pieces as a file read would be. */
export function bufferSource(bytes: Buffer, chunkSize = 64 * 1024): ByteSource {
  return {
    size: bytes.length,
    open: (range) =>
      Readable.from(
        (function* () {
          for (let offset = range.start; offset <= range.end; offset += chunkSize) {
            yield bytes.subarray(offset, Math.min(offset + chunkSize, range.end + 1));
          }
        })(),
      ),
  };
}

/** All of `source` as one stream (an empty one without opening anything when the source is empty). */
export function openWhole(source: ByteSource): Readable {
  return source.size === 0 ? Readable.from([]) : source.open({ start: 0, end: source.size - 1 });
}
