import type { NodeStatus } from "../../../agent/cassandra/node.js";
import type { RingView, SnapshotInfo, ThreadPoolView, Throughput } from "../../../agent/cassandra/views.js";

/** The fake's thread pools: the names a real 5.0 node reports that tests and the API look for. */
export const FAKE_THREAD_POOLS: ThreadPoolView[] = [
  "CompactionExecutor",
  "MemtableFlushWriter",
  "MutationStage",
  "Native-Transport-Requests",
  "ReadStage",
].map((name) => ({
  name,
  activeTasks: 0,
  activeTasksLimit: 1,
  pendingTasks: 0,
  completedTasks: 10,
  blockedTasks: 0,
  blockedTasksAllTime: 0,
}));

/** Activity state the fake keeps besides its `NodeStatus`. */
export interface FakeActivity {
  snapshots: SnapshotInfo[];
  throughput: Throughput;
  repairs: Map<number, "completed" | "failed">;
  nextRepair: number;
}

export function newActivity(): FakeActivity {
  return {
    snapshots: [],
    throughput: {
      compactionMiBPerSec: 64,
      streamMbitPerSec: 201.326592,
      interDcStreamMbitPerSec: 201.326592,
    },
    repairs: new Map(),
    nextRepair: 1,
  };
}

/** The ring a `NodeStatus` implies: every known endpoint, equal ownership, this node's own tokens. */
export function fakeRing(state: NodeStatus, keyspace: string | null): RingView {
  const endpoints = Object.entries(state.hostIdToEndpoint).sort(([, a], [, b]) => a.localeCompare(b));
  return {
    keyspace,
    effectiveOwnership: true,
    endpoints: endpoints.map(([hostId, endpoint]) => ({
      endpoint,
      address: endpoint.slice(0, endpoint.lastIndexOf(":")),
      hostId,
      datacenter: state.datacenter,
      rack: state.rack,
      status: state.liveEndpoints.includes(endpoint) ? "up" : "down",
      state: state.leavingEndpoints.includes(endpoint)
        ? "leaving"
        : state.joiningEndpoints.includes(endpoint)
          ? "joining"
          : state.movingEndpoints.includes(endpoint)
            ? "moving"
            : "normal",
      load: "104.5 KiB",
      ownership: 1 / endpoints.length,
      tokens: endpoint === state.endpoint ? [...state.tokens] : [],
    })),
  };
}
