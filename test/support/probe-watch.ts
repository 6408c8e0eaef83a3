import { setTimeout as sleep } from "node:timers/promises";
import type { ProbeVerdict } from "../../probes/assess.js";
import { ProbeService } from "../../probes/probe-service.js";
import type { NodeSpec } from "./cassandra/node-spec.js";
import { cassandraNodeFor } from "./local-agent-node.js";

export interface Sample {
  at: number;
  outcome: string | undefined;
  mode: string | undefined;
  startup: boolean;
  liveness: boolean;
  readiness: ProbeVerdict;
}

/**
 * An in-process probe service on a harness node that records every verdict at each poll, so a test can
 * assert over the whole sequence a node went through (not just where it ended).
 */
export function watchProbes(
  spec: NodeSpec,
  options: { pollPeriodMs?: number; livenessWindowMs?: number } = {},
) {
  const node = cassandraNodeFor(spec, 1_000);
  const samples: Sample[] = [];
  const t0 = Date.now();
  const probes: ProbeService = new ProbeService(node, {
    pollPeriodMs: options.pollPeriodMs ?? 100,
    pollTimeoutMs: 1_000,
    livenessWindowMs: options.livenessWindowMs ?? 3_000,
    readinessStaleMs: 1_000,
    cqlCheck: false,
    onPoll: (obs) => {
      samples.push({
        at: Date.now() - t0,
        outcome: obs.lastOutcome,
        mode: obs.status?.operationMode,
        startup: probes.verdict("startup").pass,
        liveness: probes.verdict("liveness").pass,
        readiness: probes.verdict("readiness"),
      });
    },
  });
  probes.start();
  return {
    probes,
    samples,
    /** Waits until `predicate` holds for the current verdicts, polling every 50 ms. */
    async until(
      predicate: (p: ProbeService) => boolean,
      timeoutMs = 60_000,
      what = "condition",
    ): Promise<number> {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        if (predicate(probes)) return Date.now() - started;
        await sleep(50);
      }
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last samples:\n${JSON.stringify(samples.slice(-5), null, 1)}`,
      );
    },
    async close() {
      await probes.stop();
      await node.close();
    },
  };
}
