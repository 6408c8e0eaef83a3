import { latencySummary, METRICS, perMBean, type LabelMap } from "./builders.js";
import type { FamilySpec, Sample } from "./family.js";
import { keyProperties, toNumber } from "./object-name.js";

/**
 * Per-table families. Each reads one attribute pattern (`type=Table,name=X,*`), so a scrape costs one
 * MBean-name scan per family whatever the number of tables, and never touches the ~100 other metrics
 * Cassandra registers per table. Attributes that walk SSTables or snapshot directories on every read are
 * in the slow tier (see README "Metrics"): measured on 1,000 tables, they cost more than all others.
 */

const table = (name: string) => `${METRICS}:type=Table,name=${name},*`;
const TABLE: LabelMap = { keyspace: "keyspace", table: "scope" };

/** A Dropwizard histogram as a summary: quantiles 0.5, 0.99 and 1 (the max), and `_count`. */
function histogramSummary(name: string, help: string, mbean: string): FamilySpec {
  const quantiles: [string, string][] = [
    ["0.5", "50thPercentile"],
    ["0.99", "99thPercentile"],
    ["1", "Max"],
  ];
  return {
    name,
    help,
    type: "summary",
    tier: "scrape",
    reads: [{ mbean, attributes: ["Count", ...quantiles.map(([, a]) => a)] }],
    extract([result]) {
      return [...(result ?? [])].flatMap(([objectName, attrs]) => {
        const props = keyProperties(objectName);
        const labels = { keyspace: props.keyspace ?? "", table: props.scope ?? "" };
        const samples: Sample[] = quantiles.flatMap(([quantile, attribute]) => {
          const value = toNumber(attrs[attribute]);
          return value === undefined ? [] : [{ labels: { ...labels, quantile }, value }];
        });
        const count = toNumber(attrs.Count);
        if (count !== undefined) samples.push({ labels, value: count, suffix: "_count" });
        return samples;
      });
    },
  };
}

export const TABLE_FAMILIES: FamilySpec[] = [
  latencySummary({
    name: "cassandra_table_read_latency_seconds",
    help: "Local read latency of the table on this replica; _count is reads, quantiles are recent",
    latency: table("ReadLatency"),
    total: table("ReadTotalLatency"),
    labels: TABLE,
  }),
  latencySummary({
    name: "cassandra_table_write_latency_seconds",
    help: "Local write latency of the table on this replica; _count is writes, quantiles are recent",
    latency: table("WriteLatency"),
    total: table("WriteTotalLatency"),
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_live_sstables",
    help: "SSTables in use by the table",
    type: "gauge",
    mbean: table("LiveSSTableCount"),
    attribute: "Value",
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_live_disk_space_bytes",
    help: "Disk space used by the table's live SSTables",
    type: "gauge",
    mbean: table("LiveDiskSpaceUsed"),
    attribute: "Count",
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_total_disk_space_bytes",
    help: "Disk space used by the table's SSTables, including obsolete ones not yet deleted",
    type: "gauge",
    mbean: table("TotalDiskSpaceUsed"),
    attribute: "Count",
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_pending_compactions",
    help: "Estimated compactions still to run for the table",
    type: "gauge",
    mbean: table("PendingCompactions"),
    attribute: "Value",
    labels: TABLE,
  }),
  histogramSummary(
    "cassandra_table_tombstones_scanned",
    "Tombstones scanned per local read of the table (quantile 1 is the max); _count is reads sampled",
    table("TombstoneScannedHistogram"),
  ),
  perMBean({
    name: "cassandra_table_max_partition_size_bytes",
    help: "Largest partition of the table seen in its SSTables (from the slow, cached tier)",
    type: "gauge",
    tier: "slow",
    mbean: table("MaxPartitionSize"),
    attribute: "Value",
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_mean_partition_size_bytes",
    help: "Mean partition size of the table's SSTables (from the slow, cached tier)",
    type: "gauge",
    tier: "slow",
    mbean: table("MeanPartitionSize"),
    attribute: "Value",
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_estimated_partitions",
    help: "Estimated partitions in the table; reads SSTable metadata (from the slow, cached tier)",
    type: "gauge",
    tier: "slow",
    mbean: table("EstimatedPartitionCount"),
    attribute: "Value",
    labels: TABLE,
  }),
  perMBean({
    name: "cassandra_table_snapshots_size_bytes",
    help: "Disk space held only by the table's snapshots; walks snapshot directories (slow, cached tier)",
    type: "gauge",
    tier: "slow",
    mbean: table("SnapshotsSize"),
    attribute: "Value",
    labels: TABLE,
  }),
];
