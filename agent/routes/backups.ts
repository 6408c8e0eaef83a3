import { z } from "zod";
import type { BackupQueries } from "../../backup/backup-queries.js";
import type { BackupService } from "../../backup/backup-service.js";
import { BACKUP_NAME, CQL_NAME } from "../../backup/layout.js";
import { NotFoundError } from "../errors.js";
import { ok, type ApiRegistry } from "../http/api-route.js";
import { ACCEPTED, submitJob } from "../http/jobs-http.js";
import type { JobContext } from "../jobs/job.js";
import type { JobRunner } from "../jobs/job-runner.js";

export interface BackupRouteDeps {
  service: BackupService;
  queries: BackupQueries;
}

const createBody = z
  .strictObject({
    name: z.string().regex(BACKUP_NAME).optional().describe("defaults to backup-<UTC time>"),
    keyspaces: z
      .array(z.string().regex(CQL_NAME))
      .max(1000)
      .optional()
      .describe("all user keyspaces when omitted"),
  })
  .optional();
const listQuery = z.strictObject({ scope: z.enum(["node", "cluster"]).default("node") });
const nameParams = z.strictObject({ name: z.string().regex(BACKUP_NAME) });

/** A default name for an on-demand backup: `backup-20261126T170012Z`. */
function defaultName(now = new Date()): string {
  return `backup-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}

/** The job's body: run the backup, mirror its progress into the job, end as the backup ends. */
async function runBackup(
  service: BackupService,
  request: { name: string; keyspaces?: string[] },
  ctx: JobContext,
) {
  ctx.signal.addEventListener("abort", () => void service.stop());
  await service.start(request, "api");
  const report = () => {
    const progress = service.get(request.name)?.progress;
    if (!progress) return;
    ctx.progress({
      done: progress.bytesDone,
      total: progress.bytes,
      ...(progress.bytes > 0 ? { fraction: Math.min(1, progress.bytesDone / progress.bytes) } : {}),
      message: `${progress.phase}: ${progress.filesDone}/${progress.files} files`,
    });
  };
  const timer = setInterval(report, 1_000);
  try {
    const view = await service.settled(request.name);
    report();
    if (view?.state === "complete" && view.result) return view.result;
    throw view ? service.errorOf(view) : new NotFoundError(`backup ${request.name} vanished`);
  } finally {
    clearInterval(timer);
  }
}

/**
 * Backups of the local node: `POST /api/v1/backups` runs one as an exclusive job (202 with the job's
 * Location; the job's progress counts bytes and files, its result gives files and bytes uploaded and
 * skipped); `GET /api/v1/backups` lists this node's or the cluster's backups from the store.
 */
export function registerBackupRoutes(api: ApiRegistry, deps: BackupRouteDeps, jobs: JobRunner): void {
  api.route(
    {
      method: "post",
      path: "/api/v1/backups",
      operationId: "createBackup",
      summary: "back up this node to the object store",
      tag: "backups",
      body: createBody,
      responses: ACCEPTED,
    },
    ({ body, req }) => {
      const request = {
        name: body?.name ?? defaultName(),
        ...(body?.keyspaces ? { keyspaces: body.keyspaces } : {}),
      };
      return submitJob(jobs, req, {
        type: "backup",
        exclusive: true,
        params: request,
        run: (ctx) => runBackup(deps.service, request, ctx),
      });
    },
  );
  api.route(
    {
      method: "get",
      path: "/api/v1/backups",
      operationId: "listBackups",
      summary: "backups of this node (scope=node) or of the whole cluster (scope=cluster)",
      tag: "backups",
      query: listQuery,
      responses: { 200: { description: "the backups, newest first" } },
    },
    async ({ query }) => ok({ scope: query.scope, backups: await deps.queries.list(query.scope) }),
  );
  api.route(
    {
      method: "get",
      path: "/api/v1/backups/{name}",
      operationId: "getBackup",
      summary: "one backup of this node: the run (while this agent remembers it) and what the store holds",
      tag: "backups",
      params: nameParams,
      responses: { 200: { description: "the backup" } },
    },
    async ({ params }) => {
      const run = deps.service.get(params.name);
      const stored = await deps.queries.find(params.name);
      if (!run && !stored) throw new NotFoundError(`no backup named ${params.name} on this node`);
      return ok({ name: params.name, ...(run ? { run } : {}), ...(stored ? { stored } : {}) });
    },
  );
}
