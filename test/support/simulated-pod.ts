import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { CLI, type AgentProcess } from "./agent-process.js";
import type { CassandraProcess } from "./cassandra/cassandra-process.js";
import { KubeletSimulator } from "./kubelet.js";
import type { LifecycleSettings } from "./manifests.js";

const run = promisify(execFile);

/** One entry of a pod's timeline: what the kubelet did and when. */
export interface PodEvent {
  at: number;
  pod: string;
  what: string;
}

/**
 * A Cassandra pod as the kubelet runs it: the agent (a native sidecar, left running), the Cassandra
 * container, the probes (a `KubeletSimulator`) and the termination sequence from the manifest: preStop
 * hook, then SIGTERM, then SIGKILL when the grace period runs out. A liveness restart terminates the
 * container the same way and starts it again. Times are scaled like the probes'.
 */
export class SimulatedPod {
  kubelet: KubeletSimulator;
  readonly events: PodEvent[] = [];
  /** Probe timelines of earlier incarnations of the pod (before a rolling restart recreated it). */
  private readonly earlierProbes: string[] = [];
  private earlierRestarts = 0;
  private readonly t0 = Date.now();

  constructor(
    readonly name: string,
    readonly cassandra: CassandraProcess,
    readonly agent: AgentProcess,
    private readonly settings: LifecycleSettings,
    private readonly timeScale: number,
  ) {
    this.kubelet = this.newKubelet();
  }

  private newKubelet(): KubeletSimulator {
    return new KubeletSimulator({
      agentUrl: this.agent.url,
      settings: this.settings,
      timeScale: this.timeScale,
      onRestart: async (reason) => {
        this.log(`container restart (${reason})`);
        await this.terminate();
        await this.startContainer();
      },
    });
  }

  /** Restarts caused by a probe, across every incarnation of the pod. */
  get probeRestarts(): number {
    return this.kubelet.restarts + this.earlierRestarts;
  }

  /**
   * What a rolling restart does to one pod: the pod is deleted (probes stop, preStop, SIGTERM, SIGKILL at the
   * grace period's end) and created again (the container starts and the probes begin anew).
   */
  async recreate(): Promise<void> {
    this.log("pod deleted");
    await this.kubelet.stop();
    this.earlierProbes.push(this.kubelet.timeline());
    this.earlierRestarts += this.kubelet.restarts;
    await this.terminate();
    this.kubelet = this.newKubelet();
    this.kubelet.start();
    await this.startContainer();
  }

  log(what: string): void {
    this.events.push({ at: Date.now() - this.t0, pod: this.name, what });
  }

  private get graceMs(): number {
    return this.settings.terminationGracePeriodSeconds * 1000 * this.timeScale;
  }

  /** The preStop exec: the manifest's command with the agent's CLI in place of the image's binary path. */
  private async preStop(budgetMs: number): Promise<void> {
    const command = this.settings.preStopCommand;
    if (!command) return;
    const started = Date.now();
    try {
      const { stdout } = await run(process.execPath, [CLI, ...command.slice(1)], {
        env: { ...process.env, ...this.agent.clientEnv },
        timeout: budgetMs,
      });
      this.log(`preStop ok after ${Date.now() - started} ms: ${stdout.trim()}`);
    } catch (error) {
      const e = error as { stderr?: string; killed?: boolean };
      this.log(
        `preStop failed after ${Date.now() - started} ms: ${e.killed ? "grace period ran out" : (e.stderr ?? "").trim()}`,
      );
    }
  }

  /** Stops the Cassandra container as the kubelet does: preStop, SIGTERM, SIGKILL at the end of the grace period. */
  async terminate(): Promise<void> {
    const started = Date.now();
    this.log("terminating: preStop hook");
    await this.preStop(this.graceMs);
    const left = Math.max(2_000 * this.timeScale, this.graceMs - (Date.now() - started));
    this.log("SIGTERM");
    await this.cassandra.stop(left);
    this.log(`container exited after ${Date.now() - started} ms`);
  }

  async startContainer(): Promise<void> {
    this.log("container starting");
    await this.cassandra.start();
    this.log("Cassandra serves CQL");
  }

  async untilReady(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.kubelet.ready) {
      if (Date.now() > deadline)
        throw new Error(`${this.name} not ready after ${timeoutMs} ms\n${this.timeline()}`);
      await sleep(100);
    }
    this.log("ready");
  }

  timeline(): string {
    const lines = this.events.map((e) => `${String(e.at).padStart(7)} ms  ${e.pod}  ${e.what}`);
    const probes = [...this.earlierProbes, this.kubelet.timeline()].join("\n--- pod recreated ---\n");
    return `${lines.join("\n")}\n--- probes of ${this.name} ---\n${probes}`;
  }
}
