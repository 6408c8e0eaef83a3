import { isAgentError } from "../errors.js";
import type { JobError, JobRecord, JobState, JobSubmission } from "./job.js";

/** A failed job's error: an `AgentError`'s public fields, or a bare internal error that names nothing. */
export function jobErrorOf(error: unknown): JobError {
  if (isAgentError(error)) {
    return { code: error.code, title: error.title, detail: error.message, retryable: error.retryable };
  }
  return {
    code: "internal-error",
    title: "Internal error",
    detail: "the job failed; see the agent's log",
    retryable: false,
  };
}

/** Whether a resubmission with the same idempotency key asks for the same thing. */
export function sameRequest(record: JobRecord, submission: JobSubmission): boolean {
  return (
    record.type === submission.type &&
    JSON.stringify(record.params) === JSON.stringify(submission.params ?? {})
  );
}

/**
 * The record a job left `queued` or `running` by an earlier agent process becomes: `interrupted`, with an
 * error saying that Cassandra may or may not have finished (a JMX call keeps going when the agent dies).
 */
export function interrupted(record: JobRecord, at: string): JobRecord {
  const was: JobState = record.state;
  return {
    ...record,
    state: "interrupted",
    finishedAt: at,
    updatedAt: at,
    error: {
      code: "agent-restarted",
      title: "Interrupted by an agent restart",
      detail: `the agent stopped while this job was ${was}; Cassandra may or may not have completed the operation`,
      retryable: true,
    },
  };
}
