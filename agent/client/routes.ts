/**
 * Every API route the client calls, as method and OpenAPI path. A unit test checks each one against the
 * agent's OpenAPI document, so the client cannot call a route the agent does not serve.
 */
export const CLIENT_ROUTES = {
  getNode: ["get", "/api/v1/node"],
  getRing: ["get", "/api/v1/ring"],
  getSchemaVersions: ["get", "/api/v1/schema/versions"],
  listKeyspaces: ["get", "/api/v1/keyspaces"],
  getCompactions: ["get", "/api/v1/node/compactions"],
  getStreams: ["get", "/api/v1/node/streams"],
  getThreadPools: ["get", "/api/v1/node/thread-pools"],
  listSnapshots: ["get", "/api/v1/node/snapshots"],
  clearSnapshots: ["delete", "/api/v1/node/snapshots"],
  getThroughput: ["get", "/api/v1/node/throughput"],
  setThroughput: ["put", "/api/v1/node/throughput"],
  startOperation: ["post", "/api/v1/node/{operation}"],
  listJobs: ["get", "/api/v1/jobs"],
  getJob: ["get", "/api/v1/jobs/{id}"],
  cancelJob: ["post", "/api/v1/jobs/{id}/cancel"],
  getOpenApi: ["get", "/api/v1/openapi.json"],
} as const satisfies Record<string, readonly [string, string]>;

/** Operations posted to `/api/v1/node/{operation}` (drain's route is in `routes/drain.ts`). */
export const CLIENT_OPERATIONS = [
  "flush",
  "compact",
  "cleanup",
  "garbage-collect",
  "upgradesstables",
  "scrub",
  "decommission",
  "rebuild",
  "repair",
  "snapshots",
  "drain",
] as const;
export type OperationName = (typeof CLIENT_OPERATIONS)[number];
