import express, { type Express } from "express";
import type { CassandraNode } from "./cassandra/node.js";
import { NotFoundError } from "./errors.js";
import { problemHandler } from "./http/problem.js";
import { requestContext } from "./http/request-context.js";
import type { Logger } from "./logger.js";
import { healthRouter } from "./routes/health.js";
import { metricsRouter, type MetricsDeps } from "./routes/metrics.js";
import { nodeRouter } from "./routes/node.js";

/** What the HTTP app needs; tests pass fakes, `main.ts` the real adapters. */
export interface AppDeps {
  logger: Logger;
  node: CassandraNode;
  startedAt?: Date;
  /** Serves `GET /metrics` (unauthenticated) when given. */
  metrics?: MetricsDeps;
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
  app.use(nodeRouter(deps.node));
  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
