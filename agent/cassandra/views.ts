/**
 * What the agent reports about the ring and the node's activity, and the options its operations take. Plain
 * data shared by `CassandraNode`, its implementations and the API.
 */

/** One endpoint as `nodetool status` shows it. */
export interface RingEndpoint {
  /** Gossip endpoint, `address:port`. */
  endpoint: string;
  address: string;
  hostId: string | null;
  datacenter: string;
  rack: string;
  status: "up" | "down";
  state: "normal" | "joining" | "leaving" | "moving";
  /** Cassandra's own rendering of the on-disk load ("1.2 MiB"); null when it has none yet. */
  load: string | null;
  /** Share of the ring this endpoint owns, 0..1; effective (replication-aware) when `effectiveOwnership`. */
  ownership: number | null;
  tokens: string[];
}

export interface RingView {
  /** The keyspace effective ownership was computed for, or null for all (as `nodetool status` does). */
  keyspace: string | null;
  /** False when Cassandra could not compute effective ownership (keyspaces with different replication). */
  effectiveOwnership: boolean;
  endpoints: RingEndpoint[];
}

/** Schema version → endpoints that have it; "UNREACHABLE" lists endpoints that did not answer. */
export type SchemaVersions = Record<string, string[]>;

export interface ActiveCompaction {
  id: string;
  keyspace: string;
  table: string;
  taskType: string;
  completed: number;
  total: number;
  unit: string;
}

export interface CompactionView {
  pendingTasks: number;
  active: ActiveCompaction[];
}

export interface StreamView {
  id: string;
  operation: string;
  status: string;
  peers: string[];
  progressPercentage: number;
  bytesToReceive: number;
  bytesReceived: number;
  bytesToSend: number;
  bytesSent: number;
}

export interface ThreadPoolView {
  name: string;
  activeTasks: number;
  activeTasksLimit: number;
  pendingTasks: number;
  completedTasks: number;
  blockedTasks: number;
  blockedTasksAllTime: number;
}

/** One table's part of a snapshot. */
export interface SnapshotInfo {
  tag: string;
  keyspace: string;
  table: string;
  createdAt: string | null;
  expiresAt: string | null;
  trueSizeBytes: number;
  sizeOnDiskBytes: number;
}

/** Throughput caps; 0 means unthrottled. */
export interface Throughput {
  compactionMiBPerSec: number;
  streamMbitPerSec: number;
  interDcStreamMbitPerSec: number;
}

export interface RepairOptions {
  tables: string[];
  incremental: boolean;
  primaryRange: boolean;
  /** Repair with replicas in these data centers only (DC-local: the node's own). */
  dataCenters: string[];
  parallelism: "sequential" | "parallel" | "dc_parallel";
}

export type RepairState = "in-progress" | "completed" | "failed" | "unknown";

export interface RepairStatus {
  state: RepairState;
  messages: string[];
}

export interface ScrubOptions {
  disableSnapshot: boolean;
  skipCorrupted: boolean;
  checkData: boolean;
  reinsertOverflowedTtl: boolean;
  jobs: number;
}
