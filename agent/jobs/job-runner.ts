import { randomUUID } from "node:crypto";
import { ConflictError, isAgentError } from "../errors.js";
import type { Logger } from "../logger.js";
import {
  FINISHED_STATES,
  type JobContext,
  type JobError,
  type JobRecord,
  type JobState,
  type JobSubmission,
} from "./job.js";
import { interrupted, jobErrorOf, sameRequest } from "./job-records.js";
import type { JobStore } from "./job-store.js";
import { type JobEntry, JobTable } from "./job-table.js";

export interface JobRunnerOptions {
  store: JobStore;
  logger: Logger;
  /** Jobs running at once; later ones wait as `queued`. JMX calls hold Jolokia threads, so keep it small. */
  maxConcurrent?: number;
  /** Finished records kept (memory and disk); the oldest beyond this are pruned. */
  keep?: number;
  /** Told of every job that finishes (metrics). */
  onFinished?: (record: Readonly<JobRecord>) => void;
  now?: () => Date;
}

/** The answer to a submission: the job, and whether an earlier request with the same key created it. */
export interface Submitted {
  job: JobRecord;
  reused: boolean;
}

/**
 * Runs long operations as jobs that callers poll. Exclusive jobs never overlap (a second one is refused
 * with a 409 naming the first), an idempotency key maps to one job, and every state change is persisted so
 * that the next process can tell what a restart cut off. Drain, backup and restore submit through here.
 */
export class JobRunner {
  private readonly table = new JobTable();
  private readonly queue: string[] = [];
  private running = 0;
  private readonly maxConcurrent: number;
  private readonly keep: number;
  private readonly now: () => Date;

  private constructor(private readonly options: JobRunnerOptions) {
    this.maxConcurrent = options.maxConcurrent ?? 2;
    this.keep = options.keep ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  /** Loads earlier records; any left `queued` or `running` by a previous process becomes `interrupted`. */
  static async open(options: JobRunnerOptions): Promise<JobRunner> {
    return JobRunner.restore(options, await options.store.loadAll());
  }

  /** Builds a runner over records already loaded (none for a fresh in-memory runner). */
  static restore(options: JobRunnerOptions, records: JobRecord[] = []): JobRunner {
    const runner = new JobRunner(options);
    for (const record of records) {
      const recovered = FINISHED_STATES.has(record.state) ? record : interrupted(record, runner.stamp());
      if (recovered !== record) runner.persist(recovered);
      runner.table.add(recovered);
    }
    return runner;
  }

  /**
   * Queues a job, or returns the job an earlier request with the same idempotency key created. Resolves once
   * the queued record is on disk, so a job a caller was told about survives an agent crash (as
   * `interrupted`). The conflict checks run synchronously, before anything is awaited.
   */
  async submit(submission: JobSubmission): Promise<Submitted> {
    const key = submission.idempotencyKey;
    const earlier = this.table.byIdempotencyKey(key);
    if (earlier) {
      if (!sameRequest(earlier.record, submission)) {
        throw new ConflictError(
          `Idempotency-Key was already used for a different request (job ${earlier.record.id}, ${earlier.record.type})`,
          { details: { jobId: earlier.record.id } },
        );
      }
      return { job: structuredClone(earlier.record), reused: true };
    }
    if (submission.exclusive && !submission.preempt) this.refuseIfExclusiveActive(submission.type);
    const at = this.stamp();
    const record: JobRecord = {
      id: randomUUID(),
      type: submission.type,
      state: "queued",
      exclusive: submission.exclusive,
      params: submission.params ?? {},
      ...(key === undefined ? {} : { idempotencyKey: key }),
      createdAt: at,
      updatedAt: at,
    };
    const entry = this.table.add(record, submission.run);
    const queued = structuredClone(record);
    try {
      await this.options.store.save(structuredClone(record));
    } catch (error) {
      this.table.remove(record.id);
      throw error;
    }
    if (entry.record.state === "queued" && submission.preempt) this.start(entry);
    else if (entry.record.state === "queued") this.queue.push(record.id);
    this.pump();
    this.prune();
    return { job: queued, reused: false };
  }

  get(id: string): JobRecord {
    return structuredClone(this.table.entry(id).record);
  }

  /** Recent jobs, newest first. */
  list(filter: { state?: JobState; type?: string; limit?: number } = {}): JobRecord[] {
    return this.table.list(filter);
  }

  /** The running exclusive job, if any: what a probe or drain may want to know. */
  activeExclusive(): JobRecord | undefined {
    return this.table.activeExclusive();
  }

  /**
   * Cancels a job: a queued one at once; a running one is asked to stop through its signal, and ends
   * `cancelled` only if its body honours that (a JMX call already under way in Cassandra may not stop).
   */
  cancel(id: string): JobRecord {
    const entry = this.table.entry(id);
    if (FINISHED_STATES.has(entry.record.state)) {
      throw new ConflictError(`job ${id} has already finished (${entry.record.state})`);
    }
    entry.abort.abort();
    if (entry.record.state === "queued") {
      this.queue.splice(this.queue.indexOf(id), 1);
      this.finish(entry, "cancelled");
    }
    return structuredClone(entry.record);
  }

  /** Resolves when the job has finished (at once for a finished one). */
  async wait(id: string): Promise<JobRecord> {
    return structuredClone(await this.table.entry(id).done);
  }

  private refuseIfExclusiveActive(type: string): void {
    const active = this.activeExclusive();
    if (!active) return;
    throw new ConflictError(
      `cannot start ${type}: ${active.type} job ${active.id} is ${active.state} on this node`,
      { details: { runningJob: { id: active.id, type: active.type, state: active.state } } },
    );
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const entry = this.table.find(this.queue.shift() ?? "");
      if (entry?.record.state === "queued") this.start(entry);
    }
  }

  private start(entry: JobEntry): void {
    this.running += 1;
    const record = entry.record;
    const at = this.stamp();
    Object.assign(record, { state: "running", startedAt: at, updatedAt: at });
    this.persist(record);
    const ctx: JobContext = {
      id: record.id,
      signal: entry.abort.signal,
      progress: (progress) => {
        if (record.state !== "running") return;
        record.progress = { ...progress };
        record.updatedAt = this.stamp();
        this.persist(record);
      },
    };
    const run = entry.run ?? (() => Promise.reject(new Error("job has no body")));
    Promise.resolve()
      .then(() => run(ctx))
      .then(
        (result) => this.finish(entry, "succeeded", result),
        (error: unknown) => {
          if (entry.abort.signal.aborted) return this.finish(entry, "cancelled");
          if (!isAgentError(error)) this.options.logger.error({ err: error, job: record.id }, "job failed");
          this.finish(entry, "failed", undefined, jobErrorOf(error));
        },
      )
      .finally(() => {
        this.running -= 1;
        this.pump();
      });
  }

  private finish(entry: JobEntry, state: JobState, result?: unknown, error?: JobError): void {
    const record = entry.record;
    const at = this.stamp();
    Object.assign(record, { state, finishedAt: at, updatedAt: at });
    if (result !== undefined) record.result = result;
    if (error) record.error = error;
    if (state === "succeeded" && record.progress?.fraction !== undefined) record.progress.fraction = 1;
    this.options.logger.info({ job: record.id, type: record.type, state }, "job finished");
    this.options.onFinished?.(record);
    // Waiters (`?wait=true`, the CLI) hear of the end once its record is on disk, so an agent killed
    // right after cannot report a finished job as interrupted on its next start.
    void this.save(record).then(() => entry.settle(record));
  }

  private prune(): void {
    for (const record of this.table.surplus(this.keep)) {
      this.table.remove(record.id);
      this.options.store.remove(record.id).catch((err: unknown) => {
        this.options.logger.warn({ err, job: record.id }, "removing an old job record failed");
      });
    }
  }

  private persist(record: JobRecord): void {
    void this.save(record);
  }

  /** Writes the record; a failure is logged, not thrown: the job's outcome stands in memory either way. */
  private save(record: JobRecord): Promise<void> {
    return this.options.store.save(structuredClone(record)).catch((err: unknown) => {
      this.options.logger.error({ err, job: record.id }, "persisting a job record failed");
    });
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}
