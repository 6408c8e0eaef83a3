import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentProcess } from "../support/agent-process.js";
import type { CassandraProcess } from "../support/cassandra/cassandra-process.js";
import type { KubeletSimulator } from "../support/kubelet.js";
import { watchProbes } from "../support/probe-watch.js";
import { podFor } from "../support/scaled-kubelet.js";
import { printLogsOnFailure, sharedCluster } from "../support/shared-nodes.js";

let nodes: CassandraProcess[];
let watches: ReturnType<typeof watchProbes>[];
let pod: { agent: AgentProcess; kubelet: KubeletSimulator };

beforeAll(async () => {
  nodes = await sharedCluster("trio");
  watches = nodes.map((n) => watchProbes(n.spec));
  pod = await podFor(nodes[0]!.spec);
  await Promise.all(watches.map((w) => w.until((p) => p.verdict("readiness").pass, 30_000, "ready")));
});
afterAll(async () => {
  await pod?.kubelet.stop();
  await pod?.agent.stop();
  await Promise.all((watches ?? []).map((w) => w.close()));
});
printLogsOnFailure(() => nodes ?? []);

describe("probes on a three-node cluster", () => {
  it("a peer outage leaves the other nodes ready and restarts nothing; the peer is ready again once back", async () => {
    const [first, second, third] = nodes as [CassandraProcess, CassandraProcess, CassandraProcess];
    pod.kubelet.start();
    for (let i = 0; i < 100 && !pod.kubelet.ready; i++) await sleep(100);
    expect(pod.kubelet.ready, pod.kubelet.timeline()).toBe(true);
    const from = watches.map((w) => w.samples.length);

    await third.stop();
    await watches[0]!.until(
      (p) => (p.snapshot().status?.unreachableEndpoints.length ?? 0) === 1,
      30_000,
      "peer seen down",
    );
    await sleep(5_000);
    expect(watches[2]!.probes.verdict("readiness").pass).toBe(false);
    for (const i of [0, 1]) {
      const samples = watches[i]!.samples.slice(from[i]);
      expect(samples.length).toBeGreaterThan(10);
      expect(samples.every((s) => s.readiness.pass && s.liveness)).toBe(true);
    }
    await pod.kubelet.stop();
    expect(pod.kubelet.restarts, pod.kubelet.timeline()).toBe(0);
    expect(
      pod.kubelet.events.filter((e) => e.kind === "not-ready"),
      pod.kubelet.timeline(),
    ).toEqual([]);

    await third.start();
    await watches[2]!.until((p) => p.verdict("readiness").pass, 60_000, "the restarted node ready");
    expect(watches[2]!.probes.snapshot().status?.operationMode).toBe("NORMAL");
    await watches[0]!.until(
      (p) => (p.snapshot().status?.unreachableEndpoints.length ?? 1) === 0,
      30_000,
      "peer up",
    );
    expect([first, second].every((n) => n.isRunning())).toBe(true);
  });
});
