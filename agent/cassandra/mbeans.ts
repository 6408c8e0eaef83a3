/**
 * MBean names and attribute lists of Cassandra 5.0 that the agent reads. Kept in one file so that a
 * difference between Cassandra versions is one edit, and so tests can list what the agent depends on.
 */
export const MBEAN = {
  storageService: "org.apache.cassandra.db:type=StorageService",
  endpointSnitchInfo: "org.apache.cassandra.db:type=EndpointSnitchInfo",
  failureDetector: "org.apache.cassandra.net:type=FailureDetector",
  storageProxy: "org.apache.cassandra.db:type=StorageProxy",
  compactionManager: "org.apache.cassandra.db:type=CompactionManager",
  runtime: "java.lang:type=Runtime",
  compactionPendingTasks: "org.apache.cassandra.metrics:type=Compaction,name=PendingTasks",
} as const;

/** A table's MBean (`ColumnFamilyStoreMBean`), where Cassandra 4.0+ keeps `importNewSSTables`. */
export function tableMBean(keyspace: string, table: string): string {
  return `org.apache.cassandra.db:type=Tables,keyspace=${keyspace},table=${table}`;
}

/** The StorageService attributes behind `NodeStatus`, read together in one request. */
export const STORAGE_SERVICE_STATUS_ATTRIBUTES = [
  "OperationMode",
  "GossipRunning",
  "NativeTransportRunning",
  "Joined",
  "Drained",
  "Draining",
  "LocalHostId",
  "ClusterName",
  "ReleaseVersion",
  "SchemaVersion",
  "Tokens",
  "LiveNodesWithPort",
  "UnreachableNodesWithPort",
  "JoiningNodesWithPort",
  "LeavingNodesWithPort",
  "MovingNodesWithPort",
  "HostIdToEndpointWithPort",
] as const;

export const SNITCH_ATTRIBUTES = ["Datacenter", "Rack"] as const;
