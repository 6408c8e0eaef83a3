import type { CqlSession } from "./cql-session.js";
import type { JolokiaClient } from "./jolokia-client.js";
import { MBEAN, SNITCH_ATTRIBUTES, STORAGE_SERVICE_STATUS_ATTRIBUTES } from "./mbeans.js";
import type { CassandraNode, KeyspaceInfo, NodeStatus, SnapshotOptions, StatusOptions } from "./node.js";
import { parseNodeStatus } from "./status-parser.js";
import { CassandraOperationError } from "../errors.js";

const SNAPSHOT_TIMEOUT_MS = 300_000;

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

  async takeSnapshot(tag: string, options: SnapshotOptions = {}): Promise<void> {
    await this.jolokia.exec(
      MBEAN.storageService,
      "takeSnapshot(java.lang.String,java.util.Map,[Ljava.lang.String;)",
      [tag, { skipFlush: String(options.skipFlush ?? false) }, options.keyspaces ?? []],
      options.timeoutMs ?? SNAPSHOT_TIMEOUT_MS,
    );
  }

  async clearSnapshot(tag: string): Promise<void> {
    // Cassandra reads an empty tag as "every snapshot": never send one.
    if (tag === "") throw new CassandraOperationError("refusing to clear snapshots with an empty tag");
    await this.jolokia.exec(
      MBEAN.storageService,
      "clearSnapshot(java.lang.String,[Ljava.lang.String;)",
      [tag, []],
      SNAPSHOT_TIMEOUT_MS,
    );
  }

  async dataFileLocations(): Promise<string[]> {
    const value = await this.jolokia.read(MBEAN.storageService, "AllDataFileLocations");
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      throw new CassandraOperationError("unexpected AllDataFileLocations answer from Cassandra");
    }
    return value;
  }

  describeSchema(): Promise<string> {
    return this.cql.describeSchema();
  }

  async close(): Promise<void> {
    await this.cql.close();
  }
}
