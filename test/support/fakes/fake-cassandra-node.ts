import { randomUUID } from "node:crypto";
import type {
  CassandraNode,
  KeyspaceInfo,
  NodeStatus,
  SnapshotOptions,
} from "../../../agent/cassandra/node.js";
import { type AgentError, CassandraUnavailableError } from "../../../agent/errors.js";
import { clearSnapshotOnDisk, snapshotOnDisk } from "./fake-data-dirs.js";

/** A healthy one-node status, shaped like what a real Cassandra 5.0 node reports. */
export function normalStatus(overrides: Partial<NodeStatus> = {}): NodeStatus {
  const hostId = overrides.hostId ?? randomUUID();
  const endpoint = overrides.endpoint ?? "127.0.0.1:7000";
  return {
    operationMode: "NORMAL",
    gossipRunning: true,
    nativeTransportRunning: true,
    joined: true,
    draining: false,
    drained: false,
    hostId,
    endpoint,
    clusterName: "fake",
    datacenter: "dc1",
    rack: "rack1",
    tokens: ["-9223372036854775808"],
    releaseVersion: "5.0.8",
    schemaVersion: randomUUID(),
    liveEndpoints: [endpoint],
    unreachableEndpoints: [],
    joiningEndpoints: [],
    leavingEndpoints: [],
    movingEndpoints: [],
    hostIdToEndpoint: hostId ? { [hostId]: endpoint } : {},
    uptimeMs: 60_000,
    ...overrides,
  };
}

const SYSTEM_KEYSPACES: KeyspaceInfo[] = [
  {
    name: "system",
    replication: { class: "org.apache.cassandra.locator.LocalStrategy" },
    tables: ["local", "peers_v2"],
  },
  {
    name: "system_schema",
    replication: { class: "org.apache.cassandra.locator.LocalStrategy" },
    tables: ["keyspaces", "tables"],
  },
];

/**
 * An in-memory `CassandraNode` for unit tests. Its state is set directly; `failWith` makes every call
 * reject as the real node's port would (unreachable, timed out …).
 */
export class FakeCassandraNode implements CassandraNode {
  state: NodeStatus;
  keyspaceList: KeyspaceInfo[] = [...SYSTEM_KEYSPACES];
  failure: AgentError | undefined;
  calls: string[] = [];
  drainDurationMs = 0;
  /** Real directories: snapshots are hard links made on disk, as Cassandra makes them. */
  dataDirs: string[] = [];
  schemaCql =
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'};\n";

  constructor(overrides: Partial<NodeStatus> = {}) {
    this.state = normalStatus(overrides);
  }

  failWith(error: AgentError | undefined): this {
    this.failure = error;
    return this;
  }

  set(overrides: Partial<NodeStatus>): this {
    this.state = { ...this.state, ...overrides };
    return this;
  }

  private async answer<T>(call: string, value: () => T): Promise<T> {
    this.calls.push(call);
    await Promise.resolve();
    if (this.failure) throw this.failure;
    return value();
  }

  status(): Promise<NodeStatus> {
    return this.answer("status", () => structuredClone(this.state));
  }

  keyspaces(): Promise<KeyspaceInfo[]> {
    return this.answer("keyspaces", () => structuredClone(this.keyspaceList));
  }

  cqlPing(_timeoutMs: number): Promise<void> {
    return this.answer("cqlPing", () => {
      if (!this.state.nativeTransportRunning) throw new CassandraUnavailableError("CQL is not reachable");
    });
  }

  stopNativeTransport(): Promise<void> {
    return this.answer("stopNativeTransport", () => {
      this.state.nativeTransportRunning = false;
    });
  }

  startNativeTransport(): Promise<void> {
    return this.answer("startNativeTransport", () => {
      this.state.nativeTransportRunning = true;
    });
  }

  /** Like Cassandra: DRAINING while it runs (for `drainDurationMs`), then DRAINED; a second call is a no-op. */
  async drain(_timeoutMs: number): Promise<void> {
    await this.answer("drain", () => undefined);
    if (this.state.operationMode === "DRAINED" || this.state.operationMode === "DRAINING") return;
    this.set({ operationMode: "DRAINING", draining: true, nativeTransportRunning: false });
    if (this.drainDurationMs > 0) await new Promise((resolve) => setTimeout(resolve, this.drainDurationMs));
    this.set({ operationMode: "DRAINED", draining: false, drained: true, gossipRunning: false });
  }

  async takeSnapshot(tag: string, options: SnapshotOptions = {}): Promise<void> {
    await this.answer(`takeSnapshot ${tag}`, () => undefined);
    await snapshotOnDisk(this.dataDirs, tag, options.keyspaces ?? []);
  }

  async clearSnapshot(tag: string): Promise<void> {
    await this.answer(`clearSnapshot ${tag}`, () => undefined);
    await clearSnapshotOnDisk(this.dataDirs, tag);
  }

  dataFileLocations(): Promise<string[]> {
    return this.answer("dataFileLocations", () => [...this.dataDirs]);
  }

  describeSchema(): Promise<string> {
    return this.answer("describeSchema", () => this.schemaCql);
  }

  async close(): Promise<void> {
    this.calls.push("close");
  }
}
