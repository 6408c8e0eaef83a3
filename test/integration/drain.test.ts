import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JolokiaClient } from "../../agent/cassandra/jolokia-client.js";
import { MBEAN } from "../../agent/cassandra/mbeans.js";
import { AckedWriter, readAll } from "../support/acked-writer.js";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { LocalCluster } from "../support/cassandra/local-cluster.js";
import { replayedMutations } from "../support/commitlog.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { runPrestop } from "../support/prestop.js";
import { printLogsOnFailure } from "../support/shared-nodes.js";

// A node of its own: every scenario here drains or kills it.
let cluster: LocalCluster;
let cassandra: CassandraProcess;
let agent: AgentProcess;

beforeAll(async () => {
  cluster = await LocalCluster.start({ size: 1, name: "drain" });
  [cassandra] = cluster.nodes as [CassandraProcess];
  agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
    AGENT_CQL_HOST: cassandra.spec.address,
    AGENT_DRAIN_PAUSE_MS: "300",
    AGENT_PROBE_POLL_PERIOD_MS: "200",
  });
});
afterAll(async () => {
  await agent?.stop("SIGKILL");
  await cluster?.destroy();
});
printLogsOnFailure(() => (cassandra ? [cassandra] : []));

function writer(table: string): AckedWriter {
  return new AckedWriter({
    contactPoints: [cassandra.spec.address],
    localDataCenter: cassandra.spec.dc,
    keyspace: "drill",
    table,
    consistency: "one",
  });
}

/** Writes at ONE, then `interrupt` mid-stream, SIGKILL, restart; returns what was acked, read back and replayed. */
async function drill(table: string, interrupt: () => Promise<void>) {
  const w = writer(table);
  await w.createTable("{'class': 'SimpleStrategy', 'replication_factor': 1}");
  w.start();
  await w.untilAcked(3_000);
  await interrupt();
  await cassandra.kill();
  const result = await w.stop();
  await w.close();
  const offset = await cassandra.logOffset();
  await cassandra.start();
  const replayed = replayedMutations(await cassandra.logSince(offset));
  const reader = writer(table);
  const rows = await readAll(reader.client, "drill", table);
  await reader.close();
  const lost = result.acked.filter((id) => rows.get(id) !== AckedWriter.valueFor(id));
  return { acked: result.acked.length, lost, replayed };
}

describe("the data-safety drill: writes at ONE, then SIGKILL (the worst case), then restart", () => {
  it("without a drain: acknowledged writes are lost or must be replayed from the commit log", async () => {
    const { acked, lost, replayed } = await drill("no_drain", async () => undefined);
    console.log(
      `drill without drain: ${acked} writes acknowledged, ${lost.length} lost, ${replayed} mutations replayed`,
    );
    expect(acked).toBeGreaterThanOrEqual(3_000);
    // Cassandra 5.0 writes the commit log with direct I/O and syncs it every 10 s (periodic mode): what it
    // acknowledged since the last sync dies with the JVM, and what was synced but not flushed is replayed.
    expect(lost.length + replayed).toBeGreaterThan(0);
  });

  it("with the preStop drain: every acknowledged write is back and nothing was replayed", async () => {
    let prestop: Awaited<ReturnType<typeof runPrestop>> | undefined;
    const { acked, lost, replayed } = await drill("with_drain", async () => {
      prestop = await runPrestop(agent);
    });
    console.log(
      `drill with drain: ${acked} writes acknowledged, ${lost.length} lost, ${replayed} mutations replayed`,
    );
    expect(prestop?.code, prestop?.stderr).toBe(0);
    expect(prestop?.stdout).toMatch(/^Cassandra drained in \d+ ms$/m);
    expect(acked).toBeGreaterThanOrEqual(3_000);
    expect(lost).toEqual([]);
    expect(replayed).toBe(0);
  });
});

describe("drain edge cases", () => {
  it("two concurrent drains share one drain(); a later one returns at once", async () => {
    const offset = await cassandra.logOffset();
    const post = () =>
      fetch(`${agent.url}/api/v1/node/drain?wait=true`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: agent.authorization },
        body: "{}",
      });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [ra, rb] = (await Promise.all([a.json(), b.json()])) as { outcome: string; durationMs: number }[];
    expect(ra).toEqual(rb);
    expect(ra?.outcome).toBe("drained");
    const log = await cassandra.logSince(offset);
    expect(log).toContain("DRAINED");
    expect(log).not.toContain("did it already happen");
    const again = await runPrestop(agent);
    expect(again).toMatchObject({ code: 0, stdout: "Cassandra was already drained\n" });
    const node = (await (
      await fetch(`${agent.url}/api/v1/node`, { headers: { authorization: agent.authorization } })
    ).json()) as {
      operationMode: string;
      drain: { state: string };
    };
    expect(node.operationMode).toBe("DRAINED");
    expect(node.drain.state).toBe("drained");
  });

  it("drains while a compaction and a snapshot are running", async () => {
    await cassandra.restart();
    const jolokia = new JolokiaClient({ url: cassandra.jolokiaUrl, timeoutMs: 120_000 });
    const compaction = jolokia
      .exec(MBEAN.storageService, "forceKeyspaceCompaction(boolean,java.lang.String,[Ljava.lang.String;)", [
        false,
        "drill",
        [],
      ])
      .catch((e: Error) => e);
    const snapshot = jolokia
      .exec(MBEAN.storageService, "takeSnapshot(java.lang.String,java.util.Map,[Ljava.lang.String;)", [
        "during-drain",
        {},
        ["drill"],
      ])
      .catch((e: Error) => e);
    const prestop = await runPrestop(agent);
    await Promise.all([compaction, snapshot]);
    expect(prestop.code, prestop.stderr).toBe(0);
    expect((await cassandraNodeFor(cassandra.spec).status()).operationMode).toBe("DRAINED");
  });

  it("returns past its deadline with a clear reason, and Cassandra finishes on its own", async () => {
    await cassandra.restart();
    const hurried = await startAgentProcess({
      AGENT_JOLOKIA_URL: cassandra.jolokiaUrl,
      AGENT_DRAIN_TIMEOUT_MS: "50",
      AGENT_DRAIN_PAUSE_MS: "200",
    });
    try {
      const prestop = await runPrestop(hurried, { AGENT_DRAIN_TIMEOUT_MS: "50" });
      expect(prestop.code).toBe(1);
      expect(prestop.stderr.trim().split("\n")).toHaveLength(1);
      expect(prestop.stderr).toMatch(/drain failed: drain did not finish within 50 ms/);
      expect(hurried.output()).toContain('"outcome":"deadline-exceeded"');
      const metrics = await (await fetch(`${hurried.url}/metrics`)).text();
      expect(metrics).toMatch(/^cassandra_pod_agent_drain_deadline_exceeded_total 1$/m);
    } finally {
      await hurried.stop("SIGKILL");
    }
  });

  it("says clearly when Cassandra is not running", async () => {
    await cassandra.stop();
    const prestop = await runPrestop(agent);
    expect(prestop.code).toBe(1);
    expect(prestop.stderr).toMatch(
      /^cassandra-pod-agent: drain failed: Cassandra is not running, so there is nothing to drain/,
    );
    await cassandra.start();
  });
});
