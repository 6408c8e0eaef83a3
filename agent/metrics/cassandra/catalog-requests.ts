import { latencySummary, METRICS, perMBean } from "./builders.js";
import type { FamilySpec } from "./family.js";
import { counter, fromShared, gauge, type Props } from "./shared-read.js";

/** Client-facing families: coordinator latency and errors by operation, dropped messages, connections. */

const CLIENT_REQUEST = `${METRICS}:type=ClientRequest,*`;

/** ClientRequest scopes without a consistency level (`Read`, not `Read-QUORUM`). */
const operation = (p: Props) => (p.scope && !p.scope.includes("-") ? { operation: p.scope } : undefined);

export const REQUEST_FAMILIES: FamilySpec[] = [
  latencySummary({
    name: "cassandra_client_request_latency_seconds",
    help: "Coordinator latency of client requests by operation; _count is requests, quantiles are recent",
    latency: `${METRICS}:type=ClientRequest,name=Latency,*`,
    total: `${METRICS}:type=ClientRequest,name=TotalLatency,*`,
    labels: operation,
  }),
  fromShared(
    CLIENT_REQUEST,
    "Timeouts",
    "Count",
    operation,
    counter(
      "cassandra_client_request_timeouts_total",
      "Client requests that timed out waiting for replicas, by operation",
    ),
  ),
  fromShared(
    CLIENT_REQUEST,
    "Unavailables",
    "Count",
    operation,
    counter(
      "cassandra_client_request_unavailables_total",
      "Client requests refused because too few replicas were alive, by operation",
    ),
  ),
  fromShared(
    CLIENT_REQUEST,
    "Failures",
    "Count",
    operation,
    counter(
      "cassandra_client_request_failures_total",
      "Client requests that failed at a replica, by operation",
    ),
  ),
  perMBean({
    ...counter(
      "cassandra_dropped_messages_total",
      "Messages dropped because they waited past their timeout, by message type",
    ),
    mbean: `${METRICS}:type=DroppedMessage,name=Dropped,*`,
    attribute: "Count",
    labels: { message_type: "scope" },
  }),
  perMBean({
    ...gauge("cassandra_client_connected_native_clients", "Clients connected over the native protocol (CQL)"),
    mbean: `${METRICS}:type=Client,name=ConnectedNativeClients`,
    attribute: "Value",
  }),
];
