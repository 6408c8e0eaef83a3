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
import { FileToken, type ApiAuth } from "./http/auth.js";
import { listen } from "./http/listen.js";
import { JobRunner } from "./jobs/job-runner.js";
import { FileJobStore, MemoryJobStore } from "./jobs/job-store.js";
import { agentVersion } from "./version.js";
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

/** How /api authenticates, from the configuration; an API without a token is off unless explicitly disabled. */
export function apiAuthFrom(config: AgentConfig, logger: Logger): ApiAuth {
  const requireClientCert = Boolean(config.tlsClientCaFile);
  if (config.apiTokenFile)
    return { mode: "token", token: new FileToken(config.apiTokenFile), requireClientCert };
  if (config.apiAuth === "disabled") {
    logger.warn("AGENT_API_AUTH=disabled: the /api routes answer without authentication");
    return { mode: "disabled", requireClientCert };
  }
  logger.warn("no AGENT_API_TOKEN_FILE: every /api call is refused until one is configured");
  return { mode: "unconfigured" };
}

/**
 * Job records on disk under AGENT_STATE_DIR; if that cannot be used the agent still starts (probes must keep
 * answering) with records in memory only, and says so.
 */
async function openJobs(config: AgentConfig, logger: Logger): Promise<JobRunner> {
  try {
    return await JobRunner.open({ store: new FileJobStore(config.stateDir, logger), logger });
  } catch (error) {
    logger.error(
      { err: error, stateDir: config.stateDir },
      "job records cannot be kept on disk; keeping them in memory",
    );
    return JobRunner.restore({ store: new MemoryJobStore(), logger });
  }
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
  const jobs = await openJobs(config, logger);
  const backups = createBackupComponents(config, node, logger);
  const scheduler = config.backupSchedule
    ? new BackupScheduler(backups.service, config.backupSchedule, logger)
    : undefined;
  const app = createApp({
    logger,
    node,
    probes,
    drainer,
    jobs,
    backups,
    auth: apiAuthFrom(config, logger),
    version: agentVersion(),
  });
  const server = await listen(app, config);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    {
      listen: `${config.tlsCertFile ? "https" : "http"}://${config.listenHost}:${port}`,
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
