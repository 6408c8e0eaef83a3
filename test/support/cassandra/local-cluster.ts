import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CassandraProcess } from "./cassandra-process.js";
import { ensureDistribution, type CassandraDistribution } from "./distribution.js";
import { claimSubnet, freePort, startWatchdog } from "./local-network.js";
import { balancedTokens, type NodeSpec } from "./node-spec.js";

export interface LocalClusterOptions {
  size: number;
  name?: string;
  /** Third octet of the loopback /24 to use; by default the first free one from 127.0.2.0 up. */
  subnet?: number;
  /** Parent folder for node homes; by default a new temporary folder, removed by `destroy()`. */
  baseDir?: string;
  heapMb?: number;
  dc?: string;
  /** More JVM arguments for every node, e.g. another `-javaagent` (the metrics bench attaches one). */
  extraJvmArgs?: string[];
}

/** The serialisable description of a running cluster, handed from global setup to test workers. */
export interface ClusterInfo {
  name: string;
  specs: NodeSpec[];
}

/**
 * N local Cassandra nodes on 127.0.X.1..N sharing one cluster name, each with its own ports and folders.
 * The first node is the seed and starts first; the others then start in parallel.
 */
export class LocalCluster {
  private constructor(
    readonly name: string,
    readonly nodes: CassandraProcess[],
    private readonly cleanup: () => Promise<void>,
  ) {}

  get info(): ClusterInfo {
    return { name: this.name, specs: this.nodes.map((n) => n.spec) };
  }

  /** Starts the cluster: the seed first, then the others in parallel. */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const cluster = await LocalCluster.create(options);
    try {
      await cluster.startAll();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  async startAll(): Promise<void> {
    const [seed, ...others] = this.nodes;
    await seed?.start();
    await Promise.all(others.map((node) => node.start()));
  }

  /** Claims addresses, ports and folders without starting anything, so a test can watch the start. */
  static async create(options: LocalClusterOptions): Promise<LocalCluster> {
    const dist = await ensureDistribution();
    const subnet = await claimSubnet(options.subnet);
    const ownsBase = options.baseDir === undefined;
    const baseDir = options.baseDir ?? (await mkdtemp(path.join(tmpdir(), "cpa-cluster-")));
    const runDir = path.join(baseDir, "run");
    const stopWatchdog = startWatchdog(process.pid, runDir);
    const name = options.name ?? `cluster-${subnet.octet}`;
    const tokens = balancedTokens(options.size);
    const specs: NodeSpec[] = [];
    for (let i = 0; i < options.size; i++) {
      const home = path.join(baseDir, `node${i + 1}`);
      specs.push({
        name: `node${i + 1}`,
        clusterName: name,
        address: `127.0.${subnet.octet}.${i + 1}`,
        jmxPort: await freePort(),
        jolokiaPort: 8778,
        nativePort: 9042,
        storagePort: 7000,
        seeds: [`127.0.${subnet.octet}.1:7000`],
        initialToken: tokens[i] ?? "0",
        dc: options.dc ?? "dc1",
        rack: `rack${i + 1}`,
        autoBootstrap: false,
        heapMb: options.heapMb ?? 768,
        ...(options.extraJvmArgs ? { extraJvmArgs: options.extraJvmArgs } : {}),
        home,
        dataDirs: [path.join(home, "data1"), path.join(home, "data2")],
        runDir,
      });
    }
    const nodes = specs.map((spec) => new CassandraProcess(spec, dist));
    return new LocalCluster(name, nodes, async () => {
      stopWatchdog();
      if (ownsBase) await rm(baseDir, { recursive: true, force: true });
      await subnet.release();
    });
  }

  /** Rebuilds handles in another process from `info`; they adopt the JVMs by their pid files. */
  static async attach(info: ClusterInfo): Promise<CassandraProcess[]> {
    const dist = await ensureDistribution();
    return Promise.all(info.specs.map((spec) => new CassandraProcess(spec, dist).adopt()));
  }

  /** Stops every node (also ones restarted by other processes), then removes what the cluster created. */
  async destroy(): Promise<void> {
    const adopted = await Promise.all(this.nodes.map((node) => node.adopt()));
    await Promise.all(adopted.map((node) => node.stop(30_000)));
    await this.cleanup();
  }
}

export type { CassandraDistribution };
