/**
 * The agent's one error hierarchy. Every failure the agent knows about is an `AgentError` with a stable
 * kebab-case `code`, the HTTP status it maps to and whether retrying may help. The HTTP layer renders
 * these as RFC 9457 problem documents; anything that is not an `AgentError` becomes a generic 500 so that
 * no class name, stack trace or raw JMX message ever reaches a client.
 */
export interface AgentErrorOptions {
  cause?: unknown;
  /** Extra, client-safe fields for the problem document (for example the field that failed validation). */
  details?: Record<string, unknown>;
}

export abstract class AgentError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;
  readonly retryable: boolean = false;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: AgentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }
}

/** The request itself is wrong: a bad field, an unknown keyspace name, a missing confirmation. */
export class ValidationError extends AgentError {
  readonly code = "validation-failed";
  readonly status = 400;
  readonly title = "Invalid request";
}

export class NotFoundError extends AgentError {
  readonly code = "not-found";
  readonly status = 404;
  readonly title = "Not found";
}

export class UnauthorizedError extends AgentError {
  readonly code = "unauthorized";
  readonly status = 401;
  readonly title = "Authentication required";
}

/** Another operation holds the node (a drain, a decommission, a repair …). */
export class ConflictError extends AgentError {
  readonly code = "conflict";
  readonly status = 409;
  readonly title = "Conflicting operation";
}

/** The API cannot authenticate anyone right now: no token configured, or the token file is unreadable. */
export class ApiUnavailableError extends AgentError {
  readonly code = "api-unavailable";
  readonly status = 503;
  readonly title = "The API is not available";
}

/** Cassandra's JVM did not answer: connection refused, reset, or nothing listening. */
export class CassandraUnavailableError extends AgentError {
  readonly code = "cassandra-unavailable";
  readonly status = 503;
  readonly title = "Cassandra is not reachable";
  override readonly retryable = true;
}

/** Cassandra's JVM accepted the connection but did not answer within the bound (GC pause, hang, SIGSTOP). */
export class CassandraTimeoutError extends AgentError {
  readonly code = "cassandra-timeout";
  readonly status = 504;
  readonly title = "Cassandra did not answer in time";
  override readonly retryable = true;
}

/** A JMX call reached Cassandra and Cassandra refused or failed it. */
export class CassandraOperationError extends AgentError {
  readonly code: string = "cassandra-operation-failed";
  readonly status: number = 502;
  readonly title: string = "Cassandra refused the operation";
}

/**
 * Cassandra refused the call's arguments (an unknown keyspace, table or data center: its
 * IllegalArgumentException). The request was wrong, not the node, so this is a 4xx.
 */
export class CassandraRejectedError extends CassandraOperationError {
  override readonly code = "cassandra-rejected-request";
  override readonly status = 422;
  override readonly title = "Cassandra rejected the request";
}

/** The MBean or attribute does not exist (a service not yet registered, or another Cassandra version). */
export class CassandraMBeanNotFoundError extends AgentError {
  readonly code = "cassandra-mbean-not-found";
  readonly status = 503;
  readonly title = "Cassandra does not expose this yet";
  override readonly retryable = true;
}

/** The agent's configuration is invalid; raised at start-up only. */
export class ConfigError extends AgentError {
  readonly code = "invalid-configuration";
  readonly status = 500;
  readonly title = "Invalid configuration";
}

/** An object store answered with an error or could not be reached. */
export class ObjectStoreError extends AgentError {
  readonly code = "object-store-failed";
  readonly status = 502;
  readonly title = "Object store failed";
  /** Throttling, 5xx answers and dropped connections are worth retrying; a 403 or a missing bucket is not. */
  override readonly retryable: boolean;

  constructor(message: string, options: AgentErrorOptions & { retryable?: boolean } = {}) {
    super(message, options);
    this.retryable = options.retryable ?? false;
  }
}

/** Stored data does not match what was recorded: a checksum or size mismatch, a missing object. */
export class IntegrityError extends AgentError {
  readonly code = "integrity-check-failed";
  readonly status = 422;
  readonly title = "Integrity check failed";
}

/** A deadline the operation was given passed before it finished. */
export class DeadlineExceededError extends AgentError {
  readonly code = "deadline-exceeded";
  readonly status = 504;
  readonly title = "Deadline exceeded";
}

export function isAgentError(error: unknown): error is AgentError {
  return error instanceof AgentError;
}
