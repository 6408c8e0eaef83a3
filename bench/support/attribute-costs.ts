import type { JolokiaClient } from "../../agent/cassandra/jolokia-client.js";
import { keyProperties } from "../../agent/metrics/cassandra/object-name.js";

const M = "org.apache.cassandra.metrics";

/** Per-table attributes to time: the agent's scrape tier, its slow tier, and a few others for scale. */
export const TIMED_ATTRIBUTES: [name: string, attribute: string][] = [
  ["LiveSSTableCount", "Value"],
  ["LiveDiskSpaceUsed", "Count"],
  ["TotalDiskSpaceUsed", "Count"],
  ["PendingCompactions", "Value"],
  ["ReadLatency", "99thPercentile"],
  ["TombstoneScannedHistogram", "99thPercentile"],
  ["MaxPartitionSize", "Value"],
  ["MeanPartitionSize", "Value"],
  ["EstimatedPartitionCount", "Value"],
  ["SnapshotsSize", "Value"],
  ["CompressionRatio", "Value"],
  ["PercentRepaired", "Value"],
];

/**
 * Times reading one attribute of every table (exact names, one bulk request, best of `tries`), to see
 * which attributes are expensive enough for the slow tier. Returns rows for console.table.
 */
export async function timeAttributes(jolokia: JolokiaClient, tries = 3): Promise<Record<string, string>[]> {
  const [search] = await jolokia.bulk([{ type: "search", mbean: `${M}:type=Table,name=LiveSSTableCount,*` }]);
  const tables = search?.ok ? (search.value as string[]).map((name) => keyProperties(name)) : [];
  const rows: Record<string, string>[] = [];
  for (const [name, attribute] of TIMED_ATTRIBUTES) {
    const requests = tables.map((t) => ({
      type: "read" as const,
      mbean: `${M}:type=Table,keyspace=${t.keyspace},scope=${t.scope},name=${name}`,
      attribute: [attribute],
      config: { ignoreErrors: true, includeRequest: false },
    }));
    const times: number[] = [];
    for (let i = 0; i < tries; i++) {
      const started = performance.now();
      await jolokia.bulk(requests);
      times.push(performance.now() - started);
    }
    rows.push({
      attribute: `${name}.${attribute}`,
      tables: String(tables.length),
      "best ms": Math.min(...times).toFixed(0),
    });
  }
  return rows;
}
