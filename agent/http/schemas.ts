import { z } from "zod";
import { jobRecordSchema } from "../jobs/job.js";

/**
 * Schemas shared by the API's routes. Keyspace and table names follow Cassandra's rule for unquoted
 * identifiers (letters, digits, underscore, at most 48 characters), which also keeps every name that reaches
 * a JMX call or a file path free of separators, dots and quotes.
 */
export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,48}$/, "must be 1–48 letters, digits or underscores");
export const keyspaceName = identifier.describe("a keyspace name");
export const tableName = identifier.describe("a table name");

/** Snapshot tags become directory names: the same safe alphabet plus `-` and `.` (never leading). */
export const snapshotTag = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
    "must be 1–128 letters, digits, '_', '-' or '.', not starting with '.' or '-'",
  )
  .refine((tag) => !tag.includes(".."), "must not contain '..'");

/** An `Idempotency-Key` header: printable ASCII without spaces, as most APIs accept. */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, "must be 1–128 printable ASCII characters");

export const jobIdParams = z.strictObject({ id: z.uuid().describe("a job ID") });

export { jobRecordSchema };

/** The body of a 202: the job's ID and where to poll it. */
export const acceptedSchema = z.object({ id: z.uuid(), location: z.string(), job: jobRecordSchema });
