import type { FamilySpec, Labels, Sample } from "./family.js";

/** The latest samples of a family and the node labels shared by all of them. */
export interface FamilySnapshot {
  samples: Sample[];
  nodeLabels: Labels;
}

/**
 * A prom-client-compatible metric whose values are whatever the collector last read for its family. The
 * registry renders it like any other metric (text or OpenMetrics); `sharedLabels` lets prom-client format
 * the node's dc and rack once per scrape instead of once per sample.
 */
export class SnapshotMetric {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator = "sum";

  constructor(
    spec: Pick<FamilySpec, "name" | "help" | "type">,
    private readonly current: () => FamilySnapshot | undefined,
  ) {
    this.name = spec.name;
    this.help = spec.help;
    this.type = spec.type;
  }

  get() {
    const snapshot = this.current();
    const sharedLabels = snapshot?.nodeLabels ?? {};
    const values = (snapshot?.samples ?? []).map((sample) => ({
      labels: sample.labels,
      value: sample.value,
      sharedLabels,
      ...(sample.suffix ? { metricName: this.name + sample.suffix } : {}),
    }));
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  /** Registry.resetMetrics() calls this; the next collection replaces the values anyway. */
  reset(): void {}
}
