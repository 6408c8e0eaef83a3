import { CqlSession } from "../../agent/cassandra/cql-session.js";
import { JolokiaClient } from "../../agent/cassandra/jolokia-client.js";
import { JolokiaCassandraNode } from "../../agent/cassandra/jolokia-node.js";
import type { NodeSpec } from "./cassandra/node-spec.js";

/** The agent's real `CassandraNode` for a harness node, as `main.ts` would build it. */
export function cassandraNodeFor(
  spec: Pick<NodeSpec, "address" | "jolokiaPort" | "nativePort">,
  timeoutMs = 3_000,
) {
  return new JolokiaCassandraNode(
    new JolokiaClient({ url: `http://${spec.address}:${spec.jolokiaPort}/jolokia`, timeoutMs }),
    new CqlSession({ host: spec.address, port: spec.nativePort, timeoutMs: 10_000 }),
  );
}

/** An address in a loopback range no harness cluster uses, so nothing listens there. */
export const NOTHING_LISTENS = { address: "127.0.1.254", jolokiaPort: 8778, nativePort: 9042 };
