import type { CqlSession } from "./cql-session.js";
import * as views from "./cql-views.js";
import type { JolokiaClient } from "./jolokia-client.js";
import { JolokiaOperations, OP } from "./jolokia-operations.js";
import { readRing } from "./jolokia-ring.js";
import { MBEAN, SNITCH_ATTRIBUTES, STORAGE_SERVICE_STATUS_ATTRIBUTES } from "./mbeans.js";
import type { CassandraNode, KeyspaceInfo, NodeStatus, StatusOptions } from "./node.js";
import { parseNodeStatus } from "./status-parser.js";
import type { RingView } from "./views.js";
import { CassandraOperationError } from "../errors.js";

export interface JolokiaCassandraNodeOptions {
  /** Bound on one long JMX operation (decommission, repair …); reads keep the client's own bound. */
  operationTimeoutMs?: number;
}

/** `CassandraNode` over Jolokia (JMX) for state and operations, and CQL for schema and virtual tables. */
export class JolokiaCassandraNode implements CassandraNode {
  private readonly ops: JolokiaOperations;

  constructor(
    private readonly jolokia: JolokiaClient,
    private readonly cql: CqlSession,
    options: JolokiaCassandraNodeOptions = {},
  ) {
    this.ops = new JolokiaOperations(jolokia, options.operationTimeoutMs ?? 24 * 3_600_000);
  }

  async status(options: StatusOptions = {}): Promise<NodeStatus> {
    const [storageService, snitch, runtime] = await this.jolokia.bulk(
      [
        { type: "read", mbean: MBEAN.storageService, attribute: [...STORAGE_SERVICE_STATUS_ATTRIBUTES] },
        { type: "read", mbean: MBEAN.endpointSnitchInfo, attribute: [...SNITCH_ATTRIBUTES] },
        { type: "read", mbean: MBEAN.runtime, attribute: "Uptime" },
      ],
      options.timeoutMs,
    );
    for (const outcome of [storageService, snitch, runtime]) {
      if (outcome && !outcome.ok) throw outcome.error;
    }
    const value = (o: typeof storageService) => (o?.ok ? o.value : undefined);
    return parseNodeStatus(value(storageService), value(snitch), value(runtime));
  }

  keyspaces(): Promise<KeyspaceInfo[]> {
    return this.cql.keyspaces();
  }

  cqlPing(timeoutMs: number): Promise<void> {
    return this.cql.ping(timeoutMs);
  }

  async stopNativeTransport(): Promise<void> {
    await this.jolokia.exec(MBEAN.storageService, OP.stopNativeTransport);
  }

  async startNativeTransport(): Promise<void> {
    await this.jolokia.exec(MBEAN.storageService, OP.startNativeTransport);
  }

  async drain(timeoutMs: number): Promise<void> {
    await this.jolokia.exec(MBEAN.storageService, OP.drain, [], timeoutMs);
  }

  ring(keyspace?: string): Promise<RingView> {
    return readRing(this.jolokia, keyspace ?? null);
  }

  schemaVersions = () => this.ops.schemaVersions();
  compactions = () => this.ops.compactions();
  throughput = () => this.ops.throughput();
  streams = () => views.streams(this.cql);
  threadPools = () => views.threadPools(this.cql);
  snapshots = () => views.snapshots(this.cql);

  setThroughput: CassandraNode["setThroughput"] = (changes) => this.ops.setThroughput(changes);
  flush: CassandraNode["flush"] = (ks, tables) => this.ops.flush(ks, tables);
  compact: CassandraNode["compact"] = (ks, tables, split) => this.ops.compact(ks, tables, split);
  cleanup: CassandraNode["cleanup"] = (ks, tables, jobs) => this.ops.cleanup(ks, tables, jobs);
  garbageCollect: CassandraNode["garbageCollect"] = (ks, t, g, jobs) =>
    this.ops.garbageCollect(ks, t, g, jobs);
  upgradeSSTables: CassandraNode["upgradeSSTables"] = (ks, t, all, jobs) =>
    this.ops.upgradeSSTables(ks, t, all, jobs);
  scrub: CassandraNode["scrub"] = (ks, tables, options) => this.ops.scrub(ks, tables, options);
  rebuild: CassandraNode["rebuild"] = (dc, ks) => this.ops.rebuild(dc, ks);
  decommission: CassandraNode["decommission"] = (force) => this.ops.decommission(force);
  startRepair: CassandraNode["startRepair"] = (ks, options) => this.ops.startRepair(ks, options);
  repairStatus: CassandraNode["repairStatus"] = (command) => this.ops.repairStatus(command);
  takeSnapshot: CassandraNode["takeSnapshot"] = (tag, entities, o) => this.ops.takeSnapshot(tag, entities, o);
  clearSnapshot: CassandraNode["clearSnapshot"] = (tag, keyspaces) => this.ops.clearSnapshot(tag, keyspaces);

  async dataFileLocations(): Promise<string[]> {
    const value = await this.jolokia.read(MBEAN.storageService, "AllDataFileLocations");
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      throw new CassandraOperationError("unexpected AllDataFileLocations answer from Cassandra");
    }
    return value;
  }

  describeSchema(): Promise<string> {
    return this.cql.describeSchema();
  }

  importSSTables: CassandraNode["importSSTables"] = (ks, table, dirs, o) =>
    this.ops.importSSTables(ks, table, dirs, o);

  async applySchema(statement: string): Promise<void> {
    await this.cql.execute(statement);
  }

  async close(): Promise<void> {
    await this.cql.close();
  }
}
