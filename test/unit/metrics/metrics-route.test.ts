import request from "supertest";
import { describe, expect, it } from "vitest";
import { CassandraUnavailableError } from "../../../agent/errors.js";
import { createLogger } from "../../../agent/logger.js";
import { CassandraMetrics } from "../../../agent/metrics/cassandra/cassandra-metrics.js";
import { createAgentRegistry } from "../../../agent/metrics/registry.js";
import { createApp } from "../../../agent/server.js";
import { fakeCassandraNode } from "../../support/fakes/fake-jolokia.js";
import { FakeCassandraNode } from "../../support/fakes/fake-cassandra-node.js";
import { fakeDeps } from "../../support/app-deps.js";

function app() {
  const logger = createLogger("silent");
  const { registry, agent } = createAgentRegistry();
  const jolokia = fakeCassandraNode();
  const cassandra = new CassandraMetrics({
    reader: jolokia,
    registry,
    logger,
    scrapeTimeoutMs: 1_000,
    slowIntervalMs: 60_000,
    slowTimeoutMs: 1_000,
  });
  const express = createApp(
    fakeDeps({ logger, node: new FakeCassandraNode(), metrics: { registry, cassandra } }),
  );
  return { express, jolokia, agent };
}

const OPENMETRICS = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

describe("GET /metrics", () => {
  it("serves the text format with Node's, the agent's and Cassandra's metrics", async () => {
    const { express, agent } = app();
    agent.recordJob("backup", "succeeded", 12);
    const res = await request(express).get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(res.text).toContain('cassandra_pod_agent_jobs_total{type="backup",outcome="succeeded"} 1');
    expect(res.text).toContain("cassandra_up 1");
    expect(res.text).not.toMatch(/^nodejs_active_handles_total/m);
  });

  it("serves OpenMetrics when asked, and the text format still afterwards", async () => {
    const { express } = app();
    const om = await request(express).get("/metrics").set("Accept", OPENMETRICS);
    expect(om.headers["content-type"]).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(om.text.endsWith("# EOF\n")).toBe(true);
    expect(om.text).toContain("# TYPE cassandra_dropped_messages counter");
    expect(om.text).toMatch(/^cassandra_dropped_messages_total\{message_type="MUTATION"/m);
    const text = await request(express).get("/metrics");
    expect(text.text).toContain("# TYPE cassandra_dropped_messages_total counter");
    expect(text.text).toContain("# TYPE cassandra_pod_agent_jobs_total counter");
  });

  it("answers 200 with cassandra_up 0 when Jolokia is unreachable", async () => {
    const { express, jolokia } = app();
    jolokia.failure = new CassandraUnavailableError("Jolokia is not reachable");
    const res = await request(express).get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toContain("cassandra_up 0");
  });
});
