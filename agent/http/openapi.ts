import { z } from "zod";
import type { ApiRouteSpec } from "./api-route.js";
import { idempotencyKey } from "./schemas.js";

/** The problem document every error answers with (RFC 9457), as a schema for the OpenAPI document. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    retryable: z.boolean(),
    instance: z.string().optional(),
    field: z.string().optional(),
  })
  .loose();

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === "path" || !field.safeParse(undefined).success,
    schema: jsonSchema(field, "input"),
    ...(field.description ? { description: field.description } : {}),
  }));
}

const PROBLEM = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };

function responses(spec: ApiRouteSpec): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const headers = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([n, d]) => [
        n,
        { description: d, schema: { type: "string" } },
      ]),
    );
    out[status] = {
      description: response.description,
      ...(response.schema
        ? { content: { "application/json": { schema: jsonSchema(response.schema, "output") } } }
        : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
  }
  out["400"] ??= { description: "invalid request; the problem names the field", content: PROBLEM };
  out["401"] = { description: "missing or wrong bearer token", content: PROBLEM };
  out.default = { description: "an error, as a problem document", content: PROBLEM };
  return out;
}

const IDEMPOTENCY_KEY = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "a retried request with the same key returns the job the first one started",
  schema: jsonSchema(idempotencyKey, "input"),
};

function operation(spec: ApiRouteSpec): JsonSchema {
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    parameters: [
      ...parameters(spec.params, "path"),
      ...parameters(spec.query, "query"),
      ...(spec.responses[202] ? [IDEMPOTENCY_KEY] : []),
    ],
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(spec.body, "input") } },
          },
        }
      : {}),
    responses: responses(spec),
  };
}

/** Builds the OpenAPI 3.1 document from the registered route specs: the same schemas that validate requests. */
export function openApiDocument(specs: readonly ApiRouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of specs) (paths[spec.path] ??= {})[spec.method] = operation(spec);
  return {
    openapi: "3.1.0",
    info: {
      title: "cassandra-pod-agent operator API",
      version,
      description: "Node and ring state of one Cassandra node, and operations on it run as tracked jobs.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      schemas: { Problem: jsonSchema(problemSchema, "output") },
    },
  };
}
