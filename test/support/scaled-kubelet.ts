import { type AgentProcess, startAgentProcess } from "./agent-process.js";
import type { NodeSpec } from "./cassandra/node-spec.js";
import { KubeletSimulator } from "./kubelet.js";
import { buildOverlay, lifecycleSettings, type LifecycleSettings } from "./manifests.js";

/**
 * Time runs ten times faster in these scenarios: the kubelet's periods and timeouts from the manifests and
 * the agent's own poll period and windows are all multiplied by this, so their ratios stay as deployed.
 */
export const TIME_SCALE = 0.1;

let settings: Promise<LifecycleSettings> | undefined;

/** Probe, preStop and grace-period settings of the Cassandra container in the built production overlay. */
export function productionLifecycle(): Promise<LifecycleSettings> {
  settings ??= buildOverlay("production").then((objects) => lifecycleSettings(objects));
  return settings;
}

/** The agent's probe timing, scaled like the kubelet's (defaults: poll 1 s, liveness window 30 s …). */
export function scaledAgentEnv(spec: NodeSpec): Record<string, string> {
  return {
    AGENT_JOLOKIA_URL: `http://${spec.address}:${spec.jolokiaPort}/jolokia`,
    AGENT_CQL_HOST: spec.address,
    AGENT_PROBE_POLL_PERIOD_MS: String(1_000 * TIME_SCALE),
    AGENT_PROBE_POLL_TIMEOUT_MS: String(2_000 * TIME_SCALE),
    AGENT_LIVENESS_WINDOW_MS: String(30_000 * TIME_SCALE),
    AGENT_READINESS_STALE_MS: String(10_000 * TIME_SCALE),
  };
}

/** A built agent process beside `spec` and a kubelet simulator pointed at it (not yet started). */
export async function podFor(spec: NodeSpec): Promise<{ agent: AgentProcess; kubelet: KubeletSimulator }> {
  const agent = await startAgentProcess(scaledAgentEnv(spec));
  const kubelet = new KubeletSimulator({
    agentUrl: agent.url,
    settings: await productionLifecycle(),
    timeScale: TIME_SCALE,
  });
  return { agent, kubelet };
}
