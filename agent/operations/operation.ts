import type { z } from "zod";
import type { CassandraNode } from "../cassandra/node.js";
import type { JobContext } from "../jobs/job.js";

/**
 * One operation the API runs as a job: its request schema (which is also its OpenAPI body), whether it must
 * not overlap other exclusive jobs on the node, and the function that does it through the Cassandra port.
 */
export interface OperationDef<S extends z.ZodType = z.ZodType> {
  /** The job type and the path segment: `POST /api/v1/node/<name>`. */
  name: string;
  summary: string;
  exclusive: boolean;
  body: S;
  run(node: CassandraNode, input: z.output<S>, ctx: JobContext): Promise<unknown>;
}

/** Keeps the body's type tied to `run`'s input while collecting definitions in one list. */
export function defineOperation<S extends z.ZodType>(def: OperationDef<S>): OperationDef {
  return def as unknown as OperationDef;
}
