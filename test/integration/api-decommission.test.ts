import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CqlSession } from "../../agent/cassandra/cql-session.js";
import { AgentClient } from "../../agent/client/agent-client.js";
import { decommissionNode } from "../../agent/client/cluster-ops.js";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import { agentStateDir } from "../support/agent-token.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { LocalCluster } from "../support/cassandra/local-cluster.js";
import { printLogsOnFailure } from "../support/shared-nodes.js";

async function cqlOn(node: CassandraProcess | undefined, query: string): Promise<void> {
  const session = new CqlSession({
    host: node?.spec.address ?? "",
    port: node?.spec.nativePort ?? 9042,
    timeoutMs: 20_000,
  });
  try {
    await session.execute(query);
  } finally {
    await session.close();
  }
}

// Decommission destroys a node, so this file starts (and removes) its own three-node cluster.
let cluster: LocalCluster | undefined;
const agents: AgentProcess[] = [];
let clients: AgentClient[] = [];

beforeAll(async () => {
  cluster = await LocalCluster.start({ size: 3, name: "decommission" });
  for (const node of cluster.nodes) {
    const state = agentStateDir("decommission-token");
    agents.push(
      await startAgentProcess({
        AGENT_JOLOKIA_URL: node.jolokiaUrl,
        AGENT_CQL_HOST: node.spec.address,
        ...state.env,
      }),
    );
  }
  clients = agents.map((a) => new AgentClient({ url: a.url, token: "decommission-token" }));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop("SIGKILL")));
  await cluster?.destroy();
});
printLogsOnFailure(() => cluster?.nodes ?? []);

describe("decommission through the API", () => {
  it("refuses while a keyspace's RF exceeds the nodes that would remain, as Cassandra 5.0 would", async () => {
    const [a, b, c] = clients as [AgentClient, AgentClient, AgentClient];
    await expect(decommissionNode(c, [a, b], { pollMs: 500, timeoutMs: 60_000 })).rejects.toThrow(
      /system_distributed has RF 3 in dc1 but 2 nodes would remain/,
    );
    expect((await a.ring()).endpoints).toHaveLength(3);
  });

  it(
    "follows LEAVING then LEFT, ends with two nodes and a succeeded job; cleanup then runs on the others",
    { timeout: 300_000 },
    async () => {
      const [a, b, c] = clients as [AgentClient, AgentClient, AgentClient];
      // What an operator does first: bring every keyspace's RF within the nodes that will remain.
      await cqlOn(
        cluster?.nodes[0],
        "ALTER KEYSPACE system_distributed WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
      );
      const leaving = (await c.node()).endpoint;
      const log: string[] = [];
      const job = await decommissionNode(c, [a, b], {
        pollMs: 500,
        timeoutMs: 180_000,
        log: (l) => log.push(l),
      });
      expect(job).toMatchObject({ type: "decommission", state: "succeeded" });
      expect(log.join("\n")).toContain(`${leaving} is LEAVING`);
      const ring = await a.ring();
      expect(ring.endpoints.map((e) => e.endpoint)).not.toContain(leaving);
      expect(ring.endpoints).toHaveLength(2);
      expect(ring.endpoints.every((e) => e.status === "up" && e.state === "normal")).toBe(true);
      expect((await c.node()).operationMode).toBe("DECOMMISSIONED");
      for (const other of [a, b]) {
        const cleanup = await other.start("cleanup", {});
        const done = await other.waitForJob(cleanup.id, { intervalMs: 500, timeoutMs: 120_000 });
        expect(done).toMatchObject({
          state: "succeeded",
          result: { keyspaces: expect.arrayContaining(["system_auth"]) },
        });
      }
    },
  );
});
