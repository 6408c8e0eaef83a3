import request from "supertest";
import { describe, expect, it } from "vitest";
import { testApi } from "../support/api-app.js";

describe("POST /api/v1/node/<operation>", () => {
  it("answers 202 with the job's ID and Location, and the job runs to success", async () => {
    const { app, auth, jobs, node } = testApi();
    const res = await request(app)
      .post("/api/v1/node/flush")
      .set("authorization", auth)
      .send({ keyspace: "system" });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/v1/jobs/${res.body.id}`);
    expect(res.body.job).toMatchObject({
      type: "flush",
      state: "queued",
      params: { keyspace: "system", tables: [] },
    });
    expect(await jobs.wait(res.body.id)).toMatchObject({
      state: "succeeded",
      result: { keyspaces: ["system"] },
    });
    expect(node.calls).toContain("flush");
  });

  it("runs over every keyspace when none is named, replicated ones only for cleanup", async () => {
    const { app, auth, jobs } = testApi();
    const res = await request(app).post("/api/v1/node/cleanup").set("authorization", auth).send({});
    const job = await jobs.wait(res.body.id);
    expect(job.result).toEqual({ keyspaces: ["system_auth", "system_distributed"] });
  });

  it("refuses a decommission without confirm: true, naming the field", async () => {
    const { app, auth, node } = testApi();
    const res = await request(app).post("/api/v1/node/decommission").set("authorization", auth).send({});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "validation-failed", field: "body.confirm" });
    const wrong = await request(app)
      .post("/api/v1/node/decommission")
      .set("authorization", auth)
      .send({ confirm: "yes" });
    expect(wrong.status).toBe(400);
    expect(node.calls).not.toContain("decommission");
  });

  it("rejects unsafe names, unknown fields and tables without a keyspace before anything reaches Cassandra", async () => {
    const { app, auth, node } = testApi();
    const post = (body: object) =>
      request(app).post("/api/v1/node/cleanup").set("authorization", auth).send(body);
    expect((await post({ keyspace: "../../etc" })).body.field).toBe("body.keyspace");
    expect((await post({ keyspace: "a".repeat(49) })).body.field).toBe("body.keyspace");
    expect((await post({ keyspace: "ks", tables: ["t;DROP"] })).body.field).toBe("body.tables.0");
    expect((await post({ keyspace: "ks", colour: "red" })).body).toMatchObject({
      field: "body.colour",
      detail: "body.colour: unknown field",
    });
    expect((await post({ tables: ["t"] })).body.field).toBe("body.tables");
    expect(node.calls).toEqual([]);
  });

  it("bounds the body size", async () => {
    const { app, auth } = testApi();
    const res = await request(app)
      .post("/api/v1/node/flush")
      .set("authorization", auth)
      .set("content-type", "application/json")
      .send(JSON.stringify({ keyspace: "x".repeat(100_000) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("body-too-large");
  });

  it("refuses a second exclusive operation with 409 naming the running job, while reads keep answering", async () => {
    const { app, auth, node, jobs } = testApi();
    const release = node.hold();
    const first = await request(app)
      .post("/api/v1/node/cleanup")
      .set("authorization", auth)
      .send({ keyspace: "system_auth" });
    const second = await request(app)
      .post("/api/v1/node/repair")
      .set("authorization", auth)
      .send({ keyspace: "system_auth" });
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain(first.body.id);
    expect(second.body.runningJob).toMatchObject({ id: first.body.id, type: "cleanup" });
    expect((await request(app).get("/api/v1/node").set("authorization", auth)).status).toBe(200);
    expect(
      (await request(app).get(`/api/v1/jobs/${first.body.id}`).set("authorization", auth)).body.state,
    ).toBe("running");
    release();
    expect((await jobs.wait(first.body.id)).state).toBe("succeeded");
  });

  it("returns the same job for a repeated Idempotency-Key", async () => {
    const { app, auth } = testApi();
    const post = () =>
      request(app)
        .post("/api/v1/node/compact")
        .set("authorization", auth)
        .set("idempotency-key", "compact-1")
        .send({});
    const a = await post();
    const b = await post();
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers["idempotent-replayed"]).toBe("true");
  });

  it("records a failed operation's typed error on the job", async () => {
    const { app, auth, jobs } = testApi();
    const res = await request(app)
      .post("/api/v1/node/decommission")
      .set("authorization", auth)
      .send({ confirm: true });
    expect(await jobs.wait(res.body.id)).toMatchObject({
      state: "failed",
      error: { code: "cassandra-operation-failed", detail: expect.stringMatching(/no other normal nodes/) },
    });
  });

  it("takes, lists and clears snapshots", async () => {
    const { app, auth, jobs } = testApi();
    const take = await request(app)
      .post("/api/v1/node/snapshots")
      .set("authorization", auth)
      .send({ tag: "nightly-1", tables: [{ keyspace: "system", table: "local" }] });
    await jobs.wait(take.body.id);
    const list = await request(app).get("/api/v1/node/snapshots").set("authorization", auth);
    expect(list.body).toEqual([
      expect.objectContaining({ tag: "nightly-1", keyspace: "system", table: "local" }),
    ]);
    const clear = await request(app)
      .delete("/api/v1/node/snapshots?tag=nightly-1")
      .set("authorization", auth);
    expect(clear.status).toBe(202);
    await jobs.wait(clear.body.id);
    expect((await request(app).get("/api/v1/node/snapshots").set("authorization", auth)).body).toEqual([]);
    const bad = await request(app).delete("/api/v1/node/snapshots?tag=../x").set("authorization", auth);
    expect(bad.body.field).toBe("query.tag");
  });
});

describe("read routes", () => {
  it("serves node, ring, schema agreement and throughput", async () => {
    const { app, auth } = testApi();
    const get = (path: string) => request(app).get(path).set("authorization", auth);
    const nodeView = (await get("/api/v1/node")).body;
    expect(nodeView).toMatchObject({ operationMode: "NORMAL", load: "104.5 KiB", ownership: 1 });
    expect((await get("/api/v1/ring")).body.endpoints[0]).toMatchObject({ status: "up", state: "normal" });
    expect((await get("/api/v1/ring?keyspace=nope")).status).toBe(422);
    expect((await get("/api/v1/schema/versions")).body.agreement).toBe(true);
    expect((await get("/api/v1/keyspaces/system")).body.tables).toContain("local");
    expect((await get("/api/v1/keyspaces/missing")).status).toBe(404);
    expect((await get("/api/v1/node/thread-pools")).body.length).toBeGreaterThan(0);
    const put = await request(app)
      .put("/api/v1/node/throughput")
      .set("authorization", auth)
      .send({ compactionMiBPerSec: 8 });
    expect(put.body.compactionMiBPerSec).toBe(8);
    const empty = await request(app).put("/api/v1/node/throughput").set("authorization", auth).send({});
    expect(empty.status).toBe(400);
  });
});
