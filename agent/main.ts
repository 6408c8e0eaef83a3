import type { Server } from "node:http";
import { CqlSession } from "./cassandra/cql-session.js";
import { JolokiaClient } from "./cassandra/jolokia-client.js";
import { JolokiaCassandraNode } from "./cassandra/jolokia-node.js";
import type { AgentConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { readSecretFile } from "./secrets.js";
import { createApp } from "./server.js";
import { ProbeService } from "../probes/probe-service.js";
import { Drainer } from "./operations/drain.js";
import { createBackupComponents, type BackupComponents } from "../backup/backup-composition.js";
import { BackupScheduler } from "../backup/scheduler.js";

/** A running agent: its HTTP server and how to stop it. */
export interface RunningAgent {
  server: Server;
  port: number;
  drainer: Drainer;
  backups: BackupComponents;
  /** Closes the server; a drain in progress is waited for first, never cut short. */
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
  const jolokia = new JolokiaClient({
    url: config.jolokiaUrl,
    timeoutMs: config.jolokiaTimeoutMs,
    authorization: jolokiaAuthorization(config),
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
  const probes = new ProbeService(
    node,
    {
      pollPeriodMs: config.probePollPeriodMs,
      pollTimeoutMs: config.probePollTimeoutMs,
      livenessWindowMs: config.livenessWindowMs,
      readinessStaleMs: config.readinessStaleMs,
      cqlCheck: config.readinessCqlCheck,
    },
    logger,
  );
  probes.start();
  const drainer = new Drainer(
    node,
    probes,
    { deadlineMs: config.drainTimeoutMs, inFlightPauseMs: config.drainPauseMs },
    logger,
  );
  const backups = createBackupComponents(config, node, logger);
  const scheduler = config.backupSchedule
    ? new BackupScheduler(backups.service, config.backupSchedule, logger)
    : undefined;
  const app = createApp({ logger, node, probes, drainer, backups });

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
  scheduler?.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (drainer.running) {
        logger.info("agent stopping: waiting for the drain in progress first");
        await drainer.running.catch(() => undefined);
      }
      logger.info("agent stopping");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
      await scheduler?.stop();
      // A backup in flight is cancelled: it cleans up (snapshot cleared, no manifest) and the next one
      // reuses what it uploaded.
      await backups.service.stop();
      backups.close();
      await probes.stop();
      await node
        .close()
        .catch((error: unknown) => logger.warn({ err: error }, "closing the CQL session failed"));
      logger.info("agent stopped");
    })();
    return stopping;
  };
  return { server, port, drainer, backups, stop };
}
