import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import { LocalCluster } from "../support/cassandra/local-cluster.js";
import { cassandraNodeFor } from "../support/local-agent-node.js";
import { watchProbes } from "../support/probe-watch.js";
import { podFor } from "../support/scaled-kubelet.js";
import { printLogsOnFailure } from "../support/shared-nodes.js";
import type { AgentProcess } from "../support/agent-process.js";
import type { KubeletSimulator } from "../support/kubelet.js";

// One node of its own: these scenarios stop, freeze, kill and drain it.
let cluster: LocalCluster;
let cassandra: CassandraProcess;
let watch: ReturnType<typeof watchProbes>;
let pod: { agent: AgentProcess; kubelet: KubeletSimulator };

beforeAll(async () => {
  cluster = await LocalCluster.create({ size: 1, name: "probes" });
  [cassandra] = cluster.nodes as [CassandraProcess];
  watch = watchProbes(cassandra.spec);
  pod = await podFor(cassandra.spec);
});
afterAll(async () => {
  await pod?.kubelet.stop();
  await pod?.agent.stop();
  await watch?.close();
  await cluster?.destroy();
});
printLogsOnFailure(() => (cassandra ? [cassandra] : []));

async function waitForKubelet(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await sleep(100);
  if (!condition()) throw new Error(`timed out waiting for ${what}\n${pod.kubelet.timeline()}`);
}

const readiness = (p: { verdict: (n: "readiness") => { pass: boolean } }) => p.verdict("readiness").pass;

describe("probes on a real node", () => {
  it("start-up: nothing passes before the JVM answers; startup passes before readiness; ready only at NORMAL", async () => {
    pod.kubelet.start();
    await sleep(300);
    await cassandra.start();
    await watch.until(readiness, 60_000, "readiness");
    await waitForKubelet(() => pod.kubelet.ready, "the kubelet to see the pod ready");
    await pod.kubelet.stop();
    // A normal start: the kubelet never restarted the container.
    expect(pod.kubelet.restarts, pod.kubelet.timeline()).toBe(0);
    const samples = watch.samples;
    expect(samples[0]).toMatchObject({ outcome: "unreachable", startup: false, liveness: false });
    expect(samples.every((s) => !s.readiness.pass || s.mode === "NORMAL")).toBe(true);
    const firstStartup = samples.findIndex((s) => s.startup);
    const firstReady = samples.findIndex((s) => s.readiness.pass);
    expect(firstStartup).toBeGreaterThan(0);
    // The node answers over JMX (startup passes) well before it serves CQL: readiness waits for that.
    expect(firstReady).toBeGreaterThan(firstStartup);
    expect(samples.slice(firstStartup, firstReady).every((s) => s.liveness)).toBe(true);
  });

  it("is not ready while native transport is stopped, and ready again once it runs", async () => {
    const node = cassandraNodeFor(cassandra.spec);
    await node.stopNativeTransport();
    try {
      await watch.until((p) => !readiness(p), 5_000, "not ready");
      const failing = watch.probes
        .verdict("readiness")
        .checks.filter((c) => !c.ok)
        .map((c) => c.name);
      expect(failing).toEqual(["native-transport-running"]);
      expect(watch.probes.verdict("liveness").pass).toBe(true);
    } finally {
      await node.startNativeTransport();
      await node.close();
    }
    await watch.until(readiness, 5_000, "ready again");
  });

  it("keeps liveness through a short freeze (SIGSTOP), fails it past the window, recovers on SIGCONT", async () => {
    cassandra.pause();
    try {
      await sleep(1_500);
      expect(watch.probes.verdict("liveness").pass).toBe(true);
      await watch.until((p) => !p.verdict("liveness").pass, 15_000, "liveness to fail");
      expect(watch.probes.snapshot().lastOutcome).toBe("timeout");
    } finally {
      cassandra.resume();
    }
    await watch.until((p) => p.verdict("liveness").pass && readiness(p), 15_000, "recovery");
  });

  it("fails readiness and liveness within a poll period of SIGKILL, and is ready again after a restart", async () => {
    await cassandra.kill();
    const killedAt = Date.now();
    await watch.until((p) => !readiness(p) && !p.verdict("liveness").pass, 5_000, "failure after SIGKILL");
    // One poll period (100 ms) plus the poll's own round trip.
    expect(Date.now() - killedAt).toBeLessThan(1_500);
    await cassandra.start();
    await watch.until(readiness, 60_000, "ready after restart");
  });

  it("keeps liveness passing through DRAINING and DRAINED while readiness fails", async () => {
    const node = cassandraNodeFor(cassandra.spec, 60_000);
    const from = watch.samples.length;
    pod.kubelet.start();
    await waitForKubelet(() => pod.kubelet.ready, "the kubelet to see the pod ready");
    await node.drain(120_000);
    await node.close();
    await watch.until((p) => p.snapshot().status?.operationMode === "DRAINED", 10_000, "DRAINED");
    await sleep(500);
    const during = watch.samples.slice(from);
    expect(during.map((s) => s.mode)).toContain("DRAINED");
    expect(during.every((s) => s.liveness)).toBe(true);
    expect(watch.probes.verdict("readiness").pass).toBe(false);
    expect(watch.probes.verdict("readiness").checks.find((c) => c.name === "not-draining")?.ok).toBe(false);
    // Three liveness periods and more: a drained node is not restarted, and is taken out of service.
    await sleep(5_000);
    await pod.kubelet.stop();
    expect(pod.kubelet.restarts, pod.kubelet.timeline()).toBe(0);
    expect(pod.kubelet.ready, pod.kubelet.timeline()).toBe(false);
  });
});
