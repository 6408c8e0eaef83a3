/**
 * Probe latency under load: 500 requests/s to /probes/readiness while a large Jolokia read (every metric
 * MBean of the node) runs in a loop, beside a bare Node server answering a constant (the floor), in the
 * same run. Prints p50/p99 and the ratio to the floor. Run: npm run build && npx tsx bench/probe-latency.ts
 */
import { fileURLToPath } from "node:url";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";
import { freePort } from "../test/support/cassandra/local-network.js";
import { constantRate, percentile, spawnAndWait, summary, runBench } from "./support.js";

const RATE = 500;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CLI = fileURLToPath(new URL("../dist/agent/cli.js", import.meta.url));
const BARE = fileURLToPath(new URL("./bare-server.mjs", import.meta.url));

async function heavyJolokiaReads(
  url: string,
  stop: () => boolean,
): Promise<{ reads: number; meanMs: number }> {
  let reads = 0;
  let total = 0;
  while (!stop()) {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: "POST",
      body: JSON.stringify({ type: "read", mbean: "org.apache.cassandra.metrics:*" }),
    });
    await res.arrayBuffer();
    total += performance.now() - t0;
    reads += 1;
  }
  return { reads, meanMs: total / Math.max(1, reads) };
}

async function main(): Promise<void> {
  const cluster = await LocalCluster.start({ size: 1, name: "bench-probes" });
  const [node] = cluster.nodes;
  if (!node) throw new Error("no node");
  const [agentPort, barePort] = [await freePort(), await freePort()];
  const agentUrl = `http://127.0.0.1:${agentPort}/probes/readiness`;
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const agent = await spawnAndWait(
    [CLI, "serve"],
    {
      AGENT_PORT: String(agentPort),
      AGENT_LOCAL_PORT: "0",
      AGENT_LISTEN_HOST: "127.0.0.1",
      AGENT_JOLOKIA_URL: node.jolokiaUrl,
      AGENT_CQL_HOST: node.spec.address,
      AGENT_LOG_LEVEL: "warn",
    },
    agentUrl,
  );
  const bare = await spawnAndWait([BARE], { PORT: String(barePort) }, bareUrl);
  try {
    await constantRate(agentUrl, RATE, 2);
    await constantRate(bareUrl, RATE, 2);
    let done = false;
    const load = heavyJolokiaReads(node.jolokiaUrl, () => done);
    // Interleave the two targets in slices so both see the same background load.
    const agentLatencies: number[] = [];
    const bareLatencies: number[] = [];
    for (let slice = 0; slice < SECONDS / 2; slice++) {
      agentLatencies.push(...(await constantRate(agentUrl, RATE, 1)));
      bareLatencies.push(...(await constantRate(bareUrl, RATE, 1)));
    }
    done = true;
    const jolokia = await load;
    const p = (l: number[], q: number) =>
      percentile(
        [...l].sort((a, b) => a - b),
        q,
      );
    console.log(
      `probe latency at ${RATE} req/s for ${SECONDS} s per target, while a Jolokia read of org.apache.cassandra.metrics:* ran in a loop (${jolokia.reads} reads, ${jolokia.meanMs.toFixed(0)} ms each)`,
    );
    console.log(summary("agent GET /probes/readiness", agentLatencies));
    console.log(summary("bare Node server (floor)", bareLatencies));
    console.log(
      `ratio agent/floor: p50 ${(p(agentLatencies, 50) / p(bareLatencies, 50)).toFixed(2)}x  p99 ${(p(agentLatencies, 99) / p(bareLatencies, 99)).toFixed(2)}x`,
    );
  } finally {
    agent.kill("SIGKILL");
    bare.kill("SIGKILL");
    await cluster.destroy();
  }
}

runBench(main);
