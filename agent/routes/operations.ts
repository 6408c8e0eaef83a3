import type { CassandraNode } from "../cassandra/node.js";
import type { ApiRegistry } from "../http/api-route.js";
import { ACCEPTED, submitJob } from "../http/jobs-http.js";
import type { JobRunner } from "../jobs/job-runner.js";
import { OPERATIONS } from "../operations/catalog.js";
import { clearSnapshotQuery } from "../operations/snapshots.js";

/**
 * `POST /api/v1/node/<operation>` for every operation in the catalog: the body is validated, the operation
 * is submitted as a job, and the answer is 202 with the job's Location. (`POST /api/v1/node/drain` is in
 * `routes/drain.ts`, on the same job runner.)
 */
export function registerOperationRoutes(api: ApiRegistry, node: CassandraNode, jobs: JobRunner): void {
  for (const op of OPERATIONS) {
    api.route(
      {
        method: "post",
        path: `/api/v1/node/${op.name}`,
        operationId: `start-${op.name}`.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()),
        summary: `${op.summary}${op.exclusive ? " (exclusive: refused with 409 while another exclusive job runs)" : ""}`,
        tag: "operations",
        body: op.body,
        responses: ACCEPTED,
      },
      ({ body, req }) =>
        submitJob(jobs, req, {
          type: op.name,
          exclusive: op.exclusive,
          params: body as Record<string, unknown>,
          run: (ctx) => op.run(node, body, ctx),
        }),
    );
  }
  api.route(
    {
      method: "delete",
      path: "/api/v1/node/snapshots",
      operationId: "clearSnapshots",
      summary: "clear snapshots by tag (all tags when none is given), in one keyspace or all",
      tag: "operations",
      query: clearSnapshotQuery,
      responses: ACCEPTED,
    },
    ({ query, req }) =>
      submitJob(jobs, req, {
        type: "clear-snapshots",
        exclusive: false,
        params: query,
        run: async () => {
          await node.clearSnapshot(query.tag ?? null, query.keyspace ? [query.keyspace] : []);
          return { tag: query.tag ?? null };
        },
      }),
  );
}
