import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { freePort } from "../support/free-port.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

interface ProbeAnswer {
  status: number;
  checks: { name: string; ok: boolean }[];
}

let cassandra: CassandraProcess;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  [cassandra] = (await sharedCluster("single")) as [CassandraProcess];
}, 600_000);
afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
});
printLogsOnFailure(() => (cassandra ? [cassandra] : []));

/** An agent beside the shared node with the optional CQL readiness check on, polling every 200 ms. */
async function agentWithCqlCheck(cqlPort: number): Promise<AgentProcess> {
  const agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
    AGENT_CQL_HOST: cassandra.spec.address,
    AGENT_CQL_PORT: String(cqlPort),
    AGENT_READINESS_CQL_CHECK: "true",
    AGENT_PROBE_POLL_PERIOD_MS: "200",
  });
  agents.push(agent);
  return agent;
}

/** The probe's answer once the agent has polled the node (its first polls may not have run yet). */
async function probe(agent: AgentProcess, name: string): Promise<ProbeAnswer> {
  let answer: ProbeAnswer = { status: 0, checks: [] };
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${agent.url}/probes/${name}`);
    answer = { status: res.status, ...((await res.json()) as { checks: ProbeAnswer["checks"] }) };
    if (answer.checks.some((check) => check.name === "cql-answers")) return answer;
    await sleep(200);
  }
  return answer;
}

const check = (answer: ProbeAnswer, name: string) => answer.checks.find((c) => c.name === name)?.ok;

describe("the optional CQL readiness check on a real node", () => {
  it("passes when the node answers a query on its native port", async () => {
    const agent = await agentWithCqlCheck(cassandra.spec.nativePort);
    const readiness = await probe(agent, "readiness");
    expect(check(readiness, "cql-answers"), JSON.stringify(readiness)).toBe(true);
    expect(readiness.status).toBe(200);
  });

  it("fails readiness, and only readiness, when CQL does not answer while gossip and JMX are fine", async () => {
    const agent = await agentWithCqlCheck(await freePort()); // nothing listens there
    const readiness = await probe(agent, "readiness");
    expect(check(readiness, "cql-answers"), JSON.stringify(readiness)).toBe(false);
    expect(readiness.status).toBe(503);
    // Every other readiness condition holds: the CQL check is what failed.
    expect(readiness.checks.filter((c) => c.name !== "cql-answers").every((c) => c.ok)).toBe(true);
    expect((await fetch(`${agent.url}/probes/liveness`)).status).toBe(200);
  });
});
