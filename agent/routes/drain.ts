import { z } from "zod";
import type { ApiRegistry } from "../http/api-route.js";
import { ok } from "../http/api-route.js";
import { ACCEPTED, submitJob } from "../http/jobs-http.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { Drainer } from "../operations/drain.js";

const drainQuery = z.strictObject({
  wait: z
    .enum(["true", "false"])
    .optional()
    .describe("answer 200 once the drain has finished (what the preStop hook uses) instead of 202 at once"),
});

/**
 * `POST /api/v1/node/drain` runs the drain as a job like every operation, with two differences a pod's
 * termination needs: it preempts (never refused or queued behind a repair or a backup), and a request while
 * a drain runs gets that same job. `?wait=true` answers when the drain is over, with its result or error.
 */
export function registerDrainRoutes(api: ApiRegistry, drainer: Drainer, jobs: JobRunner): void {
  api.route(
    {
      method: "post",
      path: "/api/v1/node/drain",
      operationId: "startDrain",
      summary:
        "take the node out of service for a pod's termination: readiness off, native transport off, drain()",
      tag: "operations",
      query: drainQuery,
      body: z.strictObject({}).optional(),
      responses: { ...ACCEPTED, 200: { description: "with wait=true: the drain finished (DRAINED)" } },
    },
    async ({ query, req }) => {
      const active = jobs.list({ type: "drain" }).find((j) => j.state === "queued" || j.state === "running");
      const accepted = active
        ? { status: 202, body: { id: active.id, location: `/api/v1/jobs/${active.id}`, job: active } }
        : await submitJob(jobs, req, {
            type: "drain",
            exclusive: true,
            preempt: true,
            params: {},
            run: () => drainer.drain(),
          });
      if (query.wait !== "true") return accepted;
      // The job and this request share the one drain in progress; its typed error becomes the answer.
      return ok({ ...(await drainer.drain()), jobId: (accepted.body as { id: string }).id });
    },
  );
  api.route(
    {
      method: "get",
      path: "/api/v1/node/drain",
      operationId: "getDrain",
      summary: "the drain's state: idle, draining, drained or failed",
      tag: "node",
      responses: { 200: { description: "the drain's state" } },
    },
    () => ok(drainer.state),
  );
}
