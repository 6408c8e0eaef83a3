import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../agent/config.js";
import { DeferredObjectStore } from "../../../backup/deferred-object-store.js";
import { FsObjectStore } from "../../../backup/fs-object-store.js";
import { createObjectStore } from "../../../backup/object-store-factory.js";
import { S3ObjectStore } from "../../../backup/s3-object-store.js";

describe("backup store options", () => {
  it("defaults to the local-directory store", () => {
    const { store, close } = createObjectStore(loadConfig({ AGENT_BACKUP_DIR: "/tmp/x" }));
    expect(store).toBeInstanceOf(FsObjectStore);
    expect((store as FsObjectStore).root).toBe("/tmp/x");
    close();
  });

  it("builds an S3 store from the S3 options", async () => {
    const config = loadConfig({
      AGENT_BACKUP_TARGET: "s3",
      AGENT_S3_BUCKET: "b",
      AGENT_S3_SSE: "aws:kms",
      AGENT_S3_SSE_KMS_KEY_ID: "key-1",
      AGENT_S3_PART_SIZE: String(8 * 1024 * 1024),
      AGENT_S3_CHECKSUM_WHEN_REQUIRED: "true",
      AGENT_BACKUP_BANDWIDTH_LIMIT: "1000000",
    });
    expect(config).toMatchObject({
      s3Sse: "aws:kms",
      s3PartSize: 8 * 1024 * 1024,
      s3ChecksumWhenRequired: true,
    });
    const { store, close } = createObjectStore(config);
    // The SDK is loaded on first use; the store behind it is the S3 one.
    expect(store).toBeInstanceOf(DeferredObjectStore);
    expect(await (store as DeferredObjectStore).resolve()).toBeInstanceOf(S3ObjectStore);
    close();
  });

  it("names the variable and what it accepts when an S3 option is wrong", () => {
    expect(() => loadConfig({ AGENT_S3_PART_SIZE: "1024" })).toThrow(/AGENT_S3_PART_SIZE/);
    expect(() => loadConfig({ AGENT_S3_SSE: "KMS" })).toThrow(/AGENT_S3_SSE.*"AES256"/s);
    expect(() => loadConfig({ AGENT_S3_SSE_KMS_KEY_ID: "k" })).toThrow(/AGENT_S3_SSE_KMS_KEY_ID/);
  });
});
