import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Which probe a verdict belongs to. */
export type ProbeKind = "liveness" | "readiness" | "startup";
/** How a tracked job ended. */
export type JobOutcome = "succeeded" | "failed" | "cancelled";

/** What a finished backup or restore reports. Skipped: already at the destination, so not transferred. */
export interface TransferSummary {
  finishedAt: Date;
  durationSeconds: number;
  bytesTransferred: number;
  bytesSkipped: number;
  filesTransferred: number;
  filesSkipped: number;
}

type Operation = "backup" | "restore";

const PREFIX = "cassandra_pod_agent";
const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 7200, 21600];

/**
 * The agent's own metrics, as one object that probes, drain, backup, jobs and the scheduler receive as a
 * dependency and record into; they never touch prom-client themselves. All of them live in the registry
 * passed in (never prom-client's global one), so tests build as many agents as they like.
 */
export class AgentMetrics {
  private readonly probeReady: Gauge<"probe">;
  private readonly probeVerdictAt: Gauge<"probe">;
  private readonly jobs: Counter<"type" | "outcome">;
  private readonly jobDuration: Histogram<"type" | "outcome">;
  private readonly lastAt: Gauge<"operation">;
  private readonly lastDuration: Gauge<"operation">;
  private readonly lastBytes: Gauge<"operation" | "disposition">;
  private readonly lastFiles: Gauge<"operation" | "disposition">;
  private readonly drainDuration: Histogram<"outcome">;
  private readonly drainDeadlineExceeded: Counter;
  private readonly ticksSkipped: Counter<"schedule">;
  private readonly backupInterval: Gauge;
  readonly jolokiaDuration: Histogram<"outcome">;
  private readonly jolokiaErrors: Counter;

  constructor(private readonly registry: Registry) {
    const r = [registry];
    this.probeReady = new Gauge({
      name: `${PREFIX}_probe_ok`,
      help: "1 when the probe's last verdict was healthy (live, ready, started), 0 otherwise",
      labelNames: ["probe"],
      registers: r,
    });
    this.probeVerdictAt = new Gauge({
      name: `${PREFIX}_probe_verdict_timestamp_seconds`,
      help: "Unix time of the probe's last verdict; time() minus this is the verdict's age",
      labelNames: ["probe"],
      registers: r,
    });
    this.jobs = new Counter({
      name: `${PREFIX}_jobs_total`,
      help: "Finished jobs (snapshot, backup, restore, drain, ...) by type and outcome",
      labelNames: ["type", "outcome"],
      registers: r,
    });
    this.jobDuration = new Histogram({
      name: `${PREFIX}_job_duration_seconds`,
      help: "Wall time of finished jobs by type and outcome",
      labelNames: ["type", "outcome"],
      buckets: DURATION_BUCKETS,
      registers: r,
    });
    this.lastAt = this.lastGauge("timestamp_seconds", "Unix time it finished", ["operation"]);
    this.lastDuration = this.lastGauge("duration_seconds", "its wall time", ["operation"]);
    const both = ["operation", "disposition"] as const;
    this.lastBytes = this.lastGauge("bytes", "bytes transferred or skipped (already there)", both);
    this.lastFiles = this.lastGauge("files", "files transferred or skipped (already there)", both);
    this.backupInterval = new Gauge({
      name: `${PREFIX}_backup_schedule_interval_seconds`,
      help: "Time between scheduled backups; alerts compare the last success against it (0: no schedule)",
      registers: r,
    });
    this.drainDuration = new Histogram({
      name: `${PREFIX}_drain_duration_seconds`,
      help: "Wall time of drains, by outcome (drained, deadline_exceeded, failed)",
      labelNames: ["outcome"],
      buckets: DURATION_BUCKETS,
      registers: r,
    });
    this.drainDeadlineExceeded = new Counter({
      name: `${PREFIX}_drain_deadline_exceeded_total`,
      help: "Drains still running when their deadline (the pod's grace period) ran out",
      registers: r,
    });
    this.ticksSkipped = new Counter({
      name: `${PREFIX}_scheduler_ticks_skipped_total`,
      help: "Scheduled runs skipped because the previous run of the same schedule was still going",
      labelNames: ["schedule"],
      registers: r,
    });
    this.jolokiaDuration = new Histogram({
      name: `${PREFIX}_jolokia_request_duration_seconds`,
      help: "Round-trip time of HTTP requests to Jolokia inside Cassandra's JVM, by outcome",
      labelNames: ["outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    this.jolokiaErrors = new Counter({
      name: `${PREFIX}_jolokia_request_errors_total`,
      help: "HTTP requests to Jolokia that failed as a whole (unreachable, timeout, HTTP error)",
      registers: r,
    });
  }

  private lastGauge<L extends string>(suffix: string, what: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({
      name: `${PREFIX}_last_success_${suffix}`,
      help: `The last successful backup or restore (label operation): ${what}`,
      labelNames,
      registers: [this.registry],
    });
  }

  /** Records a probe verdict; `at` defaults to now. */
  recordProbe(probe: ProbeKind, ok: boolean, at: Date = new Date()): void {
    this.probeReady.set({ probe }, ok ? 1 : 0);
    this.probeVerdictAt.set({ probe }, at.getTime() / 1000);
  }

  /** Records a finished job; `type` is the job's kind as the API names it (e.g. `backup`, `cleanup`). */
  recordJob(type: string, outcome: JobOutcome, durationSeconds: number): void {
    this.jobs.inc({ type, outcome });
    this.jobDuration.observe({ type, outcome }, durationSeconds);
  }

  /** Records the last successful backup or restore. */
  recordTransfer(operation: Operation, summary: TransferSummary): void {
    this.lastAt.set({ operation }, summary.finishedAt.getTime() / 1000);
    this.lastDuration.set({ operation }, summary.durationSeconds);
    this.lastBytes.set({ operation, disposition: "transferred" }, summary.bytesTransferred);
    this.lastBytes.set({ operation, disposition: "skipped" }, summary.bytesSkipped);
    this.lastFiles.set({ operation, disposition: "transferred" }, summary.filesTransferred);
    this.lastFiles.set({ operation, disposition: "skipped" }, summary.filesSkipped);
  }

  /** Sets the backup schedule's period so alerts can tell a late backup; 0 when backups are not scheduled. */
  setBackupInterval(seconds: number): void {
    this.backupInterval.set(seconds);
  }

  /** Records a drain; `deadlineExceeded` when the pod's grace period ran out before DRAINED. */
  recordDrain(durationSeconds: number, outcome: "drained" | "deadline_exceeded" | "failed"): void {
    this.drainDuration.observe({ outcome }, durationSeconds);
    if (outcome === "deadline_exceeded") this.drainDeadlineExceeded.inc();
  }

  /** Counts a scheduler tick skipped because the previous run of `schedule` had not finished. */
  recordTickSkipped(schedule: string): void {
    this.ticksSkipped.inc({ schedule });
  }

  /** Matches `JolokiaClientOptions.onRequest`: pass `metrics.onJolokiaRequest` to the client. */
  readonly onJolokiaRequest = (durationMs: number, failed: boolean): void => {
    this.jolokiaDuration.observe({ outcome: failed ? "error" : "ok" }, durationMs / 1000);
    if (failed) this.jolokiaErrors.inc();
  };
}
