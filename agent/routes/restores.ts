import { z } from "zod";
import type { RestoreFn } from "../../backup/backup-composition.js";
import { BACKUP_NAME } from "../../backup/layout.js";
import type { RestoreProgress } from "../../backup/restore.js";
import { summarizePlan } from "../../backup/restore-plan.js";
import { ok, type ApiRegistry } from "../http/api-route.js";
import { ACCEPTED, submitJob } from "../http/jobs-http.js";
import { keyspaceName } from "../http/schemas.js";
import type { JobProgress } from "../jobs/job.js";
import type { JobRunner } from "../jobs/job-runner.js";

export const restoreBody = z.strictObject({
  backup: z.string().regex(BACKUP_NAME, `must match ${BACKUP_NAME.source}`).describe("the backup's name"),
  fromHostId: z
    .uuid()
    .optional()
    .describe("another node's backup (same cluster and DC); this node's by default"),
  keyspaces: z.array(keyspaceName).max(100).optional(),
  tables: z
    .array(z.string().regex(/^[A-Za-z0-9_]{1,48}\.[A-Za-z0-9_]{1,48}$/, "must be keyspace.table"))
    .max(1000)
    .optional(),
  dryRun: z.boolean().default(false).describe("answer 200 with the plan; download and change nothing"),
});

/** Job progress: the fraction by bytes, done/total by files, and the phase in words. */
export function restoreJobProgress(p: RestoreProgress): JobProgress {
  return {
    fraction: p.bytesTotal > 0 ? Math.min(1, Math.max(0, p.bytesDone / p.bytesTotal)) : 0,
    done: p.filesDone,
    total: p.filesTotal,
    message:
      `${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${p.bytesDone}/${p.bytesTotal} bytes, ` +
      `${p.tablesDone}/${p.tablesTotal} tables imported`,
  };
}

/**
 * `POST /api/v1/restores`: a restore of backed-up tables into this live node, as an exclusive job (202 with
 * its Location); with `dryRun` the plan (files, bytes, tables, schema statements) at once, as 200.
 */
export function registerRestoreRoutes(api: ApiRegistry, restore: RestoreFn, jobs: JobRunner): void {
  api.route(
    {
      method: "post",
      path: "/api/v1/restores",
      operationId: "startRestore",
      summary:
        "restore tables of a backup into this live node (exclusive: refused with 409 while another exclusive job runs)",
      tag: "backups",
      body: restoreBody,
      responses: { ...ACCEPTED, 200: { description: "the plan of a dry run" } },
    },
    async ({ body, req }) => {
      const request = {
        backup: body.backup,
        ...(body.fromHostId ? { fromHostId: body.fromHostId } : {}),
        ...(body.keyspaces ? { keyspaces: body.keyspaces } : {}),
        ...(body.tables ? { tables: body.tables } : {}),
      };
      if (body.dryRun) {
        return ok({
          dryRun: true,
          plan: summarizePlan((await restore({ ...request, dryRun: true })).plan, true),
        });
      }
      return submitJob(jobs, req, {
        type: "restore",
        exclusive: true,
        params: request,
        run: async (ctx) => {
          const result = await restore(request, {
            signal: ctx.signal,
            onProgress: (p) => ctx.progress(restoreJobProgress(p)),
          });
          return summarizePlan(result.plan);
        },
      });
    },
  );
}
