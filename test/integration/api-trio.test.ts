import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AgentClient } from "../../agent/client/agent-client.js";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import { agentStateDir } from "../support/agent-token.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { parseNodetoolStatus } from "../support/nodetool-status.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

let nodes: CassandraProcess[];
let agent: AgentProcess;
let client: AgentClient;
const state = agentStateDir("trio-token-1");
const agentEnv = (node: CassandraProcess) => ({
  AGENT_JOLOKIA_URL: node.jolokiaUrl,
  AGENT_CQL_HOST: node.spec.address,
  ...state.env,
});

beforeAll(async () => {
  nodes = await sharedCluster("trio");
  agent = await startAgentProcess(agentEnv(nodes[0] as CassandraProcess));
  client = new AgentClient({ url: agent.url, token: "trio-token-1" });
});
afterAll(async () => {
  await agent?.stop("SIGKILL");
});
printLogsOnFailure(() => nodes);

describe("the API beside a three-node cluster", () => {
  it("shows the ring as nodetool status does, field for field", async () => {
    const first = nodes[0] as CassandraProcess;
    await vi.waitFor(
      async () => {
        // Load changes when memtables flush; compare a ring read between two identical nodetool answers.
        const before = await first.nodetool("status");
        const ring = await client.ring();
        const after = await first.nodetool("status");
        expect(after).toBe(before);
        const expected = parseNodetoolStatus(before);
        expect(expected).toHaveLength(3);
        const actual = ring.endpoints.map((e) => ({
          datacenter: e.datacenter,
          status: e.status === "up" ? "U" : "D",
          state: ({ normal: "N", leaving: "L", joining: "J", moving: "M" } as const)[e.state],
          address: e.address,
          load: e.load ?? "?",
          tokens: e.tokens.length,
          owns: e.ownership === null ? "?" : `${(e.ownership * 100).toFixed(1)}%`,
          hostId: e.hostId,
          rack: e.rack,
        }));
        expect(actual).toEqual(expected.sort((a, b) => a.address.localeCompare(b.address)));
      },
      { timeout: 60_000, interval: 1_000 },
    );
    const status = await client.node();
    expect(status).toMatchObject({ datacenter: "dc1", rack: "rack1", operationMode: "NORMAL" });
    expect(status.load).toMatch(/\d/);
    expect((await client.schemaVersions()).agreement).toBe(true);
  });

  it("refuses a conflicting exclusive operation with 409 naming the running job", async () => {
    const repair = await client.start("repair", {
      keyspace: "system_distributed",
      tables: ["repair_history"],
    });
    const conflict = await client.start("cleanup", { keyspace: "system_auth" }).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ status: 409, code: "conflict" });
    expect((conflict as Error).message).toContain(repair.id);
    expect((await client.node()).operationMode).toBe("NORMAL");
    const done = await client.waitForJob(repair.id, { intervalMs: 500, timeoutMs: 120_000 });
    expect(done.state).toBe("succeeded");
    const cleanup = await client.start("cleanup", { keyspace: "system_auth" });
    expect((await client.waitForJob(cleanup.id, { intervalMs: 500 })).state).toBe("succeeded");
  });

  it("shows a job cut off by an agent restart as interrupted", async () => {
    const node = nodes[1] as CassandraProcess;
    const local = agentStateDir("restart-token");
    const first = await startAgentProcess({ ...agentEnv(node), ...local.env });
    const firstClient = new AgentClient({ url: first.url, token: "restart-token" });
    const repair = await firstClient.start("repair", {
      keyspace: "system_distributed",
      tables: ["repair_history"],
    });
    await first.stop("SIGKILL");
    const second = await startAgentProcess({ ...agentEnv(node), ...local.env });
    try {
      const job = await new AgentClient({ url: second.url, token: "restart-token" }).job(repair.id);
      expect(job).toMatchObject({ state: "interrupted", type: "repair", error: { code: "agent-restarted" } });
    } finally {
      await second.stop("SIGKILL");
    }
  });

  it("answers 401 without a token or with a wrong one, and follows a rotated token", async () => {
    const get = (token?: string) =>
      fetch(`${agent.url}/api/v1/node`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await get()).status).toBe(401);
    expect((await get("wrong-token")).status).toBe(401);
    expect((await get("trio-token-1")).status).toBe(200);
    state.rotate("trio-token-2");
    expect((await get("trio-token-1")).status).toBe(401);
    expect((await get("trio-token-2")).status).toBe(200);
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    expect(agent.output()).not.toContain("wrong-token");
    state.rotate("trio-token-1");
  });
});
