import express, { type Express } from "express";
import type { CassandraNode } from "./cassandra/node.js";
import { NotFoundError } from "./errors.js";
import { apiAuthentication, type ApiAuth } from "./http/auth.js";
import { problemHandler } from "./http/problem.js";
import { requestContext } from "./http/request-context.js";
import { JobRunner } from "./jobs/job-runner.js";
import { MemoryJobStore } from "./jobs/job-store.js";
import type { Logger } from "./logger.js";
import { apiRouter } from "./routes/api.js";
import { healthRouter } from "./routes/health.js";
import { probesRouter } from "./routes/probes.js";
import type { ProbeService } from "../probes/probe-service.js";
import type { Drainer } from "./operations/drain.js";
import { metricsRouter, type MetricsDeps } from "./routes/metrics.js";
import type { BackupRouteDeps } from "./routes/backups.js";
import type { RestoreFn } from "../backup/backup-composition.js";

/** What the HTTP app needs; tests pass fakes, `main.ts` the real adapters. */
export interface AppDeps {
  logger: Logger;
  node: CassandraNode;
  probes: ProbeService;
  drainer: Drainer;
  startedAt?: Date;
  /** Tracks operations run as jobs; an in-memory runner when not given (tests). */
  jobs?: JobRunner;
  /** How /api authenticates; when not given every /api call is refused (503) rather than left open. */
  auth?: ApiAuth;
  /** The agent's version, shown in the OpenAPI document. */
  version?: string;
  /** Serves `GET /metrics` (unauthenticated) when given. */
  metrics?: MetricsDeps;
  /** Backups of the local node; the routes answer 503 when not given. */
  backups?: BackupRouteDeps;
  /** Restores into the local node (`POST /api/v1/restores`); the route is absent when not given. */
  restore?: RestoreFn;
}

/** Builds the express app from its dependencies; no globals, so tests can build as many as they like. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(requestContext(deps.logger));
  app.use(express.json({ limit: "64kb" }));
  app.use(healthRouter(deps.startedAt ?? new Date()));
  if (deps.metrics) app.use(metricsRouter(deps.metrics));
  app.use(probesRouter(deps.probes));
  // Unauthenticated routes (probes, metrics) are mounted above this line; everything under /api below it.
  app.use("/api", apiAuthentication(deps.auth ?? { mode: "unconfigured" }, deps.logger));
  app.use(
    apiRouter({
      node: deps.node,
      drainer: deps.drainer,
      backups: deps.backups,
      ...(deps.restore ? { restore: deps.restore } : {}),
      jobs: deps.jobs ?? JobRunner.restore({ store: new MemoryJobStore(), logger: deps.logger }),
      version: deps.version ?? "0.0.0",
    }),
  );
  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
