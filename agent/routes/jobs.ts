import { z } from "zod";
import { JOB_STATES } from "../jobs/job.js";
import type { JobRunner } from "../jobs/job-runner.js";
import { ok, type ApiRegistry } from "../http/api-route.js";
import { jobIdParams, jobRecordSchema } from "../http/schemas.js";

const listQuery = z.strictObject({
  state: z.enum(JOB_STATES).optional(),
  type: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** Where callers poll the jobs that operations start, and cancel them. */
export function registerJobRoutes(api: ApiRegistry, jobs: JobRunner): void {
  api.route(
    {
      method: "get",
      path: "/api/v1/jobs",
      operationId: "listJobs",
      summary: "recent jobs, newest first",
      tag: "jobs",
      query: listQuery,
      responses: { 200: { description: "jobs", schema: z.array(jobRecordSchema) } },
    },
    ({ query }) => ok(jobs.list(query)),
  );
  api.route(
    {
      method: "get",
      path: "/api/v1/jobs/{id}",
      operationId: "getJob",
      summary: "one job: state, progress, timestamps, result or typed error",
      tag: "jobs",
      params: jobIdParams,
      responses: {
        200: { description: "the job", schema: jobRecordSchema },
        404: { description: "no such job" },
      },
    },
    ({ params }) => ok(jobs.get(params.id)),
  );
  api.route(
    {
      method: "post",
      path: "/api/v1/jobs/{id}/cancel",
      operationId: "cancelJob",
      summary: "cancel a queued job, or ask a running one to stop",
      tag: "jobs",
      params: jobIdParams,
      responses: {
        200: { description: "the job after the request", schema: jobRecordSchema },
        404: { description: "no such job" },
        409: { description: "the job has already finished" },
      },
    },
    ({ params }) => ok(jobs.cancel(params.id)),
  );
}
