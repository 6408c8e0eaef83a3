/**
 * Scrape time and CPU per scrape at 1,000 tables: this agent's /metrics beside the Prometheus JMX
 * exporter 1.0.1 with its Cassandra example rules, both on the same node in the same run.
 *
 *   npm run build && npx tsx bench/metrics-scrape.ts [--keyspaces 10] [--tables 100] [--rounds 10]
 *     [--exporter-rounds 2]
 *
 * Starts one Cassandra 5.0 node (4 GiB heap) with Jolokia and the JMX exporter attached, creates the
 * tables over CQL with one row each and flushes them (a few minutes on 2 cores), starts the built agent,
 * then interleaves scrapes of the two; last, it times single per-table attributes (after a snapshot) to
 * show which belong in the slow tier. Prints figures; asserts nothing.
 */
import { existsSync } from "node:fs";
import { get } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { JolokiaClient } from "../agent/cassandra/jolokia-client.js";
import { MBEAN } from "../agent/cassandra/mbeans.js";
import { CLI, startAgentProcess, type AgentProcess } from "../test/support/agent-process.js";
import { freePort } from "../test/support/cassandra/local-network.js";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";
import { jmxExporterArgument, JMX_EXPORTER_VERSION } from "./support/jmx-exporter.js";
import { timeAttributes } from "./support/attribute-costs.js";
import { createManyTables } from "./support/many-tables.js";
import { processCpuSeconds } from "./support/proc-cpu.js";

interface Scrape {
  seconds: number;
  cassandraCpu: number;
  agentCpu: number;
  bytes: number;
  samples: number;
}

const { values } = parseArgs({
  options: {
    keyspaces: { type: "string", default: "10" },
    tables: { type: "string", default: "100" },
    rounds: { type: "string", default: "10" },
    "exporter-rounds": { type: "string", default: "2" },
  },
});

/** A GET without client-side time limits (fetch gives up after 300 s; the JMX exporter can take longer). */
function httpGet(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

/** One scrape, with the CPU that Cassandra's JVM and the agent used meanwhile. */
async function scrape(url: string, jvmPid: number, agentPid?: number): Promise<Scrape> {
  const jvm0 = processCpuSeconds(jvmPid);
  const agent0 = agentPid ? processCpuSeconds(agentPid) : 0;
  const started = performance.now();
  const res = await httpGet(url);
  const text = res.text;
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return {
    seconds,
    cassandraCpu: processCpuSeconds(jvmPid) - jvm0,
    agentCpu: agentPid ? processCpuSeconds(agentPid) - agent0 : 0,
    bytes: text.length,
    samples: text.split("\n").filter((l) => l && !l.startsWith("#")).length,
  };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
    : (sorted[Math.floor(mid)] ?? NaN);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function report(label: string, runs: Scrape[]): Record<string, string | number> {
  return {
    exporter: label,
    "median s": median(runs.map((r) => r.seconds)).toFixed(3),
    "mean s": mean(runs.map((r) => r.seconds)).toFixed(3),
    "Cassandra CPU s/scrape": mean(runs.map((r) => r.cassandraCpu)).toFixed(3),
    "agent CPU s/scrape": mean(runs.map((r) => r.agentCpu)).toFixed(3),
    samples: runs.at(-1)?.samples ?? 0,
    MB: ((runs.at(-1)?.bytes ?? 0) / 1e6).toFixed(2),
  };
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const keyspaces = Number(values.keyspaces);
  const perKeyspace = Number(values.tables);
  const rounds = Number(values.rounds);
  const exporterRounds = Number(values["exporter-rounds"]);
  const work = await mkdtemp(path.join(tmpdir(), "cpa-bench-"));
  const exporterPort = await freePort();
  const javaagent = await jmxExporterArgument("127.0.0.1", exporterPort, work);
  console.log(`starting Cassandra with Jolokia and jmx_prometheus_javaagent ${JMX_EXPORTER_VERSION} …`);
  const cluster = await LocalCluster.start({
    size: 1,
    name: "bench",
    heapMb: 4096,
    extraJvmArgs: [javaagent],
  });
  let agent: AgentProcess | undefined;
  try {
    const [node] = cluster.nodes;
    if (!node?.pid) throw new Error("no node");
    const jolokia = new JolokiaClient({ url: node.jolokiaUrl, timeoutMs: 120_000 });
    const flush = "forceKeyspaceFlush(java.lang.String,[Ljava.lang.String;)";
    const started = performance.now();
    const tables = await createManyTables({
      host: node.spec.address,
      port: node.spec.nativePort,
      keyspaces,
      tablesPerKeyspace: perKeyspace,
      afterKeyspace: async (ks) => void (await jolokia.exec(MBEAN.storageService, flush, [ks, []])),
      log: (line) => console.log(line),
    });
    console.log(`${tables.length} tables in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    agent = await startAgentProcess({
      AGENT_JOLOKIA_URL: node.jolokiaUrl,
      AGENT_CQL_HOST: node.spec.address,
      AGENT_LOG_LEVEL: "warn",
    });
    const ours = `${agent.url}/metrics`;
    const theirs = `http://127.0.0.1:${exporterPort}/metrics`;
    // Warm-up: JIT on both sides, and the agent's first name search. The JMX exporter's scrapes take
    // minutes here, so it gets fewer rounds, each right after one of ours.
    for (let i = 0; i < 3; i++) await scrape(ours, node.pid, agent.child.pid);
    console.log("warming up the JMX exporter (one scrape) …");
    await scrape(theirs, node.pid);
    const runs: { ours: Scrape[]; theirs: Scrape[] } = { ours: [], theirs: [] };
    for (let i = 0; i < Math.max(rounds, exporterRounds); i++) {
      if (i < rounds) runs.ours.push(await scrape(ours, node.pid, agent.child.pid));
      if (i < exporterRounds) runs.theirs.push(await scrape(theirs, node.pid));
      console.log(
        `round ${i + 1}: agent ${runs.ours.at(-1)?.seconds.toFixed(3)} s, exporter ${runs.theirs.at(-1)?.seconds.toFixed(1)} s`,
      );
    }
    console.log(
      `\n${tables.length} user tables (+ system tables); ${rounds} and ${exporterRounds} scrapes, interleaved:`,
    );
    console.table([
      report("cassandra-pod-agent", runs.ours),
      report(`jmx_exporter ${JMX_EXPORTER_VERSION}`, runs.theirs),
    ]);
    const ratio = median(runs.theirs.map((r) => r.seconds)) / median(runs.ours.map((r) => r.seconds));
    const cpuRatio =
      mean(runs.theirs.map((r) => r.cassandraCpu)) / mean(runs.ours.map((r) => r.cassandraCpu + r.agentCpu));
    console.log(
      `jmx_exporter / agent: ${ratio.toFixed(1)}x scrape time, ${cpuRatio.toFixed(1)}x CPU (Cassandra's, plus the agent's for ours)`,
    );
    await agent.stop();
    // Which per-table attributes are expensive, with one snapshot of everything on disk to walk.
    const snapshot = "takeSnapshot(java.lang.String,java.util.Map,[Ljava.lang.String;)";
    await jolokia.exec(MBEAN.storageService, snapshot, ["bench", {}, []]);
    console.log("\nreading one attribute of every table (exact names, one bulk request), after a snapshot:");
    console.table(await timeAttributes(jolokia));
  } finally {
    await agent?.stop();
    await cluster.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
