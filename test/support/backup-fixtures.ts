import { emptyTotals, MANIFEST_FORMAT, type Manifest } from "../../backup/manifest.js";

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
