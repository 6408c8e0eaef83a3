import { collectDefaultMetrics, Registry } from "prom-client";
import { AgentMetrics } from "./agent-metrics.js";

/**
 * prom-client's gauges with a `_total` suffix, which `promtool check metrics` rejects; the same figures
 * remain, by type, in `nodejs_active_handles`, `nodejs_active_requests` and `nodejs_active_resources`.
 */
const GAUGES_NAMED_LIKE_COUNTERS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** The agent's metrics registry with Node's process metrics and the agent's own metrics in it. */
export interface AgentRegistry {
  registry: Registry;
  agent: AgentMetrics;
}

/**
 * Builds a fresh registry; prom-client's global default registry is never used, so several agents (tests)
 * can live in one process. Node's process metrics (CPU, memory, event loop lag, GC) come from prom-client.
 */
export function createAgentRegistry(): AgentRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  return { registry, agent: new AgentMetrics(registry) };
}
