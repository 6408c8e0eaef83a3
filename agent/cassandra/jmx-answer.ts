import type { z } from "zod";
import { CassandraOperationError } from "../errors.js";

/**
 * Checks a JMX answer's shape. Another Cassandra version answering differently becomes a typed
 * `CassandraOperationError` naming what was read, not a bare 500.
 */
export function jmxAnswer<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new CassandraOperationError(`unexpected answer from Cassandra for ${what}`);
  return result.data;
}
