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
const JOLOKIA_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Builds the agent's metrics in one registry, all named `cassandra_pod_agent_<name>`. */
function factory(registry: Registry) {
  const registers = [registry];
  return {
    gauge: <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
      new Gauge<L>({ name: `${PREFIX}_${name}`, help, labelNames, registers }),
    counter: <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name: `${PREFIX}_${name}`, help, labelNames, registers }),
    histogram: <L extends string>(name: string, help: string, labelNames: L[], buckets = DURATION_BUCKETS) =>
      new Histogram<L>({ name: `${PREFIX}_${name}`, help, labelNames, buckets, registers }),
  };
}

/**
 * The agent's own metrics, as one object that probes, drain, backup, jobs and the scheduler receive as a
 * dependency and record into; they never touch prom-client themselves. All of them live in the registry
 * passed in (never prom-client's global one), so tests build as many agents as they like.
 */
export class AgentMetrics {
  private readonly m;

  constructor(registry: Registry) {
    const { gauge, counter, histogram } = factory(registry);
    const last = "The last successful backup or restore (label operation):";
    this.m = {
      probeOk: gauge(
        "probe_ok",
        "1 when the probe's last verdict was healthy (live, ready, started), else 0",
        ["probe"],
      ),
      probeAt: gauge("probe_verdict_timestamp_seconds", "Unix time of the probe's last verdict", ["probe"]),
      jobs: counter("jobs_total", "Finished jobs (snapshot, backup, restore, drain...) by type and outcome", [
        "type",
        "outcome",
      ]),
      jobDuration: histogram("job_duration_seconds", "Wall time of finished jobs by type and outcome", [
        "type",
        "outcome",
      ]),
      lastAt: gauge("last_success_timestamp_seconds", `${last} Unix time it finished`, ["operation"]),
      lastDuration: gauge("last_success_duration_seconds", `${last} its wall time`, ["operation"]),
      lastBytes: gauge("last_success_bytes", `${last} bytes transferred or skipped (already there)`, [
        "operation",
        "disposition",
      ]),
      lastFiles: gauge("last_success_files", `${last} files transferred or skipped (already there)`, [
        "operation",
        "disposition",
      ]),
      backupInterval: gauge(
        "backup_schedule_interval_seconds",
        "Time between scheduled backups, for alerts on late ones (0: none)",
      ),
      drainDuration: histogram(
        "drain_duration_seconds",
        "Wall time of drains, by outcome (drained, deadline_exceeded, failed)",
        ["outcome"],
      ),
      drainDeadline: counter(
        "drain_deadline_exceeded_total",
        "Drains still running when their deadline (the grace period) ran out",
      ),
      ticksSkipped: counter(
        "scheduler_ticks_skipped_total",
        "Scheduled runs skipped while the previous run of the schedule went on",
        ["schedule"],
      ),
      jolokiaDuration: histogram(
        "jolokia_request_duration_seconds",
        "Round trips to Jolokia in Cassandra's JVM, by outcome",
        ["outcome"],
        JOLOKIA_BUCKETS,
      ),
      jolokiaErrors: counter(
        "jolokia_request_errors_total",
        "Requests to Jolokia that failed as a whole (unreachable, timeout, HTTP error)",
      ),
    };
  }

  /** Records a probe verdict; `at` defaults to now. */
  recordProbe(probe: ProbeKind, ok: boolean, at: Date = new Date()): void {
    this.m.probeOk.set({ probe }, ok ? 1 : 0);
    this.m.probeAt.set({ probe }, at.getTime() / 1000);
  }

  /** Records a finished job; `type` is the job's kind as the API names it (e.g. `backup`, `cleanup`). */
  recordJob(type: string, outcome: JobOutcome, durationSeconds: number): void {
    this.m.jobs.inc({ type, outcome });
    this.m.jobDuration.observe({ type, outcome }, durationSeconds);
  }

  /** Records the last successful backup or restore. */
  recordTransfer(operation: Operation, summary: TransferSummary): void {
    this.m.lastAt.set({ operation }, summary.finishedAt.getTime() / 1000);
    this.m.lastDuration.set({ operation }, summary.durationSeconds);
    this.m.lastBytes.set({ operation, disposition: "transferred" }, summary.bytesTransferred);
    this.m.lastBytes.set({ operation, disposition: "skipped" }, summary.bytesSkipped);
    this.m.lastFiles.set({ operation, disposition: "transferred" }, summary.filesTransferred);
    this.m.lastFiles.set({ operation, disposition: "skipped" }, summary.filesSkipped);
  }

  /** Sets the backup schedule's period so alerts can tell a late backup; 0 when backups are not scheduled. */
  setBackupInterval(seconds: number): void {
    this.m.backupInterval.set(seconds);
  }

  /** Records a drain; `deadlineExceeded` when the pod's grace period ran out before DRAINED. */
  recordDrain(durationSeconds: number, outcome: "drained" | "deadline_exceeded" | "failed"): void {
    this.m.drainDuration.observe({ outcome }, durationSeconds);
    if (outcome === "deadline_exceeded") this.m.drainDeadline.inc();
  }

  /** Counts a scheduler tick skipped because the previous run of `schedule` had not finished. */
  recordTickSkipped(schedule: string): void {
    this.m.ticksSkipped.inc({ schedule });
  }

  /** Matches `JolokiaClientOptions.onRequest`: pass `metrics.onJolokiaRequest` to the client. */
  readonly onJolokiaRequest = (durationMs: number, failed: boolean): void => {
    this.m.jolokiaDuration.observe({ outcome: failed ? "error" : "ok" }, durationMs / 1000);
    if (failed) this.m.jolokiaErrors.inc();
  };
}
