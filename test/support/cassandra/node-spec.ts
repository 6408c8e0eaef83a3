import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Everything that identifies one local Cassandra node: its loopback address, ports and directories. It is
 * plain data so that a test worker can rebuild a handle to a node that another process started.
 */
export interface NodeSpec {
  name: string;
  clusterName: string;
  address: string;
  /** JMX binds 127.0.0.1 whatever the node's address, so this port is unique on the machine. */
  jmxPort: number;
  jolokiaPort: number;
  nativePort: number;
  storagePort: number;
  seeds: string[];
  initialToken: string;
  dc: string;
  rack: string;
  autoBootstrap: boolean;
  heapMb: number;
  /** JVM arguments added before the main class (another `-javaagent`, for instance). */
  extraJvmArgs?: string[];
  /** The node's home: conf/, data1/, data2/, commitlog/, hints/, saved_caches/, cdc_raw/, logs/. */
  home: string;
  dataDirs: string[];
  /** Where pid files of every JVM of this run are kept, read by the watchdog. */
  runDir: string;
}

export function confDir(spec: NodeSpec): string {
  return path.join(spec.home, "conf");
}

export function logDir(spec: NodeSpec): string {
  return path.join(spec.home, "logs");
}

export function commitlogDir(spec: NodeSpec): string {
  return path.join(spec.home, "commitlog");
}

/** Tokens spread evenly over the Murmur3 ring, so `num_tokens: 1` nodes own equal ranges. */
export function balancedTokens(count: number): string[] {
  const min = -(2n ** 63n);
  const step = 2n ** 64n / BigInt(count);
  return Array.from({ length: count }, (_, i) => (min + step * BigInt(i)).toString());
}

function cassandraYaml(spec: NodeSpec): string {
  const dirs = (list: string[]) => `[${list.map((d) => JSON.stringify(d)).join(", ")}]`;
  return `cluster_name: ${JSON.stringify(spec.clusterName)}
num_tokens: 1
initial_token: "${spec.initialToken}"
allocate_tokens_for_local_replication_factor: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${spec.seeds.join(",")}"
listen_address: ${spec.address}
rpc_address: ${spec.address}
storage_port: ${spec.storagePort}
native_transport_port: ${spec.nativePort}
auto_bootstrap: ${spec.autoBootstrap}
data_file_directories: ${dirs(spec.dataDirs)}
commitlog_directory: ${JSON.stringify(commitlogDir(spec))}
hints_directory: ${JSON.stringify(path.join(spec.home, "hints"))}
saved_caches_directory: ${JSON.stringify(path.join(spec.home, "saved_caches"))}
cdc_raw_directory: ${JSON.stringify(path.join(spec.home, "cdc_raw"))}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
concurrent_compactors: 1
snapshot_before_compaction: false
auto_snapshot: true
`;
}

function logbackXml(spec: NodeSpec): string {
  return `<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${path.join(logDir(spec), "system.log")}</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

/** Creates the node's directories and writes cassandra.yaml, the rack/DC file and logback.xml. */
export async function writeNodeFiles(spec: NodeSpec): Promise<void> {
  for (const dir of [confDir(spec), logDir(spec), commitlogDir(spec), ...spec.dataDirs, spec.runDir]) {
    await mkdir(dir, { recursive: true });
  }
  for (const sub of ["hints", "saved_caches", "cdc_raw"])
    await mkdir(path.join(spec.home, sub), { recursive: true });
  await writeFile(path.join(confDir(spec), "cassandra.yaml"), cassandraYaml(spec));
  await writeFile(
    path.join(confDir(spec), "cassandra-rackdc.properties"),
    `dc=${spec.dc}\nrack=${spec.rack}\n`,
  );
  await writeFile(path.join(confDir(spec), "logback.xml"), logbackXml(spec));
}
