import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { AgentMetrics } from "../../../agent/metrics/agent-metrics.js";

describe("AgentMetrics", () => {
  it("records what probes, jobs, backups, drains and the scheduler report", async () => {
    const registry = new Registry();
    const metrics = new AgentMetrics(registry);
    metrics.recordProbe("readiness", false, new Date(1_700_000_000_000));
    metrics.recordJob("cleanup", "failed", 3);
    metrics.recordTransfer("backup", {
      finishedAt: new Date(1_700_000_100_000),
      durationSeconds: 60,
      bytesTransferred: 1024,
      bytesSkipped: 4096,
      filesTransferred: 2,
      filesSkipped: 8,
    });
    metrics.setBackupInterval(86_400);
    metrics.recordDrain(130, "deadline_exceeded");
    metrics.recordTickSkipped("backup");
    metrics.onJolokiaRequest(20, true);
    const out = await registry.metrics();
    expect(out).toContain('cassandra_pod_agent_probe_ok{probe="readiness"} 0');
    expect(out).toContain(
      'cassandra_pod_agent_probe_verdict_timestamp_seconds{probe="readiness"} 1700000000',
    );
    expect(out).toContain(
      'cassandra_pod_agent_job_duration_seconds_count{type="cleanup",outcome="failed"} 1',
    );
    expect(out).toContain(
      'cassandra_pod_agent_last_success_timestamp_seconds{operation="backup"} 1700000100',
    );
    expect(out).toContain(
      'cassandra_pod_agent_last_success_bytes{operation="backup",disposition="skipped"} 4096',
    );
    expect(out).toContain("cassandra_pod_agent_backup_schedule_interval_seconds 86400");
    expect(out).toContain("cassandra_pod_agent_drain_deadline_exceeded_total 1");
    expect(out).toContain('cassandra_pod_agent_scheduler_ticks_skipped_total{schedule="backup"} 1');
    expect(out).toContain("cassandra_pod_agent_jolokia_request_errors_total 1");
    expect(out).toContain(
      'cassandra_pod_agent_jolokia_request_duration_seconds_bucket{le="0.025",outcome="error"} 1',
    );
  });

  it("keeps each registry separate, so several agents can live in one process", () => {
    const a = new Registry();
    expect(() => {
      new AgentMetrics(a);
      new AgentMetrics(new Registry());
    }).not.toThrow();
    expect(() => new AgentMetrics(a)).toThrow(/already been registered/);
  });
});
