import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log line. The agent handles an API bearer token, Jolokia
 * and CQL passwords and object-store credentials; none of them may reach a log.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "password",
  "token",
  "secretAccessKey",
  "sessionToken",
  "*.password",
  "*.token",
  "*.secretAccessKey",
  "*.sessionToken",
  "*.authorization",
];

/** A JSON logger writing to stdout (or the given stream), with secrets redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: "cassandra-pod-agent" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
