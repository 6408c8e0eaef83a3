import { Router } from "express";
import { z } from "zod";
import type { BackupQueries } from "../../backup/backup-queries.js";
import type { BackupService } from "../../backup/backup-service.js";
import { BACKUP_NAME, CQL_NAME } from "../../backup/layout.js";
import { NotFoundError, ValidationError } from "../errors.js";

const createBody = z
  .object({
    name: z.string().regex(BACKUP_NAME, `must match ${BACKUP_NAME.source}`).optional(),
    keyspaces: z
      .array(z.string().regex(CQL_NAME, `must match ${CQL_NAME.source}`))
      .max(1000)
      .optional(),
  })
  .strict();

const listQuery = z.object({ scope: z.enum(["node", "cluster"]).default("node") });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    field: i.path.join(".") || "(body)",
    message: i.message,
  }));
  throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join("; "), {
    details: { errors },
  });
}

/** A default name for an on-demand backup: `backup-20261126T170012Z`. */
function defaultName(now = new Date()): string {
  return `backup-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}

/**
 * Backups of the local node. `POST` starts one in the background and answers 202 with its id (the name)
 * once the checks passed; `GET /{name}` gives its progress and outcome. Kept thin so it can move onto the
 * job model unchanged in what it answers.
 */
export function backupsRouter(deps: { service: BackupService; queries: BackupQueries }): Router {
  const router = Router();
  router.post("/api/v1/backups", async (req, res) => {
    const body = parse(createBody, req.body);
    const name = body.name ?? defaultName();
    const view = await deps.service.start(
      { name, ...(body.keyspaces ? { keyspaces: body.keyspaces } : {}) },
      "api",
    );
    res
      .status(202)
      .location(`/api/v1/backups/${name}`)
      .json({ id: name, ...view });
  });
  router.get("/api/v1/backups", async (req, res) => {
    const { scope } = parse(listQuery, req.query);
    res.json({ scope, backups: await deps.queries.list(scope) });
  });
  router.get("/api/v1/backups/:name", async (req, res) => {
    const name = req.params.name;
    if (!BACKUP_NAME.test(name)) throw new ValidationError(`backup name must match ${BACKUP_NAME.source}`);
    const run = deps.service.get(name);
    const stored = await deps.queries.find(name);
    if (!run && !stored) throw new NotFoundError(`no backup named ${name} on this node`);
    res.json({ name, ...(run ? { run } : {}), ...(stored ? { stored } : {}) });
  });
  return router;
}
