import { createLogger, type Logger } from "../../agent/logger.js";

/** A logger that writes nothing, for tests that do not look at log lines. */
export function silentLogger(): Logger {
  return createLogger("silent");
}
