import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../../agent/server.js";
import { BackupQueries } from "../../../backup/backup-queries.js";
import { BackupService } from "../../../backup/backup-service.js";
import { capturedLogger, fakeDeps } from "../../support/app-deps.js";
import { fakeNodeWithData } from "../../support/backup-fixtures.js";

let root: string;
let app: ReturnType<typeof createApp>;
let service: BackupService;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "backup-routes-"));
  const fx = await fakeNodeWithData(root);
  fx.node.set({ hostIdToEndpoint: { [fx.node.state.hostId!]: "127.0.0.1:7000" } });
  const { logger } = capturedLogger();
  service = new BackupService(
    { node: fx.node, store: fx.store, logger },
    { concurrency: 2, retry: { attempts: 1, baseDelayMs: 1 } },
  );
  app = createApp(
    fakeDeps({
      node: fx.node,
      logger,
      auth: { mode: "disabled" },
      backups: { service, queries: new BackupQueries(fx.node, fx.store) },
    }),
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function settled(): Promise<void> {
  while (service.busy) await new Promise((r) => setTimeout(r, 5));
}

describe("backup routes", () => {
  it("POST starts a backup and answers 202 with its id; GET shows its progress and final record", async () => {
    const res = await request(app)
      .post("/api/v1/backups")
      .send({ name: "b1", keyspaces: ["ks1"] });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe("/api/v1/backups/b1");
    expect(res.body).toMatchObject({ id: "b1", name: "b1", state: "running", origin: "api" });
    await settled();
    const one = await request(app).get("/api/v1/backups/b1");
    expect(one.status).toBe(200);
    expect(one.body.run).toMatchObject({ state: "complete", progress: { phase: "done", filesDone: 21 } });
    expect(one.body.run.result.totals).toMatchObject({ files: 21, uploadedFiles: 21, skippedFiles: 0 });
    expect(one.body.stored).toMatchObject({ complete: true, files: 21 });
  });

  it("lists this node's backups, and the cluster's with scope=cluster", async () => {
    await request(app).post("/api/v1/backups").send({ name: "b1" });
    await settled();
    const node = await request(app).get("/api/v1/backups");
    expect(node.body.backups).toEqual([expect.objectContaining({ name: "b1", complete: true, files: 28 })]);
    const cluster = await request(app).get("/api/v1/backups?scope=cluster");
    expect(cluster.body.backups).toEqual([expect.objectContaining({ name: "b1", inRing: true })]);
  });

  it("validates the body, the scope and names, as problem documents", async () => {
    for (const body of [
      { name: "a/b" },
      { keyspaces: ["bad-name"] },
      { name: "x", extra: 1 },
      { keyspaces: "ks1" },
    ]) {
      const res = await request(app).post("/api/v1/backups").send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "validation-failed" });
    }
    expect(
      (
        await request(app)
          .post("/api/v1/backups")
          .send({ keyspaces: ["nope"] })
      ).status,
    ).toBe(400);
    expect((await request(app).get("/api/v1/backups?scope=everything")).status).toBe(400);
    expect((await request(app).get("/api/v1/backups/never")).status).toBe(404);
  });

  it("answers 409 while a backup runs, and for a name already used", async () => {
    await request(app).post("/api/v1/backups").send({ name: "b1" });
    expect((await request(app).post("/api/v1/backups").send({ name: "b2" })).status).toBe(409);
    await settled();
    expect((await request(app).post("/api/v1/backups").send({ name: "b1" })).status).toBe(409);
  });
});
