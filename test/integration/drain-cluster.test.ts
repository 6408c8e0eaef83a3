import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AckedWriter, readAll } from "../support/acked-writer.js";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { runPrestop } from "../support/prestop.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

let nodes: CassandraProcess[];
let agent: AgentProcess;

beforeAll(async () => {
  nodes = await sharedCluster("trio");
  const third = nodes[2]!;
  agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: third.jolokiaUrl,
    AGENT_CQL_HOST: third.spec.address,
  });
});
afterAll(async () => {
  await agent?.stop("SIGKILL");
});
printLogsOnFailure(() => nodes ?? []);

describe("a drain in a three-node cluster", () => {
  it("keeps a LOCAL_QUORUM client (default load balancing) succeeding while one node drains", async () => {
    const third = nodes[2]!;
    const writer = new AckedWriter({
      contactPoints: nodes.map((n) => n.spec.address),
      localDataCenter: third.spec.dc,
      keyspace: "rolling",
      table: "writes",
      consistency: "localQuorum",
    });
    try {
      await writer.createTable(`{'class': 'NetworkTopologyStrategy', '${third.spec.dc}': 3}`);
      writer.start();
      await writer.untilAcked(1_000);
      const prestop = await runPrestop(agent);
      expect(prestop.code, prestop.stderr).toBe(0);
      const atDrain = writer.ackedCount;
      await writer.untilAcked(atDrain + 1_000);
      const result = await writer.stop();
      console.log(
        `LOCAL_QUORUM writes during the drain: ${result.acked.length} acknowledged, ${result.failures} failed`,
      );
      expect(result.failures, result.firstFailure).toBe(0);
      const rows = await readAll(writer.client, "rolling", "writes");
      expect(result.acked.filter((id) => !rows.has(id))).toEqual([]);
    } finally {
      await writer.stop();
      await writer.close();
      // Put the shared cluster back as it was: the drained node restarts and rejoins.
      await third.restart();
    }
  });
});
