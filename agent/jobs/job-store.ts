import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logger.js";
import { jobRecordSchema, type JobRecord } from "./job.js";

/** Where job records live between agent processes. */
export interface JobStore {
  loadAll(): Promise<JobRecord[]>;
  save(record: JobRecord): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * One JSON file per job under `<stateDir>/jobs`. Each write goes to a temporary file that is then renamed
 * over the old one, so a crash mid-write leaves either the old record or the new one, never half of each.
 * Writes for one job are chained so an older state can never land after a newer one.
 */
export class FileJobStore implements JobStore {
  private readonly dir: string;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    stateDir: string,
    private readonly logger?: Logger,
  ) {
    this.dir = path.join(stateDir, "jobs");
  }

  async loadAll(): Promise<JobRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const records: JobRecord[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(".json")) continue;
      const file = path.join(this.dir, name);
      try {
        records.push(jobRecordSchema.parse(JSON.parse(await readFile(file, "utf8"))));
      } catch (error) {
        this.logger?.warn({ file, err: error }, "ignoring an unreadable job record");
      }
    }
    return records;
  }

  save(record: JobRecord): Promise<void> {
    const snapshot = JSON.stringify(record, null, 2);
    return this.chain(record.id, async () => {
      await mkdir(this.dir, { recursive: true });
      const target = path.join(this.dir, `${record.id}.json`);
      const temporary = `${target}.${randomUUID()}.tmp`;
      await writeFile(temporary, snapshot, { mode: 0o600 });
      await rename(temporary, target);
    });
  }

  remove(id: string): Promise<void> {
    return this.chain(id, () => rm(path.join(this.dir, `${id}.json`), { force: true }));
  }

  private chain(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(id) ?? Promise.resolve()).then(write, write);
    this.chains.set(id, next);
    const forget = () => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    };
    next.then(forget, forget);
    return next;
  }
}

/** Keeps records in memory only: for tests and for agents run without a writable state directory. */
export class MemoryJobStore implements JobStore {
  readonly records = new Map<string, JobRecord>();

  constructor(initial: JobRecord[] = []) {
    for (const record of initial) this.records.set(record.id, structuredClone(record));
  }

  async loadAll(): Promise<JobRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  async save(record: JobRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
  }

  async remove(id: string): Promise<void> {
    this.records.delete(id);
  }
}
