import { z } from "zod";
import { keyspaceName, snapshotTag, tableName } from "../http/schemas.js";
import { defineOperation } from "./operation.js";

/** Body of `DELETE /api/v1/node/snapshots`, also used by the clear job. */
export const clearSnapshotQuery = z.strictObject({
  tag: snapshotTag.optional().describe("the tag to clear; every snapshot when absent"),
  keyspace: keyspaceName.optional(),
});

/** Snapshot creation as a job (a flush first, unless skipped); the tag defaults to a timestamp. */
export const snapshotOperations = [
  defineOperation({
    name: "snapshots",
    summary: "take a snapshot of keyspaces or tables (all keyspaces when none are named)",
    exclusive: false,
    body: z.strictObject({
      tag: snapshotTag.optional(),
      keyspaces: z.array(keyspaceName).max(100).default([]),
      tables: z
        .array(z.strictObject({ keyspace: keyspaceName, table: tableName }))
        .max(100)
        .default([]),
      skipFlush: z.boolean().default(false),
      ttl: z
        .string()
        .regex(/^\d{1,6}[smhd]$/, "must be a number followed by s, m, h or d")
        .optional()
        .describe("Cassandra clears the snapshot after this long"),
    }),
    run: async (node, body) => {
      const tag = body.tag ?? `snapshot-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      const entities = [...body.keyspaces, ...body.tables.map((t) => `${t.keyspace}.${t.table}`)];
      await node.takeSnapshot(tag, entities, {
        skipFlush: body.skipFlush,
        ...(body.ttl ? { ttl: body.ttl } : {}),
      });
      return { tag };
    },
  }),
];
