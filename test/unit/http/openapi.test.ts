import request from "supertest";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../agent/operations/catalog.js";
import { testApi } from "../../support/api-app.js";

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
        parameters: { name: string; in: string; schema: { pattern?: string } }[];
      }
    >
  >;
}

async function document(): Promise<Doc> {
  const { app, auth } = testApi();
  const res = await request(app).get("/api/v1/openapi.json").set("authorization", auth);
  expect(res.status).toBe(200);
  return res.body as Doc;
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document behind the same authentication", async () => {
    const { app } = testApi();
    expect((await request(app).get("/api/v1/openapi.json")).status).toBe(401);
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    expect(JSON.stringify(doc)).not.toContain("$schema");
  });

  it("documents every operation with the body schema that validates it: strict, with the identifier rule", async () => {
    const doc = await document();
    for (const op of OPERATIONS) {
      const post = doc.paths[`/api/v1/node/${op.name}`]?.post;
      expect(post, op.name).toBeDefined();
      const schema = post?.requestBody?.content["application/json"]?.schema;
      expect(schema?.additionalProperties, op.name).toBe(false);
      expect(post?.parameters.map((p) => p.name)).toContain("Idempotency-Key");
    }
    const cleanup = doc.paths["/api/v1/node/cleanup"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(cleanup).toMatchObject({ properties: { keyspace: { pattern: "^[A-Za-z0-9_]{1,48}$" } } });
    const decommission =
      doc.paths["/api/v1/node/decommission"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(decommission).toMatchObject({ required: ["confirm"], properties: { confirm: { const: true } } });
  });

  it("documents path and query parameters from the route schemas", async () => {
    const doc = await document();
    expect(doc.paths["/api/v1/jobs/{id}"]?.get?.parameters).toEqual([
      expect.objectContaining({
        name: "id",
        in: "path",
        schema: expect.objectContaining({ format: "uuid" }),
      }),
    ]);
    const ring = doc.paths["/api/v1/ring"]?.get?.parameters ?? [];
    expect(ring).toEqual([expect.objectContaining({ name: "keyspace", in: "query" })]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/node",
        "/api/v1/jobs",
        "/api/v1/node/snapshots",
        "/api/v1/openapi.json",
      ]),
    );
  });
});
