import { createHash, type Hash } from "node:crypto";
import { PassThrough, pipeline, type Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { IntegrityError, ObjectStoreError } from "../agent/errors.js";
import type { ByteRange, ByteSource } from "./byte-source.js";
import { HashingStream, s3Sha256 } from "./hashing-stream.js";
import { withRetry } from "./retry.js";
import { toStoreError } from "./s3-client.js";
import { ThrottleStream, type RateLimiter } from "./throttle-stream.js";

const MIB = 1024 * 1024;
const MAX_PARTS = 10_000;

export interface SourceUploadOptions {
  client: S3Client;
  /** PutObject parameters without `Body` (bucket, key, content type, SSE, checksum algorithm). */
  params: Omit<PutObjectCommandInput, "Body">;
  source: ByteSource;
  partSize: number;
  /** Tries per request that carries bytes (the single PUT, each part), with backoff between them. */
  retry: { attempts: number; baseDelayMs: number };
  limiter?: RateLimiter;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

export interface SourceUploadResult {
  bytes: number;
  sha256: string;
  /** What S3 should report as `ChecksumSHA256` for these bytes cut into these parts. */
  expectedS3Sha256: string;
  /** What the server reported: its SHA-256 (whole or composite) and ETag, when it sent them. */
  checksumSha256?: string;
  etag?: string;
}

/**
 * Uploads a source to S3 with memory that does not depend on its size: a single PUT when it fits in one
 * part, otherwise a multipart upload whose parts are sent one after another, each streamed from its own
 * byte range of the source (a file read, never a buffer). Each part is hashed on its way out, and the
 * whole object's SHA-256 is carried from part to part, so the source is read once; a part that fails
 * transiently is read again from its range, its bytes hashed afresh from the state before it.
 *
 * With `ChecksumAlgorithm` in `params` the SDK sends each request's SHA-256 as a trailer that the server
 * verifies against the bytes it received; the part checksums it echoes must match ours, and the object's
 * composite checksum is compared with ours by the caller. Any failure or abort aborts the multipart
 * upload, so no object and no parts remain.
 *
 * The part size grows past `partSize` when needed to stay within S3's 10,000 parts. Parallelism comes from
 * uploading several files at once: parts of one file go in order because the whole-object hash needs
 * its bytes in order, and reading them twice is what this avoids.
 */
export async function uploadSource(options: SourceUploadOptions): Promise<SourceUploadResult> {
  const { source, signal, onBytes } = options;
  const key = options.params.Key ?? "?";
  // Bytes reported and not taken back: a put that fails in the end gives all of them back.
  let reported = 0;
  const counted = onBytes
    ? {
        ...options,
        onBytes: (bytes: number) => {
          reported += bytes;
          onBytes(bytes);
        },
      }
    : options;
  try {
    signal?.throwIfAborted();
    const partSize = Math.max(options.partSize, Math.ceil(source.size / MAX_PARTS / MIB) * MIB);
    return source.size <= partSize ? await putSingle(counted) : await putMultipart(counted, partSize);
  } catch (error) {
    if (reported !== 0) onBytes?.(-reported);
    if (signal?.aborted) {
      throw new ObjectStoreError(`put ${key}: aborted`, { cause: error, retryable: false });
    }
    throw toStoreError(error, `put ${key}`);
  }
}

async function putSingle(options: SourceUploadOptions): Promise<SourceUploadResult> {
  const { client, params, source } = options;
  if (source.size === 0) {
    // Nothing to stream: the checksum of no bytes is known, so it goes in a header.
    const digest = createHash("sha256").digest();
    const checksum = params.ChecksumAlgorithm ? { ChecksumSHA256: digest.toString("base64") } : {};
    const out = await client.send(
      new PutObjectCommand({ ...params, Body: Buffer.alloc(0), ContentLength: 0, ...checksum }),
      signalOption(options.signal),
    );
    return result(0, digest, [digest], false, out);
  }
  const sent = await withRetry(
    () =>
      sendRange(options, { start: 0, end: source.size - 1 }, undefined, (body, length, abortSignal) =>
        client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: length }), {
          abortSignal,
        }),
      ),
    retryOptions(options),
  );
  checkEcho(params, sent.out.ChecksumSHA256, sent.digest, "object");
  return result(source.size, sent.digest, [sent.digest], false, sent.out);
}

async function putMultipart(options: SourceUploadOptions, partSize: number): Promise<SourceUploadResult> {
  const { client, params, source } = options;
  const { Bucket, Key } = params;
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket,
      Key,
      ContentType: params.ContentType,
      ChecksumAlgorithm: params.ChecksumAlgorithm,
      ServerSideEncryption: params.ServerSideEncryption,
      SSEKMSKeyId: params.SSEKMSKeyId,
      Metadata: params.Metadata,
    }),
    signalOption(options.signal),
  );
  const UploadId = created.UploadId;
  if (UploadId === undefined) throw new ObjectStoreError(`put ${Key}: the store returned no upload ID`);
  try {
    let whole = createHash("sha256");
    const digests: Buffer[] = [];
    const parts: CompletedPart[] = [];
    for (let start = 0, PartNumber = 1; start < source.size; start += partSize, PartNumber++) {
      const range = { start, end: Math.min(start + partSize, source.size) - 1 };
      const sent = await withRetry(async () => {
        // Each try continues the whole-object hash from where the previous part left it.
        const attempt = whole.copy();
        const done = await sendRange(options, range, attempt, (body, length, abortSignal) =>
          client.send(
            new UploadPartCommand({
              Bucket,
              Key,
              UploadId,
              PartNumber,
              Body: body,
              ContentLength: length,
              ChecksumAlgorithm: params.ChecksumAlgorithm,
            }),
            { abortSignal },
          ),
        );
        return { ...done, whole: attempt };
      }, retryOptions(options));
      whole = sent.whole;
      checkEcho(params, sent.out.ChecksumSHA256, sent.digest, `part ${PartNumber}`);
      digests.push(sent.digest);
      parts.push({
        PartNumber,
        ETag: sent.out.ETag,
        ...(params.ChecksumAlgorithm ? { ChecksumSHA256: sent.digest.toString("base64") } : {}),
      });
    }
    const out = await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
      signalOption(options.signal),
    );
    return result(source.size, whole.digest(), digests, true, out);
  } catch (error) {
    // Not under the caller's signal: an aborted put must still clean up its parts.
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    throw error;
  }
}

/**
 * Streams one range of the source into `send`: source → throttle → hasher → request body. A failure of
 * the source (a disk error, a short file) aborts the request and is what this throws, rather than the
 * SDK's view of a body that stopped. A failed try reports its bytes back as unsent.
 *
 * The body the SDK reads is a pass-through that is only ever ended or destroyed *without* an error: the
 * SDK pipes it into the request (through its checksum-trailer encoder) with nothing listening for a
 * stream error, so an error emitted there would be an uncaught exception. Failures travel by aborting the
 * request instead.
 */
async function sendRange<T>(
  options: SourceUploadOptions,
  range: ByteRange,
  whole: Hash | undefined,
  send: (body: Readable, length: number, abortSignal: AbortSignal) => Promise<T>,
): Promise<{ out: T; digest: Buffer }> {
  const length = range.end - range.start + 1;
  const { onBytes, limiter } = options;
  const hasher = new HashingStream({
    expectedSize: length,
    ...(whole ? { also: whole } : {}),
    ...(onBytes ? { onBytes } : {}),
  });
  const request = new AbortController();
  const onAbort = (): void => request.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const source = options.source.open(range);
  const body = new PassThrough();
  let sourceError: unknown;
  const stages = limiter ? [source, new ThrottleStream(limiter), hasher] : [source, hasher];
  pipeline(stages, (error) => {
    if (!error || (error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    sourceError ??= error;
    request.abort(error);
  });
  // Not in the pipeline, which would destroy it with the error.
  hasher.pipe(body);
  try {
    const out = await send(body, length, request.signal);
    return { out, digest: hasher.digest() };
  } catch (error) {
    for (const stage of stages) stage.destroy();
    body.destroy();
    if (hasher.bytes > 0) onBytes?.(-hasher.bytes);
    throw toStoreError(sourceError ?? error, `put ${options.params.Key ?? "?"}`);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** A server that echoes a checksum must echo ours: it verified the bytes it got against the trailer. */
function checkEcho(
  params: Omit<PutObjectCommandInput, "Body">,
  echoed: string | undefined,
  digest: Buffer,
  what: string,
): void {
  if (params.ChecksumAlgorithm && echoed !== undefined && echoed !== digest.toString("base64")) {
    throw new IntegrityError(`${params.Key ?? "?"}: ${what}: the store's SHA-256 differs from ours`);
  }
}

function result(
  bytes: number,
  digest: Buffer,
  partDigests: Buffer[],
  multipart: boolean,
  out: { ChecksumSHA256?: string | undefined; ETag?: string | undefined },
): SourceUploadResult {
  return {
    bytes,
    sha256: digest.toString("hex"),
    expectedS3Sha256: s3Sha256(partDigests, multipart),
    ...(out.ChecksumSHA256 ? { checksumSha256: out.ChecksumSHA256 } : {}),
    ...(out.ETag ? { etag: out.ETag } : {}),
  };
}

function retryOptions(options: SourceUploadOptions) {
  return { ...options.retry, ...(options.signal ? { signal: options.signal } : {}) };
}

function signalOption(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

/**
 * The store's own fingerprint of an object, as recorded in a manifest and compared by a shallow verify:
 * its SHA-256 checksum when it keeps one, else its ETag (which changes whenever the object is rewritten,
 * so a replacement is caught even on stores that keep no checksums).
 */
export function storeFingerprint(checksumSha256?: string, etag?: string): string | undefined {
  if (checksumSha256) return `sha256:${checksumSha256}`;
  return etag ? `etag:${etag}` : undefined;
}

/** Server-side encryption: S3-managed keys, or KMS (the bucket's default key unless one is named). */
export type Sse = { mode: "AES256" } | { mode: "aws:kms"; kmsKeyId?: string };

/** The PutObject/CreateMultipartUpload parameters every write of the store shares. */
export function writeParams(
  bucket: string,
  key: string,
  options: { contentType: string | undefined; sse: Sse | undefined; serverChecksums: boolean },
): Omit<PutObjectCommandInput, "Body"> {
  const { contentType, sse } = options;
  return {
    Bucket: bucket,
    Key: key,
    ...(contentType ? { ContentType: contentType } : {}),
    ...(options.serverChecksums ? { ChecksumAlgorithm: "SHA256" as const } : {}),
    ...(sse ? { ServerSideEncryption: sse.mode } : {}),
    ...(sse?.mode === "aws:kms" && sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}),
  };
}

/**
 * Stores a small body (a manifest) in one PUT. The SHA-256 is known up front, so it goes both in the
 * checksum header the server verifies and in `x-amz-meta-sha256`, which `head` reports back.
 */
export async function putBuffer(
  client: S3Client,
  params: Omit<PutObjectCommandInput, "Body">,
  bytes: Buffer,
  serverChecksums: boolean,
): Promise<{ size: number; sha256: string; storeChecksum?: string }> {
  const digest = createHash("sha256").update(bytes).digest();
  const sha256 = digest.toString("hex");
  const out = await client.send(
    new PutObjectCommand({
      ...params,
      Body: bytes,
      ContentLength: bytes.length,
      Metadata: { ...params.Metadata, sha256 },
      ...(serverChecksums ? { ChecksumSHA256: digest.toString("base64") } : {}),
    }),
  );
  const storeChecksum = storeFingerprint(out.ChecksumSHA256, out.ETag);
  return { size: bytes.length, sha256, ...(storeChecksum ? { storeChecksum } : {}) };
}
