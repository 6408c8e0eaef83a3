import type { FamilySpec, Labels, ReadResult, ReadSpec, Sample, Tier } from "./family.js";
import { keyProperties, toNumber } from "./object-name.js";

/** Cassandra's Dropwizard metrics domain. */
export const METRICS = "org.apache.cassandra.metrics";
/** Cassandra reports timer and latency values in microseconds; Prometheus wants seconds. */
export const MICROS = 1e-6;

/**
 * How to label a sample from its MBean's key properties: Prometheus label → ObjectName key. A function
 * may instead return undefined to drop an MBean (e.g. ClientRequest's per-consistency-level copies).
 */
export type LabelMap = Record<string, string> | ((props: Record<string, string>) => Labels | undefined);

export function labelsOf(map: LabelMap, objectName: string): Labels | undefined {
  const props = keyProperties(objectName);
  if (typeof map === "function") return map(props);
  const labels: Labels = {};
  for (const [label, key] of Object.entries(map)) labels[label] = props[key] ?? "";
  return labels;
}

/** A stable key for a label set, to join two reads (e.g. latency and total latency) on the same MBean. */
function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export interface PerMBeanOptions {
  name: string;
  help: string;
  type: "gauge" | "counter";
  tier?: Tier;
  /** An MBean name or pattern; each match gives one sample. */
  mbean: string;
  attribute: string;
  labels?: LabelMap;
  /** Multiplier to base units (e.g. MICROS). */
  scale?: number;
  /** Attribute values are per MBean; `pick` reads a field of a composite value (e.g. HeapMemoryUsage.used). */
  pick?: (value: unknown) => unknown;
}

/** One sample per matching MBean from one attribute: the common case (gauges, counters). */
export function perMBean(o: PerMBeanOptions): FamilySpec {
  const read: ReadSpec = { mbean: o.mbean, attributes: [o.attribute] };
  return {
    name: o.name,
    help: o.help,
    type: o.type,
    tier: o.tier ?? "scrape",
    reads: [read],
    extract([result]) {
      const samples: Sample[] = [];
      for (const [objectName, attrs] of result ?? []) {
        const labels = labelsOf(o.labels ?? {}, objectName);
        const raw = attrs[o.attribute];
        const value = toNumber(o.pick ? o.pick(raw) : raw);
        if (labels && value !== undefined) samples.push({ labels, value: value * (o.scale ?? 1) });
      }
      return samples;
    },
  };
}

export interface LatencyOptions {
  name: string;
  help: string;
  /** Pattern of the Timer MBeans (Count and percentiles, microseconds). */
  latency: string;
  /** Pattern of the matching TotalLatency counters (sum of latencies, microseconds). */
  total: string;
  labels: LabelMap;
}

const QUANTILES: [string, string][] = [
  ["0.5", "50thPercentile"],
  ["0.99", "99thPercentile"],
];

/**
 * A Prometheus summary from a Cassandra timer: quantiles (Cassandra's recent-window percentiles), `_count`
 * (events) and `_sum` (total latency), so `rate(_sum)/rate(_count)` is the mean latency.
 */
export function latencySummary(o: LatencyOptions): FamilySpec {
  return {
    name: o.name,
    help: o.help,
    type: "summary",
    tier: "scrape",
    reads: [
      { mbean: o.latency, attributes: ["Count", ...QUANTILES.map(([, a]) => a)] },
      { mbean: o.total, attributes: ["Count"] },
    ],
    extract([latency, total]) {
      const sums = new Map<string, number>();
      for (const [objectName, attrs] of total ?? []) {
        const labels = labelsOf(o.labels, objectName);
        const value = toNumber(attrs.Count);
        if (labels && value !== undefined) sums.set(labelKey(labels), value * MICROS);
      }
      return [...(latency ?? [])].flatMap(([objectName, attrs]) => {
        const labels = labelsOf(o.labels, objectName);
        if (!labels) return [];
        return summarySamples(labels, attrs, sums.get(labelKey(labels)));
      });
    },
  };
}

function summarySamples(labels: Labels, attrs: Record<string, unknown>, sum: number | undefined): Sample[] {
  const samples: Sample[] = [];
  for (const [quantile, attribute] of QUANTILES) {
    const value = toNumber(attrs[attribute]);
    if (value !== undefined) samples.push({ labels: { ...labels, quantile }, value: value * MICROS });
  }
  const count = toNumber(attrs.Count);
  if (count !== undefined) samples.push({ labels, value: count, suffix: "_count" });
  if (sum !== undefined) samples.push({ labels, value: sum, suffix: "_sum" });
  return samples;
}

/** Normalises any Jolokia read answer to attribute maps by MBean name. */
export function toReadResult(read: ReadSpec, value: unknown, pattern: boolean): ReadResult {
  const result: ReadResult = new Map();
  if (typeof value !== "object" || value === null) return result;
  if (!pattern) {
    result.set(read.mbean, value as Record<string, unknown>);
    return result;
  }
  for (const [name, attrs] of Object.entries(value as Record<string, unknown>)) {
    if (typeof attrs === "object" && attrs !== null) result.set(name, attrs as Record<string, unknown>);
  }
  return result;
}
