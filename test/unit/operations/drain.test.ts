import request from "supertest";
import { describe, expect, it } from "vitest";
import { Drainer } from "../../../agent/operations/drain.js";
import {
  CassandraTimeoutError,
  CassandraUnavailableError,
  DeadlineExceededError,
} from "../../../agent/errors.js";
import { ProbeService } from "../../../probes/probe-service.js";
import { testApi } from "../../support/api-app.js";
import { capturedLogger } from "../../support/app-deps.js";
import { FakeCassandraNode } from "../../support/fakes/fake-cassandra-node.js";

function setup(node = new FakeCassandraNode(), deadlineMs = 2_000) {
  const probes = new ProbeService(node, {
    pollPeriodMs: 1_000,
    pollTimeoutMs: 100,
    livenessWindowMs: 5_000,
    readinessStaleMs: 5_000,
    cqlCheck: false,
  });
  const outcomes: string[] = [];
  const drainer = new Drainer(
    node,
    probes,
    { deadlineMs, inFlightPauseMs: 10, pollIntervalMs: 5 },
    capturedLogger().logger,
    {
      onFinished: (outcome) => outcomes.push(outcome),
    },
  );
  return { node, probes, drainer, outcomes };
}

describe("Drainer", () => {
  it("runs the sequence in order: readiness off, native transport off, pause, drain, DRAINED", async () => {
    const { node, probes, drainer, outcomes } = setup();
    await probes.pollOnce();
    const result = await drainer.drain();
    expect(result.outcome).toBe("drained");
    expect(result.steps.map((s) => s.step)).toEqual([
      "readiness-off",
      "native-transport-stopped",
      "in-flight-pause",
      "drain-called",
      "drained",
    ]);
    expect(node.calls.filter((c) => c !== "status")).toEqual(["stopNativeTransport", "drain"]);
    expect(probes.verdict("readiness").pass).toBe(false);
    expect(drainer.state.state).toBe("drained");
    expect(outcomes).toEqual(["drained"]);
  });

  it("shares one drain between concurrent callers", async () => {
    const { node, drainer } = setup(Object.assign(new FakeCassandraNode(), { drainDurationMs: 30 }));
    const [a, b] = await Promise.all([drainer.drain(), drainer.drain()]);
    expect(a).toBe(b);
    expect(node.calls.filter((c) => c === "drain")).toHaveLength(1);
  });

  it("returns at once on a node that is already DRAINED", async () => {
    const { node, drainer } = setup(new FakeCassandraNode({ operationMode: "DRAINED", drained: true }));
    expect((await drainer.drain()).outcome).toBe("already-drained");
    expect(node.calls).toEqual(["status"]);
  });

  it("waits for a drain that Cassandra already runs instead of calling drain() again", async () => {
    const node = new FakeCassandraNode({ operationMode: "DRAINING", draining: true });
    setTimeout(() => node.set({ operationMode: "DRAINED", drained: true, draining: false }), 30);
    const { drainer } = setup(node);
    expect((await drainer.drain()).outcome).toBe("drained");
    expect(node.calls).not.toContain("drain");
  });

  it("trusts the operation mode, not drain()'s return: a drain that times out over JMX still completes", async () => {
    const node = new FakeCassandraNode();
    node.drain = async () => {
      node.set({ operationMode: "DRAINING" });
      setTimeout(() => node.set({ operationMode: "DRAINED" }), 20);
      throw new CassandraTimeoutError("exec timed out");
    };
    expect((await setup(node).drainer.drain()).outcome).toBe("drained");
  });

  it("gives up at the deadline with a DeadlineExceededError, counted as such", async () => {
    const node = new FakeCassandraNode();
    node.drain = async () => {
      node.set({ operationMode: "DRAINING" });
    };
    const { drainer, outcomes } = setup(node, 100);
    await expect(drainer.drain()).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(drainer.drain()).rejects.toThrow(/did not finish within 100 ms \(operation mode DRAINING\)/);
    expect(outcomes).toEqual(["deadline-exceeded", "deadline-exceeded"]);
    expect(drainer.state.state).toBe("failed");
  });

  it("reports a JMX call cut short by the end of the budget as the deadline", async () => {
    const node = new FakeCassandraNode();
    // A slow JVM: the status read takes its whole timeout, which is what was left of the budget.
    node.status = async (options) => {
      await new Promise((r) => setTimeout(r, options?.timeoutMs ?? 0));
      throw new CassandraTimeoutError(`Jolokia did not answer within ${options?.timeoutMs} ms`);
    };
    const { drainer, outcomes } = setup(node, 50);
    const error = await drainer.drain().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toMatch(/^drain did not finish within 50 ms \(Jolokia did not answer/);
    expect(outcomes).toEqual(["deadline-exceeded"]);
  });

  it("says Cassandra is not running when nothing answers", async () => {
    const { drainer, outcomes } = setup(
      new FakeCassandraNode().failWith(new CassandraUnavailableError("ECONNREFUSED")),
    );
    await expect(drainer.drain()).rejects.toThrow(/Cassandra is not running, so there is nothing to drain/);
    expect(outcomes).toEqual(["failed"]);
  });
});

describe("POST /api/v1/node/drain", () => {
  it("with wait=true answers with the result; GET /api/v1/node shows the drain state", async () => {
    const { app, auth } = testApi();
    const res = await request(app).post("/api/v1/node/drain?wait=true").set("authorization", auth).send({});
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("drained");
    const job = await request(app).get(`/api/v1/jobs/${res.body.jobId}`).set("authorization", auth);
    expect(job.body).toMatchObject({ type: "drain", state: "succeeded" });
    const node = await request(app).get("/api/v1/node").set("authorization", auth);
    expect(node.body).toMatchObject({ operationMode: "DRAINED", drain: { state: "drained" } });
  });

  it("runs as a job that preempts a running exclusive job, and a second request gets the same job", async () => {
    const node = Object.assign(new FakeCassandraNode(), { drainDurationMs: 50 });
    const { app, auth, jobs } = testApi({ node });
    const release = node.hold();
    const repair = await request(app).post("/api/v1/node/cleanup").set("authorization", auth).send({});
    expect(repair.status).toBe(202);
    const first = await request(app).post("/api/v1/node/drain").set("authorization", auth).send({});
    const second = await request(app).post("/api/v1/node/drain").set("authorization", auth).send({});
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.id).toBe(first.body.id);
    expect((await jobs.wait(first.body.id)).state).toBe("succeeded");
    release();
  });

  it("answers 401 without the token and 503 problem+json when Cassandra is down", async () => {
    const { app, auth } = testApi({
      node: new FakeCassandraNode().failWith(new CassandraUnavailableError("refused")),
    });
    expect((await request(app).post("/api/v1/node/drain").send({})).status).toBe(401);
    const res = await request(app).post("/api/v1/node/drain?wait=true").set("authorization", auth).send({});
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("cassandra-unavailable");
  });
});
