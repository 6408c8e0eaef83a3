import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobRunner } from "../../../agent/jobs/job-runner.js";
import { BackupQueries } from "../../../backup/backup-queries.js";
import { BackupService } from "../../../backup/backup-service.js";
import { testApi } from "../../support/api-app.js";
import { capturedLogger } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";

let root: string;
let api: ReturnType<typeof testApi>;
let jobs: JobRunner;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "backup-routes-"));
  const fx = await fakeNodeWithData(root);
  fx.node.set({ hostIdToEndpoint: { [fx.node.state.hostId!]: "127.0.0.1:7000" } });
  const { logger } = capturedLogger();
  const service = new BackupService(
    { node: fx.node, store: fx.store, logger },
    { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } },
  );
  api = testApi({
    node: fx.node,
    logger,
    backups: { service, queries: new BackupQueries(fx.node, fx.store) },
  });
  jobs = api.jobs;
});
afterEach(() => rm(root, { recursive: true, force: true }));

const post = (body: unknown) =>
  request(api.app)
    .post("/api/v1/backups")
    .set("authorization", api.auth)
    .send(body as object);
const get = (path: string) => request(api.app).get(path).set("authorization", api.auth);

describe("backup routes", () => {
  it("POST runs a backup as a job (202 + Location); the job's result and GET show what was uploaded", async () => {
    const res = await post({ name: "b1", keyspaces: ["ks1"] });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/v1/jobs/${res.body.id}`);
    expect(res.body.job).toMatchObject({
      type: "backup",
      exclusive: true,
      params: { name: "b1", keyspaces: ["ks1"] },
    });
    const job = await jobs.wait(res.body.id);
    expect(job.state).toBe("succeeded");
    expect(job.result).toMatchObject({ totals: { files: 21, uploadedFiles: 21, skippedFiles: 0 } });
    expect(job.progress).toMatchObject({ fraction: 1 });
    const one = await get("/api/v1/backups/b1");
    expect(one.status).toBe(200);
    expect(one.body.run).toMatchObject({ state: "complete", progress: { phase: "done", filesDone: 21 } });
    expect(one.body.stored).toMatchObject({ complete: true, files: 21 });
  });

  it("lists this node's backups, and the cluster's with scope=cluster", async () => {
    await jobs.wait((await post({ name: "b1" })).body.id);
    const node = await get("/api/v1/backups");
    expect(node.body.backups).toEqual([expect.objectContaining({ name: "b1", complete: true, files: 28 })]);
    const cluster = await get("/api/v1/backups?scope=cluster");
    expect(cluster.body.backups).toEqual([expect.objectContaining({ name: "b1", inRing: true })]);
  });

  it("validates the body, the scope and names, as problem documents; needs the token", async () => {
    for (const body of [
      { name: "a/b" },
      { keyspaces: ["bad-name"] },
      { name: "x", extra: 1 },
      { keyspaces: "ks1" },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "validation-failed" });
    }
    expect((await get("/api/v1/backups?scope=everything")).status).toBe(400);
    expect((await get("/api/v1/backups/never")).status).toBe(404);
    expect((await request(api.app).get("/api/v1/backups")).status).toBe(401);
  });

  it("an unknown keyspace fails the job with a clear error and leaves no backup", async () => {
    const job = await jobs.wait((await post({ name: "b9", keyspaces: ["nope"] })).body.id);
    expect(job.state).toBe("failed");
    expect(job.error?.detail).toMatch(/nope/);
    expect((await get("/api/v1/backups/b9")).status).toBe(404);
  });

  it("answers 409 while a backup runs, and fails a second backup with a name already used", async () => {
    const first = await post({ name: "b1" });
    const second = await post({ name: "b2" });
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain(first.body.id);
    await jobs.wait(first.body.id);
    const again = await jobs.wait((await post({ name: "b1" })).body.id);
    expect(again.state).toBe("failed");
    expect(again.error?.code).toBe("conflict");
  });
});
