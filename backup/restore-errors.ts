import { AgentError } from "../agent/errors.js";

/** The backup has no manifest under this node (or the named host ID): it never finished, or never was. */
export class BackupNotFoundError extends AgentError {
  readonly code = "backup-not-found";
  readonly status = 404;
  readonly title = "Backup not found";
}

/** The manifest is there but cannot be trusted to describe a whole backup (invalid, or totals disagree). */
export class BackupIncompleteError extends AgentError {
  readonly code = "backup-incomplete";
  readonly status = 422;
  readonly title = "Backup incomplete";
}

/** A table exists with another ID or with columns that disagree with the backup's; the restore guesses not. */
export class SchemaConflictError extends AgentError {
  readonly code = "schema-conflict";
  readonly status = 409;
  readonly title = "Schema conflicts with the backup";
}

/** Not enough free space in the data directory for the files to restore. */
export class InsufficientSpaceError extends AgentError {
  readonly code = "insufficient-disk-space";
  readonly status = 507;
  readonly title = "Insufficient disk space";
}
