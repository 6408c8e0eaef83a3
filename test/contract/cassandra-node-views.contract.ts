import { describe, expect, it, vi } from "vitest";
import { CassandraOperationError, CassandraRejectedError } from "../../agent/errors.js";
import type { CassandraNodeSubject } from "./cassandra-node.contract.js";

/**
 * Ring, schema and activity views, and the operations that a one-node cluster can run safely, checked on
 * the fake and on a real node alike. What a lone node refuses (decommission, a repair with no other replica)
 * is part of the contract too.
 */
export function cassandraNodeViewsContract(
  name: string,
  subject: () => Pick<CassandraNodeSubject, "node" | "unreachable"> & {
    expected: Omit<CassandraNodeSubject["expected"], "dataDirs">;
  },
): void {
  describe(`CassandraNode views and operations: ${name}`, () => {
    it("shows the lone node in the ring: up, normal, owning everything, with its host ID and tokens", async () => {
      const { node, expected } = subject();
      const status = await node.status();
      const ring = await node.ring();
      expect(ring.endpoints).toHaveLength(1);
      expect(ring.endpoints[0]).toMatchObject({
        endpoint: status.endpoint,
        hostId: status.hostId,
        status: "up",
        state: "normal",
        datacenter: expected.datacenter,
        rack: expected.rack,
        tokens: status.tokens,
      });
      expect(ring.endpoints[0]?.ownership).toBeCloseTo(1, 5);
      expect(ring.endpoints[0]?.load).toMatch(/^[\d.]+ (bytes|KiB|MiB|GiB)$/);
      expect((await node.ring("system_auth")).keyspace).toBe("system_auth");
      await expect(node.ring("no_such_keyspace")).rejects.toBeInstanceOf(CassandraRejectedError);
      // Effective ownership of a LocalStrategy keyspace is meaningless; Cassandra refuses it.
      await expect(node.ring("system")).rejects.toBeInstanceOf(CassandraRejectedError);
    });

    it("reports one schema version, held by the node", async () => {
      const { node } = subject();
      const status = await node.status();
      expect(await node.schemaVersions()).toEqual({ [status.schemaVersion]: [status.endpoint] });
    });

    it("reports compactions, streams and thread pools", async () => {
      const { node } = subject();
      const compactions = await node.compactions();
      expect(compactions.pendingTasks).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(compactions.active)).toBe(true);
      expect(Array.isArray(await node.streams())).toBe(true);
      const pools = (await node.threadPools()).map((p) => p.name);
      expect(pools).toEqual(expect.arrayContaining(["CompactionExecutor", "ReadStage", "MutationStage"]));
    });

    it("flushes a keyspace and refuses an unknown one", async () => {
      const { node } = subject();
      await expect(node.flush("system_schema", [])).resolves.toBeUndefined();
      await expect(node.flush("no_such_keyspace", [])).rejects.toBeInstanceOf(CassandraRejectedError);
      await expect(node.cleanup("no_such_keyspace", [], 1)).rejects.toBeInstanceOf(CassandraRejectedError);
    });

    it("takes, lists and clears a snapshot by tag", async () => {
      const { node } = subject();
      const tag = `contract-${Date.now()}`;
      await node.takeSnapshot(tag, ["system_schema.tables"], { skipFlush: false });
      expect((await node.snapshots()).filter((s) => s.tag === tag)).toEqual([
        expect.objectContaining({ keyspace: "system_schema", table: "tables" }),
      ]);
      await node.clearSnapshot(tag, ["system_schema"]);
      expect((await node.snapshots()).filter((s) => s.tag === tag)).toEqual([]);
    });

    it("reads and sets compaction and streaming throughput", async () => {
      const { node } = subject();
      const before = await node.throughput();
      expect(before.compactionMiBPerSec).toBeGreaterThanOrEqual(0);
      try {
        await node.setThroughput({ compactionMiBPerSec: 17, streamMbitPerSec: 80 });
        expect(await node.throughput()).toMatchObject({ compactionMiBPerSec: 17, streamMbitPerSec: 80 });
      } finally {
        await node.setThroughput({
          compactionMiBPerSec: Math.round(before.compactionMiBPerSec),
          streamMbitPerSec: Math.round(before.streamMbitPerSec),
        });
      }
    });

    it("refuses to decommission the only node", async () => {
      await expect(subject().node.decommission(false)).rejects.toBeInstanceOf(CassandraOperationError);
    });

    it("starts a repair and reports its end; a lone node has nothing to repair", async () => {
      const { node } = subject();
      const command = await node.startRepair("system_distributed", {
        tables: [],
        incremental: false,
        primaryRange: false,
        dataCenters: [],
        parallelism: "parallel",
      });
      expect(command).toBeGreaterThan(0);
      const status = await vi.waitFor(
        async () => {
          const s = await node.repairStatus(command);
          expect(s.state).not.toBe("in-progress");
          return s;
        },
        { timeout: 20_000, interval: 200 },
      );
      expect(status.state).toBe("failed");
      expect(status.messages.join(" ")).toMatch(/Nothing to repair/);
      expect((await node.repairStatus(987_654)).state).toBe("unknown");
    });
  });
}
