import type { Observation } from "./observation.js";

export type ProbeName = "startup" | "liveness" | "readiness";

export interface ProbeCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/** A probe's verdict with the checks behind it; the HTTP status (200/503) follows `pass`. */
export interface ProbeVerdict {
  probe: ProbeName;
  pass: boolean;
  checks: ProbeCheck[];
  /** Age of the status the verdict is based on, in ms (null before any status was read). */
  observationAgeMs: number | null;
  /** True when that status is older than the staleness bound. */
  stale: boolean;
}

export interface ProbeThresholds {
  /** How long the JVM may go without answering before liveness fails (must exceed long GC pauses). */
  livenessWindowMs: number;
  /** How old the last good status may be for readiness to still trust it during a short pause. */
  readinessStaleMs: number;
}

function age(at: number | undefined, now: number): number | null {
  return at === undefined ? null : Math.max(0, now - at);
}

function verdict(
  probe: ProbeName,
  checks: ProbeCheck[],
  obs: Observation,
  now: number,
  staleMs: number,
): ProbeVerdict {
  const observationAgeMs = age(obs.statusAt, now);
  return {
    probe,
    pass: checks.every((c) => c.ok),
    checks,
    observationAgeMs,
    stale: observationAgeMs === null || observationAgeMs > staleMs,
  };
}

/**
 * Startup passes once the JVM answers through Jolokia with Cassandra's services registered (a status read
 * succeeded on the latest poll). It says nothing about the ring, so liveness needs no long initial delay.
 */
export function assessStartup(obs: Observation, now: number, t: ProbeThresholds): ProbeVerdict {
  const registered = obs.lastOutcome === "answered";
  return verdict(
    "startup",
    [
      {
        name: "jmx-services-registered",
        ok: registered,
        detail: registered ? undefined : (obs.lastError ?? "no answer yet"),
      },
    ],
    obs,
    now,
    t.readinessStaleMs,
  );
}

/**
 * Liveness fails only when Cassandra is dead or hung: nothing listens any more, or the JVM has not answered
 * for longer than the window. Ring state never fails it: JOINING for hours, LEAVING, DRAINING, DRAINED,
 * long compactions and peers being down all keep it passing, because a restart would not help any of them.
 */
export function assessLiveness(obs: Observation, now: number, t: ProbeThresholds): ProbeVerdict {
  const gone = obs.lastOutcome === "unreachable";
  const silentFor = age(obs.lastAnswerAt, now);
  const answering = silentFor !== null && silentFor <= t.livenessWindowMs;
  return verdict(
    "liveness",
    [
      { name: "process-listening", ok: !gone, detail: gone ? obs.lastError : undefined },
      {
        name: "jvm-answering",
        ok: answering,
        detail:
          silentFor === null
            ? "no answer yet"
            : `last answer ${silentFor} ms ago (window ${t.livenessWindowMs} ms)`,
      },
    ],
    obs,
    now,
    t.readinessStaleMs,
  );
}

/**
 * Readiness passes only when this node can serve clients: operation mode NORMAL, gossip and native
 * transport running, the node sees itself up, no drain under way, and (when enabled) CQL answers. Other
 * nodes being down never makes this node unready. A short pause (timeouts) keeps the last good status
 * for `readinessStaleMs`; a process that is gone fails at once.
 */
export function assessReadiness(obs: Observation, now: number, t: ProbeThresholds): ProbeVerdict {
  const s = obs.status;
  const statusAge = age(obs.statusAt, now);
  const fresh =
    obs.lastOutcome === "answered" ||
    (obs.lastOutcome === "timeout" && statusAge !== null && statusAge <= t.readinessStaleMs);
  const checks: ProbeCheck[] = [
    {
      name: "status-fresh",
      ok: fresh && s !== undefined,
      detail: fresh ? undefined : (obs.lastError ?? "no status yet"),
    },
    { name: "operation-mode-normal", ok: s?.operationMode === "NORMAL", detail: s?.operationMode },
    { name: "gossip-running", ok: s?.gossipRunning === true },
    { name: "native-transport-running", ok: s?.nativeTransportRunning === true },
    {
      name: "sees-itself-up",
      ok: s?.endpoint != null && s.liveEndpoints.includes(s.endpoint),
      detail: s?.endpoint ?? undefined,
    },
    { name: "not-draining", ok: !obs.drainRequested && s?.draining !== true && s?.drained !== true },
  ];
  if (obs.cqlOk !== undefined) checks.push({ name: "cql-answers", ok: obs.cqlOk });
  return verdict("readiness", checks, obs, now, t.readinessStaleMs);
}

export function assess(probe: ProbeName, obs: Observation, now: number, t: ProbeThresholds): ProbeVerdict {
  if (probe === "startup") return assessStartup(obs, now, t);
  if (probe === "liveness") return assessLiveness(obs, now, t);
  return assessReadiness(obs, now, t);
}
