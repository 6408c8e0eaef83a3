import { z } from "zod";
import { CassandraOperationError, CassandraRejectedError } from "../errors.js";
import type { JolokiaClient } from "./jolokia-client.js";
import { jmxAnswer } from "./jmx-answer.js";
import { MBEAN, tableMBean } from "./mbeans.js";
import type { ImportOptions } from "./node.js";
import type {
  CompactionView,
  RepairOptions,
  RepairStatus,
  ScrubOptions,
  SchemaVersions,
  Throughput,
} from "./views.js";

/**
 * StorageService operations by their exact JMX signatures (Jolokia needs one for overloaded operations).
 * Long operations get the job bound (`operationTimeoutMs`) instead of the read bound. Exported so that the
 * test of the Jolokia access policy checks the policy lets every one of them through.
 */
export const OP = {
  flush: "forceKeyspaceFlush(java.lang.String,[Ljava.lang.String;)",
  compact: "forceKeyspaceCompaction(boolean,java.lang.String,[Ljava.lang.String;)",
  cleanup: "forceKeyspaceCleanup(int,java.lang.String,[Ljava.lang.String;)",
  garbageCollect: "garbageCollect(java.lang.String,int,java.lang.String,[Ljava.lang.String;)",
  upgrade: "upgradeSSTables(java.lang.String,boolean,int,[Ljava.lang.String;)",
  scrub: "scrub(boolean,boolean,boolean,boolean,int,java.lang.String,[Ljava.lang.String;)",
  rebuild: "rebuild(java.lang.String,java.lang.String,java.lang.String,java.lang.String)",
  decommission: "decommission(boolean)",
  repair: "repairAsync(java.lang.String,java.util.Map)",
  repairStatus: "getParentRepairStatus(int)",
  snapshot: "takeSnapshot(java.lang.String,java.util.Map,[Ljava.lang.String;)",
  clearSnapshot: "clearSnapshot(java.util.Map,java.lang.String,[Ljava.lang.String;)",
  drain: "drain()",
  stopNativeTransport: "stopNativeTransport()",
  startNativeTransport: "startNativeTransport()",
  effectiveOwnership: "effectiveOwnershipWithPort(java.lang.String)",
} as const;

/** The snitch's operations behind the ring view (on `EndpointSnitchInfo`, not StorageService). */
export const SNITCH_OP = { datacenter: "getDatacenter", rack: "getRack" } as const;

/** The one operation on a table's MBean (`org.apache.cassandra.db:type=Tables,…`), not on StorageService. */
export const TABLE_IMPORT_OP =
  "importNewSSTables(java.util.Set,boolean,boolean,boolean,boolean,boolean,boolean,boolean)";

/** The only StorageService attributes the agent writes (the access policy must allow exactly these). */
export const WRITABLE_ATTRIBUTES = [
  "CompactionThroughputMbPerSec",
  "StreamThroughputMbitPerSec",
  "InterDCStreamThroughputMbitPerSec",
] as const;

/** What `AllSSTableOpStatus` codes mean; nodetool fails on anything but 0 as well. */
const STATUS_CODES: Record<number, string> = {
  1: "aborted",
  2: "unable to cancel",
  3: "no SSTables to process",
};

/** JMX calls for the operations of `CassandraNode`; the node class delegates here. */
export class JolokiaOperations {
  constructor(
    private readonly jolokia: JolokiaClient,
    private readonly operationTimeoutMs: number,
  ) {}

  private run(operation: string, args: unknown[]): Promise<unknown> {
    return this.jolokia.exec(MBEAN.storageService, operation, args, this.operationTimeoutMs);
  }

  /** Runs an operation that returns an `AllSSTableOpStatus` code and fails on anything but success. */
  private async sstableOp(what: string, keyspace: string, operation: string, args: unknown[]): Promise<void> {
    const code = Number(await this.run(operation, args));
    if (code !== 0) {
      throw new CassandraOperationError(
        `${what} of keyspace ${keyspace}: ${STATUS_CODES[code] ?? `status ${code}`}; see the node's log`,
      );
    }
  }

  flush = async (ks: string, tables: string[]) => void (await this.run(OP.flush, [ks, tables]));
  compact = async (ks: string, tables: string[], split: boolean) =>
    void (await this.run(OP.compact, [split, ks, tables]));
  cleanup = (ks: string, tables: string[], jobs: number) =>
    this.sstableOp("cleanup", ks, OP.cleanup, [jobs, ks, tables]);
  garbageCollect = (ks: string, tables: string[], granularity: "ROW" | "CELL", jobs: number) =>
    this.sstableOp("garbage collection", ks, OP.garbageCollect, [granularity, jobs, ks, tables]);
  upgradeSSTables = (ks: string, tables: string[], includeCurrent: boolean, jobs: number) =>
    this.sstableOp("upgradesstables", ks, OP.upgrade, [ks, !includeCurrent, jobs, tables]);
  scrub = (ks: string, tables: string[], o: ScrubOptions) =>
    this.sstableOp("scrub", ks, OP.scrub, [
      o.disableSnapshot,
      o.skipCorrupted,
      o.checkData,
      o.reinsertOverflowedTtl,
      o.jobs,
      ks,
      tables,
    ]);
  rebuild = async (sourceDc: string | null, ks: string | null) =>
    void (await this.run(OP.rebuild, [sourceDc, ks, null, null]));
  decommission = async (force: boolean) => void (await this.run(OP.decommission, [force]));

  async startRepair(keyspace: string, o: RepairOptions): Promise<number> {
    const options: Record<string, string> = {
      incremental: String(o.incremental),
      primaryRange: String(o.primaryRange),
      parallelism: o.parallelism,
      ...(o.tables.length > 0 ? { columnFamilies: o.tables.join(",") } : {}),
      ...(o.dataCenters.length > 0 ? { dataCenters: o.dataCenters.join(",") } : {}),
    };
    return Number(await this.jolokia.exec(MBEAN.storageService, OP.repair, [keyspace, options]));
  }

  async repairStatus(command: number): Promise<RepairStatus> {
    const value = jmxAnswer(
      z.array(z.string()).nullable(),
      await this.jolokia.exec(MBEAN.storageService, OP.repairStatus, [command]),
      "getParentRepairStatus",
    );
    if (!value || value.length === 0) return { state: "unknown", messages: [] };
    const [state, ...messages] = value;
    const mapped = { IN_PROGRESS: "in-progress", COMPLETED: "completed", FAILED: "failed" } as const;
    return { state: mapped[state as keyof typeof mapped] ?? "unknown", messages };
  }

  takeSnapshot = async (tag: string, entities: string[], o: { skipFlush: boolean; ttl?: string }) =>
    void (await this.run(OP.snapshot, [
      tag,
      { skipFlush: String(o.skipFlush), ...(o.ttl ? { ttl: o.ttl } : {}) },
      entities,
    ]));
  clearSnapshot = async (tag: string | null, keyspaces: string[]) => {
    // Cassandra reads an empty tag as "every snapshot": only an explicit null may mean that.
    if (tag === "") throw new CassandraRejectedError("refusing to clear snapshots with an empty tag");
    await this.run(OP.clearSnapshot, [{}, tag ?? "", keyspaces]);
  };

  /** `importNewSSTables` answers the directories it could not import; any is a failure of the call. */
  async importSSTables(keyspace: string, table: string, dirs: string[], o: ImportOptions): Promise<void> {
    const failed = await this.jolokia.exec(
      tableMBean(keyspace, table),
      TABLE_IMPORT_OP,
      // srcPaths, resetLevel, clearRepaired, verifySSTables, verifyTokens, invalidateCaches, extendedVerify,
      // copyData
      [dirs, true, true, o.verify, o.verifyTokens, true, false, o.copyData],
      this.operationTimeoutMs,
    );
    const list = jmxAnswer(z.array(z.string()), failed ?? [], "importNewSSTables");
    if (list.length > 0) {
      throw new CassandraOperationError(
        `import into ${keyspace}.${table} failed for ${list.join(", ")}; see the node's log`,
      );
    }
  }

  async schemaVersions(): Promise<SchemaVersions> {
    const value = await this.jolokia.read(MBEAN.storageProxy, "SchemaVersionsWithPort");
    return jmxAnswer(z.record(z.string(), z.array(z.string())), value ?? {}, "SchemaVersionsWithPort");
  }

  async compactions(): Promise<CompactionView> {
    const [active, pending] = await Promise.all([
      this.jolokia.read(MBEAN.compactionManager, "Compactions"),
      this.jolokia.read(MBEAN.compactionPendingTasks, "Value"),
    ]);
    const rows = jmxAnswer(z.array(z.record(z.string(), z.string())), active ?? [], "Compactions");
    return {
      pendingTasks: Number(pending),
      active: rows.map((r) => ({
        id: r.compactionId ?? r.id ?? "",
        keyspace: r.keyspace ?? "",
        table: r.columnfamily ?? "",
        taskType: r.taskType ?? "",
        completed: Number(r.completed ?? 0),
        total: Number(r.total ?? 0),
        unit: r.unit ?? "",
      })),
    };
  }

  async throughput(): Promise<Throughput> {
    const value = (await this.jolokia.read(MBEAN.storageService, [
      "CompactionThroughtputMibPerSecAsDouble",
      "StreamThroughputMbitPerSecAsDouble",
      "InterDCStreamThroughputMbitPerSecAsDouble",
    ])) as Record<string, unknown>;
    return {
      compactionMiBPerSec: Number(value.CompactionThroughtputMibPerSecAsDouble),
      streamMbitPerSec: Number(value.StreamThroughputMbitPerSecAsDouble),
      interDcStreamMbitPerSec: Number(value.InterDCStreamThroughputMbitPerSecAsDouble),
    };
  }

  async setThroughput(changes: Partial<Throughput>): Promise<void> {
    const [compaction, stream, interDc] = WRITABLE_ATTRIBUTES;
    const writes: [string, number | undefined][] = [
      [compaction, changes.compactionMiBPerSec],
      [stream, changes.streamMbitPerSec],
      [interDc, changes.interDcStreamMbitPerSec],
    ];
    for (const [attribute, value] of writes) {
      if (value !== undefined)
        await this.jolokia.one({ type: "write", mbean: MBEAN.storageService, attribute, value });
    }
  }
}
