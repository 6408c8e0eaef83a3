import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type {
  CassandraNode,
  ImportOptions,
  KeyspaceInfo,
  NodeStatus,
  StatusOptions,
} from "../../../agent/cassandra/node.js";
import type { RepairStatus, RingView, SnapshotInfo, Throughput } from "../../../agent/cassandra/views.js";
import {
  type AgentError,
  CassandraMBeanNotFoundError,
  CassandraOperationError,
  CassandraRejectedError,
  CassandraUnavailableError,
} from "../../../agent/errors.js";
import { FAKE_THREAD_POOLS, fakeRing, newActivity } from "./fake-node-state.js";
import { clearSnapshotOnDisk, importOnDisk, snapshotOnDisk, tableDirName } from "./fake-data-dirs.js";

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
    name: "system_auth",
    replication: { class: "SimpleStrategy", replication_factor: "1" },
    tables: ["roles"],
  },
  {
    name: "system_distributed",
    replication: { class: "SimpleStrategy", replication_factor: "3" },
    tables: ["repair_history"],
  },
  {
    name: "system_schema",
    replication: { class: "org.apache.cassandra.locator.LocalStrategy" },
    tables: ["keyspaces", "tables"],
  },
];

/**
 * An in-memory `CassandraNode` for unit tests. Its state is set directly; `failWith` makes every call
 * reject as the real node's port would (unreachable, timed out …); `hold` keeps operations running until
 * released, to test what happens while a job runs. Operations behave as a real node's do where the
 * contract suite checks them (unknown keyspaces refused, a lone node refuses to decommission …).
 */
export class FakeCassandraNode implements CassandraNode {
  state: NodeStatus;
  keyspaceList: KeyspaceInfo[] = structuredClone(SYSTEM_KEYSPACES);
  failure: AgentError | undefined;
  calls: string[] = [];
  drainDurationMs = 0;
  readonly activity = newActivity();
  private held: Promise<void> | undefined;
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

  /** Makes every operation wait until the returned function is called. */
  hold(): () => void {
    let release: () => void = () => undefined;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  private async answer<T>(call: string, value: () => T): Promise<T> {
    this.calls.push(call);
    await Promise.resolve();
    if (this.failure) throw this.failure;
    return value();
  }

  private async operate(
    call: string,
    keyspace: string | null,
    effect: () => void | Promise<void> = () => undefined,
  ): Promise<void> {
    await this.answer(call, () => undefined);
    if (keyspace !== null) this.keyspace(keyspace);
    await this.held;
    await effect();
  }

  private keyspace(name: string): KeyspaceInfo {
    const found = this.keyspaceList.find((k) => k.name === name);
    if (!found) throw new CassandraRejectedError(`Keyspace ${name} does not exist`);
    return found;
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

  status = (_options?: StatusOptions) => this.answer("status", () => structuredClone(this.state));
  keyspaces = () => this.answer("keyspaces", () => structuredClone(this.keyspaceList));
  ring = (keyspace?: string): Promise<RingView> =>
    this.answer("ring", () => {
      if (keyspace !== undefined && /LocalStrategy$/.test(this.keyspace(keyspace).replication.class ?? "")) {
        throw new CassandraRejectedError("Ownership values for keyspaces with LocalStrategy are meaningless");
      }
      return fakeRing(this.state, keyspace ?? null);
    });
  schemaVersions = () =>
    this.answer("schemaVersions", () => ({ [this.state.schemaVersion]: [...this.state.liveEndpoints] }));
  compactions = () => this.answer("compactions", () => ({ pendingTasks: 0, active: [] }));
  streams = () => this.answer("streams", () => []);
  threadPools = () => this.answer("threadPools", () => structuredClone(FAKE_THREAD_POOLS));
  snapshots = () => this.answer("snapshots", () => structuredClone(this.activity.snapshots));
  throughput = () => this.answer("throughput", () => ({ ...this.activity.throughput }));

  setThroughput = (changes: Partial<Throughput>) =>
    this.answer("setThroughput", () => void Object.assign(this.activity.throughput, changes));
  flush = (ks: string) => this.operate("flush", ks);
  compact = (ks: string) => this.operate("compact", ks);
  cleanup = (ks: string) => this.operate("cleanup", ks);
  garbageCollect = (ks: string) => this.operate("garbageCollect", ks);
  upgradeSSTables = (ks: string) => this.operate("upgradeSSTables", ks);
  scrub = (ks: string) => this.operate("scrub", ks);
  rebuild = (_dc: string | null, ks: string | null) => this.operate("rebuild", ks);

  decommission = () =>
    this.operate("decommission", null, () => {
      if (Object.keys(this.state.hostIdToEndpoint).length < 2) {
        throw new CassandraOperationError(
          "no other normal nodes in the ring; decommission would be pointless",
        );
      }
      this.set({ operationMode: "DECOMMISSIONED" });
    });

  async startRepair(keyspace: string): Promise<number> {
    await this.operate("startRepair", keyspace);
    const command = this.activity.nextRepair++;
    const alone = Object.keys(this.state.hostIdToEndpoint).length < 2;
    this.activity.repairs.set(command, alone ? "failed" : "completed");
    return command;
  }

  repairStatus = (command: number): Promise<RepairStatus> =>
    this.answer("repairStatus", () => {
      const state = this.activity.repairs.get(command);
      if (!state) return { state: "unknown", messages: [] };
      const message =
        state === "failed" ? "Nothing to repair - aborting" : `Repair command #${command} finished`;
      return { state, messages: [message] };
    });

  takeSnapshot = (tag: string, entities: string[], _options?: { skipFlush: boolean; ttl?: string }) =>
    this.operate("takeSnapshot", null, async () => {
      await snapshotOnDisk(this.dataDirs, tag, entities);
      const targets = entities.length > 0 ? entities : this.keyspaceList.map((k) => k.name);
      for (const entity of targets) {
        const [ks = "", table] = entity.split(".");
        for (const t of table ? [table] : this.keyspace(ks).tables)
          this.activity.snapshots.push(snapshot(tag, ks, t));
      }
    });

  clearSnapshot = (tag: string | null, keyspaces: string[]) =>
    this.operate("clearSnapshot", null, async () => {
      if (tag === "") throw new CassandraRejectedError("refusing to clear snapshots with an empty tag");
      if (tag !== null) await clearSnapshotOnDisk(this.dataDirs, tag);
      this.activity.snapshots = this.activity.snapshots.filter(
        (s) =>
          !((tag === null || s.tag === tag) && (keyspaces.length === 0 || keyspaces.includes(s.keyspace))),
      );
    });

  dataFileLocations(): Promise<string[]> {
    return this.answer("dataFileLocations", () => [...this.dataDirs]);
  }

  describeSchema(): Promise<string> {
    return this.answer("describeSchema", () => this.schemaCql);
  }

  importSSTables = (keyspace: string, table: string, dirs: string[], options: ImportOptions) =>
    this.operate("importSSTables", keyspace, async () => {
      if (!this.keyspace(keyspace).tables.includes(table)) {
        throw new CassandraMBeanNotFoundError(`no MBean for table ${keyspace}.${table}`);
      }
      await importOnDisk(this.dataDirs, keyspace, table, dirs, options.copyData);
    });

  /** Understands CREATE KEYSPACE and CREATE TABLE (which gets its directory, as in Cassandra); keeps all. */
  applySchema = (statement: string) =>
    this.answer("applySchema", () => statement).then(async () => {
      const ks = /^CREATE KEYSPACE (\w+)/.exec(statement);
      const table = /^CREATE TABLE (\w+)\.(\w+)[\s\S]*?WITH ID = ([0-9a-f-]{36})/.exec(statement);
      if (ks?.[1] !== undefined) {
        if (this.keyspaceList.some((k) => k.name === ks[1])) {
          throw new CassandraRejectedError(`Keyspace ${ks[1]} already exists`);
        }
        this.keyspaceList.push({ name: ks[1], replication: {}, tables: [] });
      }
      if (table?.[1] !== undefined && table[2] !== undefined && table[3] !== undefined) {
        const info = this.keyspace(table[1]);
        if (info.tables.includes(table[2])) {
          throw new CassandraRejectedError(`Table ${table[1]}.${table[2]} already exists`);
        }
        info.tables.push(table[2]);
        const first = this.dataDirs[0];
        if (first) await mkdir(join(first, table[1], tableDirName(table[2], table[3])), { recursive: true });
      }
      this.schemaCql += `\n${statement}\n`;
    });

  async close(): Promise<void> {
    this.calls.push("close");
  }
}

function snapshot(tag: string, keyspace: string, table: string): SnapshotInfo {
  const createdAt = new Date().toISOString();
  return { tag, keyspace, table, createdAt, expiresAt: null, trueSizeBytes: 0, sizeOnDiskBytes: 1024 };
}
