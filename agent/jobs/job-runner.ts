import { randomUUID } from "node:crypto";
import { ConflictError, isAgentError, NotFoundError } from "../errors.js";
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

export interface JobRunnerOptions {
  store: JobStore;
  logger: Logger;
  /** Jobs running at once; later ones wait as `queued`. JMX calls hold Jolokia threads, so keep it small. */
  maxConcurrent?: number;
  /** Finished records kept (memory and disk); the oldest beyond this are pruned. */
  keep?: number;
  now?: () => Date;
}

interface Entry {
  record: JobRecord;
  run?: JobSubmission["run"];
  abort: AbortController;
  done: Promise<JobRecord>;
  settle: (record: JobRecord) => void;
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
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, string>();
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
      runner.adopt(recovered);
    }
    return runner;
  }

  /** Queues a job, or returns the job an earlier request with the same idempotency key created. */
  submit(submission: JobSubmission): Submitted {
    const key = submission.idempotencyKey;
    const earlier = key === undefined ? undefined : this.entries.get(this.byKey.get(key) ?? "");
    if (earlier) {
      if (!sameRequest(earlier.record, submission)) {
        throw new ConflictError(
          `Idempotency-Key was already used for a different request (job ${earlier.record.id}, ${earlier.record.type})`,
          { details: { jobId: earlier.record.id } },
        );
      }
      return { job: structuredClone(earlier.record), reused: true };
    }
    if (submission.exclusive) this.refuseIfExclusiveActive(submission.type);
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
    const entry = this.adopt(record, submission.run);
    this.persist(record);
    this.queue.push(record.id);
    const queued = structuredClone(entry.record);
    this.pump();
    this.prune();
    return { job: queued, reused: false };
  }

  get(id: string): JobRecord {
    const entry = this.entries.get(id);
    if (!entry) throw new NotFoundError(`no job with ID ${id}`);
    return structuredClone(entry.record);
  }

  /** Recent jobs, newest first. */
  list(filter: { state?: JobState; type?: string; limit?: number } = {}): JobRecord[] {
    return [...this.entries.values()]
      .map((e) => e.record)
      .filter((r) => (filter.state ? r.state === filter.state : true))
      .filter((r) => (filter.type ? r.type === filter.type : true))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, filter.limit ?? 50)
      .map((r) => structuredClone(r));
  }

  /** The running exclusive job, if any: what a probe or drain may want to know. */
  activeExclusive(): JobRecord | undefined {
    const active = [...this.entries.values()].find(
      (e) => e.record.exclusive && !FINISHED_STATES.has(e.record.state),
    );
    return active && structuredClone(active.record);
  }

  /**
   * Cancels a job: a queued one at once; a running one is asked to stop through its signal, and ends
   * `cancelled` only if its body honours that (a JMX call already under way in Cassandra may not stop).
   */
  cancel(id: string): JobRecord {
    const entry = this.entries.get(id);
    if (!entry) throw new NotFoundError(`no job with ID ${id}`);
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
    const entry = this.entries.get(id);
    if (!entry) throw new NotFoundError(`no job with ID ${id}`);
    return structuredClone(await entry.done);
  }

  private refuseIfExclusiveActive(type: string): void {
    const active = this.activeExclusive();
    if (!active) return;
    throw new ConflictError(
      `cannot start ${type}: ${active.type} job ${active.id} is ${active.state} on this node`,
      { details: { runningJob: { id: active.id, type: active.type, state: active.state } } },
    );
  }

  private adopt(record: JobRecord, run?: JobSubmission["run"]): Entry {
    let settle: (record: JobRecord) => void = () => undefined;
    const done = new Promise<JobRecord>((resolve) => (settle = resolve));
    const entry: Entry = { record, abort: new AbortController(), done, settle };
    if (run) entry.run = run;
    if (FINISHED_STATES.has(record.state)) settle(record);
    this.entries.set(record.id, entry);
    if (record.idempotencyKey !== undefined) this.byKey.set(record.idempotencyKey, record.id);
    return entry;
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const entry = this.entries.get(this.queue.shift() ?? "");
      if (entry?.record.state === "queued") this.start(entry);
    }
  }

  private start(entry: Entry): void {
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

  private finish(entry: Entry, state: JobState, result?: unknown, error?: JobError): void {
    const record = entry.record;
    const at = this.stamp();
    Object.assign(record, { state, finishedAt: at, updatedAt: at });
    if (result !== undefined) record.result = result;
    if (error) record.error = error;
    if (state === "succeeded" && record.progress?.fraction !== undefined) record.progress.fraction = 1;
    this.options.logger.info({ job: record.id, type: record.type, state }, "job finished");
    this.persist(record);
    entry.settle(record);
  }

  private prune(): void {
    const finished = [...this.entries.values()]
      .filter((e) => FINISHED_STATES.has(e.record.state))
      .sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt));
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.keep))) {
      this.entries.delete(entry.record.id);
      if (entry.record.idempotencyKey !== undefined) this.byKey.delete(entry.record.idempotencyKey);
      this.options.store.remove(entry.record.id).catch((err: unknown) => {
        this.options.logger.warn({ err, job: entry.record.id }, "removing an old job record failed");
      });
    }
  }

  private persist(record: JobRecord): void {
    this.options.store.save(structuredClone(record)).catch((err: unknown) => {
      this.options.logger.error({ err, job: record.id }, "persisting a job record failed");
    });
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}
