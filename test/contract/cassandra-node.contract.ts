import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CassandraNode } from "../../agent/cassandra/node.js";
import {
  CassandraMBeanNotFoundError,
  CassandraOperationError,
  CassandraUnavailableError,
} from "../../agent/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface CassandraNodeSubject {
  /** A running node in NORMAL mode in a one-node cluster. */
  node: CassandraNode;
  /** The same kind of node whose JVM cannot be reached. */
  unreachable: CassandraNode;
  expected: { clusterName: string; datacenter: string; rack: string; dataDirs: string[] };
  /** Creates a fresh keyspace with one table holding a few rows; returns their names. */
  withData: () => Promise<{ keyspace: string; table: string }>;
  /** A NORMAL node that the drain tests may drain for good (the real suite starts a throwaway one). */
  drainable: () => Promise<CassandraNode>;
}

/**
 * What every `CassandraNode` must do, run against the fake and against a real Cassandra node so the fake
 * can never claim what the real one does not do.
 */
export function cassandraNodeContract(name: string, subject: () => CassandraNodeSubject): void {
  describe(`CassandraNode contract: ${name}`, () => {
    it("reports a NORMAL node with its identity and ring view", async () => {
      const { node, expected } = subject();
      const status = await node.status();
      expect(status.operationMode).toBe("NORMAL");
      expect(status).toMatchObject({ gossipRunning: true, nativeTransportRunning: true, joined: true });
      expect(status).toMatchObject({ draining: false, drained: false });
      expect(status.hostId).toMatch(UUID);
      expect(status.schemaVersion).toMatch(UUID);
      expect(status.releaseVersion).toMatch(/^5\.0\.\d+/);
      const { dataDirs: _dirs, ...identity } = expected;
      expect(status).toMatchObject(identity);
      expect(status.tokens.length).toBeGreaterThan(0);
      for (const token of status.tokens) expect(token).toMatch(/^-?\d+$/);
      expect(status.endpoint).toMatch(/^[\d.]+:\d+$/);
      expect(status.liveEndpoints).toContain(status.endpoint);
      expect(status.unreachableEndpoints).toEqual([]);
      expect(status.hostIdToEndpoint[status.hostId ?? ""]).toBe(status.endpoint);
      expect(status.uptimeMs).toBeGreaterThan(0);
    });

    it("lists keyspaces with their tables, sorted", async () => {
      const keyspaces = await subject().node.keyspaces();
      const names = keyspaces.map((k) => k.name);
      expect(names).toEqual([...names].sort());
      expect(keyspaces.find((k) => k.name === "system_schema")?.tables).toEqual(
        expect.arrayContaining(["keyspaces", "tables"]),
      );
      expect(keyspaces.find((k) => k.name === "system")?.tables).toEqual(
        expect.arrayContaining(["local", "peers_v2"]),
      );
    });

    it("answers a CQL ping", async () => {
      await expect(subject().node.cqlPing(5_000)).resolves.toBeUndefined();
    });

    it("stops and starts the native transport, and the status follows", async () => {
      const { node } = subject();
      await node.stopNativeTransport();
      try {
        expect((await node.status()).nativeTransportRunning).toBe(false);
        expect((await node.status()).operationMode).toBe("NORMAL");
      } finally {
        await node.startNativeTransport();
      }
      expect((await node.status()).nativeTransportRunning).toBe(true);
    });

    it("drains to DRAINED with gossip and native transport stopped; a second drain is harmless", async () => {
      const node = await subject().drainable();
      await node.drain(120_000);
      const status = await node.status();
      expect(status).toMatchObject({ operationMode: "DRAINED", drained: true, draining: false });
      expect(status).toMatchObject({ gossipRunning: false, nativeTransportRunning: false });
      await expect(node.drain(120_000)).resolves.toBeUndefined();
      expect((await node.status()).operationMode).toBe("DRAINED");
    });

    it("reports its data directories", async () => {
      const { node, expected } = subject();
      expect(await node.dataFileLocations()).toEqual(expected.dataDirs);
    });

    it("snapshots a keyspace into its table directories, refuses a tag twice, and clears it", async () => {
      const { node, expected, withData } = subject();
      const { keyspace, table } = await withData();
      const tag = `contract-${Date.now()}`;
      await node.takeSnapshot(tag, [keyspace], { skipFlush: false });
      const files = await snapshotFiles(expected.dataDirs, keyspace, table, tag);
      expect(files.some((f) => f.endsWith("-Data.db"))).toBe(true);
      await expect(node.takeSnapshot(tag, [keyspace], { skipFlush: false })).rejects.toBeInstanceOf(
        CassandraOperationError,
      );
      await node.clearSnapshot(tag, []);
      expect(await snapshotFiles(expected.dataDirs, keyspace, table, tag)).toEqual([]);
      await expect(node.clearSnapshot(`${tag}-never-taken`, [])).resolves.toBeUndefined();
    });

    it("imports SSTables from a directory named <keyspace>/<table dir>, moving them, and refuses an unknown table", async () => {
      const { node, expected, withData } = subject();
      const { keyspace, table } = await withData();
      const tag = `import-${Date.now()}`;
      await node.takeSnapshot(tag, [keyspace], { skipFlush: false });
      const files = (await snapshotFiles(expected.dataDirs, keyspace, table, tag)).filter((f) =>
        /-big-|-bti-/.test(f),
      );
      const tableDir = files[0]?.split("/").at(-4) ?? "";
      const staging = join(expected.dataDirs[0] ?? "", ".contract-import", keyspace, tableDir);
      await mkdir(staging, { recursive: true });
      // One generation only: the snapshot of each data directory numbers its files on its own.
      const generation = /-(\d+)-/.exec(files[0] ?? "")?.[1];
      for (const f of files.filter((f) => f.includes(`-${generation}-`))) {
        await copyFile(f, join(staging, f.split("/").at(-1) ?? ""));
      }
      const options = { copyData: false, verify: true, verifyTokens: true };
      await node.importSSTables(keyspace, table, [staging], options);
      expect((await readdir(staging)).filter((f) => f.endsWith("-Data.db"))).toEqual([]);
      await expect(node.importSSTables(keyspace, "no_such_table", [staging], options)).rejects.toBeInstanceOf(
        CassandraMBeanNotFoundError,
      );
      await rm(join(expected.dataDirs[0] ?? "", ".contract-import"), { recursive: true, force: true });
      await node.clearSnapshot(tag, []);
    });

    it("applies a schema statement", async () => {
      const { node, withData } = subject();
      const { keyspace } = await withData();
      await node.applySchema(
        `CREATE TABLE ${keyspace}.applied (\n    id int PRIMARY KEY\n) WITH ID = ${randomUUID()};`,
      );
      const info = (await node.keyspaces()).find((k) => k.name === keyspace);
      expect(info?.tables).toContain("applied");
    });

    it("describes the schema as CQL with table IDs", async () => {
      const { node, withData } = subject();
      const { keyspace, table } = await withData();
      const cql = await node.describeSchema();
      expect(cql).toContain(`CREATE KEYSPACE ${keyspace} WITH`);
      expect(cql).toMatch(
        new RegExp(`CREATE TABLE ${keyspace}\\.${table} \\([\\s\\S]*WITH ID = [0-9a-f-]{36}`),
      );
      expect(cql).not.toContain("CREATE KEYSPACE system_schema");
    });

    it("rejects with a retryable CassandraUnavailableError when the JVM cannot be reached", async () => {
      const { unreachable } = subject();
      const status = unreachable.status();
      await expect(status).rejects.toBeInstanceOf(CassandraUnavailableError);
      await expect(status).rejects.toMatchObject({ retryable: true, code: "cassandra-unavailable" });
      await expect(unreachable.keyspaces()).rejects.toBeInstanceOf(CassandraUnavailableError);
    });
  });
}

/** Files of snapshot `tag` of one table across all data directories. */
async function snapshotFiles(dataDirs: string[], keyspace: string, table: string, tag: string) {
  const found: string[] = [];
  for (const dataDir of dataDirs) {
    const tableDirs = await readdir(join(dataDir, keyspace)).catch(() => [] as string[]);
    for (const dir of tableDirs.filter((d) => d.startsWith(`${table}-`))) {
      const snap = join(dataDir, keyspace, dir, "snapshots", tag);
      found.push(...(await readdir(snap).catch(() => [] as string[])).map((f) => join(snap, f)));
    }
  }
  return found;
}
