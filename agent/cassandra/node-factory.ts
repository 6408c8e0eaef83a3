import type { AgentConfig } from "../config.js";
import { readSecretFile } from "../secrets.js";
import { CqlSession } from "./cql-session.js";
import { JolokiaClient } from "./jolokia-client.js";
import { JolokiaCassandraNode } from "./jolokia-node.js";

/**
 * The local node's `CassandraNode` from the configuration, for commands that run without the server
 * (`cassandra-pod-agent backup …`). Secrets are read from their files, never from the command line.
 */
export function createCassandraNode(config: AgentConfig): JolokiaCassandraNode {
  const authorization =
    config.jolokiaUser && config.jolokiaPasswordFile
      ? `Basic ${Buffer.from(
          `${config.jolokiaUser}:${readSecretFile(config.jolokiaPasswordFile, "AGENT_JOLOKIA_PASSWORD_FILE")}`,
        ).toString("base64")}`
      : undefined;
  const jolokia = new JolokiaClient({
    url: config.jolokiaUrl,
    timeoutMs: config.jolokiaTimeoutMs,
    ...(authorization ? { authorization } : {}),
  });
  const cql = new CqlSession({
    host: config.cqlHost,
    port: config.cqlPort,
    username: config.cqlUser,
    password: config.cqlPasswordFile
      ? readSecretFile(config.cqlPasswordFile, "AGENT_CQL_PASSWORD_FILE")
      : undefined,
    timeoutMs: config.jolokiaTimeoutMs,
  });
  return new JolokiaCassandraNode(jolokia, cql);
}
