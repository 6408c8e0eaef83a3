import { maintenanceOperations } from "./maintenance.js";
import type { OperationDef } from "./operation.js";
import { snapshotOperations } from "./snapshots.js";
import { topologyOperations } from "./topology.js";

/**
 * Every operation posted to `/api/v1/node/<name>`. Drain is not listed here: it is owned by
 * `agent/operations/drain.ts` and submitted to the same job runner as an exclusive "drain" job.
 */
export const OPERATIONS: readonly OperationDef[] = [
  ...maintenanceOperations,
  ...topologyOperations,
  ...snapshotOperations,
];

/** Job types that must never overlap on one node; drain, restore and backup use the same flag. */
export const EXCLUSIVE_TYPES = OPERATIONS.filter((o) => o.exclusive).map((o) => o.name);
