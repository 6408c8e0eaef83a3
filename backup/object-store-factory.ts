import type { AgentConfig } from "../agent/config.js";
import { ConfigError } from "../agent/errors.js";
import { FsObjectStore } from "./fs-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { createS3Client } from "./s3-client.js";
import { S3ObjectStore } from "./s3-object-store.js";

type StoreConfig = Pick<
  AgentConfig,
  | "backupTarget"
  | "backupDir"
  | "s3Bucket"
  | "s3Prefix"
  | "s3Endpoint"
  | "s3Region"
  | "s3ForcePathStyle"
  | "s3Sse"
  | "s3SseKmsKeyId"
  | "s3PartSize"
  | "s3QueueSize"
  | "s3MaxAttempts"
  | "s3ChecksumWhenRequired"
  | "backupBandwidthLimit"
>;

/**
 * Builds the configured {@link ObjectStore} for the composition root, which owns it and calls `close` on
 * shutdown (the S3 client keeps sockets open). Credentials come from the SDK's default chain (IRSA / pod
 * identity, environment, profile), never from the agent's config.
 */
export function createObjectStore(config: StoreConfig): { store: ObjectStore; close(): void } {
  if (config.backupTarget === "fs") return { store: new FsObjectStore(config.backupDir), close: () => {} };
  if (!config.s3Bucket) throw new ConfigError("AGENT_S3_BUCKET: is required when AGENT_BACKUP_TARGET=s3");
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
    queueSize: config.s3QueueSize,
    bandwidthLimit: config.backupBandwidthLimit,
    serverChecksums: !config.s3ChecksumWhenRequired,
    ...(sse ? { sse } : {}),
  });
  return { store, close: () => client.destroy() };
}
