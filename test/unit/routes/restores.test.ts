import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobRunner } from "../../../agent/jobs/job-runner.js";
import { MemoryJobStore } from "../../../agent/jobs/job-store.js";
import { createApp } from "../../../agent/server.js";
import type { RestoreFn } from "../../../backup/backup-composition.js";
import { BackupQueries } from "../../../backup/backup-queries.js";
import { runBackup } from "../../../backup/backup-run.js";
import { BackupService } from "../../../backup/backup-service.js";
import { restoreBackup } from "../../../backup/restore.js";
import { capturedLogger, fakeDeps } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";

let root: string;
let app: ReturnType<typeof createApp>;
let jobs: JobRunner;
let fx: Awaited<ReturnType<typeof fakeNodeWithData>>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "restore-routes-"));
  fx = await fakeNodeWithData(root);
  const { logger } = capturedLogger();
  const t2 = (await readdir(join(fx.dataDirs[1]!, "ks1"))).find((d) => d.startsWith("t2-"))!;
  const uuid = (dir: string) => dir.slice(-32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  fx.node.schemaCql =
    `CREATE TABLE ks1.t1 (\n    id int PRIMARY KEY\n) WITH ID = ${uuid(fx.t1)};\n\n` +
    `CREATE TABLE ks1.t2 (\n    id int PRIMARY KEY\n) WITH ID = ${uuid(t2)};\n`;
  await runBackup(
    { ...fx, logger },
    { name: "b1" },
    { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } },
  );
  const service = new BackupService(
    { ...fx, logger },
    { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } },
  );
  const restore: RestoreFn = (req, hooks) =>
    restoreBackup({ ...fx, logger }, req, {
      concurrency: 2,
      retry: { attempts: 1, baseDelayMs: 1 },
      ...hooks,
    });
  jobs = JobRunner.restore({ store: new MemoryJobStore(), logger });
  app = createApp(
    fakeDeps({
      node: fx.node,
      logger,
      jobs,
      auth: { mode: "disabled" },
      backups: { service, queries: new BackupQueries(fx.node, fx.store) },
      restore,
    }),
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function finished(id: string) {
  for (;;) {
    const res = await request(app).get(`/api/v1/jobs/${id}`);
    if (!["queued", "running"].includes(res.body.state as string)) return res.body;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("POST /api/v1/restores", () => {
  it("answers a dry run with the plan, at once", async () => {
    const res = await request(app).post("/api/v1/restores").send({ backup: "b1", dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ backup: "b1", files: 21, schemaStatements: [] });
    expect(res.body.plan.tables).toHaveLength(2);
    expect(fx.node.calls).not.toContain("importSSTables");
  });

  it("runs a restore as an exclusive job with file and byte progress", async () => {
    const res = await request(app)
      .post("/api/v1/restores")
      .send({ backup: "b1", tables: ["ks1.t1"] });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: "restore", exclusive: true });
    const job = await finished(res.body.id as string);
    expect(job).toMatchObject({ state: "succeeded", progress: { done: 14, total: 14, fraction: 1 } });
    expect(job.result).toMatchObject({ files: 14, tables: [{ keyspace: "ks1", table: "t1" }] });
  });

  it("fails the job with a typed error for a backup that does not exist, and validates the body", async () => {
    const res = await request(app).post("/api/v1/restores").send({ backup: "nope" });
    expect(await finished(res.body.id as string)).toMatchObject({
      state: "failed",
      error: { code: "backup-not-found" },
    });
    for (const body of [{}, { backup: "a/b" }, { backup: "b1", tables: ["t1"] }, { backup: "b1", x: 1 }]) {
      const bad = await request(app).post("/api/v1/restores").send(body);
      expect(bad.status).toBe(400);
    }
  });
});
