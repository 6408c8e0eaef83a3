import { readFile } from "node:fs/promises";
import path from "node:path";
import { Registry } from "prom-client";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../agent/logger.js";
import { CassandraMetrics } from "../../agent/metrics/cassandra/cassandra-metrics.js";
import { createAgentRegistry } from "../../agent/metrics/registry.js";
import { fakeCassandraNode } from "../support/fakes/fake-jolokia.js";
import { K8S_DIR } from "../support/manifests.js";
import { ensurePrometheus, promtool } from "../support/prometheus.js";

const DIR = path.join(K8S_DIR, "monitoring");

/** Every metric name the agent can serve, suffixes of summaries and histograms included. */
async function servedNames(): Promise<Set<string>> {
  const { registry } = createAgentRegistry();
  const metrics = new CassandraMetrics({
    reader: fakeCassandraNode(),
    registry: registry as Registry,
    logger: createLogger("silent"),
    scrapeTimeoutMs: 1_000,
    slowIntervalMs: 60_000,
    slowTimeoutMs: 1_000,
  });
  await metrics.refresh();
  const names = new Set<string>();
  for (const [, name, type] of (await registry.metrics()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "summary") ["_sum", "_count"].forEach((s) => names.add(name + s));
    if (type === "histogram") ["_sum", "_count", "_bucket"].forEach((s) => names.add(name + s));
  }
  return names;
}

/** Metric names in a PromQL expression: identifiers of ours, ignoring functions and label names. */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:cassandra|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

function exprsOf(dashboard: unknown): string[] {
  const panels = (dashboard as { panels: { targets?: { expr: string }[] }[] }).panels;
  return panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

beforeAll(async () => {
  await ensurePrometheus();
}, 600_000);

describe("Prometheus alerting rules", () => {
  it("pass promtool check rules", async () => {
    const { code, output } = await promtool(["check", "rules", path.join(DIR, "alerts.rules.yaml")]);
    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("pass their unit tests (promtool test rules)", async () => {
    const { code, output } = await promtool(["test", "rules", path.join(DIR, "alerts.test.yaml")]);
    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("use only metric names the agent serves", async () => {
    const served = await servedNames();
    const rules = parse(await readFile(path.join(DIR, "alerts.rules.yaml"), "utf8")) as {
      groups: { rules: { expr: string }[] }[];
    };
    const used = rules.groups.flatMap((g) => g.rules.flatMap((r) => metricNamesIn(r.expr)));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !served.has(name))).toEqual([]);
  });
});

describe("Grafana dashboard", () => {
  it("is valid JSON whose queries use only metric names the agent serves", async () => {
    const dashboard: unknown = JSON.parse(await readFile(path.join(DIR, "dashboard.json"), "utf8"));
    const exprs = exprsOf(dashboard);
    expect(exprs.length).toBeGreaterThan(20);
    const served = await servedNames();
    expect(exprs.flatMap(metricNamesIn).filter((name) => !served.has(name))).toEqual([]);
  });
});
