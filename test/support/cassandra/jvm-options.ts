import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CassandraDistribution } from "./distribution.js";
import { confDir, logDir, type NodeSpec } from "./node-spec.js";

/** The module exports and opens of Cassandra 5.0's conf/jvm17-server.options, which JDK 17 needs. */
/** The Jolokia access policy of docker/cassandra, attached to every node the tests start. */
export const JOLOKIA_POLICY = fileURLToPath(
  new URL("../../../docker/cassandra/jolokia-access.xml", import.meta.url),
);

const JDK17_MODULE_FLAGS = [
  "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED",
  "--add-exports java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-exports java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
  "--add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports java.rmi/sun.rmi.server=ALL-UNNAMED",
  "--add-exports java.sql/java.sql=ALL-UNNAMED",
  "--add-exports java.base/java.lang.ref=ALL-UNNAMED",
  "--add-exports jdk.unsupported/sun.misc=ALL-UNNAMED",
  "--add-opens java.base/java.lang.module=ALL-UNNAMED",
  "--add-opens java.base/jdk.internal.loader=ALL-UNNAMED",
  "--add-opens java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens java.base/jdk.internal.reflect=ALL-UNNAMED",
  "--add-opens java.base/jdk.internal.math=ALL-UNNAMED",
  "--add-opens java.base/jdk.internal.module=ALL-UNNAMED",
  "--add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED",
  "--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED",
  "--add-opens java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens java.base/java.io=ALL-UNNAMED",
  "--add-opens java.base/java.nio=ALL-UNNAMED",
  "--add-opens java.base/java.util.concurrent=ALL-UNNAMED",
  "--add-opens java.base/java.util=ALL-UNNAMED",
  "--add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED",
  "--add-opens java.base/java.lang=ALL-UNNAMED",
  "--add-opens java.base/java.math=ALL-UNNAMED",
  "--add-opens java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens java.base/java.net=ALL-UNNAMED",
  "--add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
  "--add-opens jdk.attach/sun.tools.attach=ALL-UNNAMED",
].flatMap((flag) => flag.split(" "));

export function classpath(spec: NodeSpec, dist: CassandraDistribution): string {
  // conf/ first: GossipingPropertyFileSnitch reads cassandra-rackdc.properties from the classpath.
  return `${confDir(spec)}${path.delimiter}${path.join(dist.libDir, "*")}`;
}

/** The full `java` argument list that starts one node with Jolokia attached. */
export function daemonArgs(spec: NodeSpec, dist: CassandraDistribution): string[] {
  // The access policy the image ships, so every test talks to Jolokia through what production allows.
  const jolokia = `host=${spec.address},port=${spec.jolokiaPort},executor=fixed,threadNr=4,discoveryEnabled=false,policyLocation=file://${JOLOKIA_POLICY}`;
  return [
    `-Xms${Math.min(256, spec.heapMb)}m`,
    `-Xmx${spec.heapMb}m`,
    "-XX:+UseG1GC",
    "-XX:+HeapDumpOnOutOfMemoryError",
    "-Xss512k",
    "-Djdk.attach.allowAttachSelf=true",
    ...JDK17_MODULE_FLAGS,
    "-Dcassandra-foreground=yes",
    `-Dcassandra.config=file://${path.join(confDir(spec), "cassandra.yaml")}`,
    `-Dcassandra.storagedir=${spec.home}`,
    `-Dcassandra.logdir=${logDir(spec)}`,
    `-Dlogback.configurationFile=${path.join(confDir(spec), "logback.xml")}`,
    `-Dcassandra.jmx.local.port=${spec.jmxPort}`,
    "-Dcassandra.skip_wait_for_gossip_to_settle=0",
    "-Dcassandra.ring_delay_ms=5000",
    "-Dcassandra.superuser_setup_delay_ms=1000",
    `-javaagent:${dist.jolokiaJar}=${jolokia}`,
    ...(spec.extraJvmArgs ?? []),
    "-cp",
    classpath(spec, dist),
    "org.apache.cassandra.service.CassandraDaemon",
  ];
}

/** Arguments for `nodetool` against a node, on the same classpath as the node itself. */
export function nodetoolArgs(spec: NodeSpec, dist: CassandraDistribution, command: string[]): string[] {
  return [
    "-Xmx256m",
    ...JDK17_MODULE_FLAGS,
    "-cp",
    classpath(spec, dist),
    "org.apache.cassandra.tools.NodeTool",
    "-h",
    "127.0.0.1",
    "-p",
    String(spec.jmxPort),
    ...command,
  ];
}
