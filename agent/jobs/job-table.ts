import { NotFoundError } from "../errors.js";
import { FINISHED_STATES, type JobRecord, type JobState, type JobSubmission } from "./job.js";

/** A job the runner knows: its live record, its body (for jobs of this process) and its completion. */
export interface JobEntry {
  record: JobRecord;
  run?: JobSubmission["run"];
  abort: AbortController;
  done: Promise<JobRecord>;
  settle: (record: JobRecord) => void;
}

/** The runner's index of jobs by ID and by idempotency key, with the queries the API needs. */
export class JobTable {
  private readonly entries = new Map<string, JobEntry>();
  private readonly byKey = new Map<string, string>();

  add(record: JobRecord, run?: JobSubmission["run"]): JobEntry {
    let settle: (record: JobRecord) => void = () => undefined;
    const done = new Promise<JobRecord>((resolve) => (settle = resolve));
    const entry: JobEntry = { record, abort: new AbortController(), done, settle };
    if (run) entry.run = run;
    if (FINISHED_STATES.has(record.state)) settle(record);
    this.entries.set(record.id, entry);
    if (record.idempotencyKey !== undefined) this.byKey.set(record.idempotencyKey, record.id);
    return entry;
  }

  remove(id: string): void {
    const key = this.entries.get(id)?.record.idempotencyKey;
    this.entries.delete(id);
    if (key !== undefined) this.byKey.delete(key);
  }

  find(id: string): JobEntry | undefined {
    return this.entries.get(id);
  }

  /** The entry, or a `NotFoundError` (404) naming the ID. */
  entry(id: string): JobEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new NotFoundError(`no job with ID ${id}`);
    return entry;
  }

  byIdempotencyKey(key: string | undefined): JobEntry | undefined {
    return key === undefined ? undefined : this.entries.get(this.byKey.get(key) ?? "");
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

  activeExclusive(): JobRecord | undefined {
    const active = [...this.entries.values()].find(
      (e) => e.record.exclusive && !FINISHED_STATES.has(e.record.state),
    );
    return active && structuredClone(active.record);
  }

  /** Finished jobs beyond the newest `keep`, oldest first: what pruning removes. */
  surplus(keep: number): JobRecord[] {
    const finished = [...this.entries.values()]
      .map((e) => e.record)
      .filter((r) => FINISHED_STATES.has(r.state))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return finished.slice(0, Math.max(0, finished.length - keep));
  }
}
