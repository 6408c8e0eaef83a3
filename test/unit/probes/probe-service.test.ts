import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import {
  CassandraMBeanNotFoundError,
  CassandraTimeoutError,
  CassandraUnavailableError,
} from "../../../agent/errors.js";
import { createApp } from "../../../agent/server.js";
import { ProbeService } from "../../../probes/probe-service.js";
import { fakeDeps } from "../../support/app-deps.js";
import { FakeCassandraNode } from "../../support/fakes/fake-cassandra-node.js";

let clock = 0;
const services: ProbeService[] = [];

function service(node: FakeCassandraNode, cqlCheck = false) {
  const probes = new ProbeService(node, {
    pollPeriodMs: 1_000,
    pollTimeoutMs: 500,
    livenessWindowMs: 5_000,
    readinessStaleMs: 2_000,
    cqlCheck,
    now: () => clock,
  });
  services.push(probes);
  return probes;
}

afterEach(async () => {
  await Promise.all(services.map((s) => s.stop()));
});

describe("ProbeService", () => {
  it("classifies poll failures: refused, hung, and not yet registered", async () => {
    const node = new FakeCassandraNode();
    const probes = service(node);
    node.failWith(new CassandraUnavailableError("refused"));
    await probes.pollOnce();
    expect(probes.snapshot().lastOutcome).toBe("unreachable");
    node.failWith(new CassandraMBeanNotFoundError("StorageService not registered"));
    await probes.pollOnce();
    expect(probes.snapshot().lastOutcome).toBe("answered-not-ready");
    expect(probes.verdict("liveness").pass).toBe(true);
    expect(probes.verdict("startup").pass).toBe(false);
    node.failWith(new CassandraTimeoutError("hung"));
    await probes.pollOnce();
    expect(probes.snapshot().lastOutcome).toBe("timeout");
  });

  it("keeps liveness through a pause shorter than the window, then fails it", async () => {
    const node = new FakeCassandraNode();
    const probes = service(node);
    clock = 10_000;
    await probes.pollOnce();
    node.failWith(new CassandraTimeoutError("hung"));
    clock = 14_000;
    await probes.pollOnce();
    expect(probes.verdict("liveness").pass).toBe(true);
    clock = 15_001;
    expect(probes.verdict("liveness").pass).toBe(false);
    node.failWith(undefined);
    await probes.pollOnce();
    expect(probes.verdict("liveness").pass).toBe(true);
  });

  it("fails readiness at once when a drain is requested, and keeps the flag across polls", async () => {
    const probes = service(new FakeCassandraNode());
    await probes.pollOnce();
    expect(probes.verdict("readiness").pass).toBe(true);
    probes.markDrainRequested();
    await probes.pollOnce();
    expect(probes.verdict("readiness").pass).toBe(false);
  });

  it("forgets a drain request once a new JVM has started (the container restarted, the sidecar did not)", async () => {
    const node = new FakeCassandraNode({ uptimeMs: 600_000 });
    const probes = service(node);
    await probes.pollOnce();
    probes.markDrainRequested();
    node.set({ uptimeMs: 600_500 });
    await probes.pollOnce();
    expect(probes.snapshot().drainRequested).toBe(true);
    node.set({ uptimeMs: 4_000 });
    await probes.pollOnce();
    expect(probes.snapshot().drainRequested).toBe(false);
    expect(probes.verdict("readiness").pass).toBe(true);
  });

  it("runs the CQL check only when enabled", async () => {
    const node = new FakeCassandraNode();
    await service(node).pollOnce();
    expect(node.calls).not.toContain("cqlPing");
    const checked = service(node, true);
    node.set({ nativeTransportRunning: false });
    await checked.pollOnce();
    expect(node.calls).toContain("cqlPing");
    expect(checked.snapshot().cqlOk).toBe(false);
  });

  it("never runs two polls at once", async () => {
    const node = new FakeCassandraNode();
    const probes = service(node);
    await Promise.all([probes.pollOnce(), probes.pollOnce(), probes.pollOnce()]);
    expect(node.calls.filter((c) => c === "status")).toHaveLength(1);
  });
});

describe("probe routes", () => {
  it("answer 200/503 from the cache without calling Cassandra", async () => {
    const node = new FakeCassandraNode({ operationMode: "JOINING" });
    const probes = service(node);
    await probes.pollOnce();
    const app = createApp(fakeDeps({ node, probes }));
    const calls = node.calls.length;
    const readiness = await request(app).get("/probes/readiness");
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({
      probe: "readiness",
      verdict: "fail",
      state: { operationMode: "JOINING" },
    });
    expect(readiness.body.checks).toContainEqual({
      name: "operation-mode-normal",
      ok: false,
      detail: "JOINING",
    });
    expect((await request(app).get("/probes/liveness")).status).toBe(200);
    expect((await request(app).get("/probes/startup")).status).toBe(200);
    expect(node.calls.length).toBe(calls);
  });

  it("answer even while Cassandra hangs", async () => {
    const node = new FakeCassandraNode();
    const probes = service(node);
    node.status = () => new Promise(() => undefined);
    void probes.pollOnce();
    const res = await request(createApp(fakeDeps({ node, probes }))).get("/probes/liveness");
    expect(res.status).toBe(503);
    expect(res.body.checks).toContainEqual(expect.objectContaining({ name: "jvm-answering", ok: false }));
  });
});
