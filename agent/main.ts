import type { Server } from "node:http";
import { createCassandraPort } from "./cassandra/node-factory.js";
import type { AgentConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { CassandraMetrics } from "./metrics/cassandra/cassandra-metrics.js";
import { createAgentRegistry } from "./metrics/registry.js";
import { createApp } from "./server.js";
import { ProbeService } from "../probes/probe-service.js";
import { Drainer } from "./operations/drain.js";
import { FileToken, type ApiAuth } from "./http/auth.js";
import { listen, listenLocal } from "./http/listen.js";
import { JobRunner } from "./jobs/job-runner.js";
import { FileJobStore, MemoryJobStore } from "./jobs/job-store.js";
import { agentVersion } from "./version.js";
import type { AgentMetrics } from "./metrics/agent-metrics.js";
import type { JobRecord } from "./jobs/job.js";
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
/** Job outcomes and durations go to the metrics; an interrupted job was never seen to finish. */
function jobMetrics(agent: AgentMetrics) {
  return (record: Readonly<JobRecord>) => {
    if (record.state !== "succeeded" && record.state !== "failed" && record.state !== "cancelled") return;
    const started = Date.parse(record.startedAt ?? record.createdAt);
    const finished = Date.parse(record.finishedAt ?? record.updatedAt);
    agent.recordJob(record.type, record.state, Math.max(0, finished - started) / 1000);
  };
}

async function openJobs(config: AgentConfig, logger: Logger, agent: AgentMetrics): Promise<JobRunner> {
  const onFinished = jobMetrics(agent);
  try {
    return await JobRunner.open({ store: new FileJobStore(config.stateDir, logger), logger, onFinished });
  } catch (error) {
    logger.error(
      { err: error, stateDir: config.stateDir },
      "job records cannot be kept on disk; keeping them in memory",
    );
    return JobRunner.restore({ store: new MemoryJobStore(), logger, onFinished });
  }
}

/** The composition root: config → adapters → HTTP server. Signals are wired by the CLI, not here. */
export async function startAgent(
  config: AgentConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningAgent> {
  const metrics = createAgentRegistry();
  const { node, jolokia } = createCassandraPort(config, metrics.agent.onJolokiaRequest);
  const cassandraMetrics = new CassandraMetrics({
    reader: jolokia,
    registry: metrics.registry,
    logger,
    scrapeTimeoutMs: config.metricsScrapeTimeoutMs,
    slowIntervalMs: config.metricsSlowIntervalMs,
    slowTimeoutMs: Math.max(config.metricsScrapeTimeoutMs, 60_000),
  });
  const probes = new ProbeService(
    node,
    {
      pollPeriodMs: config.probePollPeriodMs,
      pollTimeoutMs: config.probePollTimeoutMs,
      livenessWindowMs: config.livenessWindowMs,
      readinessStaleMs: config.readinessStaleMs,
      cqlCheck: config.readinessCqlCheck,
      onPoll: () => {
        for (const probe of ["startup", "liveness", "readiness"] as const) {
          metrics.agent.recordProbe(probe, probes.verdict(probe).pass);
        }
      },
    },
    logger,
  );
  probes.start();
  const drainer = new Drainer(
    node,
    probes,
    { deadlineMs: config.drainTimeoutMs, inFlightPauseMs: config.drainPauseMs },
    logger,
    {
      onFinished: (outcome, durationMs) =>
        metrics.agent.recordDrain(
          durationMs / 1000,
          outcome === "already-drained"
            ? "drained"
            : outcome === "deadline-exceeded"
              ? "deadline_exceeded"
              : outcome,
        ),
    },
  );
  const jobs = await openJobs(config, logger, metrics.agent);
  const backups = createBackupComponents(config, node, logger, (result) =>
    metrics.agent.recordTransfer("backup", {
      finishedAt: new Date(result.finishedAt),
      durationSeconds: (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000,
      bytesTransferred: result.totals.uploadedBytes,
      bytesSkipped: result.totals.skippedBytes,
      filesTransferred: result.totals.uploadedFiles,
      filesSkipped: result.totals.skippedFiles,
    }),
  );
  const scheduler = config.backupSchedule
    ? new BackupScheduler(backups.service, config.backupSchedule, logger, () =>
        metrics.agent.recordTickSkipped("backup"),
      )
    : undefined;
  const app = createApp({
    logger,
    node,
    probes,
    drainer,
    jobs,
    backups,
    restore: backups.restore,
    auth: apiAuthFrom(config, logger),
    version: agentVersion(),
    metrics: { registry: metrics.registry, cassandra: cassandraMetrics },
  });
  cassandraMetrics.start();
  const server = await listen(app, config);
  const localServer = config.localPort > 0 ? await listenLocal(app, config.localPort) : undefined;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    {
      listen: `${config.tlsCertFile ? "https" : "http"}://${config.listenHost}:${port}`,
      ...(localServer ? { local: `http://127.0.0.1:${config.localPort}` } : {}),
      jolokia: config.jolokiaUrl,
      cql: `${config.cqlHost}:${config.cqlPort}`,
    },
    "agent started",
  );
  scheduler?.start();
  metrics.agent.setBackupInterval(scheduler?.intervalSeconds() ?? 0);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (drainer.running) {
        logger.info("agent stopping: waiting for the drain in progress first");
        await drainer.running.catch(() => undefined);
      }
      logger.info("agent stopping");
      cassandraMetrics.stop();
      const servers = localServer ? [server, localServer] : [server];
      const closed = Promise.all(
        servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      for (const s of servers) s.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const s of servers) s.closeAllConnections();
      }, config.shutdownTimeoutMs);
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
