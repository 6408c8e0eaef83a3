import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import { startPrometheus, type PrometheusServer } from "../support/prometheus.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

let cassandra: CassandraProcess;
let agent: AgentProcess;
let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
  agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
    AGENT_CQL_HOST: cassandra.spec.address,
  });
  prometheus = await startPrometheus(`127.0.0.1:${agent.port}`);
});
afterAll(async () => {
  await prometheus?.stop();
  await agent?.stop("SIGKILL");
});
printLogsOnFailure(() => [cassandra]);

describe("a real Prometheus scraping the agent beside a real node", () => {
  it("stores Cassandra's metrics, which its query API then returns", async () => {
    const server = prometheus!;
    const expr = 'cassandra_table_live_sstables{keyspace="system",table="local"}';
    let result: Awaited<ReturnType<PrometheusServer["query"]>> = [];
    for (let i = 0; i < 150 && result.length === 0; i++) {
      await sleep(200);
      result = await server.query(expr);
    }
    expect(result).toHaveLength(1);
    expect(result[0]?.metric).toMatchObject({
      job: "cassandra",
      dc: cassandra.spec.dc,
      rack: cassandra.spec.rack,
    });
    expect(Number(result[0]?.value[1])).toBeGreaterThan(0);
    const [up] = await server.query('up{job="cassandra"}');
    expect(up?.value[1]).toBe("1");
    const [mode] = await server.query('cassandra_node_operation_mode{mode="NORMAL"}');
    expect(mode?.value[1]).toBe("1");
  });
});
