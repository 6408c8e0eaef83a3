/**
 * The agent's resident memory when idle beside a real node (probes polling, nothing else), after warm-up.
 * Run: npm run build && npx tsx bench/idle-rss.ts
 * With the Node flags the image and the pod spec set:
 *   BENCH_NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=2" npx tsx bench/idle-rss.ts
 */
import { setTimeout as sleep } from "node:timers/promises";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";
import { startAgentProcess } from "../test/support/agent-process.js";
import { rssMb, runBench } from "./support.js";

async function main(): Promise<void> {
  const t0 = performance.now();
  const cluster = await LocalCluster.start({ size: 1, name: "bench-rss" });
  const startSeconds = (performance.now() - t0) / 1000;
  const [node] = cluster.nodes;
  if (!node) throw new Error("no node");
  const agent = await startAgentProcess({
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? "",
    AGENT_JOLOKIA_URL: node.jolokiaUrl,
    AGENT_CQL_HOST: node.spec.address,
    AGENT_LOG_LEVEL: "warn",
  });
  const { url } = agent;
  const get = (path: string) =>
    fetch(url + path, { headers: { authorization: agent.authorization } }).then((r) => r.arrayBuffer());
  try {
    const sample = async () => {
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) {
        await sleep(1_000);
        samples.push(rssMb(agent.child.pid ?? 0));
      }
      return `min ${Math.min(...samples).toFixed(1)} MB, max ${Math.max(...samples).toFixed(1)} MB`;
    };
    for (const path of ["/probes/readiness", "/api/v1/node"]) await get(path);
    const idle = await sample();
    await get("/api/v1/keyspaces");
    const afterCql = await sample();
    console.log(`Cassandra node start-up (fresh data directory, cached jars): ${startSeconds.toFixed(1)} s`);
    console.log(`agent RSS over 10 s, idle (probes polling, JMX reads served): ${idle}`);
    console.log(`agent RSS over 10 s, after a CQL request (driver loaded, one connection): ${afterCql}`);
  } finally {
    await agent.stop("SIGKILL");
    await cluster.destroy();
  }
}

runBench(main);
