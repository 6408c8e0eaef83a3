import type { CqlSession } from "./cql-session.js";
import type { JolokiaClient } from "./jolokia-client.js";
import { MBEAN, SNITCH_ATTRIBUTES, STORAGE_SERVICE_STATUS_ATTRIBUTES } from "./mbeans.js";
import type { CassandraNode, KeyspaceInfo, NodeStatus, StatusOptions } from "./node.js";
import { parseNodeStatus } from "./status-parser.js";

/** `CassandraNode` over Jolokia (JMX) for state and operations, and CQL for schema. */
export class JolokiaCassandraNode implements CassandraNode {
  constructor(
    private readonly jolokia: JolokiaClient,
    private readonly cql: CqlSession,
  ) {}

  async status(options: StatusOptions = {}): Promise<NodeStatus> {
    const [storageService, snitch, runtime] = await this.jolokia.bulk(
      [
        { type: "read", mbean: MBEAN.storageService, attribute: [...STORAGE_SERVICE_STATUS_ATTRIBUTES] },
        { type: "read", mbean: MBEAN.endpointSnitchInfo, attribute: [...SNITCH_ATTRIBUTES] },
        { type: "read", mbean: MBEAN.runtime, attribute: "Uptime" },
      ],
      options.timeoutMs,
    );
    for (const outcome of [storageService, snitch, runtime]) {
      if (outcome && !outcome.ok) throw outcome.error;
    }
    const value = (o: typeof storageService) => (o?.ok ? o.value : undefined);
    return parseNodeStatus(value(storageService), value(snitch), value(runtime));
  }

  keyspaces(): Promise<KeyspaceInfo[]> {
    return this.cql.keyspaces();
  }

  cqlPing(timeoutMs: number): Promise<void> {
    return this.cql.ping(timeoutMs);
  }

  async stopNativeTransport(): Promise<void> {
    await this.jolokia.exec(MBEAN.storageService, "stopNativeTransport()");
  }

  async startNativeTransport(): Promise<void> {
    await this.jolokia.exec(MBEAN.storageService, "startNativeTransport()");
  }

  async drain(timeoutMs: number): Promise<void> {
    await this.jolokia.exec(MBEAN.storageService, "drain()", [], timeoutMs);
  }

  async close(): Promise<void> {
    await this.cql.close();
  }
}
