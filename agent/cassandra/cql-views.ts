import type { types } from "cassandra-driver";
import type { CqlSession } from "./cql-session.js";
import type { SnapshotInfo, StreamView, ThreadPoolView } from "./views.js";

/**
 * Views read from Cassandra 5.0's virtual tables (`system_views`) over CQL: plain rows instead of JMX
 * composite data. Snapshots in particular: StorageService's `getSnapshotDetails` returns TabularData that
 * Jolokia 2.6 cannot serialise (it stops mid-document on the null expiration time), so it is not used.
 */
const num = (row: types.Row, column: string) => Number(row.get(column) ?? 0);
const str = (row: types.Row, column: string) => String(row.get(column) ?? "");
const time = (row: types.Row, column: string) => {
  const value = row.get(column) as Date | null | undefined;
  return value ? value.toISOString() : null;
};

export async function threadPools(cql: CqlSession): Promise<ThreadPoolView[]> {
  const rows = await cql.execute("SELECT * FROM system_views.thread_pools");
  return rows
    .map((r) => ({
      name: str(r, "name"),
      activeTasks: num(r, "active_tasks"),
      activeTasksLimit: num(r, "active_tasks_limit"),
      pendingTasks: num(r, "pending_tasks"),
      completedTasks: num(r, "completed_tasks"),
      blockedTasks: num(r, "blocked_tasks"),
      blockedTasksAllTime: num(r, "blocked_tasks_all_time"),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function snapshots(cql: CqlSession): Promise<SnapshotInfo[]> {
  const rows = await cql.execute(
    "SELECT name, keyspace_name, table_name, created_at, expires_at, true_size, size_on_disk FROM system_views.snapshots",
  );
  return rows.map((r) => ({
    tag: str(r, "name"),
    keyspace: str(r, "keyspace_name"),
    table: str(r, "table_name"),
    createdAt: time(r, "created_at"),
    expiresAt: time(r, "expires_at"),
    trueSizeBytes: num(r, "true_size"),
    sizeOnDiskBytes: num(r, "size_on_disk"),
  }));
}

export async function streams(cql: CqlSession): Promise<StreamView[]> {
  const rows = await cql.execute("SELECT * FROM system_views.streaming");
  return rows.map((r) => ({
    id: str(r, "id"),
    operation: str(r, "operation"),
    status: str(r, "status"),
    peers: ((r.get("peers") as string[] | null) ?? []).map(String),
    progressPercentage: num(r, "progress_percentage"),
    bytesToReceive: num(r, "bytes_to_receive"),
    bytesReceived: num(r, "bytes_received"),
    bytesToSend: num(r, "bytes_to_send"),
    bytesSent: num(r, "bytes_sent"),
  }));
}
