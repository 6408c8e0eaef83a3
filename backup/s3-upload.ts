import { createHash } from "node:crypto";
import { pipeline, type Readable } from "node:stream";
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { HashingStream } from "./hashing-stream.js";
import { ThrottleStream } from "./throttle-stream.js";

const MIB = 1024 * 1024;
const MAX_PARTS = 10_000;

export interface StreamUploadOptions {
  client: S3Client;
  /** PutObject parameters without `Body` (bucket, key, content type, SSE, checksum algorithm). */
  params: Omit<PutObjectCommandInput, "Body">;
  body: Readable;
  size: number;
  partSize: number;
  queueSize: number;
  bandwidthLimit?: number;
  signal?: AbortSignal;
}

export interface StreamUploadResult {
  bytes: number;
  sha256: string;
  /** What S3 should report as `ChecksumSHA256` for these bytes cut into these parts. */
  expectedS3Sha256: string;
  /** What the server reported: its SHA-256 (whole or composite) and ETag, when it sent them. */
  checksumSha256?: string;
  etag?: string;
}

/**
 * Streams one body to S3 with lib-storage: a single PUT when it fits in one part, otherwise a multipart
 * upload holding at most `queueSize + 1` parts in memory. The body passes through an optional throttle
 * and a {@link HashingStream} on its way, so the SHA-256 comes out of the same pass. Any failure (the
 * body's, the network's, an abort) aborts the multipart upload so no object and no parts remain.
 *
 * The part size grows past `partSize` when needed to stay within S3's 10,000 parts; the hasher uses the
 * same size so its composite checksum matches the server's.
 */
export async function uploadStream(options: StreamUploadOptions): Promise<StreamUploadResult> {
  if (options.signal?.aborted) {
    options.body.destroy();
    throw Object.assign(new Error("upload aborted before it started"), { name: "AbortError" });
  }
  const partSize = Math.max(options.partSize, Math.ceil(options.size / MAX_PARTS / MIB) * MIB);
  const hasher = new HashingStream(partSize, options.size);
  const limit = options.bandwidthLimit ?? 0;
  const stages = limit > 0 ? [options.body, new ThrottleStream(limit), hasher] : [options.body, hasher];
  pipeline(stages, () => undefined); // a failure destroys `hasher` too, which fails the upload
  const upload = new Upload({
    client: options.client,
    params: { ...options.params, Body: hasher },
    partSize,
    queueSize: options.queueSize,
    leavePartsOnError: false,
  });
  const onAbort = (): void => void upload.abort().catch(() => undefined);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await upload.done();
    return {
      bytes: hasher.bytes,
      sha256: hasher.sha256Hex(),
      expectedS3Sha256: hasher.s3Sha256(),
      ...(result.ChecksumSHA256 ? { checksumSha256: result.ChecksumSHA256 } : {}),
      ...(result.ETag ? { etag: result.ETag } : {}),
    };
  } catch (error) {
    // Stop reading the source now (an open SSTable, a throttled stream), not when the pipeline notices.
    options.body.destroy();
    hasher.destroy();
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
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
