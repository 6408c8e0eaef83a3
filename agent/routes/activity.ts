import { z } from "zod";
import type { CassandraNode } from "../cassandra/node.js";
import { ok, type ApiRegistry } from "../http/api-route.js";

const rate = z.number().int().min(0).max(1_000_000);
const throughputBody = z
  .strictObject({
    compactionMiBPerSec: rate.optional().describe("compaction cap in MiB/s; 0 unthrottles"),
    streamMbitPerSec: rate.optional().describe("streaming cap in megabits/s; 0 unthrottles"),
    interDcStreamMbitPerSec: rate.optional().describe("inter-DC streaming cap in megabits/s"),
  })
  .refine((b) => Object.keys(b).length > 0, "name at least one throughput");

/** What the node is busy with: compactions, streams, thread pools, snapshots, throughput caps. */
export function registerActivityRoutes(api: ApiRegistry, node: CassandraNode): void {
  const get = (path: string, operationId: string, summary: string) =>
    ({
      method: "get",
      path,
      operationId,
      summary,
      tag: "activity",
      responses: { 200: { description: summary } },
    }) as const;

  api.route(get("/api/v1/node/compactions", "getCompactions", "active and pending compactions"), async () =>
    ok(await node.compactions()),
  );
  api.route(get("/api/v1/node/streams", "getStreams", "streaming sessions"), async () =>
    ok(await node.streams()),
  );
  api.route(
    get("/api/v1/node/thread-pools", "getThreadPools", "thread pools: active, pending, blocked"),
    async () => ok(await node.threadPools()),
  );
  api.route(get("/api/v1/node/snapshots", "listSnapshots", "snapshots, one entry per table"), async () =>
    ok(await node.snapshots()),
  );
  api.route(
    get("/api/v1/node/throughput", "getThroughput", "compaction and streaming throughput caps"),
    async () => ok(await node.throughput()),
  );
  api.route(
    {
      method: "put",
      path: "/api/v1/node/throughput",
      operationId: "setThroughput",
      summary: "change compaction and streaming throughput caps (takes effect at once, not persisted)",
      tag: "activity",
      body: throughputBody,
      responses: { 200: { description: "the caps after the change" } },
    },
    async ({ body }) => {
      await node.setThroughput(body);
      return ok(await node.throughput());
    },
  );
}
