import { setTimeout as sleep } from "node:timers/promises";
import type { LifecycleSettings, ProbeSettings } from "./manifests.js";

export type KubeletEvent =
  | {
      at: number;
      kind: "probe";
      probe: "startup" | "liveness" | "readiness";
      ok: boolean;
      status: number | "timeout" | "error";
    }
  | { at: number; kind: "started" | "ready" | "not-ready" }
  | { at: number; kind: "restart"; reason: string };

export interface KubeletOptions {
  /** Base URL of the agent the probes point at (the pod's port 8080 in a real pod). */
  agentUrl: string;
  settings: LifecycleSettings;
  /** Multiplies every period, delay and timeout (0.1 replays a 15 s period as 1.5 s). */
  timeScale: number;
  /** What a restart does; by default it is only counted. */
  onRestart?: (reason: string) => Promise<void>;
}

type ProbeName = "startup" | "liveness" | "readiness";
type EventBody = KubeletEvent extends infer E ? (E extends KubeletEvent ? Omit<E, "at"> : never) : never;

/**
 * Plays the kubelet's probe logic against an agent: the startup probe gates the others; liveness restarts
 * the container after `failureThreshold` consecutive failures; readiness flips after its thresholds. Each
 * probe runs on its own period with its own timeout, as the kubelet's workers do. Every decision is kept
 * in a timeline that tests read and print.
 */
export class KubeletSimulator {
  readonly events: KubeletEvent[] = [];
  ready = false;
  restarts = 0;
  private started = false;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly t0 = Date.now();

  constructor(private readonly options: KubeletOptions) {}

  private record(event: EventBody): void {
    this.events.push({ ...event, at: Date.now() - this.t0 } as KubeletEvent);
  }

  private scaled(seconds: number): number {
    return Math.max(1, Math.round(seconds * 1000 * this.options.timeScale));
  }

  private async probeOnce(name: ProbeName, probe: ProbeSettings): Promise<boolean> {
    let status: number | "timeout" | "error";
    try {
      const res = await fetch(`${this.options.agentUrl}${probe.path}`, {
        signal: AbortSignal.timeout(this.scaled(probe.timeoutSeconds)),
      });
      await res.arrayBuffer();
      status = res.status;
    } catch (error) {
      status = (error as Error).name === "TimeoutError" ? "timeout" : "error";
    }
    // The kubelet counts 200–399 as success; anything else, a timeout or a refused connection is a failure.
    const ok = typeof status === "number" && status >= 200 && status < 400;
    this.record({ kind: "probe", probe: name, ok, status });
    return ok;
  }

  private async loop(name: ProbeName, probe: ProbeSettings): Promise<void> {
    await sleep(this.scaled(probe.initialDelaySeconds));
    let failures = 0;
    let successes = 0;
    while (this.running) {
      const gated = name !== "startup" && !this.started;
      if (!(name === "startup" && this.started) && !gated) {
        const ok = await this.probeOnce(name, probe);
        failures = ok ? 0 : failures + 1;
        successes = ok ? successes + 1 : 0;
        await this.decide(name, probe, ok, failures, successes);
        if (!ok && failures >= probe.failureThreshold && name !== "readiness") failures = 0;
      }
      await sleep(this.scaled(probe.periodSeconds));
    }
  }

  private async decide(
    name: ProbeName,
    probe: ProbeSettings,
    ok: boolean,
    failures: number,
    successes: number,
  ) {
    if (name === "startup" && ok) {
      this.started = true;
      this.record({ kind: "started" });
    } else if (name === "readiness" && ok && !this.ready && successes >= probe.successThreshold) {
      this.ready = true;
      this.record({ kind: "ready" });
    } else if (name === "readiness" && !ok && this.ready && failures >= probe.failureThreshold) {
      this.ready = false;
      this.record({ kind: "not-ready" });
    } else if (name !== "readiness" && !ok && failures >= probe.failureThreshold) {
      await this.restart(`${name} probe failed ${failures} times`);
    }
  }

  private async restart(reason: string): Promise<void> {
    this.restarts += 1;
    this.record({ kind: "restart", reason });
    this.started = false;
    this.ready = false;
    await this.options.onRestart?.(reason);
  }

  /** Starts the probe workers, as the kubelet does when the container starts. */
  start(): void {
    this.running = true;
    const { startup, liveness, readiness } = this.options.settings;
    if (!startup) this.started = true;
    for (const [name, probe] of [
      ["startup", startup],
      ["liveness", liveness],
      ["readiness", readiness],
    ] as const) {
      if (probe) this.loops.push(this.loop(name, probe));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** The timeline as lines, for a failing test's output. */
  timeline(): string {
    return this.events
      .map(
        (e) =>
          `${String(e.at).padStart(7)} ms  ${e.kind}${"probe" in e ? ` ${e.probe} ${e.ok ? "ok" : "FAIL"} (${e.status})` : ""}${"reason" in e ? `: ${e.reason}` : ""}`,
      )
      .join("\n");
  }
}
