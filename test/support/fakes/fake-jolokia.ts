import type { JolokiaRequest } from "jolokia.js";
import type { JolokiaOutcome } from "../../../agent/cassandra/jolokia-client.js";
import { CassandraMBeanNotFoundError } from "../../../agent/errors.js";
import type { BulkReader } from "../../../agent/metrics/cassandra/read-plan.js";
import { keyProperties } from "../../../agent/metrics/cassandra/object-name.js";

type Attributes = Record<string, unknown>;

function matches(pattern: string, name: string): boolean {
  const [domain, list = ""] = pattern.split(":", 2);
  if (!name.startsWith(`${domain}:`)) return false;
  const props = keyProperties(name);
  const wanted = keyProperties(`${domain}:${list.replace(/,?\*$/, "")}`);
  const exact = !list.endsWith("*");
  if (exact && Object.keys(wanted).length !== Object.keys(props).length) return false;
  return Object.entries(wanted).every(([k, v]) => props[k] === v);
}

function pick(attrs: Attributes, wanted: string[]): Attributes {
  return Object.fromEntries(wanted.filter((a) => a in attrs).map((a) => [a, attrs[a]]));
}

/**
 * An in-memory MBean server answering Jolokia bulk reads the way the real agent does: exact names give
 * their attributes, patterns (`...,*`) give a map by MBean name, absent attributes are skipped
 * (`ignoreErrors`), an unknown exact name fails its entry only, and `search` lists matching names.
 * Records every bulk request for assertions.
 */
export class FakeJolokia implements BulkReader {
  readonly mbeans = new Map<string, Attributes>();
  requestsSeen: JolokiaRequest[][] = [];
  /** When set, every bulk call rejects with it (Jolokia unreachable). */
  failure: Error | undefined;
  /** When set, bulk calls wait for it before answering (to hold a collection in flight). */
  gate: Promise<void> | undefined;

  set(name: string, attributes: Attributes): this {
    this.mbeans.set(name, { ...this.mbeans.get(name), ...attributes });
    return this;
  }

  async bulk(requests: JolokiaRequest[], timeoutMs?: number): Promise<JolokiaOutcome[]> {
    // As the real client: its timeout goes to AbortSignal.timeout, which throws on a non-integer.
    if (timeoutMs !== undefined && !Number.isInteger(timeoutMs)) throw new RangeError(`timeout ${timeoutMs}`);
    this.requestsSeen.push(requests);
    await this.gate;
    if (this.failure) throw this.failure;
    return requests.map((request) => this.answer(request));
  }

  private answer(request: JolokiaRequest): JolokiaOutcome {
    if (request.type === "search") {
      return { ok: true, value: [...this.mbeans.keys()].filter((name) => matches(request.mbean, name)) };
    }
    if (request.type !== "read") throw new Error("the fake answers reads and searches only");
    const wanted = ([] as string[]).concat(request.attribute ?? []);
    if (!request.mbean.includes("*")) {
      const attrs = this.mbeans.get(request.mbean);
      if (!attrs) return { ok: false, error: new CassandraMBeanNotFoundError(`no ${request.mbean}`) };
      return { ok: true, value: pick(attrs, wanted) };
    }
    const value: Record<string, Attributes> = {};
    for (const [name, attrs] of this.mbeans) {
      if (matches(request.mbean, name)) value[name] = pick(attrs, wanted);
    }
    return { ok: true, value };
  }
}

const M = "org.apache.cassandra.metrics";

/** A small but realistic node: one table, client requests (with a per-CL copy), pools, JVM, snitch. */
export function fakeCassandraNode(): FakeJolokia {
  const timer = (count: number, p50: number, p99: number) => ({
    Count: count,
    "50thPercentile": p50,
    "99thPercentile": p99,
    Max: p99,
  });
  return new FakeJolokia()
    .set("org.apache.cassandra.db:type=EndpointSnitchInfo", { Datacenter: "dc1", Rack: "rack1" })
    .set("org.apache.cassandra.db:type=StorageService", { OperationMode: "NORMAL", SchemaVersion: "v1" })
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=ReadLatency`, timer(10, 500, 2000))
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=ReadTotalLatency`, { Count: "7000000" })
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=WriteLatency`, timer(4, 50, 90))
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=WriteTotalLatency`, { Count: 300 })
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=LiveSSTableCount`, { Value: 3 })
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=LiveDiskSpaceUsed`, { Count: 4096 })
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=SnapshotsSize`, { Value: 123 })
    .set(`${M}:type=Table,keyspace=shop,scope=orders,name=TombstoneScannedHistogram`, timer(10, 1, 20))
    .set(`${M}:type=ClientRequest,scope=Read,name=Latency`, timer(100, 800, 5000))
    .set(`${M}:type=ClientRequest,scope=Read,name=TotalLatency`, { Count: 90000 })
    .set(`${M}:type=ClientRequest,scope=Read,name=Timeouts`, { Count: 2 })
    .set(`${M}:type=ClientRequest,scope=Read-QUORUM,name=Timeouts`, { Count: 2 })
    .set(`${M}:type=ThreadPools,path=request,scope=MutationStage,name=PendingTasks`, { Value: 5 })
    .set(`${M}:type=DroppedMessage,scope=MUTATION,name=Dropped`, { Count: 7 })
    .set("java.lang:type=Memory", {
      HeapMemoryUsage: { used: 100, committed: 200, max: 400 },
      NonHeapMemoryUsage: { used: 50, committed: 60, max: -1 },
    });
}

/** The bulk requests that read (not searched), and the MBean names or patterns each one read. */
export function readBulks(jolokia: FakeJolokia): string[][] {
  return jolokia.requestsSeen
    .filter((requests) => requests.some((r) => r.type === "read"))
    .map((requests) => requests.flatMap((r) => (r.type === "read" ? [r.mbean] : [])));
}
