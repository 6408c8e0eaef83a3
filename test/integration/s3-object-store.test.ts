import { randomBytes, randomUUID } from "node:crypto";
import { ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectStoreError } from "../../agent/errors.js";
import { createS3Client } from "../../backup/s3-client.js";
import { S3ObjectStore, type S3ObjectStoreOptions } from "../../backup/s3-object-store.js";
import { verifyObject } from "../../backup/verify-object.js";
import { chunked, objectStoreContract, sha256 } from "../contract/object-store.contract.js";
import { S3TestServer } from "../support/s3-server.js";

const BUCKET = "backups";
const MIB = 1024 * 1024;
let server: S3TestServer;
let raw: S3Client;

beforeAll(async () => {
  server = await S3TestServer.start(BUCKET);
  raw = createS3Client(server.clientOptions({ maxAttempts: 1 }));
}, 600_000);

afterAll(async () => {
  raw?.destroy();
  await server?.dispose();
});

async function openUploads(prefix: string): Promise<string[]> {
  const out = await raw.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Uploads ?? []).map((u) => `${u.Key ?? "?"} ${u.UploadId ?? "?"}`);
}

/** A store on a fresh prefix of the shared server, plus the hooks the contract needs. */
function fixture(options: Partial<S3ObjectStoreOptions> = {}, checksumWhenRequired = false) {
  return async () => {
    const prefix = `t-${randomUUID()}/`;
    const client = createS3Client(server.clientOptions({ maxAttempts: 3, checksumWhenRequired }));
    const store = new S3ObjectStore(client, { bucket: BUCKET, prefix, partSize: 5 * MIB, ...options });
    return {
      store,
      async corrupt(key: string) {
        // A plain SDK put: no SHA-256 checksum and none of our metadata, like a foreign writer's.
        const body = randomBytes((await store.head(key))?.size ?? 0);
        await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: prefix + key, Body: body }));
      },
      leftovers: () => openUploads(prefix),
      cleanup: async () => client.destroy(),
    };
  };
}

objectStoreContract("S3ObjectStore (S3Mock)", fixture());
objectStoreContract(
  "S3ObjectStore (S3Mock, WHEN_REQUIRED checksums, AES256)",
  fixture({ serverChecksums: false, sse: { mode: "AES256" } }, true),
);

describe("S3ObjectStore against a real server", () => {
  it("records the server's composite SHA-256 of a multipart upload", async () => {
    const store = new S3ObjectStore(createS3Client(server.clientOptions()), {
      bucket: BUCKET,
      prefix: `t-${randomUUID()}`,
      partSize: 5 * MIB,
    });
    const bytes = randomBytes(12 * MIB);
    const stored = await store.put("Data.db", chunked(bytes), { size: bytes.length });
    expect(stored.sha256).toBe(sha256(bytes));
    expect(stored.storeChecksum).toMatch(/^sha256:[A-Za-z0-9+/]+=*-3$/);
    expect((await store.head("Data.db"))?.storeChecksum).toBe(stored.storeChecksum);
  });

  it("throttles uploads to the bandwidth limit", async () => {
    const store = new S3ObjectStore(createS3Client(server.clientOptions()), {
      bucket: BUCKET,
      prefix: `t-${randomUUID()}`,
      bandwidthLimit: 4 * MIB,
    });
    const bytes = randomBytes(2 * MIB);
    const started = performance.now();
    const stored = await store.put("slow", chunked(bytes), { size: bytes.length });
    expect(performance.now() - started).toBeGreaterThanOrEqual(400); // 2 MiB at 4 MiB/s: ≥ 0.5 s
    await verifyObject(store, stored, { deep: true });
  });

  it("reports the server going down mid-upload as a retryable ObjectStoreError", async () => {
    const prefix = `t-${randomUUID()}/`;
    const client = createS3Client(server.clientOptions({ maxAttempts: 2, requestTimeoutMs: 5_000 }));
    const store = new S3ObjectStore(client, {
      bucket: BUCKET,
      prefix,
      partSize: 5 * MIB,
      bandwidthLimit: 4 * MIB,
    });
    const bytes = randomBytes(12 * MIB);
    const outcome = store.put("Data.db", chunked(bytes), { size: bytes.length }).catch((e: unknown) => e);
    // Wait until the multipart upload has begun (the first part is read after ~1.25 s), then cut it off.
    while ((await openUploads(prefix)).length === 0) await new Promise((r) => setTimeout(r, 100));
    await server.stop();
    try {
      const error = await outcome;
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as ObjectStoreError).retryable).toBe(true);
    } finally {
      await server.start();
    }
    expect(await store.head("Data.db")).toBeUndefined();
    // The abort could not reach the server either, so its parts may linger until a bucket lifecycle rule
    // (AbortIncompleteMultipartUpload) removes them; a retry (here: the next put) works once it is back.
    const stored = await store.put("Data.db", chunked(bytes), { size: bytes.length });
    await verifyObject(store, stored);
    client.destroy();
  }, 120_000);
});
