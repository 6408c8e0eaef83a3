import type { Server } from "node:http";
import { CqlSession } from "./cassandra/cql-session.js";
import { JolokiaClient } from "./cassandra/jolokia-client.js";
import { JolokiaCassandraNode } from "./cassandra/jolokia-node.js";
import type { AgentConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { CassandraMetrics } from "./metrics/cassandra/cassandra-metrics.js";
import { createAgentRegistry } from "./metrics/registry.js";
import { readSecretFile } from "./secrets.js";
import { createApp } from "./server.js";

/** A running agent: its HTTP server and how to stop it. */
export interface RunningAgent {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

function jolokiaAuthorization(config: AgentConfig): string | undefined {
  if (!config.jolokiaUser || !config.jolokiaPasswordFile) return undefined;
  const password = readSecretFile(config.jolokiaPasswordFile, "AGENT_JOLOKIA_PASSWORD_FILE");
  return `Basic ${Buffer.from(`${config.jolokiaUser}:${password}`).toString("base64")}`;
}

/** The composition root: config → adapters → HTTP server. Signals are wired by the CLI, not here. */
export async function startAgent(
  config: AgentConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningAgent> {
  const metrics = createAgentRegistry();
  const jolokia = new JolokiaClient({
    url: config.jolokiaUrl,
    timeoutMs: config.jolokiaTimeoutMs,
    authorization: jolokiaAuthorization(config),
    onRequest: metrics.agent.onJolokiaRequest,
  });
  const cassandraMetrics = new CassandraMetrics({
    reader: jolokia,
    registry: metrics.registry,
    logger,
    scrapeTimeoutMs: config.metricsScrapeTimeoutMs,
    slowIntervalMs: config.metricsSlowIntervalMs,
    slowTimeoutMs: Math.max(config.metricsScrapeTimeoutMs, 60_000),
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
  const node = new JolokiaCassandraNode(jolokia, cql);
  const app = createApp({
    logger,
    node,
    metrics: { registry: metrics.registry, cassandra: cassandraMetrics },
  });
  cassandraMetrics.start();

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.listenHost, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    {
      listen: `${config.listenHost}:${port}`,
      jolokia: config.jolokiaUrl,
      cql: `${config.cqlHost}:${config.cqlPort}`,
    },
    "agent started",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("agent stopping");
      cassandraMetrics.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
      await node
        .close()
        .catch((error: unknown) => logger.warn({ err: error }, "closing the CQL session failed"));
      logger.info("agent stopped");
    })();
    return stopping;
  };
  return { server, port, stop };
}
