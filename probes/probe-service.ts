import type { CassandraNode } from "../agent/cassandra/node.js";
import { CassandraTimeoutError, CassandraUnavailableError } from "../agent/errors.js";
import type { Logger } from "../agent/logger.js";
import { assess, type ProbeName, type ProbeThresholds, type ProbeVerdict } from "./assess.js";
import { emptyObservation, type Observation, type PollOutcome } from "./observation.js";

export interface ProbeServiceOptions extends ProbeThresholds {
  /** How often Cassandra is polled in the background. */
  pollPeriodMs: number;
  /** Bound on one poll; a hung JVM shows as a timeout after this long. */
  pollTimeoutMs: number;
  /** Also run a trivial CQL query on each poll and make readiness depend on it. */
  cqlCheck: boolean;
  now?: () => number;
  onPoll?: (observation: Readonly<Observation>) => void;
}

function outcomeOf(error: unknown): PollOutcome {
  if (error instanceof CassandraUnavailableError) return "unreachable";
  if (error instanceof CassandraTimeoutError) return "timeout";
  // Any other typed answer (an MBean not registered yet, an odd value) came from a live JVM.
  return "answered-not-ready";
}

/**
 * Polls the node in the background and answers probes from what it last saw, so a probe never waits on
 * Jolokia: a slow JMX call elsewhere (a snapshot, a repair, a big metrics read) cannot slow the kubelet's
 * requests, and a hung JVM shows up as an old observation rather than a hung probe. Polls never overlap.
 */
export class ProbeService {
  private observation: Observation = emptyObservation();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly node: CassandraNode,
    private readonly options: ProbeServiceOptions,
    private readonly logger?: Logger,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Verdict for one probe, computed from the cached observation: no I/O, constant time. */
  verdict(probe: ProbeName): ProbeVerdict {
    return assess(probe, this.observation, this.now(), this.options);
  }

  snapshot(): Readonly<Observation> {
    return this.observation;
  }

  /** Makes readiness fail from now on; called first thing by the drain sequence. */
  markDrainRequested(requested = true): void {
    this.observation = { ...this.observation, drainRequested: requested };
  }

  /** One poll; exposed so tests and the drain can refresh the view without waiting for the timer. */
  pollOnce(): Promise<void> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async poll(): Promise<void> {
    const previous = this.observation.lastOutcome;
    const next: Observation = { ...this.observation };
    try {
      next.status = await this.node.status({ timeoutMs: this.options.pollTimeoutMs });
      next.statusAt = next.lastAnswerAt = this.now();
      next.lastOutcome = "answered";
      next.lastError = undefined;
      if (this.options.cqlCheck)
        next.cqlOk = await this.node.cqlPing(this.options.pollTimeoutMs).then(
          () => true,
          () => false,
        );
    } catch (error) {
      next.lastOutcome = outcomeOf(error);
      next.lastError = error instanceof Error ? error.message : String(error);
      if (next.lastOutcome === "answered-not-ready") next.lastAnswerAt = this.now();
    }
    next.lastPollAt = this.now();
    // Keep a drain request made while this poll was in flight, unless a new JVM has started since
    // (the container was restarted while this sidecar lived on): a drain is over once its JVM is gone.
    const restarted =
      next.status !== undefined &&
      this.observation.status !== undefined &&
      next.status !== this.observation.status &&
      next.status.uptimeMs < this.observation.status.uptimeMs;
    next.drainRequested = this.observation.drainRequested && !restarted;
    this.observation = next;
    if (next.lastOutcome !== previous) {
      this.logger?.info(
        { outcome: next.lastOutcome, mode: next.status?.operationMode, error: next.lastError },
        "cassandra poll outcome changed",
      );
    }
    this.options.onPoll?.(next);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async () => {
      const started = this.now();
      await this.pollOnce();
      if (!this.running) return;
      const wait = Math.max(0, this.options.pollPeriodMs - (this.now() - started));
      this.timer = setTimeout(() => void loop(), wait);
      this.timer.unref();
    };
    void loop();
  }

  /** Stops polling; waits for a poll in flight, but never longer than one poll's bound. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    let bound: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      bound = setTimeout(resolve, this.options.pollTimeoutMs);
    });
    await Promise.race([this.inFlight, timeout]);
    clearTimeout(bound);
  }
}
