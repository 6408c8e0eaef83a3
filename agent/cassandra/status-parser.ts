import { z } from "zod";
import { CassandraOperationError } from "../errors.js";
import { OPERATION_MODES, type NodeStatus } from "./node.js";

const endpoints = z
  .array(z.string())
  .nullable()
  .transform((v) => v ?? []);

const storageServiceSchema = z.object({
  OperationMode: z.enum(OPERATION_MODES),
  GossipRunning: z.boolean(),
  NativeTransportRunning: z.boolean(),
  Joined: z.boolean(),
  Drained: z.boolean(),
  Draining: z.boolean(),
  LocalHostId: z.string().nullable(),
  ClusterName: z.string(),
  ReleaseVersion: z.string(),
  SchemaVersion: z.string(),
  Tokens: z
    .array(z.string())
    .nullable()
    .transform((v) => v ?? []),
  LiveNodesWithPort: endpoints,
  UnreachableNodesWithPort: endpoints,
  JoiningNodesWithPort: endpoints,
  LeavingNodesWithPort: endpoints,
  MovingNodesWithPort: endpoints,
  HostIdToEndpointWithPort: z
    .record(z.string(), z.string())
    .nullable()
    .transform((v) => v ?? {}),
});

const snitchSchema = z.object({ Datacenter: z.string(), Rack: z.string() });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = result.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new CassandraOperationError(`unexpected ${what} answer from Cassandra (fields: ${fields})`);
  }
  return result.data;
}

/** Builds a `NodeStatus` from the StorageService, snitch and runtime reads, checking every field's type. */
export function parseNodeStatus(storageService: unknown, snitch: unknown, uptimeMs: unknown): NodeStatus {
  const ss = parse(storageServiceSchema, storageService, "StorageService");
  const sn = parse(snitchSchema, snitch, "EndpointSnitchInfo");
  const hostId = ss.LocalHostId;
  return {
    operationMode: ss.OperationMode,
    gossipRunning: ss.GossipRunning,
    nativeTransportRunning: ss.NativeTransportRunning,
    joined: ss.Joined,
    draining: ss.Draining,
    drained: ss.Drained,
    hostId,
    endpoint: hostId ? (ss.HostIdToEndpointWithPort[hostId] ?? null) : null,
    clusterName: ss.ClusterName,
    datacenter: sn.Datacenter,
    rack: sn.Rack,
    tokens: ss.Tokens,
    releaseVersion: ss.ReleaseVersion,
    schemaVersion: ss.SchemaVersion,
    liveEndpoints: ss.LiveNodesWithPort,
    unreachableEndpoints: ss.UnreachableNodesWithPort,
    joiningEndpoints: ss.JoiningNodesWithPort,
    leavingEndpoints: ss.LeavingNodesWithPort,
    movingEndpoints: ss.MovingNodesWithPort,
    hostIdToEndpoint: ss.HostIdToEndpointWithPort,
    uptimeMs: Number(uptimeMs),
  };
}
