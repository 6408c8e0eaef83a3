import { Writable } from "node:stream";
import { createLogger } from "../../agent/logger.js";
import type { AppDeps } from "../../agent/server.js";
import { ProbeService } from "../../probes/probe-service.js";
import { Drainer } from "../../agent/operations/drain.js";
import { FakeCassandraNode } from "./fakes/fake-cassandra-node.js";

/** A logger whose lines are kept in memory, so tests can assert what was (and was not) logged. */
export function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger("debug", stream) };
}

/** `createApp` dependencies built from fakes; pass what a test needs to control. */
export function fakeDeps(overrides: Partial<AppDeps> = {}): AppDeps {
  const node = overrides.node ?? new FakeCassandraNode();
  const logger = overrides.logger ?? capturedLogger().logger;
  const probes =
    overrides.probes ??
    new ProbeService(node, {
      pollPeriodMs: 1_000,
      pollTimeoutMs: 1_000,
      livenessWindowMs: 30_000,
      readinessStaleMs: 10_000,
      cqlCheck: false,
    });
  const drainer =
    overrides.drainer ??
    new Drainer(node, probes, { deadlineMs: 5_000, inFlightPauseMs: 0, pollIntervalMs: 5 }, logger);
  return { logger, node, probes, drainer, ...overrides };
}
