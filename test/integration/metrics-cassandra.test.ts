import cassandraDriver from "cassandra-driver";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import { NOTHING_LISTENS } from "../support/local-agent-node.js";
import { promtool } from "../support/prometheus.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

let cassandra: CassandraProcess;
let agent: AgentProcess;

async function scrape(accept?: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${agent.url}/metrics`, { headers: accept ? { accept } : {} });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

/** The value of the first sample whose name and labels start as given, or undefined. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
    AGENT_CQL_HOST: cassandra.spec.address,
    AGENT_METRICS_SLOW_INTERVAL_MS: "2000",
  });
});
afterAll(async () => {
  await agent?.stop("SIGKILL");
});
printLogsOnFailure(() => [cassandra]);

describe("/metrics beside a real Cassandra 5.0 node", () => {
  it("serves Cassandra's metrics, labelled with the node's dc and rack, and passes promtool", async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain("cassandra_up 1");
    const node = `dc="${cassandra.spec.dc}",rack="${cassandra.spec.rack}"`;
    expect(text).toContain(`cassandra_node_operation_mode{mode="NORMAL",${node}} 1`);
    expect(
      sample(text, `cassandra_table_live_sstables{keyspace="system",table="local",${node}}`),
    ).toBeGreaterThan(0);
    expect(sample(text, `cassandra_jvm_memory_used_bytes{area="heap",${node}}`)).toBeGreaterThan(0);
    expect(sample(text, `cassandra_storage_load_bytes{${node}}`)).toBeGreaterThan(0);
    expect(text).toMatch(/^cassandra_thread_pool_pending_tasks\{path="request",pool="ReadStage",/m);
    expect(text).toMatch(/^cassandra_client_request_latency_seconds_count\{operation="Read",/m);
    expect(text).toMatch(/^cassandra_cache_hit_ratio\{cache="KeyCache",/m);
    expect(text).toMatch(/^cassandra_dropped_messages_total\{message_type="MUTATION",/m);
    expect(text).toMatch(/^cassandra_jvm_gc_collections_total\{gc="G1 Young Generation",/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    const check = await promtool(["check", "metrics"], text);
    expect(check.output).toBe("");
    expect(check.code).toBe(0);
  });

  it("counts writes to a new table, and serves the slow tier from its cache", async () => {
    const client = new cassandraDriver.Client({
      contactPoints: [`${cassandra.spec.address}:${cassandra.spec.nativePort}`],
      localDataCenter: cassandra.spec.dc,
    });
    try {
      await client.execute(
        "CREATE KEYSPACE IF NOT EXISTS metrics_it WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await client.execute("CREATE TABLE IF NOT EXISTS metrics_it.events (id int PRIMARY KEY, v text)");
      for (let i = 0; i < 25; i++)
        await client.execute("INSERT INTO metrics_it.events (id, v) VALUES (?, 'x')", [i], { prepare: true });
    } finally {
      await client.shutdown();
    }
    // The new schema version sends the agent searching for names again; the table shows up a scrape later.
    const table = 'keyspace="metrics_it",table="events"';
    const writes = `cassandra_table_write_latency_seconds_count{${table}`;
    let text = "";
    for (let i = 0; i < 50 && !text.includes(writes); i++) {
      await sleep(100);
      text = (await scrape()).text;
    }
    expect(sample(text, writes)).toBeGreaterThanOrEqual(25);
    for (let i = 0; i < 100 && !text.includes(`cassandra_table_estimated_partitions{${table}`); i++) {
      await sleep(200);
      text = (await scrape()).text;
    }
    expect(sample(text, `cassandra_table_estimated_partitions{${table}`)).toBeGreaterThanOrEqual(0);
    expect(sample(text, "cassandra_pod_agent_metrics_slow_tier_age_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("serves OpenMetrics when the scraper asks for it", async () => {
    const { type, text } = await scrape("application/openmetrics-text;version=1.0.0");
    expect(type).toMatch(/^application\/openmetrics-text/);
    expect(text).toContain("# TYPE cassandra_dropped_messages counter");
    expect(text.endsWith("# EOF\n")).toBe(true);
  });

  it("answers 200 with cassandra_up 0 when Jolokia cannot be reached", async () => {
    const lonely = await startAgentProcess({
      AGENT_JOLOKIA_URL: `http://${NOTHING_LISTENS.address}:${NOTHING_LISTENS.jolokiaPort}/jolokia`,
      AGENT_METRICS_SCRAPE_TIMEOUT_MS: "1000",
    });
    try {
      const res = await fetch(`${lonely.url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain("cassandra_up 0");
      expect(text).toMatch(/^cassandra_pod_agent_jolokia_request_errors_total [1-9]/m);
    } finally {
      await lonely.stop("SIGKILL");
    }
  });
});
