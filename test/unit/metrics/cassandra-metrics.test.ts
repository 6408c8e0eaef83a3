import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../agent/logger.js";
import { CassandraMetrics } from "../../../agent/metrics/cassandra/cassandra-metrics.js";
import { CassandraUnavailableError } from "../../../agent/errors.js";
import { fakeCassandraNode, readBulks, type FakeJolokia } from "../../support/fakes/fake-jolokia.js";

function setup(jolokia: FakeJolokia = fakeCassandraNode()) {
  const registry = new Registry();
  const metrics = new CassandraMetrics({
    reader: jolokia,
    registry,
    logger: createLogger("silent"),
    scrapeTimeoutMs: 1_000,
    slowIntervalMs: 60_000,
    slowTimeoutMs: 1_000,
  });
  return { jolokia, registry, metrics, text: () => registry.metrics() };
}

const NODE = 'dc="dc1",rack="rack1"';

describe("CassandraMetrics", () => {
  it("turns Jolokia's answers into labelled samples in base units", async () => {
    const { metrics, text } = setup();
    await metrics.refresh();
    const out = await text();
    const table = `keyspace="shop",table="orders"`;
    expect(out).toContain(`cassandra_table_read_latency_seconds{${table},quantile="0.99",${NODE}} 0.002`);
    expect(out).toContain(`cassandra_table_read_latency_seconds_count{${table},${NODE}} 10`);
    expect(out).toContain(`cassandra_table_read_latency_seconds_sum{${table},${NODE}} 7`);
    expect(out).toContain(`cassandra_table_live_disk_space_bytes{${table},${NODE}} 4096`);
    expect(out).toContain(`cassandra_table_tombstones_scanned{${table},quantile="1",${NODE}} 20`);
    expect(out).toContain(
      `cassandra_thread_pool_pending_tasks{path="request",pool="MutationStage",${NODE}} 5`,
    );
    expect(out).toContain(`cassandra_dropped_messages_total{message_type="MUTATION",${NODE}} 7`);
    expect(out).toContain(`cassandra_jvm_memory_max_bytes{area="heap",${NODE}} 400`);
    expect(out).not.toContain(`cassandra_jvm_memory_max_bytes{area="nonheap"`);
    expect(out).toContain(`cassandra_node_operation_mode{mode="NORMAL",${NODE}} 1`);
    expect(out).toContain(`cassandra_node_operation_mode{mode="DRAINED",${NODE}} 0`);
    expect(out).toContain("cassandra_up 1");
  });

  it("keeps client requests by operation and drops the per-consistency-level copies", async () => {
    const { metrics, text } = setup();
    await metrics.refresh();
    const out = await text();
    expect(out).toContain(`cassandra_client_request_timeouts_total{operation="Read",${NODE}} 2`);
    expect(out).not.toContain("Read-QUORUM");
    expect(out).toContain(`cassandra_client_request_latency_seconds_sum{operation="Read",${NODE}} 0.09`);
  });

  it("reads the scrape tier in one bulk request, each pattern once, and never the slow tier", async () => {
    const { jolokia, metrics } = setup();
    await metrics.refresh();
    const [reads = []] = readBulks(jolokia);
    expect(readBulks(jolokia)).toHaveLength(1);
    expect(new Set(reads).size).toBe(reads.length);
    expect(reads.filter((m) => m.includes("type=ThreadPools"))).toHaveLength(1);
    expect(reads.some((m) => m.includes("SnapshotsSize") || m.includes("EstimatedPartitionCount"))).toBe(
      false,
    );
  });

  it("reads exact MBean names once discovered, not patterns that make Cassandra scan every name", async () => {
    const { jolokia, metrics, text } = setup();
    await metrics.directory.discover(1_000);
    await metrics.refresh();
    const reads = readBulks(jolokia).at(-1) ?? [];
    expect(reads.filter((m) => m.includes("*"))).toEqual([]);
    expect(reads).toContain(
      "org.apache.cassandra.metrics:type=Table,keyspace=shop,scope=orders,name=WriteLatency",
    );
    expect(reads).toContain("org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Timeouts");
    // Derived names of metrics a table lacks (here PendingCompactions) are skipped, not errors.
    expect(await text()).toContain(
      'cassandra_pod_agent_metrics_collection_errors_total{tier="scrape",kind="read"} 1',
    );
    expect(await text()).toContain(
      'cassandra_table_live_sstables{keyspace="shop",table="orders",dc="dc1",rack="rack1"} 3',
    );
  });

  it("shares one collection among concurrent scrapes", async () => {
    const { jolokia, metrics } = setup();
    let open!: () => void;
    jolokia.gate = new Promise((resolve) => (open = resolve));
    const scrapes = [metrics.refresh(), metrics.refresh(), metrics.refresh()];
    open();
    await Promise.all(scrapes);
    expect(readBulks(jolokia)).toHaveLength(1);
    await metrics.refresh();
    expect(readBulks(jolokia)).toHaveLength(2);
  });

  it("serves the slow tier from its cache, with its age, after a slow collection", async () => {
    const { jolokia, metrics, text } = setup();
    await metrics.refresh();
    expect(await text()).not.toMatch(/^cassandra_table_snapshots_size_bytes\{/m);
    expect(await text()).not.toMatch(/^cassandra_pod_agent_metrics_slow_tier_age_seconds /m);
    expect(await metrics.refreshSlow()).toBe(true);
    jolokia.set("org.apache.cassandra.metrics:type=Table,keyspace=shop,scope=orders,name=SnapshotsSize", {
      Value: 999,
    });
    await metrics.refresh();
    const out = await text();
    expect(out).toContain(`cassandra_table_snapshots_size_bytes{keyspace="shop",table="orders",${NODE}} 123`);
    expect(out).toMatch(/^cassandra_pod_agent_metrics_slow_tier_age_seconds \d/m);
  });

  it("answers with cassandra_up 0 and no stale samples when Jolokia fails", async () => {
    const { jolokia, metrics, text } = setup();
    await metrics.refresh();
    jolokia.failure = new CassandraUnavailableError("Jolokia is not reachable");
    await expect(metrics.refresh()).resolves.toBeUndefined();
    const out = await text();
    expect(out).toContain("cassandra_up 0");
    expect(out).not.toMatch(/^cassandra_table_read_latency_seconds/m);
    expect(out).toContain(
      'cassandra_pod_agent_metrics_collection_errors_total{tier="scrape",kind="request"} 1',
    );
  });
});
