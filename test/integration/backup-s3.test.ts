import { randomUUID } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import type { JolokiaCassandraNode } from "../../agent/cassandra/jolokia-node.js";
import { ObjectStoreError } from "../../agent/errors.js";
import { runBackup, type BackupOptions } from "../../backup/backup-run.js";
import { manifestKey, runKey } from "../../backup/layout.js";
import { readManifest, type Manifest } from "../../backup/manifest.js";
import { readRunRecord } from "../../backup/run-record.js";
import { createS3Client } from "../../backup/s3-client.js";
import { S3ObjectStore } from "../../backup/s3-object-store.js";
import { verifyBackup } from "../../backup/verify.js";
import { capturedLogger } from "../support/app-deps.js";
import { snapshotOnDisk, snapshotTagsOnDisk, writeTables, type DiskFile } from "../support/backup-data.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { S3TestServer } from "../support/s3-server.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

const BUCKET = "backups";
const MIB = 1024 * 1024;
const KEYSPACES = ["bk_a", "bk_b", "system_schema"];
const options: BackupOptions = { concurrency: 2, retry: { attempts: 2, baseDelayMs: 200 } };
const { logger } = capturedLogger();

let cassandra: CassandraProcess;
let node: JolokiaCassandraNode;
let cql: CqlSession;
let server: S3TestServer;
let client: S3Client;
let store: S3ObjectStore;
/** What each snapshot held on disk just before the agent cleared it, by tag. */
const onDisk = new Map<string, DiskFile[]>();
let observed: JolokiaCassandraNode;

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  node = cassandraNodeFor(cassandra.spec, 10_000);
  // The agent's node, but each snapshot's files are recorded (independently) before it is cleared.
  observed = Object.create(node) as JolokiaCassandraNode;
  observed.clearSnapshot = async (tag: string | null, keyspaces: string[]) => {
    if (tag !== null) onDisk.set(tag, await snapshotOnDisk(cassandra.spec.dataDirs, tag, KEYSPACES));
    return node.clearSnapshot(tag, keyspaces);
  };
  cql = new CqlSession({ host: cassandra.spec.address, port: cassandra.spec.nativePort, timeoutMs: 30_000 });
  await cql.execute("DROP KEYSPACE IF EXISTS bk_a");
  await cql.execute("DROP KEYSPACE IF EXISTS bk_b");
  await writeTables(cql, "bk_a", ["t1", "t2"], 300, 2_000);
  await writeTables(cql, "bk_b", ["big"], 600, 10_000);
  server = await S3TestServer.start(BUCKET);
  client = createS3Client(server.clientOptions({ maxAttempts: 2, requestTimeoutMs: 5_000 }));
  store = new S3ObjectStore(client, { bucket: BUCKET, prefix: `it-${randomUUID()}`, partSize: 5 * MIB });
}, 600_000);

afterAll(async () => {
  client?.destroy();
  await server?.dispose();
  await cql?.close();
  await node?.close();
});
printLogsOnFailure(() => (cassandra ? [cassandra] : []));

async function backup(name: string, s = store): Promise<Manifest> {
  await runBackup({ node: observed, store: s, logger }, { name, keyspaces: KEYSPACES }, options);
  const status = await node.status();
  return readManifest(s, manifestKey({ ...status, hostId: status.hostId! }, name));
}

const fileId = (f: { dataDir: number; keyspace: string; tableDir: string; path: string }) =>
  `${f.dataDir}:${f.keyspace}/${f.tableDir}/${f.path}`;

describe("backups of a real node to S3 (S3Mock)", () => {
  let first: Manifest;

  it("uploads the snapshot file for file, from both data directories, with their SHA-256", async () => {
    first = await backup("first");
    const disk = onDisk.get(first.snapshotTag)!;
    expect(disk.length).toBeGreaterThan(0);
    expect(first.files.map(fileId).sort()).toEqual(disk.map(fileId).sort());
    const bySha = new Map(disk.map((f) => [fileId(f), f]));
    for (const file of first.files) {
      expect(file).toMatchObject({
        size: bySha.get(fileId(file))!.size,
        sha256: bySha.get(fileId(file))!.sha256,
      });
    }
    expect(new Set(first.files.map((f) => f.dataDir))).toEqual(new Set([0, 1]));
    expect(new Set(first.files.map((f) => f.keyspace))).toEqual(new Set(KEYSPACES));
    expect(first.dataDirectories).toEqual(cassandra.spec.dataDirs);
    expect(first.node.tokens).toEqual([cassandra.spec.initialToken]);
    expect(first.schema.cql).toMatch(/CREATE TABLE bk_b\.big \([\s\S]*WITH ID = /);
    expect(first.totals).toMatchObject({ files: disk.length, uploadedFiles: disk.length, skippedFiles: 0 });
    expect(await snapshotTagsOnDisk(cassandra.spec.dataDirs)).not.toContain(first.snapshotTag);
    await expect(verifyBackup(store, first.node, "first", { deep: true })).resolves.toMatchObject({
      ok: true,
    });
  });

  it("uploads no SSTable bytes the second time", async () => {
    const second = await backup("second");
    expect(second.totals).toMatchObject({
      uploadedFiles: 0,
      uploadedBytes: 0,
      skippedFiles: first.files.length,
    });
    expect(second.files.map((f) => f.key).sort()).toEqual(first.files.map((f) => f.key).sort());
  });

  it("after a compaction, uploads only the new SSTables", async () => {
    await writeTables(cql, "bk_a", ["t1"], 200, 2_000, 10_000);
    await cassandra.nodetool("flush", "bk_a", "t1");
    const before = await backup("before-compaction");
    await cassandra.nodetool("compact", "bk_a", "t1");
    const after = await backup("after-compaction");
    const known = new Set(before.files.map((f) => f.key));
    const fresh = after.files.filter((f) => !known.has(f.key));
    expect(fresh.length).toBeGreaterThan(0);
    expect(new Set(fresh.map((f) => `${f.keyspace}.${f.table}`))).toEqual(new Set(["bk_a.t1"]));
    expect(after.totals.uploadedFiles).toBe(fresh.length);
    expect(after.totals.uploadedBytes).toBe(fresh.reduce((sum, f) => sum + f.size, 0));
    // The other tables were not touched: all of their files were reused.
    const others = after.files.filter((f) => f.table !== "t1" || f.keyspace !== "bk_a");
    expect(others.every((f) => known.has(f.key))).toBe(true);
  });

  it("the store going down mid-upload fails the backup without a manifest; the next one succeeds", async () => {
    const prefix = `outage-${randomUUID()}`;
    const slow = new S3ObjectStore(client, {
      bucket: BUCKET,
      prefix,
      partSize: 5 * MIB,
      bandwidthLimit: MIB,
    });
    let bytesDone = 0;
    const run = runBackup(
      { node: observed, store: slow, logger },
      { name: "cut", keyspaces: KEYSPACES },
      options,
      {
        onProgress: (p) => void (bytesDone = p.bytesDone),
      },
    ).catch((error: unknown) => error);
    while (bytesDone < MIB) await new Promise((r) => setTimeout(r, 100));
    await server.stop();
    let error: unknown;
    try {
      error = await run;
    } finally {
      await server.start();
    }
    expect(error).toBeInstanceOf(ObjectStoreError);
    const status = await node.status();
    const self = { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId! };
    expect(await slow.head(manifestKey(self, "cut"))).toBeUndefined();
    expect(
      (await snapshotTagsOnDisk(cassandra.spec.dataDirs)).filter((t) => t.startsWith("cpa-backup-")),
    ).toEqual([]);
    // The store was down when the run failed, so its record may still say running: never complete.
    expect((await readRunRecord(slow, runKey(self, "cut")))?.state).not.toBe("complete");
    const fast = new S3ObjectStore(client, { bucket: BUCKET, prefix, partSize: 5 * MIB });
    const retried = await backup("cut", fast);
    expect(retried.totals.files).toBe(retried.files.length);
    await expect(verifyBackup(fast, self, "cut")).resolves.toMatchObject({ ok: true });
  }, 180_000);

  it("verify finds a corrupted object, shallow and deep", async () => {
    const target = first.files.find((f) => f.path.endsWith("-Data.db"))!;
    const fullKey = `${(store as unknown as { options: { prefix: string } }).options.prefix}/${target.key}`;
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: fullKey, Body: Buffer.alloc(target.size, 7) }),
    );
    for (const deep of [false, true]) {
      const report = await verifyBackup(store, first.node, "first", { deep });
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.key)).toEqual([target.key]);
    }
  });
});
