import type { NodeStatus } from "../agent/cassandra/node.js";

/**
 * How the last poll of Cassandra ended. `answered-*` means the JVM answered over Jolokia (so it is alive),
 * `timeout` that it accepted the connection but said nothing in time (GC pause, hang, SIGSTOP), and
 * `unreachable` that nothing listens (the process is gone, or has not started its Jolokia agent yet).
 */
export type PollOutcome = "answered" | "answered-not-ready" | "timeout" | "unreachable";

/** What the background poller knows, from which every probe verdict is computed without I/O. */
export interface Observation {
  /** Outcome of the most recent completed poll, or undefined before the first one finished. */
  lastOutcome: PollOutcome | undefined;
  /** When the most recent poll completed. */
  lastPollAt: number | undefined;
  /** The status from the most recent successful read, and when it was read. */
  status: NodeStatus | undefined;
  statusAt: number | undefined;
  /** When the JVM last answered anything at all (a status, or an error from a registered JMX service). */
  lastAnswerAt: number | undefined;
  /** Why the last poll failed, in words safe to show. */
  lastError: string | undefined;
  /** Result of the optional CQL check: undefined when the check is off. */
  cqlOk: boolean | undefined;
  /** Set by the drain sequence before it touches Cassandra, so readiness fails at once. */
  drainRequested: boolean;
}

export function emptyObservation(): Observation {
  return {
    lastOutcome: undefined,
    lastPollAt: undefined,
    status: undefined,
    statusAt: undefined,
    lastAnswerAt: undefined,
    lastError: undefined,
    cqlOk: undefined,
    drainRequested: false,
  };
}
