import type { AgentConfig } from "../agent/config.js";
import { ConfigError } from "../agent/errors.js";
import { FsObjectStore } from "./fs-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { DeferredObjectStore } from "./deferred-object-store.js";

export type StoreConfig = Pick<
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
  | "s3MaxAttempts"
  | "s3ChecksumWhenRequired"
  | "backupBandwidthLimit"
>;

/**
 * Builds the configured {@link ObjectStore} for the composition root, which owns it and calls `close` on
 * shutdown (the S3 client keeps sockets open). Credentials come from the SDK's default chain (IRSA / pod
 * identity, environment, profile), never from the agent's config. The AWS SDK is loaded on the store's
 * first use: it is a large share of the agent's memory, and the local-directory target never needs it.
 */
export function createObjectStore(config: StoreConfig): { store: ObjectStore; close(): void } {
  if (config.backupTarget === "fs") return { store: new FsObjectStore(config.backupDir), close: () => {} };
  const bucket = config.s3Bucket;
  if (!bucket) throw new ConfigError("AGENT_S3_BUCKET: is required when AGENT_BACKUP_TARGET=s3");
  let close: (() => void) | undefined;
  const store = new DeferredObjectStore(async () => {
    const { s3StoreFromConfig } = await import("./s3-store-from-config.js");
    const built = s3StoreFromConfig({ ...config, s3Bucket: bucket });
    close = built.close;
    return built.store;
  });
  return { store, close: () => close?.() };
}
