import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { cacheDir } from "../../test/support/cassandra/distribution.js";

const run = promisify(execFile);
export const JMX_EXPORTER_VERSION = "1.0.1";

/** Fetches the Prometheus JMX exporter's javaagent from Maven Central into the cache, once. */
export async function ensureJmxExporter(): Promise<string> {
  const dir = path.join(cacheDir(), "jmx-exporter");
  const jar = path.join(dir, `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`);
  if (existsSync(jar)) return jar;
  await mkdir(dir, { recursive: true });
  await run("mvn", [
    "-q",
    "-B",
    "dependency:copy",
    `-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION}`,
    `-DoutputDirectory=${dir}`,
  ]);
  return jar;
}

/**
 * A configuration equivalent to the exporter's example for Cassandra: lower-cased names and labels, and
 * three rules over the metrics domain: hints created (by destination), connection and streaming metrics
 * (by address), and a catch-all turning `type`, an optional extra key, `scope` and `name` into
 * `cassandra_<type>_<name>` with labels, for every Count and Value attribute. There is no allow-list, so
 * the exporter reads every Cassandra metric, the per-table ones included, on each scrape.
 */
export const CASSANDRA_EXAMPLE_RULES = String.raw`lowercaseOutputName: true
lowercaseOutputLabelNames: true
rules:
  - pattern: 'org.apache.cassandra.metrics<type=(HintedHandOffManager)(?:, ((?!scope)\S*)=(\S*))?(?:, scope=(\S*))?, name=Hints_created-(\S+)><>(Count|Value)'
    name: cassandra_hintedhandoffmanager_hints_created
    labels:
      destination: "$5"
      "$1": "$4"
      "$2": "$3"
  - pattern: 'org.apache.cassandra.metrics<type=(Connection|Streaming), scope=(\S*), name=(\S*)><>(?:Count|Value)'
    name: cassandra_$1_$3
    labels:
      address: "$2"
  - pattern: 'org.apache.cassandra.metrics<type=(\S*)(?:, ((?!scope)\S*)=(\S*))?(?:, scope=(\S*))?, name=(\S*)><>(?:Count|Value)'
    name: cassandra_$1_$5
    labels:
      "$1": "$4"
      "$2": "$3"
`;

/** Writes the configuration and returns the `-javaagent` argument serving it on `host:port`. */
export async function jmxExporterArgument(host: string, port: number, dir: string): Promise<string> {
  const jar = await ensureJmxExporter();
  const config = path.join(dir, "jmx-exporter-cassandra.yaml");
  await writeFile(config, CASSANDRA_EXAMPLE_RULES);
  return `-javaagent:${jar}=${host}:${port}:${config}`;
}
