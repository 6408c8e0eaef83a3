import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import type { JolokiaCassandraNode } from "../../agent/cassandra/jolokia-node.js";
import { runBackup } from "../../backup/backup-run.js";
import { listNodeBackups } from "../../backup/catalog.js";
import { FsObjectStore } from "../../backup/fs-object-store.js";
import { dataPrefix, manifestKey, type NodeIdentity } from "../../backup/layout.js";
import { readManifest } from "../../backup/manifest.js";
import { purgeBackups } from "../../backup/purge.js";
import { verifyBackup } from "../../backup/verify.js";
import { capturedLogger } from "../support/app-deps.js";
import { writeTables } from "../support/backup-data.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

const KEYSPACES = ["bk_ret"];
const DAY = 86_400_000;
const { logger } = capturedLogger();
let cassandra: CassandraProcess;
let node: JolokiaCassandraNode;
let cql: CqlSession;
let root: string;
let store: FsObjectStore;
let self: NodeIdentity;

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  node = cassandraNodeFor(cassandra.spec, 10_000);
  cql = new CqlSession({ host: cassandra.spec.address, port: cassandra.spec.nativePort, timeoutMs: 30_000 });
  await cql.execute("DROP KEYSPACE IF EXISTS bk_ret");
  root = await mkdtemp(join(tmpdir(), "backup-retention-"));
  store = new FsObjectStore(root);
  const status = await node.status();
  self = { clusterName: status.clusterName, datacenter: status.datacenter, hostId: status.hostId! };
}, 600_000);
afterAll(async () => {
  await cql?.close();
  await node?.close();
  if (root) await rm(root, { recursive: true, force: true });
});
printLogsOnFailure(() => (cassandra ? [cassandra] : []));

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of store.list(prefix)) keys.push(item.key);
  return keys.sort();
}

describe("retention over a series of real backups (local-directory store)", () => {
  it("keeps exactly what the rules say and never deletes an object a kept manifest references", async () => {
    const names = ["r1", "r2", "r3", "r4", "r5"];
    for (const [i, name] of names.entries()) {
      await writeTables(cql, "bk_ret", ["t1", "t2"], 100, 1_000, i * 1_000);
      if (i === 3) await cassandra.nodetool("compact", "bk_ret");
      await runBackup(
        { node, store, logger },
        { name, keyspaces: KEYSPACES },
        {
          concurrency: 2,
          retry: { attempts: 1, baseDelayMs: 1 },
        },
      );
    }
    const allBefore = await keysUnder(dataPrefix(self));
    const rules = { keepLast: 2, graceMs: 60 * 60_000 };
    const [report] = await purgeBackups(store, self, new Set([self.hostId]), rules, {
      now: new Date(Date.now() + DAY),
      logger,
    });
    expect(report).toMatchObject({ kept: ["r5", "r4"], dropped: ["r3", "r2", "r1"] });
    expect((await listNodeBackups(store, self)).map((b) => b.name)).toEqual(["r5", "r4"]);
    const referenced = new Set<string>();
    for (const name of ["r4", "r5"]) {
      for (const f of (await readManifest(store, manifestKey(self, name))).files) referenced.add(f.key);
      await expect(verifyBackup(store, self, name, { deep: true })).resolves.toMatchObject({ ok: true });
    }
    const after = await keysUnder(dataPrefix(self));
    expect(after).toEqual([...referenced].sort());
    // The compaction made the oldest SSTables unreferenced: they were deleted, and only they.
    expect(report!.deletedObjects).toBe(allBefore.length - after.length);
    expect(report!.deletedObjects).toBeGreaterThan(0);

    // Within the grace period nothing more goes, whatever the rules.
    const [graced] = await purgeBackups(
      store,
      self,
      new Set([self.hostId]),
      { keepLast: 1, graceMs: 2 * DAY },
      {
        now: new Date(Date.now() + DAY),
        logger,
      },
    );
    expect(graced).toMatchObject({ kept: ["r5"], dropped: ["r4"], deletedObjects: 0 });
    await expect(verifyBackup(store, self, "r5", { deep: true })).resolves.toMatchObject({ ok: true });
  }, 300_000);
});
