import type { ObjectStore } from "./object-store.js";
import type { StoreConfig } from "./object-store-factory.js";
import { createS3Client } from "./s3-client.js";
import { S3ObjectStore } from "./s3-object-store.js";

/** The S3 store and its client from the agent's options; loaded only when the target is S3. */
export function s3StoreFromConfig(config: StoreConfig & { s3Bucket: string }): {
  store: ObjectStore;
  close(): void;
} {
  const client = createS3Client({
    region: config.s3Region,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    forcePathStyle: config.s3ForcePathStyle,
    maxAttempts: config.s3MaxAttempts,
    checksumWhenRequired: config.s3ChecksumWhenRequired,
  });
  const sse =
    config.s3Sse === "AES256"
      ? { mode: "AES256" as const }
      : config.s3Sse === "aws:kms"
        ? { mode: "aws:kms" as const, ...(config.s3SseKmsKeyId ? { kmsKeyId: config.s3SseKmsKeyId } : {}) }
        : undefined;
  const store = new S3ObjectStore(client, {
    bucket: config.s3Bucket,
    prefix: config.s3Prefix,
    partSize: config.s3PartSize,
    partAttempts: config.s3MaxAttempts,
    bandwidthLimit: config.backupBandwidthLimit,
    serverChecksums: !config.s3ChecksumWhenRequired,
    ...(sse ? { sse } : {}),
  });
  return { store, close: () => client.destroy() };
}
