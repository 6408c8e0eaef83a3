import type { z } from "zod";
import { ValidationError } from "../errors.js";

/** One failed field: where it is (`body.keyspace`, `query.limit`, `params.id`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

function fieldName(where: string, issue: z.core.$ZodIssue): string {
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const base = [where, ...issue.path.map(String)].join(".");
  return keys.length > 0 ? `${base}.${keys.join(",")}` : base;
}

/**
 * Parses one part of a request with its zod schema, or throws a `ValidationError` whose problem document
 * names every bad field. Messages are zod's own; they quote the rule (a pattern, a bound), never the input.
 */
export function parsePart<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldProblem[] = result.error.issues.map((issue) => ({
    field: fieldName(where, issue),
    message: issue.code === "unrecognized_keys" ? "unknown field" : issue.message,
  }));
  const first = errors[0] ?? { field: where, message: "invalid" };
  throw new ValidationError(`${first.field}: ${first.message}`, {
    details: { field: first.field, errors },
  });
}
