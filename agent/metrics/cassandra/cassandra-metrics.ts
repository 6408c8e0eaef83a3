import { Counter, Gauge, type Registry } from "prom-client";
import type { Logger } from "../../logger.js";
import { ALL_FAMILIES } from "./catalog.js";
import type { FamilySpec, Tier } from "./family.js";
import { MBeanDirectory } from "./mbean-directory.js";
import { collectFamilies, type BulkReader, type TierResult } from "./read-plan.js";
import { SnapshotMetric, type FamilySnapshot } from "./snapshot-metric.js";

export interface CassandraMetricsOptions {
  reader: BulkReader;
  registry: Registry;
  logger: Logger;
  /** Bound on Jolokia time for one scrape's collection. */
  scrapeTimeoutMs: number;
  /** Period of the slow tier (attributes that walk SSTables or snapshot directories). */
  slowIntervalMs: number;
  /** Bound on one slow-tier collection; it never holds up a scrape. */
  slowTimeoutMs: number;
  families?: FamilySpec[];
}

/** After a failed slow collection (e.g. Cassandra still starting), try again this soon. */
const SLOW_RETRY_MS = 30_000;

/**
 * Cassandra's metrics, read through Jolokia. The scrape tier is read when `/metrics` is asked for, in one
 * bulk request of exact MBean names found by the directory, bounded with the directory's first search by
 * `scrapeTimeoutMs`; concurrent scrapes share the collection in flight. The slow
 * tier is read on its own timer and served from cache, so a scrape never waits on it. A failed read sets
 * `cassandra_up 0` and empties the scrape-tier families: the scrape itself still succeeds.
 */
export class CassandraMetrics {
  private readonly latest = new Map<string, FamilySnapshot>();
  private readonly families: Record<Tier, FamilySpec[]>;
  /** Exact names behind the catalogue's patterns, refreshed in the background by scrapes. */
  readonly directory: MBeanDirectory;
  private slowAt: number | undefined;
  private inflight: Promise<void> | undefined;
  private slowInflight: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly up: Gauge;
  private readonly duration: Gauge<"tier">;
  private readonly errors: Counter<"tier" | "kind">;

  constructor(private readonly options: CassandraMetricsOptions) {
    const all = options.families ?? ALL_FAMILIES;
    this.families = {
      scrape: all.filter((f) => f.tier === "scrape"),
      slow: all.filter((f) => f.tier === "slow"),
    };
    const patterns = all.flatMap((family) => family.reads.map((read) => read.mbean));
    this.directory = new MBeanDirectory(options.reader, patterns);
    const registers = [options.registry];
    for (const spec of all) {
      options.registry.registerMetric(new SnapshotMetric(spec, () => this.latest.get(spec.name)) as never);
    }
    this.up = new Gauge({
      name: "cassandra_up",
      help: "1 when the last scrape read Cassandra's metrics through Jolokia, else 0",
      registers,
    });
    this.duration = new Gauge({
      name: "cassandra_pod_agent_metrics_collection_duration_seconds",
      help: "Wall time of the last collection of Cassandra's metrics, by tier (scrape, slow)",
      labelNames: ["tier"],
      registers,
    });
    this.errors = new Counter({
      name: "cassandra_pod_agent_metrics_collection_errors_total",
      help: "Failed collections (kind=request) and failed single reads (kind=read), by tier",
      labelNames: ["tier", "kind"],
      registers,
    });
    const age = { name: "cassandra_pod_agent_metrics_slow_tier_age_seconds", type: "gauge" as const };
    const help =
      "Age of the cached slow-tier values (SSTable-walking attributes); absent until the first success";
    const ageNow = () =>
      this.slowAt === undefined
        ? undefined
        : { samples: [{ labels: {}, value: (Date.now() - this.slowAt) / 1000 }], nodeLabels: {} };
    options.registry.registerMetric(new SnapshotMetric({ ...age, help }, ageNow) as never);
  }

  /** Collects the scrape tier; concurrent callers share one collection. Never rejects. */
  refresh(): Promise<void> {
    this.inflight ??= this.collect("scrape", this.options.scrapeTimeoutMs).then(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Starts the slow tier's timer: a first collection now, then one per `slowIntervalMs`. */
  start(): void {
    if (this.families.slow.length === 0 || this.timer) return;
    this.schedule(0);
  }

  /** Stops the timer; a collection in flight finishes on its own. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs one slow-tier collection now (the timer does this; tests call it directly); true on success. */
  refreshSlow(): Promise<boolean> {
    this.slowInflight ??= this.collect("slow", this.options.slowTimeoutMs).finally(() => {
      this.slowInflight = undefined;
    });
    return this.slowInflight;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.refreshSlow().then((ok) => {
        if (!this.timer) return;
        this.schedule(
          ok ? this.options.slowIntervalMs : Math.min(SLOW_RETRY_MS, this.options.slowIntervalMs),
        );
      });
    }, delayMs);
    this.timer.unref();
  }

  private async collect(tier: Tier, timeoutMs: number): Promise<boolean> {
    const started = performance.now();
    let result: TierResult | undefined;
    try {
      await this.directory.refreshIfStale(timeoutMs);
      const left = Math.max(1, Math.floor(timeoutMs - (performance.now() - started)));
      const lookup = (pattern: string) => this.directory.lookup(pattern);
      result = await collectFamilies(this.options.reader, this.families[tier], left, lookup);
    } catch (error) {
      this.errors.inc({ tier, kind: "request" });
      this.options.logger.warn({ err: error, tier }, "reading Cassandra's metrics through Jolokia failed");
    }
    this.duration.set({ tier }, (performance.now() - started) / 1000);
    if (result?.failedReads) this.errors.inc({ tier, kind: "read" }, result.failedReads);
    if (tier === "scrape") this.up.set(result ? 1 : 0);
    if (!result) {
      // Stale scrape-tier values would look current; slow-tier values stay, with their age exported.
      if (tier === "scrape") for (const spec of this.families.scrape) this.latest.delete(spec.name);
      return false;
    }
    for (const { spec, samples } of result.families)
      this.latest.set(spec.name, { samples, nodeLabels: result.nodeLabels });
    this.directory.noteSchemaVersion(result.schemaVersion);
    if (tier === "slow") this.slowAt = Date.now();
    return true;
  }
}
