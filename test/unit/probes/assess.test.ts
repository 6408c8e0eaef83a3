import { describe, expect, it } from "vitest";
import { OPERATION_MODES, type NodeStatus } from "../../../agent/cassandra/node.js";
import { assessLiveness, assessReadiness, assessStartup } from "../../../probes/assess.js";
import { emptyObservation, type Observation, type PollOutcome } from "../../../probes/observation.js";
import { normalStatus } from "../../support/fakes/fake-cassandra-node.js";

const T = { livenessWindowMs: 30_000, readinessStaleMs: 10_000 };
const NOW = 1_000_000;
const MODES = OPERATION_MODES;

function observed(overrides: Partial<Observation> = {}, status = normalStatus()): Observation {
  return {
    ...emptyObservation(),
    lastOutcome: "answered",
    lastPollAt: NOW,
    status,
    statusAt: NOW,
    lastAnswerAt: NOW,
    ...overrides,
  };
}

describe("readiness", () => {
  it.each(MODES)("in operation mode %s passes only for NORMAL", (mode) => {
    const verdict = assessReadiness(observed({}, normalStatus({ operationMode: mode })), NOW, T);
    expect(verdict.pass).toBe(mode === "NORMAL");
    expect(verdict.checks.find((c) => c.name === "operation-mode-normal")).toMatchObject({
      ok: mode === "NORMAL",
      detail: mode,
    });
  });

  it.each([
    ["gossip stopped", { gossipRunning: false }, "gossip-running"],
    ["native transport stopped", { nativeTransportRunning: false }, "native-transport-running"],
    ["node not in its own live set", { liveEndpoints: ["127.0.0.2:7000"] }, "sees-itself-up"],
    ["endpoint unknown", { endpoint: null }, "sees-itself-up"],
    ["draining", { draining: true }, "not-draining"],
    ["drained", { drained: true }, "not-draining"],
  ] as [string, Partial<NodeStatus>, string][])(
    "fails when %s, naming the check",
    (_label, overrides, check) => {
      const verdict = assessReadiness(observed({}, normalStatus(overrides)), NOW, T);
      expect(verdict.pass).toBe(false);
      expect(verdict.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([check]);
    },
  );

  it("fails at once when a drain is requested, before Cassandra reports anything", () => {
    expect(assessReadiness(observed({ drainRequested: true }), NOW, T).pass).toBe(false);
  });

  it("does not fail because other nodes are down (no cascade)", () => {
    const status = normalStatus({
      liveEndpoints: ["127.0.0.1:7000"],
      unreachableEndpoints: ["127.0.0.2:7000", "127.0.0.3:7000"],
    });
    expect(assessReadiness(observed({}, status), NOW, T).pass).toBe(true);
  });

  it.each<[PollOutcome, number, boolean]>([
    ["answered", 0, true],
    ["timeout", 5_000, true],
    ["timeout", 10_001, false],
    ["unreachable", 500, false],
    ["answered-not-ready", 500, false],
  ])("after a poll that ended %s with the last status %i ms old: pass=%s", (outcome, statusAge, pass) => {
    const verdict = assessReadiness(observed({ lastOutcome: outcome, statusAt: NOW - statusAge }), NOW, T);
    expect(verdict.pass).toBe(pass);
    expect(verdict.observationAgeMs).toBe(statusAge);
    expect(verdict.stale).toBe(statusAge > T.readinessStaleMs);
  });

  it("fails before any poll completed, and says the observation is stale", () => {
    const verdict = assessReadiness(emptyObservation(), NOW, T);
    expect(verdict).toMatchObject({ pass: false, stale: true, observationAgeMs: null });
  });

  it("requires CQL when the optional check is on", () => {
    expect(assessReadiness(observed({ cqlOk: false }), NOW, T).pass).toBe(false);
    expect(assessReadiness(observed({ cqlOk: true }), NOW, T).pass).toBe(true);
  });
});

describe("liveness", () => {
  it.each(MODES)("passes in operation mode %s: ring state never restarts a node", (mode) => {
    const status = normalStatus({
      operationMode: mode,
      gossipRunning: mode !== "DRAINED",
      nativeTransportRunning: false,
    });
    expect(assessLiveness(observed({}, status), NOW, T).pass).toBe(true);
  });

  it("passes while peers are down", () => {
    const status = normalStatus({ unreachableEndpoints: ["127.0.0.2:7000"] });
    expect(assessLiveness(observed({}, status), NOW, T).pass).toBe(true);
  });

  it.each<[PollOutcome, number, boolean]>([
    ["timeout", 3_000, true],
    ["timeout", 29_999, true],
    ["timeout", 30_001, false],
    ["answered-not-ready", 0, true],
    ["unreachable", 1_000, false],
  ])("after a poll that ended %s, silent for %i ms: pass=%s", (outcome, silence, pass) => {
    const verdict = assessLiveness(observed({ lastOutcome: outcome, lastAnswerAt: NOW - silence }), NOW, T);
    expect(verdict.pass).toBe(pass);
  });

  it("fails before the JVM ever answered", () => {
    expect(assessLiveness(emptyObservation(), NOW, T).pass).toBe(false);
  });
});

describe("startup", () => {
  it.each<[PollOutcome | undefined, boolean]>([
    [undefined, false],
    ["unreachable", false],
    ["answered-not-ready", false],
    ["timeout", false],
    ["answered", true],
  ])("after a poll that ended %s: pass=%s", (outcome, pass) => {
    expect(assessStartup(observed({ lastOutcome: outcome }), NOW, T).pass).toBe(pass);
  });

  it.each(MODES)(
    "passes in mode %s once services answer, so a long bootstrap is not a failed start",
    (mode) => {
      expect(assessStartup(observed({}, normalStatus({ operationMode: mode })), NOW, T).pass).toBe(true);
    },
  );
});
