/**
 * Time from preStop to DRAINED for a node holding a few hundred MB of unflushed data, beside `nodetool
 * drain` on the same node with the same data, in the same run.
 * Run: npm run build && npx tsx bench/drain-time.ts   (BENCH_MB sets the unflushed megabytes, default 300)
 */
import cassandra from "cassandra-driver";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";
import type { CassandraProcess } from "../test/support/cassandra/cassandra-process.js";
import { runPrestop } from "../test/support/prestop.js";
import { startAgentProcess } from "../test/support/agent-process.js";
import { runBench } from "./support.js";

const MB = Number(process.env.BENCH_MB ?? 300);

/** Writes `mb` megabytes of 64 KiB blobs that stay in memtables (no flush). */
async function fill(node: CassandraProcess, table: string, mb: number): Promise<void> {
  const client = new cassandra.Client({ contactPoints: [node.spec.address], localDataCenter: node.spec.dc });
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute(`CREATE TABLE IF NOT EXISTS bench.${table} (id int PRIMARY KEY, payload blob)`);
  const blob = Buffer.alloc(64 * 1024, 7);
  const rows = mb * 16;
  let next = 0;
  const worker = async () => {
    while (next < rows) {
      const id = next++;
      await client.execute(`INSERT INTO bench.${table} (id, payload) VALUES (?, ?)`, [id, blob], {
        prepare: true,
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await client.shutdown();
}

async function main(): Promise<void> {
  // A 3 GB heap gives memtables 750 MB, so the data stays unflushed until the drain.
  const cluster = await LocalCluster.start({ size: 1, name: "bench-drain", heapMb: 3072 });
  const [node] = cluster.nodes;
  if (!node) throw new Error("no node");
  const agent = await startAgentProcess({
    AGENT_JOLOKIA_URL: node.jolokiaUrl,
    AGENT_LOG_LEVEL: "warn",
    AGENT_DRAIN_PAUSE_MS: "0",
  });
  try {
    await fill(node, "agent_drain", MB);
    const prestop = await runPrestop(agent);
    if (prestop.code !== 0) throw new Error(prestop.stderr);
    await node.restart();
    await fill(node, "nodetool_drain", MB);
    const t0 = performance.now();
    await node.nodetool("drain");
    const nodetoolMs = performance.now() - t0;
    console.log(
      `drain of a node holding ${MB} MB of unflushed writes (pause for in-flight requests set to 0):`,
    );
    console.log(`  cassandra-pod-agent prestop (until DRAINED): ${(prestop.durationMs / 1000).toFixed(2)} s`);
    console.log(
      `  nodetool drain:                              ${(nodetoolMs / 1000).toFixed(2)} s (includes nodetool's JVM start)`,
    );
  } finally {
    await agent.stop("SIGKILL");
    await cluster.destroy();
  }
}

runBench(main);
