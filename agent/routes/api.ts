import type { Router } from "express";
import type { CassandraNode } from "../cassandra/node.js";
import { ApiRegistry, ok } from "../http/api-route.js";
import { openApiDocument } from "../http/openapi.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { Drainer } from "../operations/drain.js";
import { registerActivityRoutes } from "./activity.js";
import { registerDrainRoutes } from "./drain.js";
import { registerBackupRoutes, type BackupRouteDeps } from "./backups.js";
import { registerJobRoutes } from "./jobs.js";
import { registerOperationRoutes } from "./operations.js";
import { registerNodeRoutes } from "./node.js";
import { registerRestoreRoutes } from "./restores.js";
import type { RestoreFn } from "../../backup/backup-composition.js";

export interface ApiDeps {
  node: CassandraNode;
  drainer: Drainer;
  backups?: BackupRouteDeps;
  jobs: JobRunner;
  version: string;
  /** Restores into this node; the route is absent when no object store is configured. */
  restore?: RestoreFn;
}

/**
 * Every /api/v1 route, declared through one registry so that the OpenAPI document at
 * `/api/v1/openapi.json` is built from the very schemas that validate requests.
 */
export function apiRouter(deps: ApiDeps): Router {
  const api = new ApiRegistry();
  registerNodeRoutes(api, deps.node, deps.drainer);
  registerDrainRoutes(api, deps.drainer, deps.jobs);
  if (deps.backups) registerBackupRoutes(api, deps.backups, deps.jobs);
  registerActivityRoutes(api, deps.node);
  registerOperationRoutes(api, deps.node, deps.jobs);
  registerJobRoutes(api, deps.jobs);
  if (deps.restore) registerRestoreRoutes(api, deps.restore, deps.jobs);
  let document: Record<string, unknown> | undefined;
  api.route(
    {
      method: "get",
      path: "/api/v1/openapi.json",
      operationId: "getOpenApi",
      summary: "this API's OpenAPI 3.1 document",
      tag: "meta",
      responses: { 200: { description: "the document" } },
    },
    () => ok((document ??= openApiDocument(api.specs, deps.version))),
  );
  return api.router;
}
