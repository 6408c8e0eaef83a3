import type {
  CompactionView,
  RepairOptions,
  RepairStatus,
  RingView,
  SchemaVersions,
  ScrubOptions,
  SnapshotInfo,
  StreamView,
  ThreadPoolView,
  Throughput,
} from "./views.js";

export type * from "./views.js";

/**
 * The agent's one view of Cassandra. Probes, drain, backup and the API depend on this interface only;
 * `JolokiaCassandraNode` implements it over JMX (Jolokia) and CQL (cassandra-driver), and unit tests use
 * `FakeCassandraNode`. Both pass the same contract suite.
 */

/** StorageService's operation modes. Cassandra 5.0 adds JOINING_FAILED and DECOMMISSION_FAILED to the classic set. */
export const OPERATION_MODES = [
  "STARTING",
  "NORMAL",
  "JOINING",
  "JOINING_FAILED",
  "LEAVING",
  "DECOMMISSIONED",
  "DECOMMISSION_FAILED",
  "MOVING",
  "DRAINING",
  "DRAINED",
] as const;

export type OperationMode = (typeof OPERATION_MODES)[number];

/** A point-in-time view of the local node and what its gossip knows of the ring. */
export interface NodeStatus {
  operationMode: OperationMode;
  gossipRunning: boolean;
  nativeTransportRunning: boolean;
  joined: boolean;
  draining: boolean;
  drained: boolean;
  /** Null only very early in start-up, before the node has loaded or created its identity. */
  hostId: string | null;
  /** This node's gossip endpoint as `address:port`, when known. */
  endpoint: string | null;
  clusterName: string;
  datacenter: string;
  rack: string;
  tokens: string[];
  releaseVersion: string;
  schemaVersion: string;
  /** Gossip endpoints (`address:port`) by state, as this node sees them. */
  liveEndpoints: string[];
  unreachableEndpoints: string[];
  joiningEndpoints: string[];
  leavingEndpoints: string[];
  movingEndpoints: string[];
  /** Host ID → gossip endpoint for every node in the ring. */
  hostIdToEndpoint: Record<string, string>;
  uptimeMs: number;
}

/** Ring, schema and activity views (see views.ts); each rejects with a typed error like `status()`. */
export interface NodeReads {
  /** Every endpoint with state, load, ownership (effective for `keyspace`, or all as nodetool does). */
  ring(keyspace?: string): Promise<RingView>;
  schemaVersions(): Promise<SchemaVersions>;
  compactions(): Promise<CompactionView>;
  streams(): Promise<StreamView[]>;
  threadPools(): Promise<ThreadPoolView[]>;
  snapshots(): Promise<SnapshotInfo[]>;
  throughput(): Promise<Throughput>;
}

/**
 * Operations on the node. Each resolves when Cassandra has finished (long ones take minutes; the agent runs
 * them as jobs) and rejects with `CassandraOperationError` when Cassandra refused or aborted them.
 * `tables` empty means every table of the keyspace.
 */
export interface NodeOperations {
  setThroughput(changes: Partial<Throughput>): Promise<void>;
  flush(keyspace: string, tables: string[]): Promise<void>;
  compact(keyspace: string, tables: string[], splitOutput: boolean): Promise<void>;
  cleanup(keyspace: string, tables: string[], jobs: number): Promise<void>;
  garbageCollect(
    keyspace: string,
    tables: string[],
    granularity: "ROW" | "CELL",
    jobs: number,
  ): Promise<void>;
  upgradeSSTables(
    keyspace: string,
    tables: string[],
    includeCurrentVersion: boolean,
    jobs: number,
  ): Promise<void>;
  scrub(keyspace: string, tables: string[], options: ScrubOptions): Promise<void>;
  rebuild(sourceDatacenter: string | null, keyspace: string | null): Promise<void>;
  decommission(force: boolean): Promise<void>;
  /** Starts a repair and returns Cassandra's command number; Cassandra runs it in the background. */
  startRepair(keyspace: string, options: RepairOptions): Promise<number>;
  repairStatus(command: number): Promise<RepairStatus>;
  /**
   * Hard-links every live SSTable of `entities` (`ks` or `ks.table`; all keyspaces when empty) into
   * `<table dir>/snapshots/<tag>/` in each data directory. Fails when the tag already exists.
   */
  takeSnapshot(tag: string, entities: string[], options: { skipFlush: boolean; ttl?: string }): Promise<void>;
  /**
   * Clears snapshots with `tag` in `keyspaces` (all when empty); a tag that does not exist is not an error.
   * Only an explicit null clears every tag (an operator's request); an empty string is refused.
   */
  clearSnapshot(tag: string | null, keyspaces: string[]): Promise<void>;
}

/** A keyspace and its tables, from the schema tables over CQL. */
export interface KeyspaceInfo {
  name: string;
  replication: Record<string, string>;
  tables: string[];
}

/** How `importSSTables` loads files; the flags of `ColumnFamilyStoreMBean.importNewSSTables`. */
export interface ImportOptions {
  /** Move the files out of the source directories (false), or copy them and leave the sources (true). */
  copyData: boolean;
  /** Check each SSTable before loading it (`verifySSTables`), and that its tokens belong to this node. */
  verify: boolean;
  verifyTokens: boolean;
}

export interface StatusOptions {
  /** Bound on this read; the probe poller uses a shorter one than the API. */
  timeoutMs?: number;
}

export interface CassandraNode extends NodeReads, NodeOperations {
  /** Reads the node's status in one round trip; rejects with a typed error when the JVM does not answer. */
  status(options?: StatusOptions): Promise<NodeStatus>;
  /** Keyspaces with their tables and replication, read over CQL from system_schema. */
  keyspaces(): Promise<KeyspaceInfo[]>;
  /** A trivial CQL query against the local node (system.local), for the optional readiness check. */
  cqlPing(timeoutMs: number): Promise<void>;
  /** Stops the CQL server so clients move to other nodes; the node stays in the ring. */
  stopNativeTransport(): Promise<void>;
  startNativeTransport(): Promise<void>;
  /**
   * Calls StorageService.drain(). Cassandra swallows its own drain failures and a second call only logs,
   * so callers must confirm the result by polling the operation mode for DRAINED.
   */
  drain(timeoutMs: number): Promise<void>;
  /**
   * The node's data directories (`StorageService.AllDataFileLocations`). The agent shares the data volume
   * with Cassandra at the same path, so it reads snapshot files from these directories directly.
   */
  dataFileLocations(): Promise<string[]>;
  /**
   * The schema of every non-system keyspace as CQL, from the server-side `DESCRIBE SCHEMA WITH INTERNALS`
   * (Cassandra 4.0+): with table IDs and dropped columns, what a restore needs to recreate tables whose
   * SSTables then import.
   */
  describeSchema(): Promise<string>;
  /**
   * Loads SSTables from `dirs` into a live table (`importNewSSTables(Set, boolean × 7)` on the table's
   * MBean, Cassandra 4.0+): the files get new generations in the table's data directories, levels and
   * repaired state are reset, caches invalidated. Rejects with `CassandraOperationError` naming the
   * directories Cassandra could not import; the others stay imported.
   */
  importSSTables(keyspace: string, table: string, dirs: string[], options: ImportOptions): Promise<void>;
  /** Runs one schema statement (CREATE KEYSPACE / TABLE / TYPE / INDEX, ALTER TABLE) over CQL. */
  applySchema(statement: string): Promise<void>;
  /** Releases connections; the node itself is untouched. */
  close(): Promise<void>;
}
