import { z } from "zod";
import type { CassandraNode } from "../cassandra/node.js";
import { keyspaceName, tableName } from "../http/schemas.js";
import type { JobContext } from "../jobs/job.js";

/** `{keyspace?, tables?}`: tables only with a keyspace; no keyspace means every keyspace, as nodetool does. */
export const targetShape = {
  keyspace: keyspaceName.optional(),
  tables: z.array(tableName).max(100).default([]),
};

export const jobsField = z
  .number()
  .int()
  .min(0)
  .max(16)
  .default(1)
  .describe("SSTable operations in parallel (0: all)");

/** Refinement for bodies built on `targetShape`: naming tables without a keyspace is an error on `tables`. */
export function tablesNeedKeyspace(
  body: { keyspace?: string | undefined; tables: string[] },
  ctx: z.RefinementCtx,
): void {
  if (body.tables.length > 0 && body.keyspace === undefined) {
    ctx.addIssue({ code: "custom", path: ["tables"], message: "tables need a keyspace" });
  }
}

const LOCAL_STRATEGY = /LocalStrategy$/;

/**
 * Runs `each` for the named keyspace, or for every keyspace (only the replicated ones when `replicatedOnly`,
 * as `nodetool cleanup` does), reporting progress per keyspace.
 */
export async function forEachKeyspace(
  node: CassandraNode,
  target: { keyspace?: string | undefined; tables: string[] },
  ctx: JobContext,
  each: (keyspace: string, tables: string[]) => Promise<void>,
  replicatedOnly = false,
): Promise<{ keyspaces: string[] }> {
  const keyspaces =
    target.keyspace !== undefined
      ? [target.keyspace]
      : (await node.keyspaces())
          .filter((k) => !replicatedOnly || !LOCAL_STRATEGY.test(k.replication.class ?? ""))
          .map((k) => k.name);
  for (const [i, keyspace] of keyspaces.entries()) {
    ctx.signal.throwIfAborted();
    ctx.progress({ done: i, total: keyspaces.length, fraction: i / keyspaces.length, message: keyspace });
    await each(keyspace, target.tables);
  }
  return { keyspaces };
}
