import { S3Client } from "@aws-sdk/client-s3";
import { AgentError, NotFoundError, ObjectStoreError } from "../agent/errors.js";

/** Connection settings for an S3 or S3-compatible endpoint; mirrors the `s3*` options of the config. */
export interface S3ClientOptions {
  region: string;
  /** Omit for AWS; set for S3-compatible servers (MinIO, Ceph, a test server on loopback). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Attempts per request, with the SDK's standard backoff and jitter between them. */
  maxAttempts?: number;
  /** See `s3ChecksumWhenRequired` in the config: the escape hatch for stores that reject SDK checksums. */
  checksumWhenRequired?: boolean;
  /** Bound on one request's socket inactivity, so a black-holed connection fails instead of hanging. */
  requestTimeoutMs?: number;
  /** Static credentials for tests only; production uses the SDK's default chain (IRSA, env, profile). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Builds the one S3 client an agent process uses. Kept apart from the store so the composition root
 * decides credentials and transport, and the store takes a client it can share with nothing else.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  const checksums = options.checksumWhenRequired ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: "standard",
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 60_000 },
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The SDK writes some warnings to the console unless given a logger (a failed streaming request is
    // one); the agent logs failures itself, as JSON, when it decides what they mean.
    logger: SILENT,
  });
}

const silence = (): void => undefined;
const SILENT = { trace: silence, debug: silence, info: silence, warn: silence, error: silence };

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NOT_FOUND = new Set(["NoSuchKey", "NotFound"]);
const THROTTLED = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestTimeout",
  "TooManyRequests",
]);
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "TimeoutError",
  "RequestTimeout",
]);
/** The store rejected the bytes we sent (checksum mismatch in transit): re-reading the source may help. */
const DIGEST = new Set([
  "BadDigest",
  "InvalidDigest",
  "XAmzContentSHA256Mismatch",
  "XAmzContentChecksumMismatch",
]);

/**
 * Maps whatever the SDK threw to our hierarchy, in this one place: a missing key becomes `NotFoundError`;
 * 5xx, throttling, digest rejections and dropped or refused connections become retryable
 * `ObjectStoreError`s; everything else (403, missing bucket, bad request) is not retryable.
 */
export function toStoreError(error: unknown, what: string): Error {
  if (error instanceof AgentError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  if (name !== "NoSuchBucket" && (NOT_FOUND.has(name) || status === 404)) {
    return new NotFoundError(`${what} does not exist`, { cause: error });
  }
  // The SDK attaches $metadata without a status when no HTTP answer came back at all.
  const network =
    NETWORK.has(name) || NETWORK.has(e.code ?? "") || (e.$metadata !== undefined && status === undefined);
  const retryable =
    network ||
    Boolean(e.$retryable) ||
    THROTTLED.has(name) ||
    DIGEST.has(name) ||
    status === 429 ||
    (status !== undefined && status >= 500);
  const detail = status === undefined ? name || "network error" : `${name || "error"} (HTTP ${status})`;
  return new ObjectStoreError(`${what}: ${detail}: ${e.message ?? ""}`.trim(), { cause: error, retryable });
}
