import { join } from "node:path";
import { ObjectStoreError } from "../../agent/errors.js";
import { FsObjectStore } from "../../backup/fs-object-store.js";
import type { ObjectStore } from "../../backup/object-store.js";
import { emptyTotals, MANIFEST_FORMAT, type Manifest } from "../../backup/manifest.js";
import { FakeCassandraNode } from "./fakes/fake-cassandra-node.js";
import { tableDirName, writeFakeSSTable } from "./fakes/fake-data-dirs.js";

/** A small valid manifest, for tests that need one. */
export function sampleManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    format: MANIFEST_FORMAT,
    name: "b1",
    startedAt: "2026-11-26T17:00:00.000Z",
    finishedAt: "2026-11-26T17:01:00.000Z",
    node: {
      clusterName: "c",
      datacenter: "dc1",
      rack: "r1",
      hostId: "0b9d1f6e-3c55-4a4e-9d1e-6c1c3f1d2a10",
      tokens: ["0"],
      releaseVersion: "5.0.8",
      endpoint: null,
    },
    keyspaces: ["ks"],
    dataDirectories: ["/d1", "/d2"],
    schema: { version: "v", cql: "CREATE KEYSPACE ks ...;" },
    snapshotTag: "cpa-1",
    files: [
      {
        key: "c/dc1/h/data/ks/t-0/nb-1-big-Data.db~1-3",
        keyspace: "ks",
        table: "t",
        tableId: "00000000-0000-0000-0000-000000000000",
        tableDir: "t-00000000000000000000000000000000",
        dataDir: 1,
        path: "nb-1-big-Data.db",
        size: 3,
        sha256: "a".repeat(64),
        mtimeMs: 1,
      },
    ],
    totals: { ...emptyTotals(), files: 1, bytes: 3, uploadedFiles: 1, uploadedBytes: 3 },
    ...overrides,
  };
}

/** A fake node with two real data directories holding a few fake SSTables, and a store in a temp dir. */
export async function fakeNodeWithData(root: string) {
  const dataDirs = [join(root, "data1"), join(root, "data2")];
  const node = Object.assign(new FakeCassandraNode({ clusterName: "unit" }), { dataDirs });
  node.keyspaceList = [
    ...node.keyspaceList,
    { name: "ks1", replication: {}, tables: ["t1", "t2"] },
    { name: "system_traces", replication: {}, tables: ["sessions"] },
  ];
  const t1 = tableDirName("t1");
  await writeFakeSSTable(dataDirs[0]!, "ks1", t1, 1, 5000);
  await writeFakeSSTable(dataDirs[1]!, "ks1", t1, 2, 7000);
  await writeFakeSSTable(dataDirs[1]!, "ks1", tableDirName("t2"), 1, 100);
  await writeFakeSSTable(dataDirs[0]!, "system_schema", tableDirName("tables"), 1, 300);
  await writeFakeSSTable(dataDirs[0]!, "system_traces", tableDirName("sessions"), 1, 300);
  const store = new FsObjectStore(join(root, "store"));
  return { node, store, dataDirs, t1 };
}

/**
 * A store that delegates to `inner`, except that streamed puts (SSTable uploads) fail like an unreachable
 * S3 endpoint (a retryable `ObjectStoreError`) while `down()` says so. Small text writes still work, so
 * the failed run's record can be checked.
 */
export function switchableStore(inner: ObjectStore, down: () => boolean): ObjectStore {
  const fail = (): never => {
    throw new ObjectStoreError("store is down", { retryable: true });
  };
  return {
    put: async (key, source, options) => (down() ? fail() : inner.put(key, source, options)),
    putText: (key, text, type) => inner.putText(key, text, type),
    head: (key) => inner.head(key),
    get: (key, options) => inner.get(key, options),
    list: (prefix, options) => inner.list(prefix, options),
    listPrefixes: (prefix) => inner.listPrefixes(prefix),
    delete: (keys) => inner.delete(keys),
    getText: (key) => inner.getText(key),
  };
}
