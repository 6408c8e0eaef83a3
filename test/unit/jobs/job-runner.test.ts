import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CassandraOperationError, ConflictError, NotFoundError } from "../../../agent/errors.js";
import type { JobRecord } from "../../../agent/jobs/job.js";
import { JobRunner } from "../../../agent/jobs/job-runner.js";
import { FileJobStore, MemoryJobStore, type JobStore } from "../../../agent/jobs/job-store.js";
import { silentLogger } from "../../support/silent-logger.js";

/** A job body the test finishes by hand. */
function gate<T = unknown>() {
  let open: (value: T) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const runner = (store: JobStore = new MemoryJobStore(), maxConcurrent = 2) =>
  JobRunner.open({ store, logger: silentLogger(), maxConcurrent });

describe("JobRunner", () => {
  it("runs a job through queued → running → succeeded with progress and a result", async () => {
    const jobs = await runner();
    const g = gate<{ flushed: number }>();
    const { job } = await jobs.submit({
      type: "flush",
      exclusive: false,
      run: async (ctx) => {
        ctx.progress({ fraction: 0.5, message: "half" });
        return g.promise;
      },
    });
    expect(job.state).toBe("queued");
    await new Promise((r) => setImmediate(r));
    expect(jobs.get(job.id)).toMatchObject({ state: "running", progress: { fraction: 0.5 } });
    g.open({ flushed: 3 });
    const done = await jobs.wait(job.id);
    expect(done).toMatchObject({ state: "succeeded", result: { flushed: 3 }, progress: { fraction: 1 } });
    expect(Date.parse(done.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(done.startedAt ?? ""));
  });

  it("records a typed error for a failed job and hides unknown ones", async () => {
    const jobs = await runner();
    const typed = await jobs.submit({
      type: "cleanup",
      exclusive: true,
      run: () => Promise.reject(new CassandraOperationError("keyspace ks does not exist")),
    });
    expect(await jobs.wait(typed.job.id)).toMatchObject({
      state: "failed",
      error: { code: "cassandra-operation-failed", detail: "keyspace ks does not exist", retryable: false },
    });
    const unknown = await jobs.submit({
      type: "flush",
      exclusive: false,
      run: () => Promise.reject(new TypeError("secret at Foo.java:1")),
    });
    const failed = await jobs.wait(unknown.job.id);
    expect(failed.error?.code).toBe("internal-error");
    expect(JSON.stringify(failed)).not.toContain("secret");
  });

  it("refuses a second exclusive job with a 409 naming the first, and allows one after it ends", async () => {
    const jobs = await runner();
    const g = gate();
    const first = await jobs.submit({ type: "decommission", exclusive: true, run: () => g.promise });
    const conflict: unknown = await jobs
      .submit({ type: "cleanup", exclusive: true, run: async () => undefined })
      .catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).message).toContain(first.job.id);
    expect((conflict as ConflictError).details).toMatchObject({ runningJob: { type: "decommission" } });
    // A non-exclusive job is not blocked.
    expect((await jobs.submit({ type: "flush", exclusive: false, run: async () => 1 })).job.state).toBe(
      "queued",
    );
    g.open(undefined);
    await jobs.wait(first.job.id);
    expect((await jobs.submit({ type: "cleanup", exclusive: true, run: async () => 1 })).reused).toBe(false);
  });

  it("maps the same idempotency key to the same job and refuses it for a different request", async () => {
    const jobs = await runner();
    const submission = { type: "flush", exclusive: false, params: { keyspace: "ks" }, idempotencyKey: "k1" };
    const a = await jobs.submit({ ...submission, run: async () => 1 });
    const b = await jobs.submit({ ...submission, run: async () => 2 });
    expect(b).toMatchObject({ reused: true, job: { id: a.job.id } });
    await expect(
      jobs.submit({ ...submission, params: { keyspace: "other" }, run: async () => 3 }),
    ).rejects.toThrow(ConflictError);
    expect((await jobs.wait(a.job.id)).result).toBe(1);
  });

  it("queues beyond the concurrency bound and cancels a queued job", async () => {
    const jobs = await runner(new MemoryJobStore(), 1);
    const g = gate();
    const first = await jobs.submit({ type: "compact", exclusive: false, run: () => g.promise });
    const second = await jobs.submit({ type: "flush", exclusive: false, run: async () => 1 });
    await new Promise((r) => setImmediate(r));
    expect(jobs.get(second.job.id).state).toBe("queued");
    expect(jobs.cancel(second.job.id).state).toBe("cancelled");
    expect(() => jobs.cancel(second.job.id)).toThrow(ConflictError);
    g.open(undefined);
    expect((await jobs.wait(first.job.id)).state).toBe("succeeded");
  });

  it("ends a running job cancelled when its body honours the signal", async () => {
    const jobs = await runner();
    const { job } = await jobs.submit({
      type: "repair",
      exclusive: true,
      run: (ctx) =>
        new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("x")))),
    });
    await new Promise((r) => setImmediate(r));
    jobs.cancel(job.id);
    expect((await jobs.wait(job.id)).state).toBe("cancelled");
  });

  it("lists newest first and answers NotFoundError for an unknown ID", async () => {
    let t = Date.parse("2026-01-01T00:00:00Z");
    const jobs = await JobRunner.open({
      store: new MemoryJobStore(),
      logger: silentLogger(),
      now: () => new Date((t += 1000)),
    });
    const a = await jobs.submit({ type: "flush", exclusive: false, run: async () => 1 });
    const b = await jobs.submit({ type: "compact", exclusive: false, run: async () => 1 });
    expect(jobs.list().map((j) => j.id)).toEqual([b.job.id, a.job.id]);
    expect(jobs.list({ type: "flush" }).map((j) => j.id)).toEqual([a.job.id]);
    expect(() => jobs.get("00000000-0000-4000-8000-000000000000")).toThrow(NotFoundError);
  });
});

describe("JobRunner with a FileJobStore", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("persists records and marks jobs an earlier process left running as interrupted", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cpa-jobs-"));
    const first = await runner(new FileJobStore(dir));
    const done = await first.submit({ type: "flush", exclusive: false, run: async () => ({ ok: true }) });
    await first.wait(done.job.id);
    const stuck = await first.submit({
      type: "decommission",
      exclusive: true,
      run: () => new Promise(() => {}),
    });
    // submit resolves only once the record is on disk: a crash right after the 202 still leaves it.
    const onDisk = JSON.parse(
      await readFile(path.join(dir, "jobs", `${stuck.job.id}.json`), "utf8"),
    ) as JobRecord;
    expect(["queued", "running"]).toContain(onDisk.state);

    const second = await runner(new FileJobStore(dir));
    expect(second.get(stuck.job.id)).toMatchObject({
      state: "interrupted",
      error: { code: "agent-restarted" },
    });
    expect(second.get(done.job.id)).toMatchObject({ state: "succeeded", result: { ok: true } });
    // The interrupted job no longer holds the node.
    expect(second.activeExclusive()).toBeUndefined();
    expect((await readdir(path.join(dir, "jobs"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
