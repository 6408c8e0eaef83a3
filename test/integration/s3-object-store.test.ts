import { randomBytes, randomUUID } from "node:crypto";
import { ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectStoreError } from "../../agent/errors.js";
import { createS3Client } from "../../backup/s3-client.js";
import { S3ObjectStore, type S3ObjectStoreOptions } from "../../backup/s3-object-store.js";
import { verifyObject } from "../../backup/verify-object.js";
import { chunked, objectStoreContract, sha256 } from "../contract/object-store.contract.js";
import { CuttingProxy } from "../support/cutting-proxy.js";
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
    const stored = await store.put("Data.db", chunked(bytes));
    expect(stored.sha256).toBe(sha256(bytes));
    expect(stored.storeChecksum).toMatch(/^sha256:[A-Za-z0-9+/]+=*-3$/);
    expect((await store.head("Data.db"))?.storeChecksum).toBe(stored.storeChecksum);
  });

  it("holds all uploads of a store together to the bandwidth limit", async () => {
    const store = new S3ObjectStore(createS3Client(server.clientOptions()), {
      bucket: BUCKET,
      prefix: `t-${randomUUID()}`,
      bandwidthLimit: 4 * MIB,
    });
    const a = randomBytes(MIB);
    const b = randomBytes(MIB);
    const started = performance.now();
    const stored = await Promise.all([store.put("a", chunked(a)), store.put("b", chunked(b))]);
    // 2 MiB at 4 MiB/s: ≥ 0.5 s together (each alone at the limit would take 0.25 s).
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    for (const object of stored) await verifyObject(store, object, { deep: true });
  });

  it("sends a part again, read afresh from its range, when its connection is cut", async () => {
    const proxy = await CuttingProxy.start(server.port);
    const prefix = `t-${randomUUID()}/`;
    const client = createS3Client({ ...server.clientOptions({ maxAttempts: 1 }), endpoint: proxy.endpoint });
    const store = new S3ObjectStore(client, {
      bucket: BUCKET,
      prefix,
      partSize: 5 * MIB,
      partAttempts: 3,
      partRetryDelayMs: 200,
    });
    try {
      const bytes = randomBytes(12 * MIB);
      const source = chunked(bytes);
      let reported = 0;
      let armed = false;
      // Cut the connection that carries the second part, 2 MiB into it (once: not its retry).
      const put = store.put("Data.db", source, {
        onBytes: (n) => {
          reported += n;
          if (!armed && reported > 5 * MIB) {
            armed = true;
            proxy.cutAfter(2 * MIB);
          }
        },
      });
      const stored = await put;
      expect(proxy.cuts).toBe(1);
      expect(source.opened.length, "the cut part was opened again").toBe(4);
      expect(source.read).toBeGreaterThan(bytes.length);
      expect(reported, "progress counts each byte once").toBe(bytes.length);
      expect(stored.sha256).toBe(sha256(bytes));
      expect(stored.storeChecksum).toMatch(/-3$/);
      await verifyObject(store, stored, { deep: true });
      expect(await openUploads(prefix)).toEqual([]);
    } finally {
      client.destroy();
      await proxy.close();
    }
  }, 60_000);

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
    const outcome = store.put("Data.db", chunked(bytes)).catch((e: unknown) => e);
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
    const stored = await store.put("Data.db", chunked(bytes));
    await verifyObject(store, stored);
    client.destroy();
  }, 120_000);
});
