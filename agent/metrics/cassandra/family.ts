/**
 * The shapes shared by the Cassandra metric catalogue, the collector and the exposition: a family is a
 * Prometheus metric (name, type, help) plus the Jolokia reads it needs and a pure function that turns
 * their answers into samples. Keeping the extraction pure lets unit tests feed recorded Jolokia answers.
 */

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
  /** For summaries: `name_sum` / `name_count`; plain samples use the family's name. */
  suffix?: "_sum" | "_count";
}

/** One Jolokia read: an MBean name or pattern, and the attributes wanted from each match. */
export interface ReadSpec {
  mbean: string;
  attributes: string[];
}

/** Attribute values by MBean name, whatever the read's shape (pattern or exact name). */
export type ReadResult = Map<string, Record<string, unknown>>;

/** Whether a family is read on every scrape or on the slow period and served from cache. */
export type Tier = "scrape" | "slow";

export interface FamilySpec {
  name: string;
  help: string;
  type: "gauge" | "counter" | "summary";
  tier: Tier;
  reads: ReadSpec[];
  /** Turns the answers of `reads` (same order; undefined when that read failed) into samples. */
  extract(results: (ReadResult | undefined)[]): Sample[];
}

/** What a collection produced for one family. */
export interface FamilySamples {
  spec: FamilySpec;
  samples: Sample[];
}
