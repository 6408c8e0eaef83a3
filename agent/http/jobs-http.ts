import type { Request } from "express";
import type { JobSubmission } from "../jobs/job.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { Reply, ResponseSpec } from "./api-route.js";
import { acceptedSchema, idempotencyKey } from "./schemas.js";
import { parsePart } from "./validation.js";

/** The 202 every job-starting route documents. */
export const ACCEPTED: Record<number, ResponseSpec> = {
  202: {
    description: "the operation runs as a job; poll the Location",
    schema: acceptedSchema,
    headers: { Location: "the job's URL, /api/v1/jobs/{id}" },
  },
  409: {
    description: "a conflicting job holds the node, or the Idempotency-Key was used for another request",
  },
};

/**
 * Submits a job for an HTTP request and answers 202 with its ID and Location. The request's
 * `Idempotency-Key` header, when present, makes a retried request return the job the first one created.
 */
export async function submitJob(
  jobs: JobRunner,
  req: Request,
  submission: Omit<JobSubmission, "idempotencyKey">,
): Promise<Reply> {
  const header = req.get("idempotency-key");
  const key = header === undefined ? undefined : parsePart(idempotencyKey, header, "headers.idempotency-key");
  const { job, reused } = await jobs.submit({
    ...submission,
    ...(key === undefined ? {} : { idempotencyKey: key }),
  });
  const location = `/api/v1/jobs/${job.id}`;
  return {
    status: 202,
    body: { id: job.id, location, job },
    headers: { Location: location, ...(reused ? { "Idempotent-Replayed": "true" } : {}) },
  };
}
