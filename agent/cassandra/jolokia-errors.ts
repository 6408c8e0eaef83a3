import {
  type AgentError,
  CassandraMBeanNotFoundError,
  CassandraOperationError,
  CassandraRejectedError,
  CassandraTimeoutError,
  CassandraUnavailableError,
} from "../errors.js";

/**
 * The one place that turns what Jolokia and the network report into the agent's typed errors. Jolokia answers
 * HTTP 200 for a failed JMX call and puts the JMX status and exception class inside each bulk entry; the
 * transport itself fails with fetch's own errors. Nothing else in the agent inspects error text.
 */

/** JMX exception classes (Jolokia's `error_type`) meaning "this MBean or attribute is not there (yet)". */
const NOT_FOUND_TYPES = new Set([
  "javax.management.InstanceNotFoundException",
  "javax.management.AttributeNotFoundException",
]);

/** Exceptions Cassandra throws for arguments it refuses (unknown keyspace, table or data center). */
const REJECTED_TYPES = new Set(["java.lang.IllegalArgumentException"]);

/** A failed entry of a Jolokia answer: JMX status plus the exception class and message. */
export interface JolokiaEntryError {
  status: number;
  error_type?: string;
  error?: string;
}

export function entryError(entry: JolokiaEntryError, what: string): AgentError {
  const type = entry.error_type ?? "unknown";
  const message = `${what}: ${entry.error ?? type}`;
  if (entry.status === 404 || NOT_FOUND_TYPES.has(type)) return new CassandraMBeanNotFoundError(message);
  if (REJECTED_TYPES.has(type)) return new CassandraRejectedError(message);
  // The exception class stays in the log (cause), never in the problem document.
  return new CassandraOperationError(message, {
    details: { jmxStatus: entry.status },
    cause: { errorType: type },
  });
}

/** Maps a thrown transport failure (fetch error, abort, non-200 Response) to a typed error. */
export function transportError(error: unknown, url: string, timeoutMs: number): AgentError {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new CassandraTimeoutError(`Jolokia at ${url} did not answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  if (error instanceof Response) {
    const message = `Jolokia at ${url} answered HTTP ${error.status}`;
    if (error.status === 401 || error.status === 403) {
      return new CassandraOperationError(`${message}: check the Jolokia credentials and access policy`);
    }
    return new CassandraUnavailableError(message);
  }
  const code = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new CassandraUnavailableError(`Jolokia at ${url} is not reachable (${reason})`, { cause: error });
}
