import { AgentError } from "../agent/errors.js";

/** A backup stopped because it was asked to (a cancelled job, the agent shutting down); nothing is wrong. */
export class BackupCancelledError extends AgentError {
  readonly code = "backup-cancelled";
  readonly status = 409;
  readonly title = "Backup cancelled";
}
