import { setTimeout as sleep } from "node:timers/promises";
import type { ProbeService } from "../../probes/probe-service.js";
import type { CassandraNode, OperationMode } from "../cassandra/node.js";
import { CassandraTimeoutError, CassandraUnavailableError, DeadlineExceededError } from "../errors.js";
import type { Logger } from "../logger.js";

const AFTER_DEADLINE = "returning so the kubelet's SIGTERM still precedes its SIGKILL";

export interface DrainOptions {
  /** The whole sequence must end within this; it is set to fit terminationGracePeriodSeconds with margin. */
  deadlineMs: number;
  /** Pause between stopping native transport and draining, for requests already in flight. */
  inFlightPauseMs: number;
  /** How often the operation mode is polled while waiting for DRAINED. */
  pollIntervalMs?: number;
}

export interface DrainResult {
  outcome: "drained" | "already-drained";
  durationMs: number;
  /** Milliseconds from the start at which each step finished. */
  steps: { step: string; atMs: number }[];
}

export type DrainState =
  | { state: "idle" }
  | { state: "draining"; startedAt: string }
  | { state: "drained"; startedAt: string; finishedAt: string; durationMs: number }
  | { state: "failed"; startedAt: string; finishedAt: string; error: string };

export interface DrainHooks {
  onFinished?: (
    outcome: "drained" | "already-drained" | "deadline-exceeded" | "failed",
    durationMs: number,
  ) => void;
}

/**
 * Takes the node out of service for a pod's termination: readiness off at once, native transport off so
 * clients move to other nodes, a short pause for in-flight requests, `drain()` over JMX, then wait until the
 * operation mode says DRAINED (drain swallows its own failures, so the mode is the truth), all within a
 * deadline. Concurrent calls share the drain in progress; a call on a DRAINED node returns at once.
 */
export class Drainer {
  private inFlight: Promise<DrainResult> | undefined;
  private current: DrainState = { state: "idle" };

  constructor(
    private readonly node: CassandraNode,
    private readonly probes: ProbeService,
    private readonly options: DrainOptions,
    private readonly logger: Logger,
    private readonly hooks: DrainHooks = {},
  ) {}

  get state(): DrainState {
    return this.current;
  }

  /** The drain in progress, if any: SIGTERM handling waits for it rather than cutting it short. */
  get running(): Promise<DrainResult> | undefined {
    return this.inFlight;
  }

  drain(): Promise<DrainResult> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async run(): Promise<DrainResult> {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const steps: DrainResult["steps"] = [];
    const mark = (step: string) => steps.push({ step, atMs: Date.now() - started });
    const remaining = () => this.options.deadlineMs - (Date.now() - started);
    this.current = { state: "draining", startedAt };
    this.probes.markDrainRequested();
    mark("readiness-off");
    this.logger.info({ deadlineMs: this.options.deadlineMs }, "drain started: readiness is off");
    try {
      const result = await this.sequence(steps, mark, remaining, started).catch((error: unknown) => {
        // A JMX call cut short by what was left of the budget is the deadline, not a Jolokia fault.
        if (error instanceof CassandraTimeoutError && remaining() <= 0) {
          throw new DeadlineExceededError(
            `drain did not finish within ${this.options.deadlineMs} ms (${error.message}); ${AFTER_DEADLINE}`,
            { cause: error },
          );
        }
        throw error;
      });
      this.current = {
        state: "drained",
        startedAt,
        finishedAt: new Date().toISOString(),
        durationMs: result.durationMs,
      };
      this.logger.info({ outcome: result.outcome, durationMs: result.durationMs, steps }, "drain finished");
      this.hooks.onFinished?.(result.outcome, result.durationMs);
      return result;
    } catch (error) {
      const durationMs = Date.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      this.current = { state: "failed", startedAt, finishedAt: new Date().toISOString(), error: message };
      const outcome = error instanceof DeadlineExceededError ? "deadline-exceeded" : "failed";
      this.logger.error({ outcome, durationMs, steps, error: message }, "drain did not complete");
      this.hooks.onFinished?.(outcome, durationMs);
      throw error;
    }
  }

  private async sequence(
    steps: DrainResult["steps"],
    mark: (step: string) => void,
    remaining: () => number,
    started: number,
  ): Promise<DrainResult> {
    const first = await this.node
      .status({ timeoutMs: Math.max(1, Math.min(5_000, remaining())) })
      .catch((error: unknown) => {
        if (error instanceof CassandraUnavailableError) {
          throw new CassandraUnavailableError(
            `Cassandra is not running, so there is nothing to drain (${error.message})`,
          );
        }
        throw error;
      });
    if (first.operationMode === "DRAINED") {
      mark("already-drained");
      return { outcome: "already-drained", durationMs: Date.now() - started, steps };
    }
    if (first.operationMode !== "DRAINING") {
      if (first.nativeTransportRunning) await this.node.stopNativeTransport();
      mark("native-transport-stopped");
      const pause = Math.min(this.options.inFlightPauseMs, Math.max(0, remaining()));
      if (pause > 0) await sleep(pause);
      mark("in-flight-pause");
      await this.callDrain(remaining);
      mark("drain-called");
    }
    const mode = await this.waitForDrained(remaining);
    if (mode !== "DRAINED") {
      throw new DeadlineExceededError(
        `drain did not finish within ${this.options.deadlineMs} ms (operation mode ${mode}); ${AFTER_DEADLINE}`,
      );
    }
    mark("drained");
    return { outcome: "drained", durationMs: Date.now() - started, steps };
  }

  /** Calls drain(); a JMX timeout is not fatal, the mode poll that follows decides. */
  private async callDrain(remaining: () => number): Promise<void> {
    if (remaining() <= 0) return;
    try {
      await this.node.drain(remaining());
    } catch (error) {
      if (!(error instanceof CassandraTimeoutError)) throw error;
    }
  }

  private async waitForDrained(remaining: () => number): Promise<OperationMode | "unknown"> {
    let mode: OperationMode | "unknown" = "unknown";
    do {
      const status = await this.node
        .status({ timeoutMs: Math.max(1, Math.min(5_000, remaining())) })
        .catch(() => undefined);
      mode = status?.operationMode ?? mode;
      if (mode === "DRAINED") return mode;
      await sleep(Math.min(this.options.pollIntervalMs ?? 250, Math.max(0, remaining())));
    } while (remaining() > 0);
    return mode;
  }
}
