import { z } from "zod";

/**
 * What the agent remembers about one long operation. A record is plain JSON so that it can be written to the
 * state directory and read back by the next agent process: that is how a job cut off by a restart is later
 * reported as `interrupted` instead of silently vanishing or claiming to still run.
 */
export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled", "interrupted"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export const FINISHED_STATES: ReadonlySet<JobState> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "interrupted",
]);

export const jobProgressSchema = z.object({
  /** 0..1 when Cassandra reports how far it is; absent when it does not. */
  fraction: z.number().min(0).max(1).optional(),
  done: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

/** A failed job's error, the same fields a problem document carries (never a stack trace). */
export const jobErrorSchema = z.object({
  code: z.string(),
  title: z.string(),
  detail: z.string(),
  retryable: z.boolean(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobRecordSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  state: z.enum(JOB_STATES),
  exclusive: z.boolean(),
  params: z.record(z.string(), z.unknown()),
  idempotencyKey: z.string().optional(),
  progress: jobProgressSchema.optional(),
  result: z.unknown().optional(),
  error: jobErrorSchema.optional(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  updatedAt: z.iso.datetime(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

/** What a running job's body may do: report progress and notice a cancellation. */
export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(progress: JobProgress): void;
}

/** A request to run something as a job; `run`'s resolved value becomes the record's `result`. */
export interface JobSubmission {
  type: string;
  /** Exclusive jobs never overlap on one node (decommission, drain, cleanup, repair …). */
  exclusive: boolean;
  /**
   * Start now, whatever runs: neither refused by a running exclusive job nor queued behind others. Only the
   * drain uses it: the pod is terminating, and waiting for a repair would lose the drain's data safety.
   */
  preempt?: boolean;
  params?: Record<string, unknown>;
  idempotencyKey?: string;
  run: (ctx: JobContext) => Promise<unknown>;
}
