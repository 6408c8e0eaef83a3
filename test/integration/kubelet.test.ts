import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../support/agent-process.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { productionLifecycle, scaledAgentEnv, TIME_SCALE } from "../support/scaled-kubelet.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";
import { SimulatedPod } from "../support/simulated-pod.js";

// The kubelet, reproduced from the built production overlay (probes, preStop, grace period), ten times faster.
let nodes: CassandraProcess[];
let agents: AgentProcess[] = [];
let pods: SimulatedPod[] = [];

beforeAll(async () => {
  nodes = await sharedCluster("trio");
  const settings = await productionLifecycle();
  agents = await Promise.all(nodes.map((n) => startAgentProcess(scaledAgentEnv(n.spec))));
  pods = nodes.map((n, i) => new SimulatedPod(`cassandra-${i}`, n, agents[i]!, settings, TIME_SCALE));
  for (const pod of pods) pod.kubelet.start();
  await Promise.all(pods.map((p) => p.untilReady()));
});
afterAll(async () => {
  await Promise.all(pods.map((p) => p.kubelet.stop()));
  await Promise.all(agents.map((a) => a.stop("SIGKILL")));
});
printLogsOnFailure(() => nodes ?? []);

const timelines = () => pods.map((p) => p.timeline()).join("\n\n");

describe("the kubelet reproduced on a three-node cluster", () => {
  it("rolls a restart through the cluster: drain, stop, start, ready; no probe restarts anything", async () => {
    for (const pod of pods) {
      await pod.recreate();
      await pod.untilReady();
      expect(
        pod.events.some((e) => e.what.startsWith("preStop ok")),
        pod.timeline(),
      ).toBe(true);
    }
    console.log(`rolling restart timeline (times scaled by ${TIME_SCALE}):\n${timelines()}`);
    expect(
      pods.map((p) => p.probeRestarts),
      timelines(),
    ).toEqual([0, 0, 0]);
    const drained = pods.map((p) => p.cassandra);
    for (const node of drained) expect(node.isRunning()).toBe(true);
  });

  it("restarts a hung Cassandra (SIGSTOP) through liveness, and only that one", async () => {
    const hung = pods[1]!;
    hung.cassandra.pause();
    hung.log("SIGSTOP: Cassandra hangs");
    const deadline = Date.now() + 60_000;
    while (hung.kubelet.restarts === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(hung.kubelet.restarts, hung.timeline()).toBe(1);
    await hung.untilReady();
    console.log(`hung Cassandra timeline:\n${hung.timeline()}`);
    expect(
      pods.map((p) => p.probeRestarts),
      timelines(),
    ).toEqual([0, 1, 0]);
  });
});
