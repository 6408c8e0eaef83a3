import { z } from "zod";
import { CassandraOperationError, CassandraRejectedError } from "../errors.js";
import type { JolokiaClient } from "./jolokia-client.js";
import { jmxAnswer } from "./jmx-answer.js";
import { MBEAN } from "./mbeans.js";
import { OP, SNITCH_OP } from "./jolokia-operations.js";
import type { RingEndpoint, RingView } from "./views.js";

const RING_ATTRIBUTES = [
  "LiveNodesWithPort",
  "UnreachableNodesWithPort",
  "JoiningNodesWithPort",
  "LeavingNodesWithPort",
  "MovingNodesWithPort",
  "LoadMapWithPort",
  "HostIdToEndpointWithPort",
  "TokenToEndpointWithPortMap",
  "OwnershipWithPort",
] as const;

const list = z
  .array(z.string())
  .nullable()
  .transform((v) => v ?? []);
const map = <T extends z.ZodType>(value: T) =>
  z
    .record(z.string(), value)
    .nullable()
    .transform((v) => v ?? {});

const ringSchema = z.object({
  LiveNodesWithPort: list,
  UnreachableNodesWithPort: list,
  JoiningNodesWithPort: list,
  LeavingNodesWithPort: list,
  MovingNodesWithPort: list,
  LoadMapWithPort: map(z.string()),
  HostIdToEndpointWithPort: map(z.string()),
  TokenToEndpointWithPortMap: map(z.string()),
  OwnershipWithPort: map(z.coerce.number()),
});
type RingAttributes = z.infer<typeof ringSchema>;

/** JMX renders endpoints as `/1.2.3.4:7000` or `host/1.2.3.4:7000` in some maps; we use `1.2.3.4:7000`. */
export function endpointKey(raw: string): string {
  const slash = raw.lastIndexOf("/");
  return slash >= 0 ? raw.slice(slash + 1) : raw;
}

const normalise = <T>(m: Record<string, T>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [endpointKey(k), v]));

function addressOf(endpoint: string): string {
  const colon = endpoint.lastIndexOf(":");
  return (colon > 0 ? endpoint.slice(0, colon) : endpoint).replace(/^\[|\]$/g, "");
}

function stateOf(endpoint: string, a: RingAttributes): RingEndpoint["state"] {
  if (a.LeavingNodesWithPort.includes(endpoint)) return "leaving";
  if (a.JoiningNodesWithPort.includes(endpoint)) return "joining";
  if (a.MovingNodesWithPort.includes(endpoint)) return "moving";
  return "normal";
}

/** The first round trip: StorageService's ring maps, the failure detector and effective ownership. */
async function ringAttributes(jolokia: JolokiaClient, keyspace: string | null) {
  const [attributes, simpleStates, effective] = await jolokia.bulk([
    { type: "read", mbean: MBEAN.storageService, attribute: [...RING_ATTRIBUTES] },
    { type: "read", mbean: MBEAN.failureDetector, attribute: "SimpleStatesWithPort" },
    {
      type: "exec",
      mbean: MBEAN.storageService,
      operation: OP.effectiveOwnership,
      arguments: [keyspace],
    },
  ]);
  if (!attributes?.ok) throw attributes?.error ?? new CassandraOperationError("no ring answer");
  if (!simpleStates?.ok)
    throw simpleStates?.error ?? new CassandraOperationError("no failure detector answer");
  const parsed = ringSchema.safeParse(attributes.value);
  if (!parsed.success) throw new CassandraOperationError("unexpected StorageService ring answer");
  // For a named keyspace a refusal is the caller's mistake (unknown, or LocalStrategy where ownership is
  // meaningless): a 4xx. For all keyspaces fall back to raw ownership, as nodetool does.
  if (keyspace !== null && !effective?.ok) {
    const cause = effective?.error;
    throw cause instanceof CassandraRejectedError
      ? cause
      : new CassandraRejectedError(
          `no effective ownership for keyspace ${keyspace}: ${cause?.message ?? "no answer"}`,
        );
  }
  const ownership = effective?.ok
    ? jmxAnswer(z.record(z.string(), z.coerce.number()), effective.value ?? {}, "effectiveOwnershipWithPort")
    : parsed.data.OwnershipWithPort;
  return {
    a: parsed.data,
    effective: Boolean(effective?.ok),
    ownership: normalise(ownership),
    states: normalise(
      jmxAnswer(z.record(z.string(), z.string()), simpleStates.value ?? {}, "SimpleStatesWithPort"),
    ),
  };
}

/** The second round trip: each endpoint's data center and rack from the snitch. */
async function placements(jolokia: JolokiaClient, endpoints: string[]): Promise<[string, string][]> {
  const answers = await jolokia.bulk(
    endpoints.flatMap((e) => [
      {
        type: "exec" as const,
        mbean: MBEAN.endpointSnitchInfo,
        operation: SNITCH_OP.datacenter,
        arguments: [e],
      },
      { type: "exec" as const, mbean: MBEAN.endpointSnitchInfo, operation: SNITCH_OP.rack, arguments: [e] },
    ]),
  );
  const text = (i: number) => {
    const outcome = answers[i];
    return outcome?.ok ? String(outcome.value) : "unknown";
  };
  return endpoints.map((_e, i) => [text(2 * i), text(2 * i + 1)]);
}

/**
 * Reads the ring the way `nodetool status` assembles it: StorageService's maps for load, host IDs, tokens
 * and ownership (effective for a keyspace when Cassandra can compute it, else raw), the failure detector for
 * up/down, and the snitch for each endpoint's DC and rack.
 */
export async function readRing(jolokia: JolokiaClient, keyspace: string | null): Promise<RingView> {
  const { a, effective, ownership, states } = await ringAttributes(jolokia, keyspace);
  const hostIds = Object.fromEntries(
    Object.entries(a.HostIdToEndpointWithPort).map(([id, e]) => [endpointKey(e), id]),
  );
  const tokens: Record<string, string[]> = {};
  for (const [token, endpoint] of Object.entries(a.TokenToEndpointWithPortMap)) {
    (tokens[endpointKey(endpoint)] ??= []).push(token);
  }
  const endpoints = [
    ...new Set([...Object.keys(tokens), ...Object.keys(hostIds), ...a.JoiningNodesWithPort.map(endpointKey)]),
  ].sort();
  const placed = await placements(jolokia, endpoints);
  const loads = normalise(a.LoadMapWithPort);
  return {
    keyspace,
    effectiveOwnership: effective,
    endpoints: endpoints.map((endpoint, i) => ({
      endpoint,
      address: addressOf(endpoint),
      hostId: hostIds[endpoint] ?? null,
      datacenter: placed[i]?.[0] ?? "unknown",
      rack: placed[i]?.[1] ?? "unknown",
      status: a.LiveNodesWithPort.includes(endpoint) || states[endpoint] === "UP" ? "up" : "down",
      state: stateOf(endpoint, a),
      load: loads[endpoint] ?? null,
      ownership: ownership[endpoint] ?? null,
      tokens: (tokens[endpoint] ?? []).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)),
    })),
  };
}
