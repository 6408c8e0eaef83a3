import { METRICS } from "./builders.js";
import type { FamilySpec } from "./family.js";
import { counter, fromShared, gauge, none, type Props } from "./shared-read.js";

/** Node-wide families: thread pools, compaction, storage and hints, caches, commit log. */

const THREAD_POOLS = `${METRICS}:type=ThreadPools,*`;
const COMPACTION = `${METRICS}:type=Compaction,*`;
const STORAGE = `${METRICS}:type=Storage,*`;
const CACHE = `${METRICS}:type=Cache,*`;
const COMMIT_LOG = `${METRICS}:type=CommitLog,*`;

const pool = (p: Props) => ({ path: p.path ?? "", pool: p.scope ?? "" });
const cache = (p: Props) => ({ cache: p.scope ?? "" });

export const NODE_FAMILIES: FamilySpec[] = [
  fromShared(
    THREAD_POOLS,
    "ActiveTasks",
    "Value",
    pool,
    gauge("cassandra_thread_pool_active_tasks", "Tasks running in the thread pool"),
  ),
  fromShared(
    THREAD_POOLS,
    "PendingTasks",
    "Value",
    pool,
    gauge("cassandra_thread_pool_pending_tasks", "Tasks queued in the thread pool"),
  ),
  fromShared(
    THREAD_POOLS,
    "CurrentlyBlockedTasks",
    "Count",
    pool,
    gauge(
      "cassandra_thread_pool_currently_blocked_tasks",
      "Tasks blocked now because the thread pool's queue is full",
    ),
  ),
  fromShared(
    THREAD_POOLS,
    "TotalBlockedTasks",
    "Count",
    pool,
    counter(
      "cassandra_thread_pool_blocked_tasks_total",
      "Tasks ever blocked because the thread pool's queue was full",
    ),
  ),
  fromShared(
    THREAD_POOLS,
    "CompletedTasks",
    "Value",
    pool,
    counter("cassandra_thread_pool_completed_tasks_total", "Tasks the thread pool has completed"),
  ),
  fromShared(
    COMPACTION,
    "PendingTasks",
    "Value",
    none,
    gauge("cassandra_compaction_pending_tasks", "Estimated compactions still to run on the node"),
  ),
  fromShared(
    COMPACTION,
    "CompletedTasks",
    "Value",
    none,
    counter("cassandra_compaction_completed_tasks_total", "Compaction tasks completed"),
  ),
  fromShared(
    COMPACTION,
    "BytesCompacted",
    "Count",
    none,
    counter("cassandra_compaction_compacted_bytes_total", "Bytes compacted"),
  ),
  fromShared(
    COMPACTION,
    "CompactionsAborted",
    "Count",
    none,
    counter("cassandra_compaction_aborted_total", "Compactions aborted"),
  ),
  fromShared(
    STORAGE,
    "Load",
    "Count",
    none,
    gauge("cassandra_storage_load_bytes", "Disk space used by live data on the node"),
  ),
  fromShared(
    STORAGE,
    "TotalHints",
    "Count",
    none,
    counter("cassandra_storage_hints_total", "Hints written on this node for unreachable replicas"),
  ),
  fromShared(
    STORAGE,
    "TotalHintsInProgress",
    "Count",
    none,
    gauge("cassandra_storage_hints_in_progress", "Hints being written now"),
  ),
  fromShared(
    STORAGE,
    "Exceptions",
    "Count",
    none,
    counter("cassandra_storage_exceptions_total", "Internal exceptions raised by the storage layer"),
  ),
  fromShared(
    CACHE,
    "HitRate",
    "Value",
    cache,
    gauge("cassandra_cache_hit_ratio", "Hits per request of the cache since start (0 to 1)"),
  ),
  fromShared(CACHE, "Hits", "Count", cache, counter("cassandra_cache_hits_total", "Cache hits")),
  fromShared(CACHE, "Requests", "Count", cache, counter("cassandra_cache_requests_total", "Cache requests")),
  fromShared(CACHE, "Size", "Value", cache, gauge("cassandra_cache_size_bytes", "Memory used by the cache")),
  fromShared(
    CACHE,
    "Capacity",
    "Value",
    cache,
    gauge("cassandra_cache_capacity_bytes", "Capacity of the cache"),
  ),
  fromShared(CACHE, "Entries", "Value", cache, gauge("cassandra_cache_entries", "Entries in the cache")),
  fromShared(
    COMMIT_LOG,
    "TotalCommitLogSize",
    "Value",
    none,
    gauge("cassandra_commitlog_size_bytes", "Disk space used by commit log segments"),
  ),
  fromShared(
    COMMIT_LOG,
    "PendingTasks",
    "Value",
    none,
    gauge("cassandra_commitlog_pending_tasks", "Commit log writes waiting to be done"),
  ),
];
