import express, { type Express } from "express";
import type { CassandraNode } from "./cassandra/node.js";
import { NotFoundError } from "./errors.js";
import { problemHandler } from "./http/problem.js";
import { requestContext } from "./http/request-context.js";
import type { Logger } from "./logger.js";
import { healthRouter } from "./routes/health.js";
import { nodeRouter } from "./routes/node.js";
import { probesRouter } from "./routes/probes.js";
import type { ProbeService } from "../probes/probe-service.js";
import type { Drainer } from "./operations/drain.js";
import { backupsRouter } from "./routes/backups.js";
import type { BackupQueries } from "../backup/backup-queries.js";
import type { BackupService } from "../backup/backup-service.js";

/** What the HTTP app needs; tests pass fakes, `main.ts` the real adapters. */
export interface AppDeps {
  logger: Logger;
  node: CassandraNode;
  probes: ProbeService;
  drainer: Drainer;
  startedAt?: Date;
  /** Backups of the local node; the routes are absent when not given. */
  backups?: { service: BackupService; queries: BackupQueries };
}

/** Builds the express app from its dependencies; no globals, so tests can build as many as they like. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(requestContext(deps.logger));
  app.use(express.json({ limit: "64kb" }));
  app.use(healthRouter(deps.startedAt ?? new Date()));
  app.use(probesRouter(deps.probes));
  app.use(nodeRouter(deps.node, deps.drainer));
  if (deps.backups) app.use(backupsRouter(deps.backups));
  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
