import { z } from "zod";
import { defineOperation } from "./operation.js";
import { forEachKeyspace, jobsField, tablesNeedKeyspace, targetShape } from "./targets.js";

/**
 * SSTable maintenance: flush, compact, cleanup, garbage collection, upgradesstables and scrub, one keyspace
 * at a time. Cleanup and upgradesstables rewrite every SSTable and are exclusive (cass-operator runs them
 * after a topology change, and two at once would double the disk I/O and space they need).
 */
export const maintenanceOperations = [
  defineOperation({
    name: "flush",
    summary: "flush memtables to SSTables",
    exclusive: false,
    body: z.strictObject(targetShape).superRefine(tablesNeedKeyspace),
    run: (node, body, ctx) => forEachKeyspace(node, body, ctx, (ks, tables) => node.flush(ks, tables)),
  }),
  defineOperation({
    name: "compact",
    summary: "major compaction",
    exclusive: false,
    body: z
      .strictObject({ ...targetShape, splitOutput: z.boolean().default(false) })
      .superRefine(tablesNeedKeyspace),
    run: (node, body, ctx) =>
      forEachKeyspace(node, body, ctx, (ks, t) => node.compact(ks, t, body.splitOutput)),
  }),
  defineOperation({
    name: "cleanup",
    summary: "remove data this node no longer owns (after nodes joined)",
    exclusive: true,
    body: z.strictObject({ ...targetShape, jobs: jobsField }).superRefine(tablesNeedKeyspace),
    run: (node, body, ctx) =>
      forEachKeyspace(node, body, ctx, (ks, t) => node.cleanup(ks, t, body.jobs), true),
  }),
  defineOperation({
    name: "garbage-collect",
    summary: "rewrite SSTables without deleted data",
    exclusive: false,
    body: z
      .strictObject({ ...targetShape, granularity: z.enum(["ROW", "CELL"]).default("ROW"), jobs: jobsField })
      .superRefine(tablesNeedKeyspace),
    run: (node, body, ctx) =>
      forEachKeyspace(node, body, ctx, (ks, t) => node.garbageCollect(ks, t, body.granularity, body.jobs)),
  }),
  defineOperation({
    name: "upgradesstables",
    summary: "rewrite SSTables in the current format",
    exclusive: true,
    body: z
      .strictObject({ ...targetShape, includeAll: z.boolean().default(false), jobs: jobsField })
      .superRefine(tablesNeedKeyspace),
    run: (node, body, ctx) =>
      forEachKeyspace(node, body, ctx, (ks, t) => node.upgradeSSTables(ks, t, body.includeAll, body.jobs)),
  }),
  defineOperation({
    name: "scrub",
    summary: "rebuild SSTables, discarding corrupt data",
    exclusive: false,
    body: z
      .strictObject({
        ...targetShape,
        disableSnapshot: z.boolean().default(false),
        skipCorrupted: z.boolean().default(false),
        checkData: z.boolean().default(false),
        reinsertOverflowedTtl: z.boolean().default(false),
        jobs: jobsField,
      })
      .superRefine(tablesNeedKeyspace),
    run: (node, body, ctx) => forEachKeyspace(node, body, ctx, (ks, t) => node.scrub(ks, t, body)),
  }),
];
