import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { CassandraOperationError } from "../errors.js";
import { identifier, keyspaceName } from "../http/schemas.js";
import { defineOperation } from "./operation.js";

const datacenter = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, '_', '.' or '-'");

/**
 * Operations that change the ring or this node's place in it. Decommission requires `confirm: true`: it
 * streams the node's data away and removes it from the cluster, and cannot be undone.
 */
export const topologyOperations = [
  defineOperation({
    name: "decommission",
    summary: "stream this node's data to the others and leave the ring (requires confirm: true)",
    exclusive: true,
    body: z.strictObject({
      confirm: z.literal(true).describe("must be true: decommissioning cannot be undone"),
      force: z.boolean().default(false).describe("decommission even if replicas would fall below the RF"),
    }),
    run: async (node, body, ctx) => {
      ctx.progress({ message: "streaming data to the remaining nodes" });
      await node.decommission(body.force);
      const status = await node.status().catch(() => undefined);
      return { operationMode: status?.operationMode ?? "DECOMMISSIONED" };
    },
  }),
  defineOperation({
    name: "rebuild",
    summary: "stream this node's data from another data center",
    exclusive: true,
    body: z.strictObject({ sourceDatacenter: datacenter.optional(), keyspace: keyspaceName.optional() }),
    run: async (node, body) => {
      await node.rebuild(body.sourceDatacenter ?? null, body.keyspace ?? null);
      return {};
    },
  }),
  defineOperation({
    name: "repair",
    summary: "anti-entropy repair of a keyspace (full or incremental, primary range, DC-local)",
    exclusive: true,
    body: z.strictObject({
      keyspace: keyspaceName,
      tables: z.array(identifier).max(100).default([]),
      incremental: z.boolean().default(false),
      primaryRange: z.boolean().default(false),
      dcLocal: z.boolean().default(false).describe("repair only with replicas in this node's data center"),
      parallelism: z.enum(["sequential", "parallel", "dc_parallel"]).default("parallel"),
    }),
    run: async (node, body, ctx) => {
      const dataCenters = body.dcLocal ? [(await node.status()).datacenter] : [];
      const command = await node.startRepair(body.keyspace, { ...body, dataCenters });
      ctx.progress({ message: `repair command #${command} running` });
      // Cassandra reports the end through getParentRepairStatus; polling needs no JMX notifications.
      for (;;) {
        await sleep(1_000, undefined, { signal: ctx.signal });
        const status = await node.repairStatus(command);
        if (status.state === "completed") return { command, messages: status.messages };
        if (status.state === "failed") {
          throw new CassandraOperationError(`repair #${command} failed: ${status.messages.join("; ")}`);
        }
        ctx.progress({ message: status.messages.at(-1) ?? `repair command #${command} running` });
      }
    },
  }),
];
